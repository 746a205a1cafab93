package dev.parley.client.internal;

import dev.parley.client.InvitationCancelledException;
import dev.parley.client.InvitationExpiredException;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.sip.Reason;
import dev.parley.transport.Scheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where an incoming invitation stands, and its answer timer: the one state machine of an INVITE
 * invitation ({@link DefaultIncomingSessionEvent}) and of a pager invitation ({@link
 * PagerInvitation}) alike. It decides how the invitation ends and moves the inviter with it; its
 * owner sends what the end needs on the wire.
 *
 * <pre>
 *  PENDING --accept()--> ACCEPTING --ACK--> ACCEPTED        (a pager invitation: straight to ACCEPTED)
 *     |                      +--- the CANCEL won the race --> CANCELLED
 *     +--reject()/forward()--> REJECTED   (inviter DISCONNECTED: NORMAL with the status, FORWARDED 302)
 *     +--CANCEL--------------> CANCELLED  (inviter DISCONNECTED: REMOTE_HANGUP 487)
 *     +--no answer in time---> EXPIRED    (inviter DISCONNECTED: NORMAL 480)
 * </pre>
 *
 * <p>Guarded by the endpoint's lock: every method but {@link #start} expects the caller to hold it.
 */
final class InvitationState {
  private enum Status { PENDING, ACCEPTING, ACCEPTED, REJECTED, CANCELLED, EXPIRED }

  private final DefaultSession session;
  private final DefaultParticipant inviter;
  private Status status = Status.PENDING;
  private Scheduler.Timer timer;

  InvitationState(DefaultSession session, DefaultParticipant inviter) {
    this.session = session;
    this.inviter = inviter;
  }

  /**
   * Outside the lock: starts the answer timer on {@code scheduler}. When it fires on a pending
   * invitation, the invitation EXPIRES and then, outside the lock, {@code expired} runs (the owner
   * answers 480 if there is still something to answer).
   */
  void start(Scheduler scheduler, long timeoutMillis, Runnable expired) {
    Scheduler.Timer t = scheduler.schedule(() -> expire(expired), timeoutMillis,
        TimeUnit.MILLISECONDS);
    synchronized (session.endpoint.lock) {
      if (status == Status.PENDING) {
        timer = t;
        return;
      }
    }
    t.cancel();
  }

  private void expire(Runnable expired) {
    synchronized (session.endpoint.lock) {
      timer = null;
      if (!end(Status.EXPIRED, ParticipantStateChangeReason.NORMAL, 480)) {
        return;
      }
    }
    session.endpoint.kick();
    expired.run();
  }

  /** Whether the application may still answer. */
  boolean isPending() {
    return status == Status.PENDING;
  }

  /** Whether accept() was called and the acceptance is not complete yet (no ACK yet). */
  boolean isAccepting() {
    return status == Status.ACCEPTING;
  }

  /**
   * PENDING -> ACCEPTING (when the acceptance waits for an ACK) or ACCEPTED. Returns null when it
   * moved; else what {@code accept()} returns: a future failed with the reason it cannot.
   *
   * @param awaitsAck whether the acceptance completes later ({@link #accepted})
   * @param expired what became of the invitation when nobody answered in time
   */
  <T> CompletableFuture<T> accept(boolean awaitsAck, String expired) {
    CompletableFuture<T> refused = switch (status) {
      case PENDING -> null;
      case CANCELLED -> CompletableFuture.failedFuture(new InvitationCancelledException(
          "the inviter " + inviter.uri() + " cancelled the invitation"));
      case EXPIRED -> CompletableFuture.failedFuture(new InvitationExpiredException(
          "nobody answered the invitation in time; " + expired));
      case REJECTED -> CompletableFuture.failedFuture(
          new IllegalStateException("the invitation was already rejected"));
      case ACCEPTING, ACCEPTED -> CompletableFuture.failedFuture(
          new IllegalStateException("the invitation was already accepted"));
    };
    if (refused == null) {
      status = awaitsAck ? Status.ACCEPTING : Status.ACCEPTED;
      cancelTimer();
    }
    return refused;
  }

  /** ACCEPTING -> ACCEPTED: the acceptance is complete (the ACK came, or it failed otherwise). */
  void accepted() {
    expect(Status.ACCEPTING, "complete an acceptance");
    status = Status.ACCEPTED;
  }

  /**
   * PENDING -> REJECTED with {@code statusCode}: the inviter is DISCONNECTED, NORMAL. False (and
   * nothing changes) when it is no longer pending.
   */
  boolean reject(int statusCode) {
    return end(Status.REJECTED, ParticipantStateChangeReason.NORMAL, statusCode);
  }

  /** PENDING -> REJECTED with 302: the inviter is DISCONNECTED, FORWARDED. False as above. */
  boolean forward() {
    return end(Status.REJECTED, ParticipantStateChangeReason.FORWARDED, 302);
  }

  private boolean end(Status to, ParticipantStateChangeReason reason, int statusCode) {
    if (status != Status.PENDING) {
      return false;
    }
    status = to;
    cancelTimer();
    session.disconnected(inviter, reason, statusCode);
    return true;
  }

  /**
   * PENDING -> CANCELLED (or ACCEPTING -> CANCELLED with {@code evenIfAccepting}: the CANCEL
   * reached the dialog layer before our 2xx): the inviter is DISCONNECTED, REMOTE_HANGUP 487, with
   * the CANCEL's Reason header or null. False when it was neither.
   */
  boolean cancel(Reason reason, boolean evenIfAccepting) {
    if (status != Status.PENDING && !(evenIfAccepting && status == Status.ACCEPTING)) {
      return false;
    }
    status = Status.CANCELLED;
    cancelTimer();
    session.disconnected(inviter, ParticipantStateChangeReason.REMOTE_HANGUP, 487, reason);
    return true;
  }

  private void expect(Status expected, String what) {
    if (status != expected) {
      throw new IllegalStateException("cannot " + what + " of an invitation that is " + status
          + " (from " + inviter.uri() + ")");
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}
