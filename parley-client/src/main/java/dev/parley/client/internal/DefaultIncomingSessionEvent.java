package dev.parley.client.internal;

import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.InvitationCancelledException;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.RejectReason;
import dev.parley.client.Session;
import dev.parley.client.SessionException;
import dev.parley.dialog.Dialog;
import dev.parley.dialog.DialogId;
import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.SipFailure;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipUri;
import dev.parley.transport.Scheduler;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An invitation waiting for the application, over the dialog layer's {@link IncomingInvite}. One
 * state machine decides how it ends, under the endpoint's lock:
 *
 * <pre>
 *  PENDING --accept()--> ACCEPTING --ACK--> ACCEPTED
 *     |                      +--- the CANCEL won the race / no ACK --> (session ends)
 *     +--reject()/forward()--> REJECTED
 *     +--CANCEL--------------> CANCELLED    (inviter DISCONNECTED, 487 sent by the core)
 *     +--no answer in time---> EXPIRED      (480 sent)
 * </pre>
 */
final class DefaultIncomingSessionEvent implements IncomingSessionEvent, PendingInvitation {

  private final DefaultSession session;
  private final DefaultParticipant inviter;
  private final IncomingInvite invite;
  private final SessionDescription offer;
  private final MediaType offerType;
  private final Instant deadline;
  private InvitationStatus status = InvitationStatus.PENDING; // guarded by the endpoint's lock
  private Scheduler.Timer timer;

  DefaultIncomingSessionEvent(DefaultSession session, DefaultParticipant inviter,
      IncomingInvite invite, SessionDescription offer) {
    this.session = session;
    this.inviter = inviter;
    this.invite = invite;
    this.offer = offer;
    this.offerType = invite.request().contentType();
    this.deadline = Instant.now().plus(session.endpoint.config.invitationTimeout());
  }

  private Object lock() {
    return session.endpoint.lock;
  }

  /** Starts the answer timer (480 when it fires) and watches for CANCEL. Outside the lock. */
  void start(long timeoutMillis) {
    Scheduler.Timer t = invite.transaction().scheduler()
        .schedule(this::expire, timeoutMillis, TimeUnit.MILLISECONDS);
    synchronized (lock()) {
      if (status == InvitationStatus.PENDING) {
        timer = t;
        t = null;
      }
    }
    if (t != null) {
      t.cancel();
    }
    invite.cancellation().thenRun(this::cancelledByInviter);
  }

  @Override
  public Participant inviter() {
    return inviter;
  }

  @Override
  public Session session() {
    return session;
  }

  @Override
  public Instant deadline() {
    return deadline;
  }

  @Override
  public boolean isPending() {
    synchronized (lock()) {
      return status == InvitationStatus.PENDING;
    }
  }

  @Override
  public CompletableFuture<Session> accept() {
    CompletableFuture<Session> result = new CompletableFuture<>();
    synchronized (lock()) {
      CompletableFuture<Session> refused =
          status.acceptRefused("it was rejected with 480", inviter.uri());
      if (refused != null) {
        return refused;
      }
      status = InvitationStatus.ACCEPTING;
      cancelTimer();
      DialogId id = new DialogId(invite.request().callId(), invite.localTag(),
          invite.request().from().tag());
      inviter.dialogId = id;
      session.endpoint.sessions.legs.put(id, inviter);
    }
    byte[] body = null;
    MediaType type = null;
    if (offer != null) {
      SipUri contact = (SipUri) session.endpoint.ua.contact(
          invite.transaction().flow().transport()).uri();
      SessionDescription answer = Offers.answer(offer, contact, session.endpoint.uri());
      session.negotiated(answer, offer, false);
      body = answer.encode();
      type = MediaType.APPLICATION_SDP;
    }
    invite.accept(type, body).whenComplete((dialog, error) -> accepted(dialog, error, result));
    return result;
  }

  private void accepted(Dialog dialog, Throwable error, CompletableFuture<Session> result) {
    Runnable hangup = null;
    DefaultEndpoint ep = session.endpoint;
    synchronized (lock()) {
      if (error == null) {
        status = InvitationStatus.ACCEPTED;
        inviter.dialog = dialog;
        if (inviter.state() == ParticipantState.DISCONNECTED) {
          ep.fail(result, new SessionException("the session ended before it was connected", 0));
        } else {
          session.connected();
          if (inviter.localHangup) {
            hangup = session.byeAction(inviter); // terminate() came while we waited for the ACK
          }
          ep.complete(result, session);
        }
      } else {
        Throwable cause = Registration.unwrap(error);
        if (invite.isCancelled() && !(cause instanceof SipFailure)) {
          status = InvitationStatus.CANCELLED; // the CANCEL reached the dialog layer first
          session.disconnected(inviter, ParticipantStateChangeReason.REMOTE_HANGUP, 487,
              Reasons.of(invite.cancelRequest()));
          ep.fail(result, new InvitationCancelledException(
              "the inviter " + inviter.uri() + " cancelled the invitation"));
        } else {
          status = InvitationStatus.ACCEPTED;
          int code = cause instanceof SipFailure f ? f.statusCode() : 500;
          session.disconnected(inviter, ParticipantStateChangeReason.ERROR, code);
          ep.fail(result, new SessionException("accepting failed: " + cause.getMessage(), code));
        }
      }
    }
    ep.kick();
    if (hangup != null) {
      hangup.run();
    }
  }

  @Override
  public boolean reject(RejectReason reason) {
    PendingInvitation.checkRejectReason(reason);
    Runnable action;
    synchronized (lock()) {
      action = rejectLocked(reason.statusCode());
    }
    session.endpoint.kick();
    if (action == null) {
      return false;
    }
    action.run();
    return true;
  }

  /** Under the lock: ends a pending invitation with {@code status}; the action sends it. */
  @Override
  public Runnable rejectLocked(int statusCode) {
    if (status != InvitationStatus.PENDING) {
      return null;
    }
    status = InvitationStatus.REJECTED;
    cancelTimer();
    session.disconnected(inviter, ParticipantStateChangeReason.NORMAL, statusCode);
    return () -> invite.reject(statusCode);
  }

  /** Under the lock: whether accept() is waiting for the ACK. */
  @Override
  public boolean isAccepting() {
    return status == InvitationStatus.ACCEPTING;
  }

  @Override
  public boolean forward(SipUri target) {
    Objects.requireNonNull(target, "target");
    synchronized (lock()) {
      if (status != InvitationStatus.PENDING) {
        return false;
      }
      status = InvitationStatus.REJECTED;
      cancelTimer();
      session.disconnected(inviter, ParticipantStateChangeReason.FORWARDED, 302);
    }
    session.endpoint.kick();
    invite.reject(invite.request().response(302, invite.localTag())
        .header(HeaderName.CONTACT, Address.of(target)).build());
    return true;
  }

  private void expire() {
    synchronized (lock()) {
      timer = null;
      if (status != InvitationStatus.PENDING) {
        return;
      }
      status = InvitationStatus.EXPIRED;
      session.disconnected(inviter, ParticipantStateChangeReason.NORMAL, 480);
    }
    session.endpoint.kick();
    invite.reject(480);
  }

  private void cancelledByInviter() {
    synchronized (lock()) {
      if (status != InvitationStatus.PENDING) {
        return; // ACCEPTING: accepted() decides who won; otherwise already ended
      }
      status = InvitationStatus.CANCELLED;
      cancelTimer();
      session.disconnected(inviter, ParticipantStateChangeReason.REMOTE_HANGUP, 487,
          Reasons.of(invite.cancelRequest()));
    }
    session.endpoint.kick();
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  @Override
  public String toString() {
    return "IncomingSessionEvent[" + session.type() + " from " + inviter.uri() + "]";
  }
}
