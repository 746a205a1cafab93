package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17 finding 4: {@code From: <sip:bob@127.000.000.001>} was not recognised as the domain,
 * so no login was asked and the callee saw bob as the caller. Every spelling of our addresses
 * and names now counts as ours where the proxy decides who must authenticate.
 */
class AddressNormalisationTest extends ProxyFixture {

  @ParameterizedTest
  @ValueSource(strings = {"127.000.000.001", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]",
      "[0:0:0:0:0:ffff:127.0.0.1]", "EXAMPLE.COM", "example.com.", "LocalHost"})
  void otherSpellingOfOurHostInFromIsChallenged(String host) throws Exception {
    start();
    MockSipPeer alice = keep(MockSipPeer.start("127.0.0.2"));
    bind("alice", alice.uri("alice"), 1f);
    MockSipPeer mallory = keep(MockSipPeer.start("127.0.0.3"));
    SipRequest message = mallory.request("MESSAGE", "sip:alice@" + DOMAIN, "sip:bob@" + host,
        "sip:alice@" + DOMAIN, "");
    mallory.send(message, udp());
    SipResponse r = mallory.takeFinalResponse(message);
    assertThat(r.statusCode()).isEqualTo(407);
    assertThat(alice.poll(Duration.ofMillis(300))).isNull();
  }

  /**
   * The forms {@code inet_aton} also reads ({@code 127.1}, hex, one number, four-digit octal)
   * are not SIP hosts (RFC 3261 §25.1: IPv4address is four parts of 1 to 3 digits, and a
   * toplabel starts with a letter): the parser refuses them, so they never reach a check.
   */
  @ParameterizedTest
  @ValueSource(strings = {"127.1", "0x7f.0.0.1", "2130706433", "0177.0.0.1", "127.0.0.1."})
  void inetAtonSpellingsAreNotSipHostsAndAreRefused400(String host) throws Exception {
    start();
    MockSipPeer alice = keep(MockSipPeer.start("127.0.0.2"));
    bind("alice", alice.uri("alice"), 1f);
    MockSipPeer mallory = keep(MockSipPeer.start("127.0.0.3"));
    SipRequest message = mallory.request("MESSAGE", "sip:alice@" + DOMAIN, "sip:alice@" + DOMAIN,
        "sip:alice@" + DOMAIN, "").toBuilder()
        .setHeader(dev.parley.sip.HeaderName.FROM, "<sip:bob@" + host + ">;tag=1").build();
    mallory.send(message, udp());
    assertThat(mallory.takeFinalResponse(message).statusCode()).isEqualTo(400);
    assertThat(alice.poll(Duration.ofMillis(300))).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.000.000.001", "EXAMPLE.COM.", "[::ffff:127.0.0.1]"})
  void otherSpellingOfOurHostInTheRequestUriReachesTheLocalUser(String host) throws Exception {
    start(b -> b.trusted("127.0.0.3"));
    MockSipPeer alice = keep(MockSipPeer.start("127.0.0.2"));
    bind("alice", alice.uri("alice"), 1f);
    MockSipPeer sender = keep(MockSipPeer.start("127.0.0.3"));
    String port = host.contains("127") ? ":" + udp().getPort() : "";
    SipRequest message = sender.request("MESSAGE", "sip:alice@" + host + port,
        "sip:x@elsewhere.example", "sip:alice@" + DOMAIN, "");
    sender.send(message, udp());
    alice.respondWithTag(alice.takeRequest(), 200, "t");
    assertThat(sender.takeFinalResponse(message).statusCode()).isEqualTo(200);
  }
}
