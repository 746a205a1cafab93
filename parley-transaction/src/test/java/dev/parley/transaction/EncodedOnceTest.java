package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transaction.internal.TransactionProbe;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A message a transaction sends and then keeps as bytes while it lingers is encoded once: the
 * array handed to the transport is the one kept, and a retransmission before the transaction
 * lingers sends that array again.
 */
class EncodedOnceTest {
  private final Stack stack = new Stack();

  @Test
  void aClientRequestIsEncodedOnceForItsSendsAndTheCopyItKeeps() {
    ClientTransaction tx = stack.layer.sendRequest(Messages.request(SipMethod.OPTIONS),
        Stack.UDP_PEER, new Recorders.Listener());
    stack.advance(500); // Timer E: the request again
    List<byte[]> wires = stack.transport.givenWires();
    assertThat(wires).hasSize(2);
    assertThat(wires.get(1)).as("the retransmission sends the same array").isSameAs(wires.get(0));
    assertThat(stack.transport.sentRequests()).hasSize(2);

    SipRequest options = stack.transport.sentRequests().get(0);
    stack.transport.receive(Messages.response(options, 200), stack.udpFlow());

    assertThat(TransactionProbe.requestHeldAs(tx)).isEqualTo("encoded bytes");
    assertThat(TransactionProbe.keeps(tx, wires.get(0))).as("the array sent is the one kept").isTrue();
    assertThat(tx.request()).isEqualTo(options);
    stack.assertDrainsToIdle();
  }

  @Test
  void anInviteClientRequestKeptAfterA2xxIsTheArraySent() {
    ClientTransaction tx = stack.layer.sendRequest(Messages.request(SipMethod.INVITE),
        Stack.UDP_PEER, new Recorders.Listener());
    SipRequest invite = stack.transport.sentRequests().get(0);
    stack.transport.receive(Messages.response(invite, 200, "callee"), stack.udpFlow());

    assertThat(TransactionProbe.requestHeldAs(tx)).as("Accepted").isEqualTo("encoded bytes");
    assertThat(TransactionProbe.keeps(tx, stack.transport.givenWires().get(0))).isTrue();
    assertThat(tx.request()).isEqualTo(invite);
    stack.assertDrainsToIdle();
  }

  @Test
  void aNonInviteServerFinalResponseIsKeptAsTheArraySentAndResentEqual() {
    SipRequest request = (SipRequest) SipParser.create().parse(
        Messages.incoming(SipMethod.MESSAGE, "z9hG4bK-once-1").encode());
    stack.transport.receive(request, stack.udpFlow());
    ServerTransaction tx = stack.user.last();
    tx.respond(Messages.response(request, 200));

    List<byte[]> wires = stack.transport.givenWires();
    assertThat(wires).hasSize(1);
    assertThat(TransactionProbe.held(tx)).as("Completed keeps only bytes").isEmpty();
    assertThat(TransactionProbe.keeps(tx, wires.get(0))).isTrue();

    stack.transport.receive(request, stack.udpFlow()); // a retransmission, answered from the copy
    List<SipResponse> sent = stack.transport.sentResponses();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).encode()).isEqualTo(wires.get(0));
    stack.assertDrainsToIdle();
  }

  @Test
  void overAReliableTransportNothingIsKeptForRetransmissions() {
    SipRequest request = (SipRequest) SipParser.create().parse(
        Messages.incoming(SipMethod.MESSAGE, "z9hG4bK-once-tcp").encode());
    stack.transport.receive(request, stack.tcpFlow());
    ServerTransaction tx = stack.user.last();
    tx.respond(Messages.response(request, 200));

    assertThat(stack.transport.sentResponses()).extracting(SipResponse::statusCode).containsExactly(200);
    assertThat(tx.isTerminated()).as("Timer J is zero over TCP").isTrue();
    stack.assertIdle();
  }
}
