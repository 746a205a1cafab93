package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.server.offline.OfflineMessagesConfig;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, findings 5 (offline part) and 6, through a real server: a sender of another domain
 * (raw SIP over UDP from its own loopback address, no credentials) cannot fill a mailbox, nor
 * tell a missing user from an offline one; an authenticated user keeps room in every mailbox.
 */
class OfflineSenderQuotasEndToEndTest extends ProxyFixture {
  static final Duration WAIT = Duration.ofSeconds(10);

  SipServer startWithOffline(UnaryOperator<OfflineMessagesConfig.Builder> offline)
      throws Exception {
    return start(b -> b.offline(offline.apply(OfflineMessagesConfig.builder()).build()));
  }

  Foreign foreign(String ip) throws IOException {
    return keep(new Foreign(ip, udp()));
  }

  @Test
  void byDefaultAForeignSendersMessageForAnOfflineUserGets480AndNothingIsStored()
      throws Exception {
    start();
    Foreign mallory = foreign("127.0.0.5");
    SipResponse r = mallory.send("MESSAGE", "bob", "buy now");
    assertThat(r.statusCode()).isEqualTo(480);
    assertThat(server.status().offlineMessages().pending()).isZero();
    assertThat(server.status().offlineMessages().unauthenticatedDeclined()).isEqualTo(1);
  }

  @Test
  void byDefaultAForeignSenderGetsTheSameStatusForAMissingUserAsForAnOfflineOne()
      throws Exception {
    start();
    Foreign mallory = foreign("127.0.0.5");
    for (String method : List.of("MESSAGE", "OPTIONS", "SUBSCRIBE")) {
      int offline = mallory.send(method, "bob", "x").statusCode();
      int missing = mallory.send(method, "nosuchuser", "x").statusCode();
      assertThat(missing).as(method).isEqualTo(offline).isEqualTo(480);
    }
    assertThat(server.status().offlineMessages().pending()).isZero();
  }

  @Test
  void withForeignStorageOnAMissingUserAndAnOfflineOneBothGet202AndOnlyTheUserHasAMessage()
      throws Exception {
    startWithOffline(o -> o.acceptUnauthenticated(true));
    Foreign mallory = foreign("127.0.0.5");
    SipResponse offline = mallory.send("MESSAGE", "bob", "hello bob");
    SipResponse missing = mallory.send("MESSAGE", "nosuchuser", "hello nobody");
    assertThat(missing.statusCode()).isEqualTo(offline.statusCode()).isEqualTo(202);
    assertThat(missing.reasonPhrase()).isEqualTo(offline.reasonPhrase());
    assertThat(mallory.send("OPTIONS", "nosuchuser", "").statusCode())
        .isEqualTo(mallory.send("OPTIONS", "bob", "").statusCode());
    assertThat(server.status().offlineMessages().pending()).isEqualTo(1);
    assertThat(server.status().offlineMessages().unauthenticatedPending()).isEqualTo(1);
  }

  @Test
  void foreignMessagesStopAtTheirShareOfTheMailboxAndAlicesStillGetsInAndArrives()
      throws Exception {
    // the red team filled bob's mailbox from one foreign source and alice then got 480
    startWithOffline(o -> o.acceptUnauthenticated(true).maxMessagesPerUser(10)
        .maxUnauthenticatedPerUser(4).maxUnauthenticatedPerSource(3));
    Foreign mallory = foreign("127.0.0.5");
    Foreign mallorysFriend = foreign("127.0.0.6");
    for (int i = 0; i < 10; i++) {
      assertThat(mallory.send("MESSAGE", "bob", "spam " + i).statusCode()).isEqualTo(202);
      assertThat(mallorysFriend.send("MESSAGE", "bob", "spam too " + i).statusCode())
          .isEqualTo(202);
    }
    assertThat(server.status().offlineMessages().pending()).isEqualTo(4);

    Phone alice = phone("alice", "secret");
    assertThat(alice.message("bob", "from alice").statusCode()).isEqualTo(202);
    Phone bob = phone("bob", "hunter2");
    assertThat(bob.register().statusCode()).isEqualTo(200);
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      SipRequest m = bob.requests.poll(10, TimeUnit.SECONDS);
      assertThat(m).as("stored message " + i).isNotNull();
      got.add(m.bodyAsString());
    }
    assertThat(got).contains("from alice").filteredOn(b -> b.startsWith("spam")).hasSize(4);
    await().atMost(WAIT).until(() -> server.status().offlineMessages().pending() == 0);
  }

  @Test
  void oneAuthenticatedSenderCannotFillAMailboxAndOthersStillGetIn() throws Exception {
    startWithOffline(o -> o.maxPerSender(2));
    Phone alice = phone("alice", "secret");
    assertThat(alice.message("bob", "one").statusCode()).isEqualTo(202);
    assertThat(alice.message("bob", "two").statusCode()).isEqualTo(202);
    SipResponse third = alice.message("bob", "three");
    assertThat(third.statusCode()).isEqualTo(480);
    assertThat(third.reasonPhrase()).contains("mailbox full for this sender");
    assertThat(phone("carol", "pass").message("bob", "from carol").statusCode()).isEqualTo(202);
    assertThat(server.status().offlineMessages().refusedPerSender()).isEqualTo(1);
  }

  /** A UA of another domain on its own loopback address: raw requests over UDP, no digest. */
  static final class Foreign implements AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();
    private final MockSipPeer peer;
    private final InetSocketAddress server;

    Foreign(String ip, InetSocketAddress server) throws IOException {
      this.server = server;
      this.peer = MockSipPeer.start(ip);
    }

    /** Sends {@code method} for {@code user} of the domain from mallory; the final response. */
    SipResponse send(String method, String user, String body) throws IOException {
      int id = IDS.incrementAndGet();
      String text = method + " sip:" + user + "@" + DOMAIN + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP " + peer.hostPort() + ";branch=z9hG4bKfq" + id
          + System.nanoTime() + ";rport\r\n"
          + "Max-Forwards: 70\r\n"
          + "From: <sip:mallory@evil.example>;tag=m" + id + "\r\n"
          + "To: <sip:" + user + "@" + DOMAIN + ">\r\n"
          + "Call-ID: foreign" + id + "-" + System.nanoTime() + "@evil.example\r\n"
          + "CSeq: 1 " + method + "\r\n"
          + "Contact: <" + peer.uri("mallory") + ">\r\n"
          + (method.equals("SUBSCRIBE") ? "Event: presence\r\nExpires: 600\r\n" : "")
          + (body.isEmpty() ? "" : "Content-Type: text/plain\r\n")
          + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n"
          + body;
      peer.send(text, server);
      while (true) {
        SipResponse r = peer.takeFinalResponse();
        if (r.callId().startsWith("foreign" + id + "-")) {
          return r;
        }
      }
    }

    @Override
    public void close() {
      peer.close();
    }
  }
}
