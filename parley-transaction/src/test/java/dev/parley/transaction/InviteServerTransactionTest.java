package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class InviteServerTransactionTest {
  private final Stack stack = new Stack();

  private SipRequest receiveInvite(Flow flow) {
    SipRequest invite = Messages.incoming(SipMethod.INVITE, "z9hG4bK-inv-1");
    stack.transport.receive(invite, flow);
    return invite;
  }

  private java.util.List<Long> sentTimes(int status) {
    return stack.transport.sentTimes(m -> m instanceof SipResponse r && r.statusCode() == status);
  }

  @Test
  void statelessAnswerToAnInviteIsSentOnceAndItsAckGoesToTheTu() {
    SipRequest invite = receiveInvite(stack.udpFlow());
    SipResponse challenge = Messages.response(invite, 407);
    stack.user.last().respondStatelessly(challenge);
    stack.advance(40_000);
    assertThat(sentTimes(407)).as("no Timer G retransmissions").hasSize(1);
    assertThat(sentTimes(100)).as("a stateless UAS sends no provisional response").isEmpty();
    assertThat(stack.user.terminated).hasSize(1);
    stack.assertIdle();
    SipRequest ack = Messages.ackForNon2xx(invite, challenge);
    stack.transport.receive(ack, stack.udpFlow());
    assertThat(stack.user.acks).containsExactly(ack);
  }

  @Test
  void statelessAnswerCannotBeA2xxToAnInvite() {
    SipRequest invite = receiveInvite(stack.udpFlow());
    assertThatThrownBy(() -> stack.user.last().respondStatelessly(Messages.response(invite, 200)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2xx");
  }

  @Test
  void inviteServerSends100TryingAfter200msWhenTuIsSlow() {
    SipRequest invite = receiveInvite(stack.udpFlow());
    assertThat(stack.user.requests).containsExactly(invite);
    stack.advance(199);
    assertThat(stack.transport.sentCount()).isZero();
    stack.advance(1);
    SipResponse trying = stack.transport.lastSent().response();
    assertThat(trying.statusCode()).isEqualTo(100);
    assertThat(trying.topVia()).isEqualTo(invite.topVia());
    assertThat(trying.cseq()).isEqualTo(invite.cseq());
    assertThat(trying.callId()).isEqualTo(invite.callId());
    assertThat(trying.to().tag()).isNull();
    assertThat(stack.transport.lastSent().flow()).isEqualTo(stack.transport.sent().get(0).flow());
  }

  @Test
  void inviteServerDoesNotSend100WhenTuRespondsInTime() {
    stack.user.onRequest = (tx, r) -> tx.respond(Messages.response(r, 180));
    receiveInvite(stack.udpFlow());
    stack.advance(10_000);
    assertThat(stack.transport.sentResponses()).extracting(SipResponse::statusCode).containsExactly(180);
  }

  @Test
  void inviteServerResendsLastProvisionalOnRetransmission() {
    SipRequest invite = receiveInvite(stack.udpFlow());
    stack.user.last().respond(Messages.response(invite, 180));
    stack.user.last().respond(Messages.response(invite, 183));
    stack.transport.receive(invite, stack.udpFlow());
    assertThat(stack.transport.sentResponses()).extracting(SipResponse::statusCode)
        .containsExactly(180, 183, 183);
    assertThat(stack.user.requests).as("retransmission absorbed").hasSize(1);
  }

  @Test
  void inviteServerSends100AtOnceWhenInviteIsRetransmittedBeforeAnyProvisional() {
    SipRequest invite = receiveInvite(stack.udpFlow());
    stack.advance(100);
    stack.transport.receive(invite, stack.udpFlow());
    assertThat(sentTimes(100)).containsExactly(100L);
    stack.advance(500);
    assertThat(sentTimes(100)).containsExactly(100L);
  }

  @Test
  void inviteServerRetransmitsNon2xxOnTimerGDoublingToT2UntilTimerH() {
    SipRequest invite = receiveInvite(stack.udpFlow());
    stack.user.last().respond(Messages.response(invite, 486));
    stack.advance(31_999);
    assertThat(sentTimes(486)).containsExactly(0L, 500L, 1_500L, 3_500L, 7_500L, 11_500L, 15_500L,
        19_500L, 23_500L, 27_500L, 31_500L);
    assertThat(stack.user.timeouts).isEmpty();
    stack.advance(1);
    assertThat(stack.user.timeouts).as("Timer H = 64*T1 tells the TU").hasSize(1);
    assertThat(stack.user.terminated).hasSize(1);
    stack.assertIdle();
  }

  @Test
  void inviteServerResendsFinalResponseOnInviteRetransmissionInCompleted() {
    SipRequest invite = receiveInvite(stack.udpFlow());
    stack.user.last().respond(Messages.response(invite, 486));
    stack.advance(100);
    stack.transport.receive(invite, stack.udpFlow());
    assertThat(sentTimes(486)).containsExactly(0L, 100L);
  }

  @Test
  void inviteServerDoesNotRetransmitOverTcpButStillWaitsTimerH() {
    SipRequest invite = receiveInvite(stack.tcpFlow());
    stack.user.last().respond(Messages.response(invite, 486));
    stack.advance(31_999);
    assertThat(sentTimes(486)).containsExactly(0L);
    stack.advance(1);
    assertThat(stack.user.timeouts).hasSize(1);
    stack.assertIdle();
  }

  @Test
  void inviteServerAckMovesToConfirmedWhichAbsorbsAcksUntilTimerI() {
    SipRequest invite = receiveInvite(stack.udpFlow());
    SipResponse busy = Messages.response(invite, 486);
    stack.user.last().respond(busy);
    stack.advance(1_000);
    SipRequest ack = Messages.ackForNon2xx(invite, busy);
    stack.transport.receive(ack, stack.udpFlow());
    stack.transport.receive(ack, stack.udpFlow());
    stack.transport.receive(invite, stack.udpFlow());
    stack.advance(4_999);
    assertThat(sentTimes(486)).as("no retransmission once Confirmed").containsExactly(0L, 500L);
    assertThat(stack.user.acks).as("the ACK for a non-2xx stays in the transaction").isEmpty();
    assertThat(stack.layer.serverCount()).isOne();
    stack.advance(1);
    assertThat(stack.user.timeouts).isEmpty();
    assertThat(stack.user.terminated).as("Timer I = T4").hasSize(1);
    stack.assertIdle();
  }

  @Test
  void inviteServerTerminatesOnAckOverTcp() {
    SipRequest invite = receiveInvite(stack.tcpFlow());
    SipResponse busy = Messages.response(invite, 486);
    stack.user.last().respond(busy);
    stack.transport.receive(Messages.ackForNon2xx(invite, busy), stack.tcpFlow());
    assertThat(stack.user.terminated).as("Timer I = 0 over reliable transports").hasSize(1);
    stack.assertIdle();
  }

  @Test
  void inviteServerAcceptedAbsorbsInviteRetransmissionsAndPasses2xxAndAck() {
    SipRequest invite = receiveInvite(stack.udpFlow());
    SipResponse ok = Messages.response(invite, 200);
    stack.user.last().respond(ok);
    stack.transport.receive(invite, stack.udpFlow());
    stack.advance(500);
    stack.user.last().respond(ok);
    stack.user.last().respond(Messages.response(invite, 486));
    assertThat(stack.transport.sentResponses()).extracting(SipResponse::statusCode)
        .as("INVITE retransmission absorbed, TU's 2xx retransmission passed, late 486 dropped")
        .containsExactly(200, 200);
    SipRequest ack = Messages.withVia(Messages.ackFor2xx(invite, ok),
        "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-ack-2xx");
    stack.transport.receive(ack, stack.udpFlow());
    assertThat(stack.user.acks).containsExactly(ack);
    assertThat(stack.user.requests).hasSize(1);
    stack.advance(31_499);
    assertThat(stack.layer.serverCount()).isOne();
    stack.advance(1);
    assertThat(stack.user.terminated).as("Timer L = 64*T1").hasSize(1);
    stack.assertIdle();
  }

  @Test
  void inviteServerPassesAckWithTheInvitesBranchToTuInAccepted() {
    SipRequest invite = receiveInvite(stack.udpFlow());
    SipResponse ok = Messages.response(invite, 200);
    stack.user.last().respond(ok);
    stack.transport.receive(Messages.ackForNon2xx(invite, ok), stack.udpFlow());
    assertThat(stack.user.acks).hasSize(1);
  }

  @Test
  void inviteServerTransportErrorTerminatesAndInformsTu() {
    SipRequest invite = receiveInvite(stack.udpFlow());
    stack.transport.failNext(1);
    stack.user.last().respond(Messages.response(invite, 486));
    assertThat(stack.user.transportErrors).hasSize(1);
    assertThat(stack.user.terminated).hasSize(1);
    stack.assertIdle();
  }

  @Test
  void inviteServerFallsBackToViaWhenTheConnectionIsGone() {
    Flow flow = stack.tcpFlow();
    SipRequest invite = Messages.withVia(Messages.request(SipMethod.INVITE),
        "SIP/2.0/TCP 192.0.2.10:5070;branch=z9hG4bK-tcp;received=192.0.2.99");
    stack.transport.receive(invite, flow);
    stack.transport.closeConnection(flow);
    stack.user.last().respond(Messages.response(invite, 180));
    assertThat(stack.transport.sent()).hasSize(2);
    assertThat(stack.transport.sent().get(0).delivered()).isFalse();
    assertThat(stack.transport.lastSent().hop())
        .isEqualTo(new Hop(Transport.TCP, new InetSocketAddress("192.0.2.99", 5070)));
    assertThat(stack.user.transportErrors).isEmpty();
  }
}
