package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipMessage;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Loss, duplication and reordering between two stacks: each ends in the right state, nothing leaks. */
class FaultInjectionTest {
  private final BackToBack net = new BackToBack();

  private static boolean isAck(SipMessage m) {
    return m instanceof SipRequest r && r.method().isAck();
  }

  @Test
  void lostInvitesAreRepairedByTimerA() {
    net.answering(200, false);
    net.uac.transport.dropNext(2);
    net.send(SipMethod.INVITE, net.udp);
    net.clock.advanceMillis(1_499);
    assertThat(net.uas.user.requests).isEmpty();
    net.clock.advanceMillis(1);
    assertThat(net.uas.user.requests).hasSize(1);
    assertThat(net.finals).hasValue(1);
    assertThat(net.uas.user.acks).hasSize(1);
    net.assertDrainsToIdle();
  }

  @Test
  void lostFinalResponseToNonInviteIsRepairedByTheRequestRetransmission() {
    net.answering(200, false);
    net.uas.transport.dropNext(1);
    net.send(SipMethod.MESSAGE, net.udp);
    assertThat(net.finals).hasValue(0);
    net.clock.advanceMillis(500);
    assertThat(net.finals).hasValue(1);
    assertThat(net.uas.user.requests).as("the retransmission was absorbed").hasSize(1);
    net.assertDrainsToIdle();
    assertThat(net.timeouts).hasValue(0);
  }

  @Test
  void lostAckIsRepairedByTimerG() {
    net.answering(486, true);
    AtomicInteger acks = new AtomicInteger();
    net.uac.transport.dropWhen(m -> isAck(m) && acks.getAndIncrement() == 0);
    net.send(SipMethod.INVITE, net.udp);
    net.clock.advanceMillis(500);
    List<Long> busy = net.uas.transport.sentTimes(m -> m instanceof SipResponse r && r.statusCode() == 486);
    assertThat(busy).containsExactly(0L, 500L);
    assertThat(acks).hasValue(2);
    net.clock.advanceMillis(10_000);
    assertThat(net.uas.transport.sentTimes(m -> m instanceof SipResponse r && r.statusCode() == 486))
        .as("Confirmed stops Timer G").hasSize(2);
    assertThat(net.finals).hasValue(1);
    assertThat(net.uas.user.timeouts).isEmpty();
    net.assertDrainsToIdle();
  }

  @Test
  void lostAckWithEveryRetransmissionLostEndsWithTimerH() {
    net.answering(486, false);
    net.uac.transport.dropWhen(FaultInjectionTest::isAck);
    net.send(SipMethod.INVITE, net.udp);
    net.assertDrainsToIdle();
    assertThat(net.uas.user.timeouts).hasSize(1);
    assertThat(net.finals).hasValue(1);
  }

  @Test
  void duplicatedMessagesAreAbsorbedExceptRetransmitted2xxWhichReachTheUac() {
    net.answering(200, true);
    net.uac.transport.duplicateAll(true);
    net.uas.transport.duplicateAll(true);
    net.send(SipMethod.INVITE, net.udp);
    net.send(SipMethod.OPTIONS, net.udp);
    assertThat(net.uas.user.requests).as("one INVITE, one OPTIONS").hasSize(2);
    assertThat(net.finals).as("both 2xx copies reach the UAC (RFC 6026 Accepted), one 200 OPTIONS")
        .hasValue(3);
    assertThat(net.uas.user.acks).as("each ACK sent twice and duplicated").hasSize(4);
    net.assertDrainsToIdle();
  }

  @Test
  void finalResponseOvertakingTheProvisionalLeavesTheInviteAccepted() {
    Recorders.Listener listener = new Recorders.Listener();
    net.uas.user.onRequest = (tx, request) -> {
      net.uas.transport.reorderNext();
      tx.respond(Messages.response(request, 180));
      tx.respond(Messages.response(request, 200));
    };
    net.uac.layer.sendRequest(Messages.request(SipMethod.INVITE), net.udp, listener);
    assertThat(listener.statuses()).as("the late 180 is ignored in Accepted").containsExactly(200);
    net.assertDrainsToIdle();
  }

  @Test
  void reorderedRequestRetransmissionAfterTheFinalIsAnsweredAgain() {
    net.answering(200, false);
    net.uac.transport.latency(Duration.ofMillis(600));
    net.send(SipMethod.OPTIONS, net.udp);
    net.clock.advanceMillis(2_000);
    assertThat(net.uas.user.requests).hasSize(1);
    assertThat(net.finals).hasValue(1);
    assertThat(net.uas.transport.sentResponses()).as("each copy of the request gets the 200 again")
        .hasSizeGreaterThanOrEqualTo(2);
    net.assertDrainsToIdle();
  }

  @Test
  void sendFailureMidTransactionEndsBothSidesCleanly() {
    net.answering(486, true);
    net.uac.transport.dropWhen(FaultInjectionTest::isAck);
    net.send(SipMethod.INVITE, net.udp);
    net.uas.transport.failNext(1);
    net.clock.advanceMillis(500);
    assertThat(net.uas.user.transportErrors).hasSize(1);
    net.assertDrainsToIdle();
  }

  @Test
  void randomLossDuplicationAndJitterLeaveNoTransactionBehind() {
    net.uas.user.onRequest = (tx, request) -> {
      if (request.method().isInvite()) {
        boolean ring = request.cseq().sequence() % 2 == 0;
        if (ring) {
          tx.respond(Messages.response(request, 180));
          tx.respond(Messages.response(request, 486));
        } else {
          tx.respond(Messages.response(request, 200));
        }
      } else {
        tx.respond(Messages.response(request, 200));
      }
    };
    net.uac.transport.lossRate(0.2, 42).jitter(Duration.ofMillis(300), 7).duplicateNext(50);
    net.uas.transport.lossRate(0.2, 43).jitter(Duration.ofMillis(300), 8).duplicateNext(50);
    int n = 1_000;
    for (int i = 0; i < n; i++) {
      SipMethod method = i % 3 == 0 ? SipMethod.INVITE : SipMethod.MESSAGE;
      SipRequest request = Messages.request(method, "lossy-" + i + "@test", "t" + i, i % 4 + 1);
      net.uac.layer.sendRequest(request, i % 5 == 0 ? net.tcp : net.udp, net.listener(net.udp));
      net.clock.advanceMillis(3);
    }
    net.assertDrainsToIdle();
    assertThat(net.finals.get() + net.timeouts.get()).as("every transaction ended").isGreaterThanOrEqualTo(n);
  }
}
