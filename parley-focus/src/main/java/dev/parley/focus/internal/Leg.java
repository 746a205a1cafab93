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
  /** The id of its dialog with the focus, known from our 2xx (before the ACK) or the dial-out's. */
  dev.parley.dialog.DialogId dialogId;
  /** Whether the participant's side of the audio sends (not recvonly): silence then means gone. */
  boolean peerSends = true;
  /**
   * The participant's audio direction as its last SDP gave it (RFC 4575 media status, from its
   * side): {@code recvonly} is a participant that muted itself, {@code sendonly} or
   * {@code inactive} one that holds the focus.
   */
  dev.parley.sip.body.MediaStatus audioStatus = dev.parley.sip.body.MediaStatus.SENDRECV;
  /** Relayed MESSAGEs of this participant still waiting for their recipients. */
  final java.util.concurrent.atomic.AtomicInteger relaying = new java.util.concurrent.atomic.AtomicInteger();
  boolean im;
  boolean audio;
  /** Whether the focus called the participant (a dial-out), rather than the other way round. */
  boolean dialedOut;
  /** Whether the participant holds the focus (its offer was sendonly or inactive). */
  boolean held;
  /** The leg's place in the conference's mix, or null without audio. */
  dev.parley.media.MixerParticipant mix;
  /** RTP packets received at the last media sweep, and since when that count has not moved. */
  long sweptPackets = -1;
  long silentSinceMillis = -1;
  /** The o= line of the last SDP the focus sent in this leg's dialog, or null before the first. */
  private dev.parley.sdp.Origin sentOrigin;

  Leg(long id, SipUri aor, String displayName, boolean authenticated, ParticipantStatus status) {
    this.id = id;
    this.aor = aor;
    this.displayName = displayName;
    this.authenticated = authenticated;
    this.status = status;
  }

  /**
   * The o= line for the next SDP the focus sends in this leg's dialog (RFC 3264 §8): a fresh one
   * at {@code host} first; then the last one sent with its version up by one (same username,
   * session id and address). Call {@link #sent} when that SDP goes out.
   */
  synchronized dev.parley.sdp.Origin nextOrigin(String host) {
    return sentOrigin == null ? FocusSdp.freshOrigin(host) : sentOrigin.withNextVersion();
  }

  /** An SDP with {@code origin} (from {@link #nextOrigin}) is going out in the leg's dialog. */
  synchronized void sent(dev.parley.sdp.Origin origin) {
    sentOrigin = origin;
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
