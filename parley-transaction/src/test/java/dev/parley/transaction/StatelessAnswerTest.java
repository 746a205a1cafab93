package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TransactionUser#answerStatelessly}: a TU's answer before any transaction (§8.2.7). */
class StatelessAnswerTest {
  private final Stack stack = new Stack();

  private List<Integer> sentStatuses() {
    return stack.transport.sentResponses().stream().map(SipResponse::statusCode).toList();
  }

  @Test
  void aStatelessAnswerIsSentAndNoTransactionIsMade() {
    stack.user.statelessAnswer = r -> Messages.response(r, 401, "stateless-tag");
    SipRequest request = Messages.incoming(SipMethod.REGISTER, "z9hG4bK-reg-1");
    stack.transport.receive(request, stack.udpFlow());
    assertThat(sentStatuses()).containsExactly(401);
    assertThat(stack.user.requests).as("onRequest never called").isEmpty();
    assertThat(stack.layer.responsesSent(4)).isOne();
    stack.assertIdle();
  }

  @Test
  void aRetransmissionOfAStatelesslyAnsweredRequestIsAskedAgain() {
    stack.user.statelessAnswer = r -> Messages.response(r, 407, "stateless-tag");
    SipRequest request = Messages.incoming(SipMethod.MESSAGE, "z9hG4bK-msg-1");
    stack.transport.receive(request, stack.udpFlow());
    stack.transport.receive(request, stack.udpFlow());
    assertThat(stack.user.askedStatelessly).hasSize(2);
    assertThat(sentStatuses()).containsExactly(407, 407);
    stack.assertIdle();
  }

  @Test
  void noAnswerLetsTheRequestMakeItsTransactionAsUsual() {
    SipRequest request = Messages.incoming(SipMethod.OPTIONS, "z9hG4bK-opt-1");
    stack.transport.receive(request, stack.udpFlow());
    assertThat(stack.user.askedStatelessly).containsExactly(request);
    assertThat(stack.user.requests).containsExactly(request);
    assertThat(stack.layer.serverCount()).isOne();
  }

  @Test
  void aRetransmissionThatMatchesATransactionIsNotAsked() {
    SipRequest request = Messages.incoming(SipMethod.OPTIONS, "z9hG4bK-opt-2");
    stack.transport.receive(request, stack.udpFlow());
    stack.user.statelessAnswer = r -> Messages.response(r, 401, "stateless-tag");
    stack.transport.receive(request, stack.udpFlow());
    assertThat(stack.user.askedStatelessly).hasSize(1);
    assertThat(stack.transport.sentCount()).as("absorbed by its transaction").isZero();
  }

  @Test
  void aProvisionalOrA2xxToAnInviteIsNotAStatelessAnswer() {
    stack.user.statelessAnswer = r -> Messages.response(r, 180, "t");
    SipRequest options = Messages.incoming(SipMethod.OPTIONS, "z9hG4bK-opt-3");
    stack.transport.receive(options, stack.udpFlow());
    stack.user.statelessAnswer = r -> Messages.response(r, 200, "t");
    SipRequest invite = Messages.incoming(SipMethod.INVITE, "z9hG4bK-inv-1");
    stack.transport.receive(invite, stack.udpFlow());
    assertThat(stack.user.requests).as("both went on to onRequest").containsExactly(options, invite);
    assertThat(stack.transport.sentCount()).isZero();
  }

  @Test
  void aFailingHookIsTakenAsNoAnswer() {
    stack.user.statelessAnswer = r -> {
      throw new IllegalStateException("boom");
    };
    SipRequest request = Messages.incoming(SipMethod.MESSAGE, "z9hG4bK-msg-2");
    stack.transport.receive(request, stack.udpFlow());
    assertThat(stack.user.requests).containsExactly(request);
  }

  @Test
  void acksAndCancelsAreNeverAsked() {
    SipRequest invite = Messages.incoming(SipMethod.INVITE, "z9hG4bK-inv-2");
    stack.transport.receive(invite, stack.udpFlow());
    stack.user.askedStatelessly.clear();
    stack.transport.receive(Messages.cancelFor(invite), stack.udpFlow());
    assertThat(stack.user.cancels).hasSize(1);
    SipResponse busy = Messages.response(invite, 486, "t1");
    stack.user.last().respond(busy);
    stack.transport.receive(Messages.ackForNon2xx(invite, busy), stack.udpFlow());
    assertThat(stack.user.askedStatelessly).isEmpty();
  }

  @Test
  void aStatelessAnswerOverAClosedConnectionGoesToTheViaSentBy() {
    stack.user.statelessAnswer = r -> Messages.response(r, 401, "stateless-tag");
    Flow flow = stack.tcpFlow();
    stack.transport.closeConnection(flow);
    SipRequest request = Messages.withVia(Messages.request(SipMethod.REGISTER),
        "SIP/2.0/TCP 192.0.2.10:5070;branch=z9hG4bK-reg-tcp;received=192.0.2.99");
    stack.transport.receive(request, flow);
    assertThat(stack.transport.sent()).hasSize(2);
    assertThat(stack.transport.sent().get(0).delivered()).isFalse();
    assertThat(stack.transport.lastSent().hop())
        .isEqualTo(new Hop(Transport.TCP, new InetSocketAddress("192.0.2.99", 5070)));
    stack.assertIdle();
  }
}
