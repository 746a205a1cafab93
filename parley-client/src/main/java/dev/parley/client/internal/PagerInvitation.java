package dev.parley.client.internal;

import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.InstantMessage;
import dev.parley.client.Session;
import dev.parley.sip.SipUri;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An IM invitation opened by a pager-mode MESSAGE. Its MESSAGE was answered 200 at once (a
 * non-INVITE transaction cannot wait for a user: Timer F fires at 32 s), so answering sends
 * nothing: {@link #accept()} connects the session and delivers the held messages, a reject is
 * remembered and given to the peer's later MESSAGEs. Its {@link InvitationState} moves so:
 *
 * <pre>
 *  PENDING --accept()--------> ACCEPTED   (held messages delivered)
 *     +--reject()/forward()--> REJECTED   (later MESSAGEs: the status, or 302)
 *     +--no answer in time---> EXPIRED    (nothing remembered)
 * </pre>
 */
final class PagerInvitation extends AbstractInvitation<DefaultInstantMessagingSession> {

  private final InstantMessage first;
  private final String key;
  private final PagerSessions pager;

  PagerInvitation(DefaultInstantMessagingSession session, DefaultParticipant inviter,
      InstantMessage first, String key, PagerSessions pager) {
    super(session, inviter);
    this.first = first;
    this.key = key;
    this.pager = pager;
  }

  /** Starts the answer timer (nothing to send when it fires). Outside the lock. */
  void start(long timeoutMillis) {
    state.start(pager.clock(), timeoutMillis, () -> { });
  }

  @Override
  public Optional<InstantMessage> message() {
    return Optional.of(first);
  }

  @Override
  public CompletableFuture<Session> accept() {
    CompletableFuture<Session> result = new CompletableFuture<>();
    synchronized (session.endpoint.lock) {
      CompletableFuture<Session> refused = state.accept(false, "the session ended");
      if (refused != null) {
        return refused;
      }
      session.connected();
      session.releaseHeldLocked();
      session.endpoint.complete(result, session);
    }
    session.endpoint.kick();
    return result;
  }

  @Override
  Runnable rejectLocked(int statusCode) {
    if (!state.reject(statusCode)) {
      return null;
    }
    pager.rememberLocked(key, statusCode, null);
    return () -> { }; // the MESSAGE was answered already: nothing to send
  }

  @Override
  public boolean forward(SipUri target) {
    Objects.requireNonNull(target, "target");
    synchronized (session.endpoint.lock) {
      if (!state.forward()) {
        return false;
      }
      pager.rememberLocked(key, 302, target);
    }
    session.endpoint.kick();
    return true;
  }

  @Override
  public String toString() {
    return "IncomingSessionEvent[INSTANT_MESSAGING pager from " + inviter.uri() + "]";
  }
}
