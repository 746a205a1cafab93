package dev.parley.transaction;

import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Inbound;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** A transaction user and a client listener that record what they hear. */
final class Recorders {
  private Recorders() {}

  static final class User implements TransactionUser {
    final List<ServerTransaction> transactions = new ArrayList<>();
    final List<SipRequest> requests = new ArrayList<>();
    final List<SipRequest> acks = new ArrayList<>();
    final List<SipRequest> cancels = new ArrayList<>();
    final List<SipResponse> strays = new ArrayList<>();
    final List<ServerTransaction> timeouts = new ArrayList<>();
    final List<Throwable> transportErrors = new ArrayList<>();
    final List<Transaction> terminated = new ArrayList<>();
    BiConsumer<ServerTransaction, SipRequest> onRequest = (tx, r) -> { };
    BiConsumer<ServerTransaction, SipRequest> onCancel = (tx, c) -> { };
    /** The stateless answers given before a transaction is made (null: none). */
    Function<SipRequest, SipResponse> statelessAnswer = r -> null;
    final List<SipRequest> askedStatelessly = new ArrayList<>();

    @Override
    public SipResponse answerStatelessly(SipRequest request, Inbound inbound) {
      askedStatelessly.add(request);
      return statelessAnswer.apply(request);
    }

    @Override
    public void onRequest(ServerTransaction tx, SipRequest request) {
      transactions.add(tx);
      requests.add(request);
      onRequest.accept(tx, request);
    }

    @Override
    public void onAck(SipRequest ack, Inbound inbound) {
      acks.add(ack);
    }

    @Override
    public void onCancel(ServerTransaction invite, SipRequest cancel) {
      cancels.add(cancel);
      onCancel.accept(invite, cancel);
    }

    @Override
    public void onStrayResponse(SipResponse response, Inbound inbound) {
      strays.add(response);
    }

    @Override
    public void onTimeout(ServerTransaction tx) {
      timeouts.add(tx);
    }

    @Override
    public void onTransportError(ServerTransaction tx, Throwable cause) {
      transportErrors.add(cause);
    }

    @Override
    public void onTerminated(Transaction tx) {
      terminated.add(tx);
    }

    ServerTransaction last() {
      return transactions.get(transactions.size() - 1);
    }
  }

  static final class Listener implements ClientTransaction.Listener {
    final List<SipResponse> responses = new ArrayList<>();
    int timeouts;
    final List<Throwable> transportErrors = new ArrayList<>();
    int terminated;

    @Override
    public void onResponse(ClientTransaction tx, SipResponse response) {
      responses.add(response);
    }

    @Override
    public void onTimeout(ClientTransaction tx) {
      timeouts++;
    }

    @Override
    public void onTransportError(ClientTransaction tx, Throwable cause) {
      transportErrors.add(cause);
    }

    @Override
    public void onTerminated(ClientTransaction tx) {
      terminated++;
    }

    List<Integer> statuses() {
      return responses.stream().map(SipResponse::statusCode).toList();
    }
  }
}
