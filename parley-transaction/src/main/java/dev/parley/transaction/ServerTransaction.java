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

  /**
   * Sends a final response the way a stateless UAS does (RFC 3261 §8.2.7) and ends the
   * transaction at once, keeping nothing for retransmissions: a retransmitted request reaches the
   * transaction user again as a new request (and should get the same answer), the ACK to a
   * non-2xx answer to an INVITE goes to {@link TransactionUser#onAck}, and a CANCEL finds nothing
   * (481). §8.2.7 names the use: challenges to unauthenticated requests, so that a flood of them
   * builds no transaction state. The response's To tag should be derived from the request, so
   * that every copy of it draws the same tag.
   *
   * <p>May be called from any thread. A transaction that has already sent a final response, or
   * has terminated, drops it and logs, as {@link #respond} does; one that has sent a provisional
   * response still ends statelessly.
   *
   * @throws IllegalArgumentException if {@code response} is provisional, is a 2xx to an INVITE
   *     (whose retransmissions need state, §13.3.1.4), or its CSeq method is not the request's
   */
  void respondStatelessly(SipResponse response);

  /**
   * Says that the transaction user will not read {@link #request()} once an INVITE's transaction
   * is Confirmed (its non-2xx final response acknowledged, absorbing ACKs until Timer I, 5 s by
   * default over UDP): the transaction then keeps no request at all, which absorbing ACKs does
   * not need, and {@code request()} throws {@link IllegalStateException} from then on. A proxy,
   * whose context of the request ends with its final response, says so for each INVITE it
   * forwards. Any thread; before the ACK arrives. Default: nothing (the request is kept).
   */
  default void readsNoRequestOnceConfirmed() {}

  /**
   * Says that the transaction user will not read {@link #request()} once a non-INVITE
   * transaction is Completed (its final response sent, absorbing retransmissions of the request
   * until Timer J, 32 s by default over UDP, RFC 3261 §17.2.2): the transaction then keeps no
   * request at all, since resending the final response needs the response and the key only, and
   * {@code request()} throws {@link IllegalStateException} from then on. A proxy, whose context
   * of the request ends with its final response, says so for each request it forwards. Any
   * thread; before the final response is sent. Default: nothing (the request is kept).
   */
  default void readsNoRequestOnceCompleted() {}
}
