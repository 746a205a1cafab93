package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An INVITE with a {@code Replaces} header (RFC 3891) that names no session of the endpoint never
 * reaches the application: 481 when it names no dialog, 400 when it cannot be read. (One that
 * names a session is in {@code EscalationThroughServerTest}.)
 */
class ReplacesInvitationTest {
  private Endpoint bob;
  private MockSipPeer peer;
  private final BlockingQueue<IncomingSessionEvent> invitations = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    bob = Endpoint.builder("sip:bob@127.0.0.1").listen("udp:127.0.0.1:0").build();
    bob.enable().join();
    bob.sessionManager().setListener((source, e) -> invitations.add(e));
    peer = MockSipPeer.start();
  }

  @AfterEach
  void stop() {
    bob.close();
    peer.close();
  }

  private int inviteWith(String replacesLine) throws Exception {
    String target = bob.contactUri().toString();
    SipRequest invite = peer.request("INVITE", target, peer.uri("alice"), target, replacesLine);
    peer.send(invite, new InetSocketAddress("127.0.0.1", bob.contactUri().port()));
    SipResponse response = peer.takeFinalResponse();
    if (response.statusCode() >= 300) {
      return response.statusCode();
    }
    throw new AssertionError("unexpected " + response);
  }

  @Test
  void aReplacesNamingNoDialogIsAnswered481AndNeverOffered() throws Exception {
    assertThat(inviteWith("Replaces: nosuch@127.0.0.1;to-tag=a1;from-tag=b2\r\n"))
        .isEqualTo(481);
    assertThat(invitations).isEmpty();
  }

  @Test
  void anUnreadableOrRepeatedReplacesIsAnswered400() throws Exception {
    assertThat(inviteWith("Replaces: ;;;\r\n")).isEqualTo(400);
    assertThat(inviteWith("Replaces: x@h;to-tag=a;from-tag=b\r\n"
        + "Replaces: y@h;to-tag=a;from-tag=b\r\n")).isEqualTo(400);
    assertThat(inviteWith("Replaces: x@h;from-tag=b\r\n")).isEqualTo(400); // no to-tag
    assertThat(invitations).isEmpty();
  }
}
