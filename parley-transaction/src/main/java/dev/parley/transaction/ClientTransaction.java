package dev.parley.transaction;

import dev.parley.sip.SipResponse;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;

/**
 * The client side of a transaction (RFC 3261 §17.1): sends the request, retransmits it over UDP,
 * and reports the responses, a timeout or a transport error to its {@link Listener}.
 *
 * <p>Created by {@link TransactionLayer#sendRequest}. Thread-safe.
 */
public interface ClientTransaction extends Transaction {
  /** The hop the request was sent to (and every retransmission, and the ACK for a non-2xx). */
  Hop hop();

  /** The flow the request went out on, or null until the transport has sent it. */
  Flow flow();

  /**
   * Receives what happens to one client transaction. Every method is called on the
   * transaction's scheduler (an event loop): it must return quickly and never block. The dialog
   * layer moves application callbacks off the loop (DESIGN.md §3).
   */
  interface Listener {
    /**
     * A response: every provisional, the final one, and for an INVITE every further 2xx that
     * arrives while the transaction is in the Accepted state (RFC 3261 as updated by RFC 6026), one per UAS that
     * answered a forked request. Retransmissions of a non-2xx final response are absorbed.
     */
    void onResponse(ClientTransaction transaction, SipResponse response);

    /** Timer B or F fired (or the §9.1 wait after a CANCEL ended) without a final response. */
    default void onTimeout(ClientTransaction transaction) {}

    /** The request (or its ACK) could not be sent (RFC 3261 §17.1.4); the transaction ended. */
    default void onTransportError(ClientTransaction transaction, Throwable cause) {}

    /** The transaction reached Terminated and left the layer's table. Called once. */
    default void onTerminated(ClientTransaction transaction) {}

    /**
     * The listener the transaction keeps once it has delivered a final response after which it
     * only absorbs retransmissions for a while (Completed over UDP: a non-2xx to an INVITE until
     * Timer D, 32 s by default; any final response to another request until Timer K, 5 s). From
     * then on it calls only {@link #onTransportError} (the ACK of a non-2xx could not be sent
     * again) and {@link #onTerminated}, on the returned listener. A listener that holds much (a
     * proxy's context of the whole request, its responses) returns a small one here, so that the
     * lingering transaction keeps little alive. Called at most once, on the scheduler, after the
     * final response's {@link #onResponse} returned. Not called for a 2xx to an INVITE (Accepted
     * delivers further 2xx responses). Default: this listener.
     */
    default Listener afterFinalResponse() {
      return this;
    }

    /**
     * Whether this listener, once the transaction lingers in Completed over UDP (an INVITE's
     * after a non-2xx final response until Timer D, 32 s by default; another request's after any
     * final response until Timer K, 5 s), may still read the transaction's {@link
     * Transaction#request() request()}. Asked once, of the listener {@link #afterFinalResponse}
     * gave. When false, an INVITE's transaction keeps only the ACK it sent, as bytes (what a
     * retransmitted final response needs, RFC 3261 §17.1.1.3), and another request's keeps
     * nothing of it (absorbing a retransmitted response needs none, §17.1.2.2), instead of the
     * whole request: a proxy's lingering branches then keep a few hundred bytes or none, not the
     * forwarded request and its body; {@code request()} throws {@link IllegalStateException}
     * from then on. Default: true.
     */
    default boolean readsRequestWhileLingering() {
      return true;
    }
  }
}
