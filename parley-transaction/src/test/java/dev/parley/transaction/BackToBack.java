package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.FakeScheduler;
import dev.parley.transport.Hop;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two stacks wired back to back over fake transports on one virtual clock: a UAC side that ACKs
 * every 2xx, and a UAS side whose user answers every request.
 */
final class BackToBack {
  final FakeScheduler clock = new FakeScheduler();
  final Stack uac = new Stack(clock, TransactionConfig.defaults(),
      ListenPoint.parse("udp:127.0.0.1:5060"), ListenPoint.parse("tcp:127.0.0.1:5060"));
  final Stack uas = new Stack(clock, TransactionConfig.defaults(),
      ListenPoint.parse("udp:127.0.0.2:5070"), ListenPoint.parse("tcp:127.0.0.2:5070"));
  final Hop udp = new Hop(Transport.UDP, new InetSocketAddress("127.0.0.2", 5070));
  final Hop tcp = new Hop(Transport.TCP, new InetSocketAddress("127.0.0.2", 5070));

  final AtomicInteger finals = new AtomicInteger();
  final AtomicInteger timeouts = new AtomicInteger();
  final AtomicInteger transportErrors = new AtomicInteger();
  final AtomicInteger acksSent = new AtomicInteger();

  BackToBack() {
    uac.transport.connect(uas.transport);
  }

  /** The UAS user answers: non-INVITE 200; INVITE 180 then {@code inviteStatus}. */
  BackToBack answering(int inviteStatus, boolean ringFirst) {
    uas.user.onRequest = (tx, request) -> {
      if (request.method().isInvite()) {
        if (ringFirst) {
          tx.respond(Messages.response(request, 180));
        }
        tx.respond(Messages.response(request, inviteStatus));
      } else {
        tx.respond(Messages.response(request, 200));
      }
    };
    return this;
  }

  /** A listener that counts outcomes and ACKs each 2xx to an INVITE, as a UAC core does. */
  ClientTransaction.Listener listener(Hop hop) {
    return new ClientTransaction.Listener() {
      @Override
      public void onResponse(ClientTransaction tx, SipResponse response) {
        if (response.isFinal()) {
          finals.incrementAndGet();
        }
        if (response.isSuccess() && tx.isInvite()) {
          SipRequest ack = Messages.ackFor2xx(tx.request(), response);
          uac.layer.sendAck(ack, hop);
          acksSent.incrementAndGet();
        }
      }

      @Override
      public void onTimeout(ClientTransaction tx) {
        timeouts.incrementAndGet();
      }

      @Override
      public void onTransportError(ClientTransaction tx, Throwable cause) {
        transportErrors.incrementAndGet();
      }
    };
  }

  ClientTransaction send(SipMethod method, Hop hop) {
    return uac.layer.sendRequest(Messages.request(method), hop, listener(hop));
  }

  void assertDrainsToIdle() {
    clock.advanceMillis(200_000);
    uac.assertIdle();
    uas.assertIdle();
    assertThat(clock.pendingTimers()).isZero();
  }
}
