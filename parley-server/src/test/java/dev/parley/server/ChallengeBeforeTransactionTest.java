package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import org.junit.jupiter.api.Test;

/**
 * RFC 3261 §8.2.7: a request without credentials that the server challenges is answered before
 * any transaction exists ({@code TransactionUser.answerStatelessly}); what came before the
 * challenge (the server's own checks) still comes first.
 */
class ChallengeBeforeTransactionTest extends ProxyFixture {

  private SipRequest messageFromAlice(MockSipPeer peer, String extraHeaderLines) {
    return peer.request("MESSAGE", "sip:bob@" + DOMAIN, "sip:alice@" + DOMAIN,
        "sip:bob@" + DOMAIN, extraHeaderLines);
  }

  @Test
  void aRetransmittedMessageWithoutCredentialsGetsTheSameChallengeAgain() throws Exception {
    start();
    MockSipPeer alice = peer();
    SipRequest m = messageFromAlice(alice, "");
    alice.send(m, udp());
    SipResponse first = alice.takeFinalResponse();
    alice.send(m, udp());
    SipResponse second = alice.takeFinalResponse();
    assertThat(first.statusCode()).isEqualTo(407).isEqualTo(second.statusCode());
    assertThat(second.to().tag()).as("a stateless tag, derived from the request")
        .isEqualTo(first.to().tag());
    assertThat(server.proxyStats().challenges()).isEqualTo(2);
    assertThat(server.proxyStats().responses(4)).isEqualTo(2);
    assertThat(server.transactionCounts().server()).isZero();
  }

  @Test
  void aRetransmittedRegisterWithoutCredentialsGetsTheSame401Again() throws Exception {
    start();
    MockSipPeer peer = peer();
    SipRequest register = peer.request("REGISTER", "sip:" + DOMAIN, "sip:alice@" + DOMAIN,
        "sip:alice@" + DOMAIN, "");
    peer.send(register, udp());
    SipResponse first = peer.takeFinalResponse();
    peer.send(register, udp());
    SipResponse second = peer.takeFinalResponse();
    assertThat(first.statusCode()).isEqualTo(401).isEqualTo(second.statusCode());
    assertThat(second.to().tag()).isEqualTo(first.to().tag());
    assertThat(first.headers().contains(HeaderName.WWW_AUTHENTICATE)).isTrue();
    assertThat(server.transactionCounts().server()).isZero();
  }

  @Test
  void theServersOwnChecksStillComeBeforeTheChallenge() throws Exception {
    start();
    MockSipPeer alice = peer();
    alice.send(messageFromAlice(alice, "").toBuilder().setHeader(HeaderName.MAX_FORWARDS, "0")
        .build(), udp());
    assertThat(alice.takeFinalResponse().statusCode()).as("Max-Forwards 0").isEqualTo(483);
    alice.send(messageFromAlice(alice, "Proxy-Require: foo\r\n"), udp());
    assertThat(alice.takeFinalResponse().statusCode()).as("Proxy-Require").isEqualTo(420);
    alice.send(messageFromAlice(alice, "From: <sip:carol@" + DOMAIN + ">;tag=x\r\n"), udp());
    assertThat(alice.takeFinalResponse().statusCode()).as("two From fields").isEqualTo(400);
    alice.send(alice.request("REGISTER", "sip:" + DOMAIN, "sip:alice@" + DOMAIN,
        "sip:alice@" + DOMAIN, "Require: foo\r\n"), udp());
    assertThat(alice.takeFinalResponse().statusCode()).as("REGISTER with Require").isEqualTo(420);
    alice.send(alice.request("REGISTER", "sip:other.example", "sip:alice@" + DOMAIN,
        "sip:alice@" + DOMAIN, ""), udp());
    assertThat(alice.takeFinalResponse().statusCode()).as("another domain").isEqualTo(403);
    assertThat(server.proxyStats().challenges()).isZero();
  }
}
