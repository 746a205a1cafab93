package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.server.offline.OfflineMessagesConfig;
import dev.parley.sip.SipRequest;
import dev.parley.testkit.FakeScheduler;
import dev.parley.testkit.MockSipPeer;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Pager-mode store-and-forward through a real server: stored, restarted, delivered once. */
class OfflineDeliveryTest extends ProxyFixture {

  @Test
  void messagesForAnOfflineUserSurviveARestartAndArriveInOrderOnceWhenHeRegisters()
      throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    assertThat(alice.message("bob", "one").statusCode()).isEqualTo(202);
    assertThat(alice.message("bob", "two").statusCode()).isEqualTo(202);
    assertThat(server.status().offlineMessages().pending()).isEqualTo(2);

    server.close(); // restart on the same data directory
    start();
    assertThat(server.status().offlineMessages().pending()).isEqualTo(2);
    Phone bob = phone("bob", "hunter2");
    assertThat(bob.register().statusCode()).isEqualTo(200);

    SipRequest first = bob.requests.poll(10, TimeUnit.SECONDS);
    SipRequest second = bob.requests.poll(10, TimeUnit.SECONDS);
    assertThat(first).as("first stored message").isNotNull();
    assertThat(second).as("second stored message").isNotNull();
    assertThat(first.method()).isEqualTo(SipMethod.MESSAGE);
    assertThat(first.bodyAsString()).isEqualTo("one");
    assertThat(second.bodyAsString()).isEqualTo("two");
    assertThat(first.from().uri().toString()).isEqualTo("sip:alice@" + DOMAIN);
    assertThat(first.to().uri().toString()).isEqualTo("sip:bob@" + DOMAIN);
    assertThat(first.headers().get(HeaderName.CONTENT_TYPE)).isEqualTo("text/plain");
    // RFC 3428 §7: when it was sent, in the RFC 1123 form of SIP's Date
    ZonedDateTime sent = ZonedDateTime.parse(first.headers().get(HeaderName.DATE),
        DateTimeFormatter.RFC_1123_DATE_TIME);
    assertThat(sent).isBeforeOrEqualTo(ZonedDateTime.now());
    await().atMost(Duration.ofSeconds(10)).until(() -> server.status().offlineMessages()
        .delivered() == 2 && server.status().offlineMessages().pending() == 0);

    // registering again delivers nothing again: the next thing Bob gets is a live message
    assertThat(bob.register().statusCode()).isEqualTo(200);
    Phone alice2 = phone("alice", "secret");
    assertThat(alice2.message("bob", "live").statusCode()).isEqualTo(200);
    assertThat(bob.requests.poll(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("live");
    assertThat(bob.requests).isEmpty();
    assertThat(server.status().offlineMessages().delivered()).isEqualTo(2);
  }

  @Test
  void aUserWhoRegistersWhileTheServerRunsGetsHisMessagesAtOnce() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    assertThat(alice.message("carol", "while you were out").statusCode()).isEqualTo(202);
    Phone carol = phone("carol", "pass");
    assertThat(carol.register().statusCode()).isEqualTo(200);
    SipRequest got = carol.requests.poll(10, TimeUnit.SECONDS);
    assertThat(got).isNotNull();
    assertThat(got.bodyAsString()).isEqualTo("while you were out");
    assertThat(got.headers().get(HeaderName.DATE)).isNotNull();
  }

  @Test
  void deliveryForksToEveryBindingAndOneSuccessIsEnough() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    assertThat(alice.message("carol", "fork me").statusCode()).isEqualTo(202);
    MockSipPeer desk = peer();
    bind("carol", desk.uri("carol"), 0.5f);
    Phone carol = phone("carol", "pass");
    assertThat(carol.register().statusCode()).isEqualTo(200); // this REGISTER delivers

    SipRequest atDesk = desk.takeRequest();
    assertThat(atDesk.method()).isEqualTo(SipMethod.MESSAGE);
    assertThat(atDesk.bodyAsString()).isEqualTo("fork me");
    assertThat(atDesk.vias()).hasSize(1); // the server's own request: only its Via
    desk.respondWithTag(atDesk, 486, "busy");
    SipRequest atPhone = carol.requests.poll(10, TimeUnit.SECONDS);
    assertThat(atPhone).isNotNull();
    assertThat(atPhone.callId()).isEqualTo(atDesk.callId());
    await().atMost(Duration.ofSeconds(10)).until(() -> server.status().offlineMessages()
        .delivered() == 1 && server.status().offlineMessages().pending() == 0);
  }

  @Test
  void aFailedDeliveryIsRetriedOnTheServersTimersWhileTheUserStaysRegistered() throws Exception {
    timers = new FakeScheduler();
    start();
    Phone alice = phone("alice", "secret");
    assertThat(alice.message("bob", "try again").statusCode()).isEqualTo(202);
    MockSipPeer desk = peer();
    UdpSipClient client = keep(new UdpSipClient(udp()));
    SipRequest register = client.register("bob", DOMAIN, "desk", 1,
        "Contact: <" + desk.uri("bob") + ">\r\n");
    assertThat(client.sendAuthorized(register, "bob", "hunter2").statusCode()).isEqualTo(200);

    SipRequest first = desk.takeRequest(); // this REGISTER delivers
    assertThat(first.bodyAsString()).isEqualTo("try again");
    desk.respondWithTag(first, 480, "away");
    // the outcome travels back over the network; then the retry waits on the server's timers
    await().atMost(Duration.ofSeconds(10))
        .until(() -> server.status().offlineMessages().failedAttempts() == 1);
    timers.advance(OfflineMessagesConfig.DEFAULT_RETRY_INITIAL);
    SipRequest again = desk.takeRequest();
    assertThat(again.bodyAsString()).isEqualTo("try again");
    assertThat(again.callId()).isNotEqualTo(first.callId());
    desk.respondWithTag(again, 200, "here");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.status().offlineMessages()
        .delivered() == 1 && server.status().offlineMessages().pending() == 0);
  }

  @Test
  void withOfflineMessagesOffAMessageForAnOfflineUserGets480() throws Exception {
    start(b -> b.offlineEnabled(false));
    assertThat(phone("alice", "secret").message("bob", "x").statusCode()).isEqualTo(480);
    assertThat(server.status().offlineMessages()).isNull();
  }
}
