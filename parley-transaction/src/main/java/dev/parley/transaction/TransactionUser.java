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
   * Asked for a new request (not an ACK, not a CANCEL, not a retransmission of a request whose
   * transaction still exists, not a merged request the layer refuses) before the layer makes a
   * server transaction for it: a final response returned here is sent the way a stateless UAS
   * sends one (RFC 3261 §8.2.7) and no transaction is made; {@link #onRequest} is then not called.
   * A retransmission of the request is asked again (and should get the same answer). §8.2.7 names
   * the use: a challenge (401, 407) to a request without credentials, so that a flood of them
   * builds no transaction state. Return null to have the request go to {@link #onRequest} as
   * usual (default: always).
   *
   * <p>The response must be final and not a 2xx to an INVITE (else the layer logs it and goes on
   * as for null), built from the request ({@code request.response(...)}: its Via, CSeq...); its
   * To tag should be derived from the request, so that every copy draws the same tag. Called on the inbound message's scheduler;
   * must be quick and never block. An exception thrown here is logged and taken as null.
   */
  default SipResponse answerStatelessly(SipRequest request, Inbound inbound) {
    return null;
  }

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
