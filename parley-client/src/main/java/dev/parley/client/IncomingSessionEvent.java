package dev.parley.client;

import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An invitation into a session (UCCAPI's {@code IUccIncomingSessionEvent}): the one handle for
 * answering it. Delivered to {@link SessionManager.Listener#onIncomingSession}, the first and only
 * chance to answer.
 *
 * <p>While it is undecided, the inviter hears 180 Ringing. It ends in exactly one way: accepted,
 * rejected, cancelled by the inviter (the inviter participant goes DISCONNECTED), or expired when
 * nobody answers within {@link Endpoint.Builder#invitationTimeout} (rejected with 480; the session
 * ends). Ignoring it is safe.
 *
 * <p>Thread-safe: answer inside the callback or later, from any thread. Blocking inside the
 * callback (a modal dialog) delays only this endpoint's events.
 */
public interface IncomingSessionEvent {
  /** The remote participant who sent the invitation: CONNECTED while it waits, DISCONNECTED if it cancelled. */
  Participant inviter();

  /** The session offered; read its type and context before accepting. */
  Session session();

  /**
   * The message that opened a pager-mode IM session: a peer without IM sessions (baresip,
   * Linphone, JsSIP) sent a MESSAGE outside any dialog. Its MESSAGE was already answered 200 (a
   * transaction cannot wait for a user); on {@link #accept()} it is delivered again as the
   * session's first {@link InstantMessagingSession.Listener#onMessageReceived}, followed by any
   * that arrived meanwhile. Empty for invitations by INVITE.
   */
  default Optional<InstantMessage> message() {
    return Optional.empty();
  }

  /**
   * Who asked for this invitation, from its {@code Referred-By} header (RFC 3892): for a
   * {@link SessionType#CONFERENCE} invitation, the participant who asked the focus to dial us out
   * ({@link #inviter()} is then the conference itself). Empty when the INVITE has none.
   */
  default Optional<Uri> referredBy() {
    return Optional.empty();
  }

  /**
   * The session this invitation replaces (RFC 3891): its INVITE has a {@code Replaces} header
   * naming the dialog of one of this endpoint's connected sessions, as when the other party of a
   * 1:1 session escalates it ({@link Session#escalateToConference}): a
   * {@link SessionType#CONFERENCE} invitation with the same conversation ID. Accepting ends the
   * replaced session (BYE, once the ACK has come); rejecting leaves it running. Empty for an
   * ordinary invitation (an INVITE whose {@code Replaces} names no session of ours never reaches
   * the application: it is answered 481).
   */
  default Optional<Session> replaces() {
    return Optional.empty();
  }

  /**
   * When the invitation expires if nobody answers it: its arrival plus
   * {@link Endpoint.Builder#invitationTimeout} (by the wall clock). An INVITE is then rejected
   * with 480; a pager-mode invitation ({@link #message()} present) ends without sending anything.
   * For a countdown ("12 s left"); the same after the invitation has ended.
   */
  Instant deadline();

  /** Whether the invitation still waits for an answer. */
  boolean isPending();

  /**
   * Accepts: answers 200 OK with our SDP answer.
   *
   * @return completes with the session once the inviter's ACK arrives; fails with
   *     {@link InvitationCancelledException} if the inviter cancelled first,
   *     {@link InvitationExpiredException} if it was already rejected for lack of an answer,
   *     {@link IllegalStateException} if it was already accepted or rejected, or
   *     {@link SessionException} subclasses for network failures. Never hangs: a missing ACK
   *     fails it after 64*T1.
   */
  CompletableFuture<Session> accept();

  /**
   * Accepts a {@link SessionType#CONFERENCE} invitation as {@link #accept()} does, taking
   * {@code media} too when the focus offered it: {@link ConferenceSession.Media#AUDIO} answers
   * the focus's audio line on an RTP socket of ours (see {@link ConferenceSession}, "Audio"); an
   * offer without one is answered with instant messaging only. With no {@code media}, the same as
   * {@link #accept()} (which, for a conference, refuses the audio line with port 0, unless the
   * invitation {@link #replaces()} an AUDIO_VIDEO session: a conference that continues a call
   * takes its audio line).
   *
   * @throws IllegalArgumentException if {@code media} is not empty and this is not a conference
   *     invitation
   * @throws NullPointerException if {@code media} or one of its elements is null
   */
  default CompletableFuture<Session> accept(ConferenceSession.Media... media) {
    java.util.Objects.requireNonNull(media, "media");
    if (media.length > 0) {
      throw new IllegalArgumentException("media: only a CONFERENCE invitation takes media, not "
          + session().type());
    }
    return accept();
  }

  /**
   * Rejects with {@code reason}'s status code (486 for BUSY, 603 for DECLINE...). The session ends.
   * For a pager-mode invitation ({@link #message()} present) nothing is sent now; later MESSAGEs
   * from the same peer are answered with that status until
   * {@link Endpoint.Builder#pagerSessionIdleTimeout} passes without one.
   *
   * @return false if the invitation was no longer pending (cancelled, expired, already answered)
   * @throws IllegalArgumentException if {@code reason} is {@link RejectReason#NOT_SPECIFIED}
   *     (the inviter would not learn why) or {@link RejectReason#FORWARDED} (use {@link #forward})
   * @throws NullPointerException if {@code reason} is null
   */
  boolean reject(RejectReason reason);

  /**
   * Forwards the invitation to {@code target}: 302 Moved Temporarily with {@code target} as the
   * Contact. The session ends here.
   *
   * @return false if the invitation was no longer pending
   */
  boolean forward(SipUri target);
}
