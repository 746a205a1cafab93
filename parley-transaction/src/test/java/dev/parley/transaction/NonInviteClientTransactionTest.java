package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipMessage;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class NonInviteClientTransactionTest {
  private final Stack stack = new Stack();
  private final Recorders.Listener listener = new Recorders.Listener();

  private static final Predicate<SipMessage> OPTIONS =
      m -> m instanceof SipRequest r && r.method().equals(SipMethod.OPTIONS);

  private SipRequest send(boolean reliable) {
    stack.layer.sendRequest(Messages.request(SipMethod.OPTIONS),
        reliable ? Stack.TCP_PEER : Stack.UDP_PEER, listener);
    return stack.transport.sentRequests().get(0);
  }

  private void answer(SipRequest request, int status) {
    stack.transport.receive(Messages.response(request, status), stack.udpFlow());
  }

  @Test
  void nonInviteClientTimerEDoublesUpToT2ThenTimerFTimesOut() {
    send(false);
    stack.advance(31_999);
    assertThat(stack.transport.sentTimes(OPTIONS)).containsExactly(
        0L, 500L, 1_500L, 3_500L, 7_500L, 11_500L, 15_500L, 19_500L, 23_500L, 27_500L, 31_500L);
    assertThat(listener.timeouts).isZero();
    stack.advance(1);
    assertThat(listener.timeouts).as("Timer F = 64*T1").isOne();
    assertThat(listener.terminated).isOne();
    stack.assertIdle();
  }

  @Test
  void nonInviteClientRetransmitsEveryT2InProceeding() {
    SipRequest request = send(false);
    stack.advance(600);
    answer(request, 100);
    stack.advance(10_000);
    assertThat(stack.transport.sentTimes(OPTIONS)).containsExactly(0L, 500L, 1_500L, 5_500L, 9_500L);
    assertThat(listener.statuses()).containsExactly(100);
  }

  @Test
  void nonInviteClientDoesNotRetransmitOverTcp() {
    send(true);
    stack.advance(31_999);
    assertThat(stack.transport.sentTimes(OPTIONS)).containsExactly(0L);
    stack.advance(1);
    assertThat(listener.timeouts).isOne();
    stack.assertIdle();
  }

  @Test
  void nonInviteClientTimerKIsT4OverUdp() {
    SipRequest request = send(false);
    answer(request, 200);
    assertThat(listener.statuses()).containsExactly(200);
    stack.advance(4_999);
    assertThat(stack.layer.clientCount()).isOne();
    stack.advance(1);
    assertThat(listener.terminated).isOne();
    stack.assertIdle();
  }

  @Test
  void nonInviteClientTimerKIsZeroOverTcp() {
    SipRequest request = send(true);
    stack.transport.receive(Messages.response(request, 404), stack.tcpFlow());
    assertThat(listener.statuses()).containsExactly(404);
    assertThat(listener.terminated).isOne();
    stack.assertIdle();
  }

  @Test
  void nonInviteClientAbsorbsRetransmittedFinalResponsesInCompleted() {
    SipRequest request = send(false);
    answer(request, 100);
    answer(request, 180);
    answer(request, 200);
    answer(request, 200);
    answer(request, 500);
    stack.advance(1_000);
    assertThat(listener.statuses()).containsExactly(100, 180, 200);
    assertThat(stack.transport.sentTimes(OPTIONS)).as("no retransmission once Completed").containsExactly(0L);
    assertThat(stack.user.strays).isEmpty();
  }

  @Test
  void nonInviteClientReportsTransportError() {
    stack.transport.failNext(1);
    stack.layer.sendRequest(Messages.request(SipMethod.MESSAGE), Stack.UDP_PEER, listener);
    assertThat(listener.transportErrors).hasSize(1);
    assertThat(listener.timeouts).isZero();
    stack.assertIdle();
  }

  @Test
  void aResponseWhoseBranchDiffersOnlyInCaseStillMatchesTheClientTransaction() {
    SipRequest request = send(false);
    String branch = request.topVia().branch();
    String text = new String(Messages.response(request, 200).encode(), StandardCharsets.UTF_8);
    assertThat(text).contains(branch);
    String upper = text.replace(branch, branch.toUpperCase(java.util.Locale.ROOT));
    SipResponse response =
        (SipResponse) SipParser.create().parse(upper.getBytes(StandardCharsets.UTF_8));
    stack.transport.receive(response, stack.udpFlow());
    assertThat(listener.statuses()).as("branches compare case-insensitively (RFC 3261 7.3.1)")
        .containsExactly(200);
  }
}
