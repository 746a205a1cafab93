package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.SipMessage;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transaction.internal.TransactionProbe;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A transaction that only absorbs retransmissions (Completed, Confirmed, Accepted) keeps its
 * messages as bytes and the transaction user's narrow listener, and still behaves as RFC 3261
 * and RFC 6026 say. What it holds is read through {@link TransactionProbe}, not by waiting for a
 * garbage collection.
 */
class LingeringStateTest {
  private static final Predicate<SipMessage> ACK = m -> m instanceof SipRequest r && r.method().isAck();

  private final Stack stack = new Stack();

  /** A listener that names the small one it wants kept after the final response. */
  private static final class BigListener implements ClientTransaction.Listener {
    final Recorders.Listener whole = new Recorders.Listener();
    final Recorders.Listener narrow = new Recorders.Listener();
    int narrowed;

    @Override
    public void onResponse(ClientTransaction tx, SipResponse response) {
      whole.onResponse(tx, response);
    }

    @Override
    public void onTerminated(ClientTransaction tx) {
      whole.onTerminated(tx);
    }

    @Override
    public ClientTransaction.Listener afterFinalResponse() {
      narrowed++;
      return narrow;
    }
  }

  private static SipRequest parsed(SipRequest request) {
    return (SipRequest) SipParser.create().parse(request.encode());
  }

  /** The server transaction {@code request} makes, received over UDP. */
  private ServerTransaction serverOf(SipRequest request) {
    stack.transport.receive(request, stack.udpFlow());
    return stack.user.last();
  }

  private List<byte[]> sentResponseBytes() {
    return stack.transport.sentResponses().stream().map(SipMessage::encode).toList();
  }

  @Test
  void aRetransmittedRequestThirtySecondsAfterCompletionGetsTheSameResponseBytes() {
    SipRequest request = parsed(Messages.incoming(SipMethod.MESSAGE, "z9hG4bK-linger-1"));
    stack.transport.receive(request, stack.udpFlow());
    ServerTransaction tx = stack.user.last();
    tx.respond(Messages.response(request, 202));

    assertThat(TransactionProbe.held(tx)).as("Completed keeps no message, only bytes").isEmpty();
    stack.advance(30_000);
    stack.transport.receive(parsed(request), stack.udpFlow());

    List<byte[]> sent = sentResponseBytes();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1)).isEqualTo(sent.get(0));
    assertThat(stack.user.requests).as("absorbed, not a new request").hasSize(1);
    assertThat(tx.request().encode()).as("the request, parsed again").isEqualTo(request.encode());
    assertThat(tx.isInvite()).isFalse();
    stack.advance(2_000);
    assertThat(stack.user.terminated).containsExactly(tx);
    stack.assertIdle();
  }

  @Test
  void aReceivedRequestLingersAsTheBytesItCameInAndIsGivenBackEqual() {
    // spelled as a peer may write it, not as Parley encodes it: extra blanks, a folded line
    String wire = "MESSAGE sip:bob@192.0.2.20 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-linger-verbatim\r\n"
        + "Max-Forwards:    70\r\n"
        + "From: <sip:alice@192.0.2.10>;tag=v1\r\nTo:\r\n  <sip:bob@192.0.2.20>\r\n"
        + "Call-ID: verbatim@peer\r\nCSeq: 1 MESSAGE\r\nContent-Length: 2\r\n\r\nhi";
    SipRequest request = (SipRequest) SipParser.create().parse(wire);
    stack.transport.receive(request, stack.udpFlow());
    ServerTransaction tx = stack.user.last();
    tx.respond(Messages.response(request, 202));

    assertThat(TransactionProbe.held(tx)).isEmpty();
    assertThat(TransactionProbe.requestHeldAs(tx)).isEqualTo("received bytes");
    SipRequest again = tx.request();
    assertThat(again).isEqualTo(request).isNotSameAs(request);
    assertThat(again.bodyAsString()).isEqualTo("hi");
    byte[] kept = new byte[again.verbatimBytes().remaining()];
    again.verbatimBytes().get(kept);
    assertThat(new String(kept, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(wire);
    stack.advance(32_000);
    stack.assertIdle();
  }

  @Test
  void aRequestTheTransportStampedLingersAsItsReceivedBytesWithTheStampedVia() {
    SipRequest parsed = parsed(Messages.incoming(SipMethod.MESSAGE, "z9hG4bK-linger-changed"));
    SipRequest changed = parsed.withReceived(new InetSocketAddress("198.51.100.7", 5060));
    assertThat(changed).isNotSameAs(parsed);
    stack.transport.receive(changed, stack.udpFlow());
    ServerTransaction tx = stack.user.last();
    tx.respond(Messages.response(changed, 202));

    assertThat(TransactionProbe.requestHeldAs(tx)).isEqualTo("received bytes, stamped Via");
    assertThat(tx.request()).isEqualTo(changed);
    assertThat(tx.request().topVia().received()).isEqualTo("198.51.100.7");
    stack.advance(32_000);
    stack.assertIdle();
  }

  @Test
  void anInviteServerTransactionHoldsNoMessageOnceConfirmedOrAccepted() {
    SipRequest busy = parsed(Messages.incoming(SipMethod.INVITE, "z9hG4bK-linger-busy"));
    stack.transport.receive(busy, stack.udpFlow());
    ServerTransaction rejected = stack.user.last();
    SipResponse response = Messages.response(busy, 486, "callee");
    rejected.respond(response);
    stack.transport.receive(parsed(Messages.ackForNon2xx(busy, response)), stack.udpFlow());

    SipRequest ok = parsed(Messages.incoming(SipMethod.INVITE, "z9hG4bK-linger-ok"));
    stack.transport.receive(ok, stack.udpFlow());
    ServerTransaction accepted = stack.user.last();
    accepted.respond(Messages.response(ok, 200, "callee"));
    stack.transport.receive(parsed(ok), stack.udpFlow());

    assertThat(TransactionProbe.held(rejected)).as("Confirmed").isEmpty();
    assertThat(TransactionProbe.held(accepted)).as("Accepted").isEmpty();
    assertThat(stack.transport.sentResponses()).extracting(SipResponse::statusCode)
        .as("Accepted absorbs the retransmitted INVITE").containsExactly(486, 200);
    assertThat(accepted.request().encode()).isEqualTo(ok.encode());
    assertThat(accepted.isInvite()).isTrue();
    stack.advance(32_000);
    assertThat(stack.user.terminated).containsExactlyInAnyOrder(rejected, accepted);
    stack.assertIdle();
  }

  @Test
  void anInviteClientInCompletedResendsTheSameAckBytesAndKeepsOnlyTheNarrowListener() {
    BigListener listener = new BigListener();
    ClientTransaction tx = stack.layer.sendRequest(Messages.request(SipMethod.INVITE),
        Stack.UDP_PEER, listener);
    SipRequest invite = stack.transport.sentRequests().get(0);
    SipResponse busy = Messages.response(invite, 486, "callee");
    stack.transport.receive(busy, stack.udpFlow());

    assertThat(listener.narrowed).isOne();
    assertThat(TransactionProbe.held(tx)).containsExactly(listener.narrow);
    stack.advance(20_000);
    stack.transport.receive(busyCopy(busy), stack.udpFlow());
    List<byte[]> acks = stack.transport.sent().stream().filter(s -> ACK.test(s.message()))
        .map(s -> s.message().encode()).toList();
    assertThat(acks).hasSize(2);
    assertThat(acks.get(1)).isEqualTo(acks.get(0));
    assertThat(listener.whole.statuses()).as("the retransmission is absorbed").containsExactly(486);
    assertThat(tx.request().encode()).isEqualTo(invite.encode());

    stack.advance(12_000);
    assertThat(listener.narrow.terminated).as("Timer D ends it on the narrow listener").isOne();
    assertThat(listener.whole.terminated).isZero();
    stack.assertIdle();
  }

  @Test
  void aConfirmedInviteServerWhoseUserReadsNoRequestKeepsNoneAndStillAbsorbsAcks() {
    SipRequest busy = parsed(Messages.incoming(SipMethod.INVITE, "z9hG4bK-linger-noreq"));
    stack.transport.receive(busy, stack.udpFlow());
    ServerTransaction tx = stack.user.last();
    tx.readsNoRequestOnceConfirmed();
    SipResponse response = Messages.response(busy, 486, "callee");
    tx.respond(response);
    assertThat(TransactionProbe.requestHeldAs(tx)).as("Completed still has it")
        .isNotEqualTo("nothing");
    stack.advance(600); // Timer G: the 486 again, from the kept response
    SipRequest ack = parsed(Messages.ackForNon2xx(busy, response));
    stack.transport.receive(ack, stack.udpFlow());

    assertThat(TransactionProbe.requestHeldAs(tx)).as("Confirmed").isEqualTo("nothing");
    assertThat(TransactionProbe.held(tx)).isEmpty();
    assertThatThrownBy(tx::request).isInstanceOf(IllegalStateException.class);
    assertThat(tx.isInvite()).isTrue();
    stack.transport.receive(parsed(ack), stack.udpFlow()); // a retransmitted ACK: absorbed
    stack.transport.receive(parsed(busy), stack.udpFlow()); // a late INVITE copy: absorbed
    assertThat(stack.user.requests).as("neither reaches the user").hasSize(1);
    assertThat(stack.user.acks).isEmpty();
    assertThat(stack.transport.sentResponses()).extracting(SipResponse::statusCode)
        .containsExactly(486, 486);
    stack.advance(5_000);
    assertThat(stack.user.terminated).containsExactly(tx);
    stack.assertIdle();
  }

  @Test
  void aCompletedNonInviteServerWhoseUserReadsNoRequestKeepsNoneAndStillAnswersRetransmissions() {
    SipRequest request = parsed(Messages.incoming(SipMethod.MESSAGE, "z9hG4bK-linger-noreq"));
    ServerTransaction tx = serverOf(request);
    tx.readsNoRequestOnceCompleted();
    tx.respond(Messages.response(request, 200));

    assertThat(TransactionProbe.requestHeldAs(tx)).as("Completed").isEqualTo("nothing");
    assertThat(TransactionProbe.held(tx)).isEmpty();
    assertThatThrownBy(tx::request).isInstanceOf(IllegalStateException.class);
    assertThat(tx.isInvite()).isFalse();
    stack.advance(30_000);
    stack.transport.receive(parsed(request), stack.udpFlow()); // a retransmission: the 200 again

    List<byte[]> sent = sentResponseBytes();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1)).isEqualTo(sent.get(0));
    assertThat(stack.user.requests).as("absorbed, not a new request").hasSize(1);
    stack.advance(2_000);
    assertThat(stack.user.terminated).containsExactly(tx);
    stack.assertIdle();
  }

  /** A narrow listener that, as a proxy's lingering branch, never reads the request again. */
  private static final class EndOnly implements ClientTransaction.Listener {
    int terminated;

    @Override
    public void onResponse(ClientTransaction tx, SipResponse response) {}

    @Override
    public void onTerminated(ClientTransaction tx) {
      terminated++;
    }

    @Override
    public boolean readsRequestWhileLingering() {
      return false;
    }
  }

  private List<SipRequest> sentAcks() {
    return stack.transport.sent().stream().filter(s -> ACK.test(s.message()))
        .map(s -> (SipRequest) s.message()).toList();
  }

  @Test
  void anInviteClientWhoseNarrowListenerReadsNoRequestKeepsOnlyTheAckBytesAndResendsThem() {
    EndOnly narrow = new EndOnly();
    ClientTransaction.Listener listener = new ClientTransaction.Listener() {
      @Override
      public void onResponse(ClientTransaction t, SipResponse response) {}

      @Override
      public ClientTransaction.Listener afterFinalResponse() {
        return narrow;
      }
    };
    ClientTransaction tx = stack.layer.sendRequest(Messages.request(SipMethod.INVITE),
        Stack.UDP_PEER, listener);
    SipRequest invite = stack.transport.sentRequests().get(0);
    SipResponse busy = Messages.response(invite, 486, "callee");
    stack.transport.receive(busy, stack.udpFlow());

    byte[] firstAck = sentAcks().get(0).encode();
    assertThat(TransactionProbe.requestHeldAs(tx)).isEqualTo("ACK bytes");
    assertThat(TransactionProbe.held(tx)).containsExactly(narrow);
    assertThat(stack.transport.givenWires()).as("the ACK's encoding, made once, is what is kept")
        .anySatisfy(w -> {
          assertThat(w).isEqualTo(firstAck);
          assertThat(TransactionProbe.keeps(tx, w)).isTrue();
        });
    assertThatThrownBy(tx::request).isInstanceOf(IllegalStateException.class);
    assertThat(tx.isInvite()).isTrue();

    stack.advance(20_000);
    stack.transport.receive(busyCopy(busy), stack.udpFlow());
    List<SipRequest> acks = sentAcks();
    assertThat(acks).hasSize(2);
    assertThat(acks.get(1).encode()).as("the same ACK, byte for byte").isEqualTo(firstAck);

    // a final response with another To tag on the same branch (a fork behind a stateless
    // proxy): its ACK takes that To (RFC 3261 section 17.1.1.3), in the To's place
    SipResponse otherBusy = Messages.response(invite, 486, "other-callee");
    stack.transport.receive(otherBusy, stack.udpFlow());
    SipRequest third = sentAcks().get(2);
    assertThat(third.headers().get(dev.parley.sip.HeaderName.TO))
        .isEqualTo(otherBusy.headers().get(dev.parley.sip.HeaderName.TO));
    assertThat(third.withHeaderSet(dev.parley.sip.HeaderName.TO,
        busy.headers().get(dev.parley.sip.HeaderName.TO)).encode()).isEqualTo(firstAck);

    stack.advance(12_000);
    assertThat(narrow.terminated).as("Timer D ends it on the narrow listener").isOne();
    stack.assertIdle();
  }

  @Test
  void anInviteWhoseBytesDoNotParseBackStrictlyIsKeptWholeAndItsAckStillResent() {
    // a Request-URI with headers (a Contact's URI forwarded as it is): built, but a strict parse
    // of its bytes refuses it (RFC 3261 section 19.1.5)
    SipRequest base = Messages.request(SipMethod.INVITE);
    SipRequest invite = base.toBuilder()
        .requestUri(dev.parley.sip.Uri.parse("sip:bob@192.0.2.20?Subject=hi")).build();
    BigListener listener = new BigListener();
    ClientTransaction tx = stack.layer.sendRequest(invite, Stack.UDP_PEER, listener);
    SipRequest sent = stack.transport.sentRequests().get(0);
    SipResponse busy = Messages.response(sent, 486, "callee");
    stack.transport.receive(busy, stack.udpFlow());

    stack.advance(20_000);
    stack.transport.receive(busyCopy(busy), stack.udpFlow());

    assertThat(stack.transport.sent().stream().filter(s -> ACK.test(s.message())).count())
        .as("the ACK resent for the retransmitted 486").isEqualTo(2);
    assertThat(tx.request().requestUri().toString()).isEqualTo("sip:bob@192.0.2.20?Subject=hi");
    stack.advance(12_000);
    assertThat(listener.narrow.terminated).isOne();
    stack.assertIdle();
  }

  private static SipResponse busyCopy(SipResponse busy) {
    return (SipResponse) SipParser.create().parse(busy.encode());
  }

  @Test
  void aNonInviteClientInCompletedEndsOnTheNarrowListener() {
    BigListener listener = new BigListener();
    ClientTransaction tx = stack.layer.sendRequest(Messages.request(SipMethod.OPTIONS),
        Stack.UDP_PEER, listener);
    SipRequest options = stack.transport.sentRequests().get(0);
    stack.transport.receive(Messages.response(options, 200), stack.udpFlow());

    assertThat(listener.whole.statuses()).containsExactly(200);
    assertThat(TransactionProbe.held(tx)).containsExactly(listener.narrow);
    stack.transport.receive(Messages.response(options, 200), stack.udpFlow());
    assertThat(listener.whole.statuses()).as("absorbed").containsExactly(200);
    stack.advance(5_000);
    assertThat(listener.narrow.terminated).as("Timer K").isOne();
    assertThat(listener.whole.terminated).isZero();
    stack.assertIdle();
  }

  @Test
  void aNonInviteClientWhoseNarrowListenerReadsNoRequestKeepsNoneOfItAndStillAbsorbs() {
    EndOnly narrow = new EndOnly();
    Recorders.Listener whole = new Recorders.Listener();
    ClientTransaction tx = stack.layer.sendRequest(Messages.request(SipMethod.MESSAGE),
        Stack.UDP_PEER, new ClientTransaction.Listener() {
          @Override
          public void onResponse(ClientTransaction t, SipResponse response) {
            whole.onResponse(t, response);
          }

          @Override
          public ClientTransaction.Listener afterFinalResponse() {
            return narrow;
          }
        });
    SipRequest message = stack.transport.sentRequests().get(0);
    stack.transport.receive(Messages.response(message, 202), stack.udpFlow());

    assertThat(TransactionProbe.requestHeldAs(tx)).isEqualTo("nothing");
    assertThat(TransactionProbe.held(tx)).containsExactly(narrow);
    assertThatThrownBy(tx::request).isInstanceOf(IllegalStateException.class);
    assertThat(tx.isInvite()).isFalse();
    stack.advance(2_000);
    stack.transport.receive(Messages.response(message, 202), stack.udpFlow());
    assertThat(whole.statuses()).as("the retransmitted 202 absorbed").containsExactly(202);
    assertThat(stack.transport.sentRequests()).as("nothing sent again").hasSize(1);
    stack.advance(3_000);
    assertThat(narrow.terminated).as("Timer K ends it on the narrow listener").isOne();
    stack.assertIdle();
  }

  @Test
  void aNonInviteClientWhoseListenerMayReadTheRequestKeepsItsBytesInCompleted() {
    BigListener listener = new BigListener();
    ClientTransaction tx = stack.layer.sendRequest(Messages.request(SipMethod.MESSAGE),
        Stack.UDP_PEER, listener);
    SipRequest message = stack.transport.sentRequests().get(0);
    stack.transport.receive(Messages.response(message, 202), stack.udpFlow());

    assertThat(TransactionProbe.requestHeldAs(tx)).isEqualTo("encoded bytes");
    assertThat(tx.request().encode()).isEqualTo(message.encode());
    stack.advance(5_000);
    assertThat(listener.narrow.terminated).isOne();
    stack.assertIdle();
  }

  @Test
  void anAcceptedInviteClientKeepsTheWholeListenerForFurther2xxAndGivesTheRequestAgain() {
    BigListener listener = new BigListener();
    ClientTransaction tx = stack.layer.sendRequest(Messages.request(SipMethod.INVITE),
        Stack.UDP_PEER, listener);
    SipRequest invite = stack.transport.sentRequests().get(0);
    stack.transport.receive(Messages.response(invite, 200, "fork-1"), stack.udpFlow());
    stack.transport.receive(Messages.response(invite, 200, "fork-2"), stack.udpFlow());

    assertThat(listener.whole.statuses()).containsExactly(200, 200);
    assertThat(listener.narrowed).as("Accepted delivers further 2xx").isZero();
    assertThat(TransactionProbe.held(tx)).containsExactly(listener);
    assertThat(tx.request().encode()).isEqualTo(invite.encode());
    stack.advance(32_000);
    assertThat(listener.whole.terminated).isOne();
    stack.assertIdle();
  }

  @Test
  void aListenerThatFailsToNarrowIsKeptWholeAndStillHearsTheEnd() {
    List<String> calls = new ArrayList<>();
    ClientTransaction.Listener failing = new ClientTransaction.Listener() {
      @Override
      public void onResponse(ClientTransaction tx, SipResponse response) {
        calls.add("onResponse " + response.statusCode());
      }

      @Override
      public void onTerminated(ClientTransaction tx) {
        calls.add("onTerminated");
      }

      @Override
      public ClientTransaction.Listener afterFinalResponse() {
        calls.add("afterFinalResponse");
        throw new IllegalStateException("boom");
      }
    };
    stack.layer.sendRequest(Messages.request(SipMethod.OPTIONS), Stack.UDP_PEER, failing);
    SipRequest options = stack.transport.sentRequests().get(0);
    stack.transport.receive(Messages.response(options, 404), stack.udpFlow());
    stack.advance(5_000);
    assertThat(calls).containsExactly("onResponse 404", "afterFinalResponse", "onTerminated");
    stack.assertIdle();
  }

  @Test
  void anAcceptedInviteOverTcpStillFallsBackToTheViaForTheUsersRetransmitted2xx() {
    Flow flow = stack.tcpFlow();
    SipRequest invite = Messages.withVia(Messages.request(SipMethod.INVITE),
        "SIP/2.0/TCP 192.0.2.10:5070;branch=z9hG4bK-tcp-acc;received=192.0.2.99");
    stack.transport.receive(invite, flow);
    ServerTransaction tx = stack.user.last();
    SipResponse ok = Messages.response(invite, 200, "callee");
    tx.respond(ok);
    assertThat(TransactionProbe.held(tx)).as("Accepted, over TCP too").isEmpty();

    stack.transport.closeConnection(flow);
    tx.respond(ok); // the UA core's 2xx retransmission (RFC 6026 §7.1)
    assertThat(stack.transport.lastSent().hop())
        .isEqualTo(new Hop(Transport.TCP, new InetSocketAddress("192.0.2.99", 5070)));
    assertThat(stack.user.transportErrors).isEmpty();
    stack.advance(32_000);
    assertThat(stack.user.terminated).containsExactly(tx);
  }

  @Test
  void overTcpTheTransactionEndsAtOnceWithoutNarrowing() {
    BigListener listener = new BigListener();
    stack.layer.sendRequest(Messages.request(SipMethod.OPTIONS), Stack.TCP_PEER, listener);
    SipRequest options = stack.transport.sentRequests().get(0);
    stack.transport.receive(Messages.response(options, 200), stack.tcpFlow());
    assertThat(listener.narrowed).isZero();
    assertThat(listener.whole.terminated).isOne();
    stack.assertIdle();
  }
}
