package dev.parley.dialog;

import dev.parley.auth.CredentialsProvider;
import dev.parley.auth.DigestClient;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transaction.ClientTransaction;
import dev.parley.transaction.TransactionLayer;
import dev.parley.transport.Hop;
import dev.parley.transport.Scheduler;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The UAC side's sending (RFC 3261 §8.1): a request in a client transaction, a digest challenge
 * to it answered once per challenge in a new transaction (§22.2), a timeout or transport error
 * turned into a {@link SipFailure}. Split out of {@link UserAgent}, which owns one. Thread-safe;
 * its callbacks run on the transaction's scheduler.
 */
final class RequestSender {
  /** What {@link #send} reports: responses, and optionally the transaction's start and end. */
  interface Responder extends BiConsumer<ClientTransaction, SipResponse> {
    default void sent(ClientTransaction tx) {}

    default void terminated(ClientTransaction tx) {}
  }

  private final TransactionLayer transactions;
  private final CredentialsProvider credentials;
  private final DigestClient digest = new DigestClient();

  /** A sender on {@code transactions}; {@code credentials} may be null (no challenge answered). */
  RequestSender(TransactionLayer transactions, CredentialsProvider credentials) {
    this.transactions = transactions;
    this.credentials = credentials;
  }

  /**
   * Sends a non-INVITE request, on {@code scheduler} if not null, and completes with its final
   * response (any status); fails with {@link SipFailure} on timeout (408) or transport error (503).
   */
  CompletableFuture<SipResponse> request(SipRequest request, Hop hop, Scheduler scheduler) {
    CompletableFuture<SipResponse> result = new CompletableFuture<>();
    send(request, hop, scheduler, result, (tx, response) -> {
      if (response.isFinal()) {
        result.complete(response);
      }
    });
    return result;
  }

  /**
   * Sends {@code request} in a client transaction, on {@code scheduler} if not null; answers a
   * 401 or 407 once per challenge with credentials from the provider (RFC 3261 §22.2), in a new
   * transaction; hands every other response to {@code responder}; fails {@code result} on
   * timeout or transport error.
   */
  void send(SipRequest request, Hop hop, Scheduler scheduler, CompletableFuture<?> result,
      Responder responder) {
    ClientTransaction.Listener listener = new ClientTransaction.Listener() {
      @Override
      public void onResponse(ClientTransaction tx, SipResponse response) {
        int code = response.statusCode();
        if ((code == 401 || code == 407) && credentials != null) {
          SipRequest retry;
          try {
            retry = digest.authorize(request, response, credentials);
          } catch (RuntimeException e) {
            retry = null;
          }
          if (retry != null) {
            send(retry, hop, scheduler, result, responder);
            return;
          }
        }
        responder.accept(tx, response);
      }

      @Override
      public void onTimeout(ClientTransaction tx) {
        result.completeExceptionally(new SipFailure(408, "Request Timeout (no final response)"));
      }

      @Override
      public void onTransportError(ClientTransaction tx, Throwable cause) {
        result.completeExceptionally(new SipFailure(503, "transport error: " + cause.getMessage()));
      }

      @Override
      public void onTerminated(ClientTransaction tx) {
        responder.terminated(tx);
      }
    };
    ClientTransaction tx;
    try {
      tx = scheduler == null ? transactions.sendRequest(request, hop, listener)
          : transactions.sendRequest(request, hop, listener, scheduler);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    responder.sent(tx);
  }
}
