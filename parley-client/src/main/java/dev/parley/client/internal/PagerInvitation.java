package dev.parley.client.internal;

import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.InstantMessage;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.RejectReason;
import dev.parley.client.Session;
import dev.parley.sip.SipUri;
import dev.parley.transport.Scheduler;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An IM invitation opened by a pager-mode MESSAGE. Its MESSAGE was answered 200 at once (a
 * non-INVITE transaction cannot wait for a user: Timer F fires at 32 s), so answering sends
 * nothing: {@link #accept()} connects the session and delivers the held messages, a reject is
 * remembered and given to the peer's later MESSAGEs.
 *
 * <pre>
 *  PENDING --accept()--------> ACCEPTED   (held messages delivered)
 *     +--reject()/forward()--> REJECTED   (later MESSAGEs: the status, or 302)
 *     +--no answer in time---> EXPIRED    (nothing remembered)
 * </pre>
 */
final class PagerInvitation implements IncomingSessionEvent, PendingInvitation {

  private final DefaultInstantMessagingSession session;
  private final DefaultParticipant inviter;
  private final InstantMessage first;
  private final String key;
  private final PagerSessions pager;
  private final Instant deadline;
  private InvitationStatus status = InvitationStatus.PENDING; // guarded by the endpoint's lock
  private Scheduler.Timer timer;

  PagerInvitation(DefaultInstantMessagingSession session, DefaultParticipant inviter,
      InstantMessage first, String key, PagerSessions pager) {
    this.session = session;
    this.inviter = inviter;
    this.first = first;
    this.key = key;
    this.pager = pager;
    this.deadline = Instant.now().plus(session.endpoint.config.invitationTimeout());
  }

  private Object lock() {
    return session.endpoint.lock;
  }

  /** Starts the answer timer. Outside the lock. */
  void start(long timeoutMillis) {
    Scheduler.Timer t = pager.clock().schedule(this::expire, timeoutMillis, TimeUnit.MILLISECONDS);
    synchronized (lock()) {
      if (status == InvitationStatus.PENDING) {
        timer = t;
        return;
      }
    }
    t.cancel();
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
  public Optional<InstantMessage> message() {
    return Optional.of(first);
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

  /** Under the lock: whether still pending. */
  boolean isPendingLocked() {
    return status == InvitationStatus.PENDING;
  }

  @Override
  public CompletableFuture<Session> accept() {
    CompletableFuture<Session> result = new CompletableFuture<>();
    synchronized (lock()) {
      CompletableFuture<Session> refused = status.acceptRefused("the session ended", inviter.uri());
      if (refused != null) {
        return refused;
      }
      status = InvitationStatus.ACCEPTED;
      cancelTimer();
      session.connected();
      session.releaseHeldLocked();
      session.endpoint.complete(result, session);
    }
    session.endpoint.kick();
    return result;
  }

  @Override
  public boolean reject(RejectReason reason) {
    PendingInvitation.checkRejectReason(reason);
    Runnable action;
    synchronized (lock()) {
      action = rejectLocked(reason.statusCode());
    }
    session.endpoint.kick();
    return action != null;
  }

  @Override
  public Runnable rejectLocked(int statusCode) {
    if (status != InvitationStatus.PENDING) {
      return null;
    }
    status = InvitationStatus.REJECTED;
    cancelTimer();
    session.disconnected(inviter, ParticipantStateChangeReason.NORMAL, statusCode);
    pager.rememberLocked(key, statusCode, null);
    return () -> { }; // the MESSAGE was answered already: nothing to send
  }

  @Override
  public boolean isAccepting() {
    return false;
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
      pager.rememberLocked(key, 302, target);
    }
    session.endpoint.kick();
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
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  @Override
  public String toString() {
    return "IncomingSessionEvent[INSTANT_MESSAGING pager from " + inviter.uri() + "]";
  }
}
