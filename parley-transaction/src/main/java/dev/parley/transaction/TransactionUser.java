package dev.parley.transaction;

import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Inbound;

/**
 * The transaction user (RFC 3261 §5): the layer above the transactions, a UA core or a proxy
 * core, usually the dialog layer. The {@link TransactionLayer} calls up through this interface.
 *
 * <p>Every method is called on the scheduler (event loop) of the transaction or inbound message
 * it concerns: it must return quickly and never block. The dialog layer is responsible for moving
 * application callbacks off the loop (DESIGN.md §3).
 */
public interface TransactionUser {
  /**
   * A new request (not an ACK) created a server transaction. The user must eventually answer it
   * with {@link ServerTransaction#respond} (from any thread); a server transaction that never gets
   * a final response lives until the user answers.
   */
  void onRequest(ServerTransaction transaction, SipRequest request);

  /**
   * An ACK that no server transaction absorbs: the ACK for a 2xx (its own transaction, RFC 3261
   * §17, RFC 6026 §7.1), or an ACK for a non-2xx whose transaction is gone.
   */
  default void onAck(SipRequest ack, Inbound inbound) {}

  /**
   * A CANCEL matched the INVITE server transaction {@code invite} (RFC 3261 §9.2). The layer has
   * answered the CANCEL with 200 already; the user should answer the INVITE with 487 (Request
   * Terminated) unless it has sent a final response.
   */
  default void onCancel(ServerTransaction invite, SipRequest cancel) {}

  /**
   * A response that matches no client transaction (RFC 3261 §17.1.3): typically a 2xx
   * retransmission, or a 2xx from another fork, arriving after the INVITE transaction ended,
   * which the UAC core must still acknowledge (RFC 3261 §13.2.2.4). Default: absorbed.
   */
  default void onStrayResponse(SipResponse response, Inbound inbound) {}

  /**
   * Timer H fired: a non-2xx final response to an INVITE was never acknowledged (RFC 3261
   * §17.2.1). The transaction has terminated.
   */
  default void onTimeout(ServerTransaction transaction) {}

  /**
   * A response could not be sent over the request's flow nor to the Via fallback
   * (RFC 3261 §17.2.4, §18.2.2); the transaction has terminated.
   */
  default void onTransportError(ServerTransaction transaction, Throwable cause) {}

  /**
   * A transaction (client or server) reached Terminated and left the layer's tables. Not called
   * for the server transactions the layer answered on its own (CANCEL, 481, 482).
   */
  default void onTerminated(Transaction transaction) {}
}
