package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.server.proxy.RateLimiter;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, finding 9: failed digests from a spoofed UDP source must not lock the real owner of
 * the address out, while a password guesser is still blocked. Each client sends from a loopback
 * address of its own (Linux routes all of 127/8 to lo), standing for a host on the Internet.
 */
class SpoofedAuthFailuresTest extends ProxyFixture {
  private static final String MADE_UP_NONCE = "AAAAAYxSaW5nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

  @BeforeEach
  void fakeClock() {
    clock = new MutableClock(1_700_000_000_000L);
  }

  private UdpSipClient client(String address) throws Exception {
    return keep(new UdpSipClient(udp(), InetAddress.getByName(address)));
  }

  private static String contact(UdpSipClient c, String address) {
    return "Contact: <sip:alice@" + address + ":" + c.port() + ">\r\n";
  }

  private RateLimiter.Stats limits() {
    return server.status().rateLimits();
  }

  @Test
  void madeUpNonceFloodFromASpoofedSourceDoesNotLockOutTheRealClient() throws Exception {
    start(); // the default limits: 20 failures in a row block a source for 5 minutes
    UdpSipClient spoofer = client("127.0.0.5");
    for (int i = 0; i < 2 * RateLimiter.DEFAULT_AUTH_FAILURE_BURST; i++) {
      SipRequest forged = spoofer.register("alice", DOMAIN, "flood-" + i, 1,
          "Authorization: Digest username=\"alice\", realm=\"" + DOMAIN + "\", nonce=\""
              + MADE_UP_NONCE + "\", uri=\"sip:" + DOMAIN + "\", response=\""
              + "0123456789abcdef0123456789abcdef\", algorithm=MD5, qop=auth, nc=00000001,"
              + " cnonce=\"c" + i + "\"\r\n");
      assertThat(spoofer.send(forged).statusCode()).as("forged digest " + i).isEqualTo(401);
    }
    assertThat(limits().authFailures()).as("a nonce not issued here proves nothing").isZero();

    UdpSipClient owner = client("127.0.0.5");
    SipRequest reg = owner.register("alice", DOMAIN, "owner", 1, contact(owner, "127.0.0.5"));
    assertThat(owner.sendAuthorized(reg, "alice", "secret").statusCode()).isEqualTo(200);
    assertThat(limits().authBlocks()).isZero();
  }

  @Test
  void aNonceIssuedToAnotherAddressCountsAgainstNobodyAndNeverVerifies() throws Exception {
    start();
    UdpSipClient attacker = client("127.0.0.6"); // gets real challenges at its own address
    UdpSipClient spoofer = client("127.0.0.5"); // and replays them as the victim
    for (int i = 0; i < 2 * RateLimiter.DEFAULT_AUTH_FAILURE_BURST; i++) {
      SipResponse challenge = attacker.send(attacker.register("alice", DOMAIN, "get-" + i, 1, ""));
      assertThat(challenge.statusCode()).isEqualTo(401);
      SipRequest guess = spoofer.authorize(
          spoofer.register("alice", DOMAIN, "guess-" + i, 1, ""), challenge, "alice", "wrong" + i);
      assertThat(spoofer.send(guess).statusCode()).as("guess " + i).isEqualTo(401);
    }
    assertThat(limits().authFailures()).isZero();

    // the right password on a nonce issued to 127.0.0.6 is refused from 127.0.0.5 too
    SipResponse challenge = attacker.send(attacker.register("alice", DOMAIN, "get-last", 1, ""));
    SipRequest right = spoofer.authorize(spoofer.register("alice", DOMAIN, "right", 1, ""),
        challenge, "alice", "secret");
    assertThat(spoofer.send(right).statusCode()).isEqualTo(401);

    UdpSipClient owner = client("127.0.0.5");
    SipRequest reg = owner.register("alice", DOMAIN, "owner", 1, contact(owner, "127.0.0.5"));
    assertThat(owner.sendAuthorized(reg, "alice", "secret").statusCode()).isEqualTo(200);
  }

  @Test
  void guessingWithNoncesIssuedToTheGuesserStillBlocksIt() throws Exception {
    start();
    UdpSipClient guesser = client("127.0.0.7");
    for (int i = 1; i <= RateLimiter.DEFAULT_AUTH_FAILURE_BURST; i++) {
      SipRequest reg = guesser.register("alice", DOMAIN, "guess-" + i, 1, "");
      assertThat(guesser.sendAuthorized(reg, "alice", "wrong" + i).statusCode()).isEqualTo(401);
    }
    assertThat(limits().authFailures()).isEqualTo(RateLimiter.DEFAULT_AUTH_FAILURE_BURST);
    assertThat(limits().authBlocks()).isEqualTo(1);

    long refused = limits().requestsRefused();
    guesser.sendOnly(guesser.register("alice", DOMAIN, "blocked", 1, ""));
    await().atMost(Duration.ofSeconds(10)).until(() -> limits().requestsRefused() == refused + 1);

    // another address is not affected
    UdpSipClient other = client("127.0.0.8");
    SipRequest reg = other.register("alice", DOMAIN, "other", 1, contact(other, "127.0.0.8"));
    assertThat(other.sendAuthorized(reg, "alice", "secret").statusCode()).isEqualTo(200);
  }
}
