package dev.parley.client.internal;

import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.Participant;
import dev.parley.client.RejectReason;
import dev.parley.client.Session;
import java.time.Instant;
import java.util.Objects;

/**
 * The skeleton of an invitation still ours to answer, whatever carried it: an INVITE ({@link
 * DefaultIncomingSessionEvent}) or a pager-mode MESSAGE ({@link PagerInvitation}). Both keep
 * their state in an {@link InvitationState}; a subclass sends what answering takes on its wire.
 * Methods ending in {@code Locked} run under the endpoint's lock; the others take it.
 *
 * @param <S> the kind of session it opens
 */
abstract class AbstractInvitation<S extends DefaultSession> implements IncomingSessionEvent {
  final S session;
  final DefaultParticipant inviter;
  /** Guarded by the endpoint's lock. */
  final InvitationState state;
  private final Instant deadline;

  AbstractInvitation(S session, DefaultParticipant inviter) {
    this.session = session;
    this.inviter = inviter;
    this.state = new InvitationState(session, inviter);
    this.deadline = Instant.now().plus(session.endpoint.config.invitationTimeout());
  }

  @Override
  public final Participant inviter() {
    return inviter;
  }

  @Override
  public final Session session() {
    return session;
  }

  @Override
  public final Instant deadline() {
    return deadline;
  }

  @Override
  public final boolean isPending() {
    synchronized (session.endpoint.lock) {
      return state.isPending();
    }
  }

  /**
   * Checks the reason, ends the invitation under the lock and, outside it, sends what that takes.
   *
   * @throws NullPointerException if {@code reason} is null
   * @throws IllegalArgumentException for NOT_SPECIFIED (the inviter would not learn why) and
   *     FORWARDED (it needs a target: {@code forward(uri)})
   */
  @Override
  public final boolean reject(RejectReason reason) {
    Objects.requireNonNull(reason, "reason");
    if (reason == RejectReason.NOT_SPECIFIED) {
      throw new IllegalArgumentException(
          "reason must not be NOT_SPECIFIED: the inviter would not learn why (use DECLINE, BUSY...)");
    }
    if (reason == RejectReason.FORWARDED) {
      throw new IllegalArgumentException("reason FORWARDED needs a target: use forward(uri)");
    }
    Runnable action;
    synchronized (session.endpoint.lock) {
      action = rejectLocked(reason.statusCode());
    }
    session.endpoint.kick();
    if (action == null) {
      return false;
    }
    action.run();
    return true;
  }

  /** Ends the invitation with {@code statusCode} if still pending; the action sends it, or null. */
  abstract Runnable rejectLocked(int statusCode);

  /** Whether the application may still answer. */
  final boolean isPendingLocked() {
    return state.isPending();
  }

  /** Whether accept() was called and the acceptance is not complete yet (waits for the ACK). */
  final boolean isAcceptingLocked() {
    return state.isAccepting();
  }
}
