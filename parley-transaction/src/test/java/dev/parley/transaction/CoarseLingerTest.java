package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipMessage;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.FakeScheduler;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Timers D, I, J, K, L and M only end a state that absorbs retransmissions (L and M: and passes
 * a 2xx's on): they are coarse (on an event loop, rounded up to 250 ms and ended in batches). On
 * virtual time with that grain: each ends its state at the first grain boundary at or after its
 * exact deadline, never before, and the state does what it did until then; the timers that
 * decide more (A, B, E, F, G, H) stay exact.
 */
class CoarseLingerTest {
  private static final long GRAIN = 250;
  private final Stack stack = new Stack(new FakeScheduler(GRAIN), TransactionConfig.defaults());

  private static final Predicate<SipMessage> OPTIONS =
      m -> m instanceof SipRequest r && r.method().equals(SipMethod.OPTIONS);

  private java.util.List<Integer> sentStatuses() {
    return stack.transport.sentResponses().stream().map(SipResponse::statusCode).toList();
  }

  @Test
  void timerJEndsTheServerTransactionAtTheGrainAfterItsDeadlineAbsorbingUntilThen() {
    stack.advance(110);
    SipRequest request = Messages.incoming(SipMethod.MESSAGE, "z9hG4bK-coarse-j");
    stack.transport.receive(request, stack.udpFlow());
    stack.user.last().respond(Messages.response(request, 200));
    // exact Timer J: 110 + 32,000 = 32,110; coarse: 32,250
    stack.advance(32_000);
    stack.transport.receive(request, stack.udpFlow());
    assertThat(sentStatuses()).as("a retransmission past the exact J is still absorbed")
        .containsExactly(200, 200);
    assertThat(stack.user.requests).hasSize(1);
    stack.advance(139);
    assertThat(stack.user.terminated).isEmpty();
    stack.advance(1);
    assertThat(stack.clock.nowMillis()).isEqualTo(32_250);
    assertThat(stack.user.terminated).as("Timer J, at the grain after 32,110 ms").hasSize(1);
    stack.assertIdle();
    stack.transport.receive(request, stack.udpFlow());
    assertThat(stack.user.requests).as("after Timer J it is a new request").hasSize(2);
  }

  @Test
  void timerKEndsTheClientTransactionAtTheGrainWhileRetransmissionsStayExact() {
    Recorders.Listener listener = new Recorders.Listener();
    stack.advance(30);
    stack.layer.sendRequest(Messages.request(SipMethod.OPTIONS), Stack.UDP_PEER, listener);
    SipRequest sent = stack.transport.sentRequests().get(0);
    stack.advance(1_000);
    assertThat(stack.transport.sentTimes(OPTIONS)).as("Timer E exact: 30 + 500")
        .containsExactly(30L, 530L);
    stack.transport.receive(Messages.response(sent, 200), stack.udpFlow());
    // exact Timer K: 1,030 + T4 = 6,030; coarse: 6,250
    stack.advance(5_219);
    assertThat(listener.terminated).isZero();
    stack.transport.receive(Messages.response(sent, 200), stack.udpFlow());
    assertThat(listener.statuses()).as("a retransmitted response is absorbed").containsExactly(200);
    stack.advance(1);
    assertThat(listener.terminated).as("Timer K, at the grain after 6,030 ms").isOne();
    stack.assertIdle();
  }

  @Test
  void timersDIAndLEndAtTheGrainAfterTheirDeadlines() {
    stack.advance(10);
    Recorders.Listener listener = new Recorders.Listener();
    stack.layer.sendRequest(Messages.request(SipMethod.INVITE), Stack.UDP_PEER, listener);
    SipRequest invite = stack.transport.sentRequests().get(0);
    stack.transport.receive(Messages.response(invite, 603), stack.udpFlow());

    SipRequest incoming = Messages.incoming(SipMethod.INVITE, "z9hG4bK-coarse-i");
    stack.transport.receive(incoming, stack.udpFlow());
    SipResponse busy = Messages.response(incoming, 486);
    stack.user.last().respond(busy);
    stack.transport.receive(Messages.ackForNon2xx(incoming, busy), stack.udpFlow());

    SipRequest accepted = Messages.incoming(SipMethod.INVITE, "z9hG4bK-coarse-l");
    stack.transport.receive(accepted, stack.udpFlow());
    stack.user.last().respond(Messages.response(accepted, 200));

    // I: 10 + 5,000 -> 5,250; L: 10 + 32,000 = 32,010 -> 32,250; D: 32,010 -> 32,250
    stack.advance(5_239);
    assertThat(stack.user.terminated).isEmpty();
    stack.advance(1);
    assertThat(stack.user.terminated).as("Timer I, at the grain").hasSize(1);
    stack.advance(26_759);
    assertThat(stack.user.terminated).hasSize(1);
    stack.advance(1);
    assertThat(stack.clock.nowMillis()).isEqualTo(32_010);
    assertThat(stack.user.terminated).as("Timer L, not before the grain after 32,010").hasSize(1);
    stack.transport.receive(accepted, stack.udpFlow());
    assertThat(stack.user.requests).as("a retransmitted INVITE is still absorbed in Accepted")
        .hasSize(2);
    assertThat(listener.terminated).isZero();
    stack.advance(239);
    assertThat(stack.user.terminated).hasSize(1);
    assertThat(listener.terminated).isZero();
    stack.advance(1);
    assertThat(stack.user.terminated).as("Timers L and D, at the grain after 32,010").hasSize(3);
    assertThat(listener.terminated).as("Timer D, at the grain after 32,010").isOne();
    stack.assertIdle();
  }

  @Test
  void timerMEndsTheAcceptedClientTransactionAtTheGrainPassingLate2xxOnUntilThen() {
    stack.advance(20);
    Recorders.Listener listener = new Recorders.Listener();
    stack.layer.sendRequest(Messages.request(SipMethod.INVITE), Stack.UDP_PEER, listener);
    SipRequest invite = stack.transport.sentRequests().get(0);
    SipResponse ok = Messages.response(invite, 200);
    stack.transport.receive(ok, stack.udpFlow());
    // exact Timer M: 20 + 32,000 = 32,020; coarse: 32,250
    stack.advance(32_000);
    assertThat(listener.terminated).isZero();
    stack.transport.receive(ok, stack.udpFlow());
    assertThat(listener.statuses()).as("a 2xx retransmitted past the exact M is still passed on")
        .containsExactly(200, 200);
    stack.advance(229);
    assertThat(listener.terminated).isZero();
    stack.advance(1);
    assertThat(stack.clock.nowMillis()).isEqualTo(32_250);
    assertThat(listener.terminated).as("Timer M, at the grain after 32,020").isOne();
    stack.assertIdle();
  }
}
