package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.UserAgent;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import dev.parley.transport.Transport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A retransmission of the 2xx to our INVITE that arrives after we ended the dialog with BYE (the
 * UAS sent it before our ACK reached it; over UDP that is routine, RFC 3261 §13.3.1.4) must be
 * acknowledged again (§13.2.2.4) and nothing more: it is the same dialog, not a second fork, so
 * no new dialog and no second BYE. A second BYE races the first; the loser gets 481, so the
 * user's own BYE fails now and then (74 of 3,000 calls in {@link ThousandsOfShortCallsTest}).
 */
class LateOkAfterByeTest {
  @Test
  void a2xxRetransmittedAfterOurByeIsAcknowledgedAndNotAnsweredWithAnotherBye() throws Exception {
    try (MockSipPeer peer = MockSipPeer.start();
        UserAgent caller = Loopback.agent(Loopback.rejectingEveryInvite())) {
      int port = peer.port();
      CompletableFuture<Dialog> call = caller.invite(
          CallLoad.invite(caller, Loopback.uri("callee", port, Transport.UDP), Transport.UDP),
          Loopback.hop(Transport.UDP, port));
      SipRequest invite = peer.takeRequest(SipMethod.INVITE);
      SipResponse ok = peer.respondWithTag(invite, 200, "callee1",
          "Contact", "<sip:callee@127.0.0.1:" + port + ">");
      Dialog dialog = call.get(5, TimeUnit.SECONDS);
      peer.takeRequest(SipMethod.ACK);

      CompletableFuture<SipResponse> bye = caller.bye(dialog);
      SipRequest byeRequest = peer.takeRequest(SipMethod.BYE);
      peer.respondWithTag(byeRequest, 200, "callee1");
      assertThat(bye.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

      long acks = count(peer, SipMethod.ACK);
      peer.reply(invite, ok); // our 2xx again: the first ACK was "late"

      // the peer takes a request once: an ACK repeating the first one's branch is only recorded
      await("answer to the retransmitted 2xx").atMost(Duration.ofSeconds(10))
          .until(() -> count(peer, SipMethod.ACK) > acks);
      SipMessage more = peer.poll(Duration.ofMillis(500));
      while (more instanceof SipRequest r && r.method().isAck()) {
        more = peer.poll(Duration.ofMillis(500)); // an ACK with a branch of its own is new
      }
      assertThat(more).as("nothing but the ACK (no second BYE for the same dialog)").isNull();
      assertThat(peer.received().stream()
          .filter(m -> m instanceof SipRequest r && r.method().equals(SipMethod.BYE))
          .map(m -> m.topVia().branch()).distinct())
          .as("one BYE, retransmissions aside").hasSize(1);
      assertThat(caller.dialogCount()).as("dialogs after the call").isZero();
    }
  }

  private static long count(MockSipPeer peer, SipMethod method) {
    return peer.received().stream()
        .filter(m -> m instanceof SipRequest r && r.method().equals(method)).count();
  }
}
