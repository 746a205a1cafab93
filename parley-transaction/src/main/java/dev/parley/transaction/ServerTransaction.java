package dev.parley.transaction;

import dev.parley.sip.SipResponse;
import dev.parley.transport.Flow;

/**
 * The server side of a transaction (RFC 3261 §17.2): receives the request, sends the transaction
 * user's responses (retransmitting a non-2xx final response to an INVITE over UDP), absorbs
 * retransmitted requests, and sends {@code 100 Trying} for a slow INVITE.
 *
 * <p>Created by the {@link TransactionLayer} for each new request and handed to
 * {@link TransactionUser#onRequest}. Thread-safe.
 */
public interface ServerTransaction extends Transaction {
  /** The flow the request arrived on; responses go back over it (RFC 3261 §18.2.2). */
  Flow flow();

  /**
   * Sends a response to the request. May be called from any thread: the work hops to the
   * transaction's scheduler. A provisional response keeps the transaction open; a final one
   * completes it (for an INVITE, a 2xx moves it to Accepted, where further 2xx retransmissions
   * from the transaction user pass through, RFC 6026 §7.1). A response the state no longer
   * allows (a second non-2xx final, a response after Terminated) is dropped and logged.
   *
   * @throws IllegalArgumentException if {@code response}'s CSeq method is not the request's
   */
  void respond(SipResponse response);
}
