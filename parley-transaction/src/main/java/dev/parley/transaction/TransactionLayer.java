package dev.parley.transaction;

import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transaction.internal.DefaultTransactionLayer;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.Scheduler;
import dev.parley.transport.TransportLayer;
import dev.parley.transport.TransportListener;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The transaction layer (RFC 3261 §17): creates client transactions for outgoing requests,
 * matches incoming messages to transactions (§17.1.3, §17.2.3, including RFC 2543 peers), creates
 * server transactions for new requests, and handles CANCEL (§9), merged requests (§8.2.2.2) and
 * stray responses.
 *
 * <p>Install it as the transport's listener:
 * <pre>{@code
 * TransactionLayer layer = TransactionLayer.builder(transport, user).build();
 * transport.setListener(layer);
 * }</pre>
 *
 * <p>Thread-safe: methods may be called from any thread. Each transaction lives on one
 * {@link dev.parley.transport.Scheduler} (an event loop): a client transaction on
 * {@link TransportLayer#nextScheduler()}, a server transaction on the scheduler its request
 * arrived on. All its state changes and all its callbacks happen there, so callbacks must not
 * block; the dialog layer above moves application work off the loop.
 */
public interface TransactionLayer extends TransportListener {
  /** A builder for a layer over {@code transport} that calls up into {@code user}. */
  static Builder builder(TransportLayer transport, TransactionUser user) {
    return new Builder(transport, user);
  }

  /** The configuration in force. */
  TransactionConfig config();

  /**
   * Sends a request in a new client transaction (RFC 3261 §17.1). Prepends a Via with the hop's
   * transport, the sent-by of {@link TransportLayer#listenPoint} for it, a fresh {@code z9hG4bK}
   * branch and {@code rport} (RFC 3581); starts the INVITE or non-INVITE machine on
   * {@link TransportLayer#nextScheduler()}; reports to {@code listener} on that scheduler.
   *
   * @throws IllegalArgumentException if the request is an ACK (use {@link #sendAck}) or a CANCEL
   *     (use {@link #cancel}), or the transport has no listen point for the hop's transport
   * @throws IllegalStateException if {@link TransactionConfig#maxTransactions()} are live
   */
  ClientTransaction sendRequest(SipRequest request, Hop hop, ClientTransaction.Listener listener);

  /**
   * As {@link #sendRequest(SipRequest, Hop, ClientTransaction.Listener)}, but the transaction runs
   * on {@code scheduler}: requests sent one after the other from {@code scheduler}'s thread reach
   * the transport in that order. A dialog's requests go out this way from the dialog's scheduler,
   * so that their wire order is their CSeq order (RFC 3261 §12.2.1.1; a UAS refuses a CSeq lower
   * than the last it saw, §12.2.2).
   *
   * @throws IllegalArgumentException as the other form does
   * @throws IllegalStateException as the other form does
   */
  ClientTransaction sendRequest(SipRequest request, Hop hop, ClientTransaction.Listener listener,
      Scheduler scheduler);

  /**
   * Cancels an INVITE client transaction (RFC 3261 §9.1): builds the CANCEL (same Request-URI,
   * Call-ID, From, To, CSeq number, Route, and a single Via equal to the INVITE's top Via) and
   * sends it in its own client transaction to the INVITE's hop, as soon as a provisional response
   * has arrived (at once if one has). If no final response to the INVITE follows within 64*T1,
   * the INVITE transaction ends with {@link ClientTransaction.Listener#onTimeout}.
   *
   * @return completes with the final response to the CANCEL, on the INVITE's scheduler; fails
   *     with {@link IllegalStateException} if the INVITE got a final response first (no CANCEL is
   *     sent), with {@link java.util.concurrent.TimeoutException} on Timer F, or with the
   *     transport's exception
   * @throws IllegalArgumentException if {@code invite} is not an INVITE client transaction of
   *     this layer
   */
  default CompletableFuture<SipResponse> cancel(ClientTransaction invite) {
    return cancel(invite, null);
  }

  /**
   * As {@link #cancel(ClientTransaction)}, with {@code reason} as a Reason header (RFC 3326) on
   * the CANCEL, such as {@code SIP;cause=200;text="Call completed elsewhere"}; null for none.
   */
  CompletableFuture<SipResponse> cancel(ClientTransaction invite, String reason);

  /**
   * Sends an ACK for a 2xx (RFC 3261 §13.2.2.4), which is no transaction: prepends a Via with a
   * fresh branch and sends it once. The dialog layer retransmits it for each 2xx retransmission.
   *
   * @throws IllegalArgumentException if {@code ack} is not an ACK
   */
  CompletableFuture<Flow> sendAck(SipRequest ack, Hop hop);

  /**
   * Sends a request outside any transaction, after prepending a Via with a fresh branch as
   * {@link #sendRequest} does; nothing is retransmitted and responses arrive as stray responses.
   */
  CompletableFuture<Flow> sendRequestStateless(SipRequest request, Hop hop);

  /** Live client transactions (not yet Terminated): for leak tests and status pages. */
  int clientCount();

  /** Live server transactions (not yet Terminated): for leak tests and status pages. */
  int serverCount();

  /**
   * Responses sent in status class {@code statusClass} (1 to 6) since start, for metrics: each
   * response a server transaction sent the first time (the transaction user's, and the layer's
   * own 100 Trying), and the layer's stateless answers (400, 503); retransmissions are not
   * counted, nor a 2xx to an INVITE passed again once one was sent (the UA core's
   * retransmissions, a proxy's further forked 2xx).
   *
   * @throws IllegalArgumentException if {@code statusClass} is not 1..6
   */
  long responsesSent(int statusClass);

  /** Builds a {@link TransactionLayer}; not thread-safe. */
  final class Builder {
    private final TransportLayer transport;
    private final TransactionUser user;
    private TransactionConfig config = TransactionConfig.defaults();

    private Builder(TransportLayer transport, TransactionUser user) {
      this.transport = Objects.requireNonNull(transport, "transport");
      this.user = Objects.requireNonNull(user, "user");
    }

    /** The timers and limits; {@link TransactionConfig#defaults()} when not set. */
    public Builder config(TransactionConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** The layer. Install it with {@code transport.setListener(layer)}. */
    public TransactionLayer build() {
      return new DefaultTransactionLayer(transport, user, config);
    }
  }
}
