package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.UserAgent;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Transport;
import java.time.Duration;
import java.util.Optional;
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
    try (ScriptedUdpPeer peer = new ScriptedUdpPeer();
        UserAgent caller = Loopback.agent(Loopback.rejectingEveryInvite())) {
      int port = peer.port();
      CompletableFuture<Dialog> call = caller.invite(
          CallLoad.invite(caller, Loopback.uri("callee", port, Transport.UDP), Transport.UDP),
          Loopback.hop(Transport.UDP, port));
      ScriptedUdpPeer.Received invite = peer.take("INVITE ");
      byte[] ok = ScriptedUdpPeer.response(invite, "200 OK", "callee1",
          "Contact: <sip:callee@127.0.0.1:" + port + ">\r\n");
      peer.send(ok, invite.from());
      Dialog dialog = call.get(5, TimeUnit.SECONDS);
      peer.take("ACK ");

      CompletableFuture<SipResponse> bye = caller.bye(dialog);
      ScriptedUdpPeer.Received byeRequest = peer.take("BYE ");
      peer.send(ScriptedUdpPeer.response(byeRequest, "200 OK", "callee1", ""), byeRequest.from());
      assertThat(bye.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

      peer.send(ok, invite.from()); // our 2xx again: the first ACK was "late"

      assertThat(peer.take().startLine()).as("answer to the retransmitted 2xx").startsWith("ACK ");
      Optional<ScriptedUdpPeer.Received> more = peer.poll(Duration.ofMillis(500));
      assertThat(more.map(ScriptedUdpPeer.Received::startLine))
          .as("nothing but the ACK (no second BYE for the same dialog)").isEmpty();
      assertThat(caller.dialogCount()).as("dialogs after the call").isZero();
    }
  }
}
