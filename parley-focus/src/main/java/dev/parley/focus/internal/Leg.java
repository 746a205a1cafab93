package dev.parley.focus.internal;

import dev.parley.dialog.Dialog;
import dev.parley.focus.ConferenceView;
import dev.parley.focus.ParticipantStatus;
import dev.parley.sip.Address;
import dev.parley.sip.SipUri;

/**
 * One participant's leg of a conference: who it is, its dialog with the focus once there is one,
 * and its roster status. Guarded by its {@link Conference}'s lock.
 */
final class Leg {
  final long id;
  /** The participant's AOR: the authenticated user, else the From URI (a guest). */
  final SipUri aor;
  final String displayName;
  /** Whether the server authenticated the participant as a user of the domain. */
  final boolean authenticated;
  ParticipantStatus status;
  Dialog dialog;
  boolean im;
  boolean audio;
  /** Whether the focus called the participant (a dial-out), rather than the other way round. */
  boolean dialedOut;
  /** Whether the participant holds the focus (its offer was sendonly or inactive). */
  boolean held;
  /** The leg's place in the conference's mix, or null without audio. */
  dev.parley.media.MixerParticipant mix;

  Leg(long id, SipUri aor, String displayName, boolean authenticated, ParticipantStatus status) {
    this.id = id;
    this.aor = aor;
    this.displayName = displayName;
    this.authenticated = authenticated;
    this.status = status;
  }

  /** The participant's AOR for a request's From (or To) and who authenticated. */
  static SipUri aorOf(Address from, String authenticatedUser, String domain) {
    if (authenticatedUser != null) {
      return SipUri.builder().user(authenticatedUser).host(domain).build();
    }
    if (from.uri() instanceof SipUri u) {
      return SipUri.builder().secure(u.isSecure()).user(u.user()).host(u.host())
          .port(u.port()).build();
    }
    return SipUri.builder().user("anonymous").host("anonymous.invalid").build();
  }

  ConferenceView.Participant view() {
    return new ConferenceView.Participant(aor.toString(), displayName, status, im, audio);
  }
}
