package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Uri;
import dev.parley.testkit.FakeScheduler;
import dev.parley.testkit.FakeTransportLayer;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.Inbound;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzz target (Jazzer) for the transaction layer, fed sequences of events on
 * virtual time: requests and responses from peers (retransmissions, CANCELs, ACKs, RFC 2543
 * branches, mismatched CSeq methods, raw fuzzed messages), the user's answers, requests it sends
 * and cancels, transport failures, closed connections and the clock moving. The normal build runs
 * it over {@code src/test/resources/dev/parley/transaction/TransactionLayerCoverageFuzzTestInputs/}
 * (plus every finding); {@code JAZZER_FUZZ=1} fuzzes it (see {@code docs/reliability.md},
 * "Fuzzing").
 *
 * <p>The contract: no event throws out of the layer (the fake scheduler runs every task inline, so
 * an exception on the "event loop" reaches the test); the live transactions stay within
 * {@link TransactionConfig#maxTransactions()} (a request beyond it gets 503, a send beyond it an
 * {@link IllegalStateException}); and once the user has answered every request and cancelled
 * every INVITE, letting the timers run out leaves no transaction and no timer behind.
 */
class TransactionLayerCoverageFuzzTest {
  private static final int MAX_TRANSACTIONS = 12;
  private static final SipParser PARSER = SipParser.create();
  private static final String[] METHODS =
      {"INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "MESSAGE", "REGISTER", "PRACK", "FOO"};
  private static final String[] BRANCHES =
      {"z9hG4bK1", "z9hG4bK2", "z9hG4bKx.y", "", "rfc2543-1"};
  private static final int[] STATUSES = {100, 180, 183, 199, 200, 202, 299, 302, 401, 404, 481,
      486, 487, 500, 503, 603, 699};

  /** The transaction user: records what the layer hands up. */
  private static final class User implements TransactionUser {
    final List<ServerTransaction> servers = new ArrayList<>();

    @Override
    public void onRequest(ServerTransaction transaction, SipRequest request) {
      servers.add(transaction);
    }

    @Override
    public void onAck(SipRequest ack, Inbound inbound) {}

    @Override
    public void onCancel(ServerTransaction invite, SipRequest cancel) {}
  }

  @FuzzTest
  void anyEventSequenceLeavesNoTransactionBehind(FuzzedDataProvider data) {
    FakeScheduler clock = new FakeScheduler();
    FakeTransportLayer transport = new FakeTransportLayer(clock);
    User user = new User();
    TransactionConfig config = TransactionConfig.builder().maxTransactions(MAX_TRANSACTIONS)
        .maxLingeringTransactions(2 * MAX_TRANSACTIONS).build();
    TransactionLayer layer = TransactionLayer.builder(transport, user).config(config).build();
    transport.setListener(layer);
    List<Flow> flows = List.of(transport.flow(Transport.UDP, "192.0.2.10", 5060),
        transport.flow(Transport.TCP, "192.0.2.10", 40001),
        transport.flow(Transport.TCP, "192.0.2.10", 40002));
    List<ClientTransaction> clients = new ArrayList<>();
    ClientTransaction.Listener listener = (transaction, response) -> { };

    for (int step = 0; step < 64 && data.remainingBytes() > 0; step++) {
      switch (data.consumeInt(0, 9)) {
        case 0 -> receive(transport, data.pickValue(flows), request(data));
        case 1 -> receive(transport, data.pickValue(flows), response(data, transport));
        case 2 -> {
          if (!user.servers.isEmpty()) {
            answer(data.pickValue(user.servers), data.pickValue(STATUSES),
                data.consumeBoolean());
          }
        }
        case 3 -> {
          SipMethod method = SipMethod.of(data.pickValue(
              new String[] {"INVITE", "OPTIONS", "MESSAGE", "BYE", "REGISTER"}));
          SipRequest request = SipRequest.builder(method, Uri.parse("sip:bob@192.0.2.20"))
              .header(HeaderName.MAX_FORWARDS, "70")
              .header(HeaderName.FROM, "<sip:alice@192.0.2.30>;tag=c" + step)
              .header(HeaderName.TO, "<sip:bob@192.0.2.20>")
              .header(HeaderName.CALL_ID, "client-" + step)
              .header(HeaderName.CSEQ, "1 " + method)
              .build();
          Hop hop = new Hop(data.consumeBoolean() ? Transport.UDP : Transport.TCP,
              new InetSocketAddress("192.0.2.20", 5060));
          try {
            clients.add(layer.sendRequest(request, hop, listener));
          } catch (IllegalStateException full) {
            assertThat(layer.clientCount() + layer.serverCount())
                .as(full.getMessage()).isGreaterThanOrEqualTo(MAX_TRANSACTIONS);
          }
        }
        case 4 -> {
          if (!clients.isEmpty()) {
            ClientTransaction c = data.pickValue(clients);
            if (c.isInvite()) {
              layer.cancel(c, data.consumeBoolean() ? null : "SIP;cause=200");
            }
          }
        }
        case 5 -> clock.advanceMillis(data.consumeInt(0, 40_000));
        case 6 -> {
          try {
            receive(transport, data.pickValue(flows), PARSER.parse(data.consumeBytes(600)));
          } catch (SipParseException e) {
            // not a message: the transport would have answered 400 itself
          }
        }
        case 7 -> transport.failNext(1);
        case 8 -> transport.closeConnection(data.pickValue(flows.subList(1, 3)));
        default -> transport.duplicateNext(1);
      }
      assertThat(layer.serverCount()).isLessThanOrEqualTo(MAX_TRANSACTIONS);
      assertThat(layer.clientCount()).isLessThanOrEqualTo(clients.size());
    }

    for (ServerTransaction s : user.servers) {
      answer(s, 500, false);
    }
    for (ClientTransaction c : clients) {
      if (c.isInvite()) {
        layer.cancel(c);
      }
    }
    clock.advanceMillis(300_000);
    assertThat(layer.clientCount()).as("live client transactions").isZero();
    assertThat(layer.serverCount()).as("live server transactions").isZero();
    assertThat(clock.pendingTimers()).as("pending timers").isZero();
  }

  private static void receive(FakeTransportLayer transport, Flow flow, SipMessage message) {
    if (message != null) {
      transport.receive(message, flow);
    }
  }

  private static void answer(ServerTransaction s, int status, boolean statelessly) {
    SipRequest request = s.request();
    if (request.method().equals(SipMethod.ACK)) {
      return;
    }
    SipResponse response = request.response(status, status == 100 ? null : "uas").build();
    if (statelessly && status >= 300) {
      s.respondStatelessly(response);
    } else {
      s.respond(response);
    }
  }

  /** A request from the peer, from a small pool of each part so that they collide. */
  private static SipMessage request(FuzzedDataProvider data) {
    String method = data.pickValue(METHODS);
    String branch = data.pickValue(BRANCHES);
    String cseqMethod = data.consumeInt(0, 7) == 0 ? data.pickValue(METHODS) : method;
    String toTag = data.pickValue(new String[] {"", ";tag=t1", ";tag=uas"});
    String text = method + " sip:bob@192.0.2.20 SIP/2.0\r\n"
        + "Via: SIP/2.0/" + data.pickValue(new String[] {"UDP", "TCP"}) + " 192.0.2.10:"
        + data.pickValue(new String[] {"5060", "5070"})
        + (branch.isEmpty() ? "" : ";branch=" + branch) + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:alice@192.0.2.10>;tag=" + data.pickValue(new String[] {"f1", "f2"}) + "\r\n"
        + "To: <sip:bob@192.0.2.20>" + toTag + "\r\n"
        + "Call-ID: " + data.pickValue(new String[] {"c1", "c2"}) + "\r\n"
        + "CSeq: " + data.consumeInt(1, 3) + " " + cseqMethod + "\r\n"
        + "Content-Length: 0\r\n\r\n";
    return parse(text);
  }

  /** A response from the peer: to a request the layer sent, or to a made-up branch. */
  private static SipMessage response(FuzzedDataProvider data, FakeTransportLayer transport) {
    List<SipRequest> sent = transport.sentRequests();
    int status = data.pickValue(STATUSES);
    String toTag = status == 100 ? "" : data.pickValue(new String[] {";tag=p1", ";tag=p2", ""});
    if (!sent.isEmpty() && data.consumeBoolean()) {
      SipRequest r = data.pickValue(sent);
      String text = "SIP/2.0 " + status + " Whatever\r\n"
          + "Via: " + r.headers().get(HeaderName.VIA) + "\r\n"
          + "From: " + r.headers().get(HeaderName.FROM) + "\r\n"
          + "To: " + r.headers().get(HeaderName.TO) + toTag + "\r\n"
          + "Call-ID: " + r.callId() + "\r\n"
          + "CSeq: " + r.cseq() + "\r\n"
          + "Content-Length: 0\r\n\r\n";
      return parse(text);
    }
    String branch = data.pickValue(BRANCHES);
    String text = "SIP/2.0 " + status + " Whatever\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5060" + (branch.isEmpty() ? "" : ";branch=" + branch)
        + "\r\n"
        + "From: <sip:alice@192.0.2.30>;tag=c1\r\n"
        + "To: <sip:bob@192.0.2.20>" + toTag + "\r\n"
        + "Call-ID: client-1\r\n"
        + "CSeq: 1 " + data.pickValue(METHODS) + "\r\n"
        + "Content-Length: 0\r\n\r\n";
    return parse(text);
  }

  private static SipMessage parse(String text) {
    try {
      return PARSER.parse(text.getBytes(StandardCharsets.UTF_8));
    } catch (SipParseException e) {
      return null; // e.g. "To: ...;tag=p1;tag=p1": the transport would have refused it
    }
  }
}
