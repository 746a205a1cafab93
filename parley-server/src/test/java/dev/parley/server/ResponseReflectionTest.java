package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipParser;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 finding 8: a {@code SIP/2.0 200 OK} whose top Via named the server and whose second
 * Via named a third party was relayed there with its body. Responses now go upstream only
 * through a transaction this proxy forwarded; strays are dropped and charged to their source.
 */
class ResponseReflectionTest extends ProxyFixture {

  @Test
  void responseMatchingNoTransactionIsNotRelayedToTheAddressInItsSecondVia() throws Exception {
    start();
    MockSipPeer victim = keep(MockSipPeer.start("127.0.0.2"));
    MockSipPeer mallory = keep(MockSipPeer.start("127.0.0.3"));
    int port = udp().getPort();
    for (int i = 0; i < 20; i++) {
      String body = "x".repeat(1000);
      SipResponse forged = (SipResponse) SipParser.create().parse("SIP/2.0 200 OK\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bKforged" + i + "\r\n"
          + "Via: SIP/2.0/UDP " + victim.hostPort() + ";branch=z9hG4bKvictim" + i + "\r\n"
          + "From: <sip:a@evil.example>;tag=1\r\n"
          + "To: <sip:b@evil.example>;tag=2\r\n"
          + "Call-ID: reflect" + i + "\r\n"
          + "CSeq: 1 INVITE\r\n"
          + "Content-Type: text/plain\r\n"
          + "Content-Length: " + body.length() + "\r\n\r\n" + body);
      mallory.send(forged, udp());
    }
    // the last stray is counted once the server has handled all of them
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> server.proxyStats().strayResponsesDropped() == 20);
    assertThat(victim.poll(Duration.ofMillis(300))).isNull();
  }
}
