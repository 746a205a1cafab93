package dev.parley.client;

import dev.parley.sip.SipUri;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A communication session of one {@link SessionType} (UCCAPI's {@code IUccSession}): the local
 * participant and the remote ones. A two-party session (instant messaging, audio/video, application)
 * has one remote participant; it ends when that participant is disconnected, whatever the cause.
 *
 * <pre>{@code
 * Session im = endpoint.sessionManager().createSession(SessionType.INSTANT_MESSAGING, SessionContext.EMPTY);
 * im.addListener(new Session.Listener() {
 *   public void onParticipantAdded(Session s, Participant p) {
 *     p.addListener((who, e) -> System.out.println(who.uri() + " " + e.newState() + " " + e.reason()));
 *   }
 * });
 * im.addParticipant(SipUri.parse("sip:bob@192.0.2.7:5060"))
 *     .whenComplete((bob, failure) -> ...);   // failure: InvitationRejectedException (BUSY, DECLINE...)
 * }</pre>
 *
 * <p>Thread-safe: call from any thread. Futures complete, and listeners run, on the endpoint's
 * executor, never on a network thread.
 */
public interface Session {
  /**
   * This session's number: unique among the sessions of its {@link #endpoint()} (never reused
   * while the endpoint lives), stable for the session's life, counted from 1 in the order sessions
   * are created ({@link SessionManager#createSession}, or an incoming invitation becoming a
   * session). Local only: it never goes on the wire; the conversation ID
   * ({@link SessionContext#CONVERSATION_ID}) is what both sides share.
   */
  long id();

  /** The modality. */
  SessionType type();

  /** The properties, including the {@link SessionContext#CONVERSATION_ID}. */
  SessionContext context();

  /** The endpoint this session belongs to. */
  Endpoint endpoint();

  /** Whether the remote side created this session (it came through {@code onIncomingSession}). */
  boolean isIncoming();

  /** The local user in this session. */
  Participant localParticipant();

  /** Every participant still in the session, the local one first. */
  List<Participant> participants();

  /**
   * Invites {@code uri} into the session: sends the INVITE (with the session's SDP offer and the
   * {@code Ms-Conversation-ID} header). The participant appears at once (listeners hear
   * {@code onParticipantAdded}, then CONNECTING/TRYING, RINGING...).
   *
   * @return completes with the participant once it is CONNECTED; fails with
   *     {@link InvitationRejectedException} (reject or delivery failure) or
   *     {@link InvitationCancelledException} (this session was terminated first). An IM session
   *     falls back to pager mode (see {@link InstantMessagingSession}) when the peer answers 405,
   *     415, 488, 501 or 606: the participant is then CONNECTED without a dialog
   * @throws IllegalStateException if the session has ended or already has its remote participant
   *     (a {@link ConferenceSession} asks its focus to dial out instead: see there)
   */
  CompletableFuture<Participant> addParticipant(SipUri uri);

  /**
   * Removes a remote participant normally, as {@link #terminate()} does for every participant: BYE
   * when connected, CANCEL while its invitation is pending (neither with a {@code Reason}), the
   * invitation rejected with DECLINE (603) if it is ours to answer. Completes when it is
   * DISCONNECTED.
   *
   * @throws IllegalArgumentException if {@code participant} is local or not of this session
   */
  CompletableFuture<Void> removeParticipant(Participant participant);

  /**
   * Ends the session normally, a hang-up: BYE to connected participants and CANCEL for invitations
   * pending at the other side, neither with a {@code Reason} header (RFC 3326), so the other side
   * sees an ordinary hang-up (its participant DISCONNECTED with
   * {@link ParticipantStateChangeReason#REMOTE_HANGUP}, status 0, no reject reason); an invitation
   * still ours to answer is rejected with {@link RejectReason#DECLINE} (603), since nobody
   * answered it. Completes when the session has ended (see {@link #termination()}); completes at
   * once if it already has.
   */
  CompletableFuture<Void> terminate();

  /**
   * Ends the session for every participant with a reason the other side is told: BYE to connected
   * ones, CANCEL for invitations pending at the other side, a reject with {@code reason}'s status
   * for an invitation still ours to answer. The BYE and CANCEL carry
   * {@code Reason: SIP;cause=CODE;text="PHRASE"} (RFC 3326) with {@code reason}'s status code, so a
   * peer reports the session as, for example, declined (603) or busy (486): to hang up normally,
   * use {@link #terminate()}. Completes when the session has ended (see {@link #termination()});
   * completes at once if it already has.
   *
   * @throws IllegalArgumentException if {@code reason} is {@link RejectReason#NOT_SPECIFIED}
   * @throws NullPointerException if {@code reason} is null
   */
  CompletableFuture<Void> terminate(RejectReason reason);

  /**
   * Escalates this connected two-party session to a conference (UCCAPI's escalation; RFC 4579 and
   * RFC 3891), keeping its {@link SessionContext#CONVERSATION_ID}: creates a conference at the
   * endpoint's conference factory ({@link ConferenceSession#enter()}, with this session's
   * conversation ID and subject), asks the focus to bring the other party in with a REFER whose
   * {@code Refer-To} is its address of record with {@code ?Replaces=} naming this session's
   * dialog as the other party sees it (so its phone, or Parley endpoint, swaps the two), and once
   * the other party's conference leg is up ends this session (BYE) and asks the focus to invite
   * each of {@code extra} (plain REFERs; follow them in the conference's participants).
   *
   * <p>INSTANT_MESSAGING and AUDIO_VIDEO sessions escalate; the default throws. An AUDIO_VIDEO
   * session's conference carries audio ({@link ConferenceSession.Media#AUDIO}): until the other
   * party is in, the call goes on beside it; the other party's endpoint accepts the focus's
   * invitation with audio (a phone switches by itself; a Parley application's
   * {@link IncomingSessionEvent#accept()} takes the audio line of an invitation that replaces a
   * call).
   *
   * @return completes with the conference once the other party is in it (this session is then
   *     ending); fails with {@link InvitationRejectedException} when the focus refused or could not
   *     be reached, or the other party declined (the final sipfrag status of the focus's INVITE);
   *     after a failure this session is as it was and the conference has been left
   * @throws UnsupportedOperationException for session types that cannot escalate (APPLICATION,
   *     CONFERENCE)
   * @throws IllegalStateException if the session is not connected (ended, still inviting, a
   *     pager-mode peer without a dialog) or is escalating already
   * @throws IllegalArgumentException if an extra URI is the other party's or given twice, or
   *     there are more than 16
   * @throws NullPointerException if {@code extra} or one of its URIs is null
   */
  default CompletableFuture<ConferenceSession> escalateToConference(SipUri... extra) {
    throw new UnsupportedOperationException(
        "a " + type() + " session cannot be escalated to a conference");
  }

  /** Whether the session has ended. */
  boolean isTerminated();

  /**
   * The media streams negotiated by SDP offer and answer (RFC 3264), one per {@code m=} line in
   * order, rejected lines included (port 0): for an AUDIO_VIDEO session its audio and video, for an
   * IM session its {@code message} line. Empty until the answer is known (the 200 OK we sent or
   * received) and for sessions without SDP (pager-mode IM, a registered application content type).
   */
  List<MediaStream> streams();

  /**
   * Every SIP message of this session so far, in and out (INVITE, responses, ACK, MESSAGE, INFO,
   * BYE, CANCEL, pager-mode MESSAGEs...), with time and addresses; at most
   * {@link Endpoint.Builder#traceLimit} of the latest. A snapshot; print it with
   * {@link SessionTrace#ladder()}.
   */
  SessionTrace trace();

  /**
   * Completes when the session ends (never fails), at the same point as
   * {@link Listener#onTerminated}. A session we end with BYE ends when the BYE's transaction does:
   * its final response arrived, it timed out (Timer F, 64*T1) or the transport failed; so
   * {@link #trace()} then holds the response to our BYE. A session ended by the other side's BYE
   * ends once our 200 to it is sent. An {@link AudioVideoSession} ends once its stream has
   * stopped too: its sink closed (a recording complete) and its ports free.
   */
  CompletableFuture<Void> termination();

  /**
   * Adds a listener for this session's events. An {@link InstantMessagingSession.Listener} or
   * {@link ApplicationSession.Listener} also receives that modality's events (messages, composing,
   * data) when the session is of that type.
   */
  void addListener(Listener listener);

  /** Removes a listener added with {@link #addListener}. */
  void removeListener(Listener listener);

  /**
   * Session events (UCCAPI's {@code _IUccSessionEvents} and
   * {@code _IUccSessionParticipantCollectionEvents}); every method is optional.
   */
  interface Listener {
    /** A participant joined the collection (before its first state change is reported). */
    default void onParticipantAdded(Session session, Participant participant) {}

    /** A participant left the collection (after its DISCONNECTED state change). */
    default void onParticipantRemoved(Session session, Participant participant) {}

    /**
     * The session ended (after the last participant event); when we sent a BYE, after its
     * transaction completed (see {@link Session#termination()}).
     */
    default void onTerminated(Session session) {}
  }
}
