package dev.parley.client;

import dev.parley.sip.Uri;

/**
 * A party in a {@link Session} (UCCAPI's {@code IUccSessionParticipant}): the local user or a remote
 * one. Remote participants report state changes to their {@link Listener}s; the local participant
 * raises none (as in UCCAPI).
 *
 * <p>Thread-safe. Listener methods run on the endpoint's event executor, never on a network thread.
 */
public interface Participant {
  /** The participant's address: From of the invitation (sip, sips or tel), or the URI that was invited. */
  Uri uri();

  /** The display name the other side gave, or null. */
  String displayName();

  /** The current state (read it any time; it changes on network threads). */
  ParticipantState state();

  /** Whether this is the local user. */
  boolean isLocal();

  /** The session this participant belongs to. */
  Session session();

  /** Adds a listener for this participant's state changes. */
  void addListener(Listener listener);

  /** Removes a listener added with {@link #addListener}. */
  void removeListener(Listener listener);

  /** Participant events (UCCAPI's {@code _IUccSessionParticipantEvents}); every method is optional. */
  @FunctionalInterface
  interface Listener {
    /**
     * The participant changed state. The inviter learns the outcome of its invitation here:
     * CONNECTED on accept, DISCONNECTED with the reject reason's status code on reject.
     */
    void onStateChanged(Participant participant, ParticipantStateChangedEvent event);
  }
}
