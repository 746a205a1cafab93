package dev.parley.transaction;

import dev.parley.sip.SipRequest;
import dev.parley.transport.Scheduler;

/**
 * A SIP transaction (RFC 3261 §17): one request and the responses to it, run by a state machine
 * confined to one {@link Scheduler}.
 *
 * <p>The accessors are safe to call from any thread; they read values fixed at creation or
 * published by the transaction's scheduler.
 */
public interface Transaction {
  /**
   * The branch parameter of the request's top Via (RFC 3261 §8.1.1.7), which names the
   * transaction together with the method; for an RFC 2543 request without the magic cookie, the
   * branch as received (possibly null).
   */
  String branch();

  /**
   * The request that created the transaction: as sent (with its Via) or as received. Once the
   * transaction lingers (Completed, Confirmed, Accepted) it may return an equal copy parsed again
   * from the bytes it keeps, not the same object; or throw {@link IllegalStateException}, once a
   * transaction user that said it reads no request then let it go ({@link
   * ClientTransaction.Listener#readsRequestWhileLingering}, {@link
   * ServerTransaction#readsNoRequestOnceConfirmed}, {@link
   * ServerTransaction#readsNoRequestOnceCompleted}).
   */
  SipRequest request();

  /** Whether this is an INVITE transaction (the request's method is INVITE). */
  default boolean isInvite() {
    return request().method().isInvite();
  }

  /** The scheduler (event loop) the transaction runs on; its callbacks run there. */
  Scheduler scheduler();

  /** Whether the transaction reached the Terminated state. */
  boolean isTerminated();
}
