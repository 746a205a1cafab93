package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.TransportException;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class InviteClientTransactionTest {
  private final Stack stack = new Stack();
  private final Recorders.Listener listener = new Recorders.Listener();

  private static final Predicate<SipMessage> INVITE =
      m -> m instanceof SipRequest r && r.method().isInvite();
  private static final Predicate<SipMessage> ACK = m -> m instanceof SipRequest r && r.method().isAck();

  private SipRequest sendInvite(boolean reliable) {
    stack.layer.sendRequest(Messages.request(SipMethod.INVITE),
        reliable ? Stack.TCP_PEER : Stack.UDP_PEER, listener);
    return stack.transport.sentRequests().get(0);
  }

  private void answer(SipRequest invite, int status) {
    stack.transport.receive(Messages.response(invite, status), stack.udpFlow());
  }

  @Test
  void inviteClientRetransmitsUntilProvisional() {
    SipRequest invite = sendInvite(false);
    stack.advance(4_000);
    assertThat(stack.transport.sentTimes(INVITE)).containsExactly(0L, 500L, 1_500L, 3_500L);
    answer(invite, 180);
    stack.advance(60_000);
    assertThat(stack.transport.sentTimes(INVITE)).hasSize(4);
    assertThat(listener.statuses()).containsExactly(180);
    assertThat(stack.layer.clientCount()).as("Proceeding waits for a final response").isOne();
  }

  @Test
  void inviteClientTimerADoublesWithoutCapUntilTimerB() {
    sendInvite(false);
    stack.advance(31_999);
    assertThat(stack.transport.sentTimes(INVITE))
        .containsExactly(0L, 500L, 1_500L, 3_500L, 7_500L, 15_500L, 31_500L);
    assertThat(listener.timeouts).isZero();
    stack.advance(1);
    assertThat(listener.timeouts).as("Timer B = 64*T1").isOne();
    assertThat(listener.terminated).isOne();
    stack.assertIdle();
  }

  @Test
  void inviteClientDoesNotRetransmitOverTcp() {
    sendInvite(true);
    stack.advance(31_999);
    assertThat(stack.transport.sentTimes(INVITE)).containsExactly(0L);
    stack.advance(1);
    assertThat(listener.timeouts).isOne();
    stack.assertIdle();
  }

  @Test
  void inviteClientAcksNon2xxWithTheInvitesBranch() {
    SipRequest invite = sendInvite(false);
    SipResponse busy = Messages.response(invite, 486);
    stack.transport.receive(busy, stack.udpFlow());

    assertThat(listener.statuses()).containsExactly(486);
    SipRequest ack = stack.transport.lastSent().request();
    assertThat(ack.method()).isEqualTo(SipMethod.ACK);
    assertThat(stack.transport.lastSent().hop()).isEqualTo(Stack.UDP_PEER);
    assertThat(ack.requestUri()).isEqualTo(invite.requestUri());
    assertThat(ack.vias()).containsExactly(invite.topVia());
    assertThat(ack.callId()).isEqualTo(invite.callId());
    assertThat(ack.from()).isEqualTo(invite.from());
    assertThat(ack.to()).isEqualTo(busy.to());
    assertThat(ack.to().tag()).isEqualTo("uas-tag");
    assertThat(ack.cseq().sequence()).isEqualTo(invite.cseq().sequence());
    assertThat(ack.cseq().method()).isEqualTo(SipMethod.ACK);
    assertThat(ack.headers().values(HeaderName.ROUTE)).isEqualTo(invite.headers().values(HeaderName.ROUTE));
  }

  @Test
  void inviteClientResendsAckForEachRetransmittedNon2xxAndTellsTuOnce() {
    SipRequest invite = sendInvite(false);
    answer(invite, 486);
    stack.advance(1_000);
    answer(invite, 486);
    answer(invite, 486);
    assertThat(stack.transport.sentTimes(ACK)).containsExactly(0L, 1_000L, 1_000L);
    assertThat(listener.statuses()).containsExactly(486);
    assertThat(stack.transport.sentTimes(INVITE)).as("no retransmission once Completed").hasSize(1);
  }

  @Test
  void inviteClientCompletedLastsTimerDOverUdp() {
    SipRequest invite = sendInvite(false);
    answer(invite, 603);
    stack.advance(31_999);
    assertThat(stack.layer.clientCount()).isOne();
    stack.advance(1);
    assertThat(listener.terminated).isOne();
    stack.assertIdle();
  }

  @Test
  void inviteClientTerminatesAtOnceAfterNon2xxOverTcp() {
    SipRequest invite = sendInvite(true);
    stack.transport.receive(Messages.response(invite, 486), stack.tcpFlow());
    assertThat(stack.transport.sentTimes(ACK)).hasSize(1);
    assertThat(listener.terminated).as("Timer D = 0 over reliable transports").isOne();
    stack.assertIdle();
  }

  @Test
  void inviteClientEntersAcceptedOn2xxAndPassesEvery2xxToTu() {
    SipRequest invite = sendInvite(false);
    answer(invite, 180);
    answer(invite, 200);
    stack.advance(5_000);
    answer(invite, 200);
    stack.transport.receive(Messages.response(invite, 200, "other-fork"), stack.udpFlow());
    answer(invite, 486);
    answer(invite, 183);
    assertThat(listener.statuses()).containsExactly(180, 200, 200, 200);
    assertThat(stack.transport.sentTimes(ACK)).as("the ACK for a 2xx is the TU's").isEmpty();
    assertThat(stack.user.strays).isEmpty();
    stack.advance(26_999);
    assertThat(stack.layer.clientCount()).isOne();
    stack.advance(1);
    assertThat(listener.terminated).as("Timer M = 64*T1").isOne();
    stack.assertIdle();
    answer(invite, 200);
    assertThat(stack.user.strays).as("after Timer M a 2xx is stray").hasSize(1);
  }

  @Test
  void inviteClientReportsTransportErrorAndTerminates() {
    stack.transport.failNext(1);
    stack.layer.sendRequest(Messages.request(SipMethod.INVITE), Stack.UDP_PEER, listener);
    assertThat(listener.transportErrors).singleElement().isInstanceOf(TransportException.class);
    assertThat(listener.terminated).isOne();
    assertThat(stack.user.terminated).hasSize(1);
    stack.assertIdle();
  }

  @Test
  void inviteClientReportsTransportErrorOnRetransmission() {
    sendInvite(false);
    stack.transport.failNext(1);
    stack.advance(500);
    assertThat(listener.transportErrors).hasSize(1);
    stack.assertIdle();
  }
}
