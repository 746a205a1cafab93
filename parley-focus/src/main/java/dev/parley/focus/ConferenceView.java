package dev.parley.focus;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot of one conference, for status pages and tests.
 *
 * @param uri the conference URI ({@code sip:conf-...@domain})
 * @param conversationId its conversation ID (the creator's {@code Ms-Conversation-ID})
 * @param organizer the AOR of the user who created it
 * @param participants its legs, in the order they joined
 * @param subscriptions roster subscriptions open now
 */
public record ConferenceView(String uri, String conversationId, String organizer,
    List<Participant> participants, int subscriptions) {
  public ConferenceView {
    Objects.requireNonNull(uri, "uri");
    participants = List.copyOf(participants);
  }

  /**
   * One participant.
   *
   * @param uri the participant's AOR (the authenticated user, else the From URI)
   * @param displayName the display name it gave, or null
   * @param status where its leg is
   * @param im whether its leg carries session IM
   * @param audio whether its leg carries audio
   */
  public record Participant(String uri, String displayName, ParticipantStatus status, boolean im,
      boolean audio) {}
}
