package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.server.proxy.RateLimitConfig;
import dev.parley.server.proxy.RateLimiter;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.testkit.MockSipPeer;
import dev.parley.transport.Transport;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-source rate limits through a real server, on a clock the test moves: UDP floods are
 * dropped, TCP gets 503 with Retry-After, trusted sources pass, password guessers are blocked
 * and let in again when the block ends.
 */
class SourceLimitsTest extends ProxyFixture {

  @BeforeEach
  void fakeClock() {
    clock = new MutableClock(1_700_000_000_000L);
  }

  private RateLimitConfig.Builder limits() {
    return RateLimitConfig.builder().requestsPerSecond(1).requestBurst(3);
  }

  /** An OPTIONS to the server itself (answered 200 without authentication). */
  private static SipRequest options(MockSipPeer peer) {
    return peer.request("OPTIONS", "sip:" + DOMAIN, "sip:tester@elsewhere.example",
        "sip:" + DOMAIN, "");
  }

  private static SipResponse options(Phone phone) throws Exception {
    SipUri uri = SipUri.parse("sip:" + DOMAIN);
    SipRequest o = phone.ua.newRequest(SipMethod.OPTIONS, uri, phone.aor(), phone.aor(),
        phone.transport).build();
    return phone.ua.request(o, phone.proxy).get(10, TimeUnit.SECONDS);
  }

  private long refused() {
    return server.status().rateLimits().requestsRefused();
  }

  @Test
  void udpSourceOverTheRequestLimitIsDroppedUntilItsBucketRefills() throws Exception {
    start(b -> b.rateLimits(limits().build()));
    MockSipPeer peer = peer();
    for (int i = 0; i < 3; i++) {
      SipRequest o = options(peer);
      peer.send(o, udp());
      assertThat(peer.takeFinalResponse().callId()).isEqualTo(o.callId());
    }
    peer.send(options(peer), udp()); // the fourth at once: no token left
    await().atMost(Duration.ofSeconds(10)).until(() -> refused() == 1);

    clock.advance(Duration.ofSeconds(1)); // one token back
    SipRequest later = options(peer);
    peer.send(later, udp());
    SipResponse r = peer.takeFinalResponse();
    assertThat(r.callId()).as("the dropped request got no answer").isEqualTo(later.callId());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(server.status().rateLimits().sources()).isEqualTo(1);
  }

  @Test
  void malformedRequestsCountAgainstTheSourceAndGetNoAnswerOnceItIsLimited() throws Exception {
    start(b -> b.rateLimits(limits().build()));
    MockSipPeer peer = peer();
    // parses, but its CSeq names another method: the transport answers 400 itself
    SipRequest bad = options(peer).toBuilder().setHeader(HeaderName.CSEQ, "1 INVITE").build();
    peer.send(bad, udp());
    SipResponse answered = peer.takeFinalResponse();
    assertThat(answered.statusCode()).isEqualTo(400);
    assertThat(answered.callId()).isEqualTo(bad.callId());
    for (int i = 0; i < 2; i++) { // the rest of the burst
      SipRequest o = options(peer);
      peer.send(o, udp());
      assertThat(peer.takeFinalResponse().statusCode()).isEqualTo(200);
    }
    SipRequest limited = options(peer).toBuilder().setHeader(HeaderName.CSEQ, "1 INVITE").build();
    peer.send(limited, udp());
    await().atMost(Duration.ofSeconds(10)).until(() -> refused() == 1);

    clock.advance(Duration.ofSeconds(1));
    SipRequest later = options(peer);
    peer.send(later, udp());
    SipResponse r = peer.takeFinalResponse();
    assertThat(r.callId()).as("the limited malformed request got no 400").isEqualTo(later.callId());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void tcpSourceOverTheRequestLimitGets503WithRetryAfter() throws Exception {
    start(b -> b.rateLimits(limits().requestBurst(2).build()));
    Phone phone = keep(Phone.of(server, "alice", "secret", Transport.TCP));
    assertThat(options(phone).statusCode()).isEqualTo(200);
    assertThat(options(phone).statusCode()).isEqualTo(200);
    SipResponse refused = options(phone);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().get(HeaderName.RETRY_AFTER)).isEqualTo("1");
    assertThat(refused()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    assertThat(options(phone).statusCode()).isEqualTo(200);
  }

  @Test
  void trustedSourceIsNeitherLimitedNorTracked() throws Exception {
    start(b -> b.trusted("127.0.0.1").rateLimits(limits().requestBurst(1).build()));
    MockSipPeer peer = peer();
    for (int i = 0; i < 10; i++) {
      SipRequest o = options(peer);
      peer.send(o, udp());
      assertThat(peer.takeFinalResponse().callId()).isEqualTo(o.callId());
    }
    assertThat(refused()).isZero();
    assertThat(server.status().rateLimits().sources()).isZero();
  }

  @Test
  void repeatedFailedAuthenticationBlocksTheSourceUntilTheBlockEnds() throws Exception {
    start(b -> b.rateLimits(RateLimitConfig.builder().authFailureBurst(4)
        .authFailuresPerMinute(1).authBlock(Duration.ofMinutes(1)).build()));
    // wrong passwords at the proxy (407; the phone tries each challenge it was offered)...
    Phone guesser = phone("alice", "wrong");
    assertThat(guesser.message("bob", "let me in").statusCode()).isEqualTo(407);
    long atProxy = server.status().rateLimits().authFailures();
    assertThat(atProxy).isBetween(1L, 3L);
    // ...and at the registrar (401) until the fourth failure
    UdpSipClient client = keep(new UdpSipClient(udp()));
    String contact = "Contact: <sip:alice@127.0.0.1:" + client.port() + ">\r\n";
    for (long i = atProxy + 1; i <= 4; i++) {
      assertThat(server.status().rateLimits().authBlocks()).isZero();
      SipRequest reg = client.register("alice", DOMAIN, "guess-" + i, 1, contact);
      assertThat(client.sendAuthorized(reg, "alice", "wrong" + i).statusCode()).isEqualTo(401);
    }
    RateLimiter.Stats stats = server.status().rateLimits();
    assertThat(stats.authFailures()).isEqualTo(4);
    assertThat(stats.authBlocks()).isEqualTo(1);

    // blocked: over TCP every request gets 503 with the rest of the block, even a right password
    Phone tcp = keep(Phone.of(server, "alice", "secret", Transport.TCP));
    SipResponse refused = tcp.register();
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().get(HeaderName.RETRY_AFTER)).isEqualTo("60");
    // over UDP it is dropped
    long before = refused();
    client.sendOnly(client.register("alice", DOMAIN, "blocked", 1, contact));
    await().atMost(Duration.ofSeconds(10)).until(() -> refused() == before + 1);

    clock.advance(Duration.ofSeconds(61)); // the block is over
    SipRequest again = client.register("alice", DOMAIN, "after-block", 1, contact);
    SipResponse ok = client.sendAuthorized(again, "alice", "secret");
    assertThat(ok.callId()).as("the dropped request got no answer").isEqualTo("after-block");
    assertThat(ok.statusCode()).isEqualTo(200);
  }
}
