package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 finding 3: P-Asserted-Identity and Remote-Party-ID from any sender reached the callee
 * unchanged. Now they are removed unless the source is trusted, and the server asserts the
 * identity it authenticated (RFC 3325).
 */
class IdentityHeadersTest extends ProxyFixture {
  private static final String FORGED = "P-Asserted-Identity: <sip:bob@" + DOMAIN + ">\r\n"
      + "P-Preferred-Identity: <sip:bob@" + DOMAIN + ">\r\n"
      + "Remote-Party-ID: \"Bob\" <sip:bob@" + DOMAIN + ">;party=calling;screen=yes\r\n";

  @Test
  void identityHeadersFromAnUnauthenticatedSenderAreRemoved() throws Exception {
    start();
    MockSipPeer alice = keep(MockSipPeer.start("127.0.0.2"));
    bind("alice", alice.uri("alice"), 1f);
    MockSipPeer mallory = keep(MockSipPeer.start("127.0.0.3"));
    for (String method : new String[] {"MESSAGE", "INVITE"}) {
      mallory.send(mallory.request(method, "sip:alice@" + DOMAIN, "sip:mallory@evil.example",
          "sip:alice@" + DOMAIN, FORGED), udp());
      SipRequest at = alice.takeRequest();
      assertThat(at.headers().contains(HeaderName.P_ASSERTED_IDENTITY)).as(method).isFalse();
      assertThat(at.headers().contains(HeaderName.P_PREFERRED_IDENTITY)).as(method).isFalse();
      assertThat(at.headers().contains(HeaderName.REMOTE_PARTY_ID)).as(method).isFalse();
      alice.respondWithTag(at, 486, "busy");
      assertThat(mallory.takeFinalResponse().statusCode()).isEqualTo(486);
    }
  }

  @Test
  void authenticatedUserGetsItsIdentityAssertedNotTheOneItClaims() throws Exception {
    start();
    MockSipPeer bob = keep(MockSipPeer.start("127.0.0.2"));
    bind("bob", bob.uri("bob"), 1f);
    Phone alice = phone("alice", "secret");
    CompletableFuture<SipResponse> sent =
        CompletableFuture.supplyAsync(() -> send(alice, "bob", "hi"));
    SipRequest at = bob.takeRequest();
    assertThat(at.headers().values(HeaderName.P_ASSERTED_IDENTITY))
        .containsExactly("<sip:alice@" + DOMAIN + ">");
    bob.respondWithTag(at, 200, "t");
    assertThat(sent.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void responseIdentityFromAnUntrustedHopIsRemoved() throws Exception {
    start();
    MockSipPeer alice = keep(MockSipPeer.start("127.0.0.2"));
    bind("alice", alice.uri("alice"), 1f);
    MockSipPeer caller = keep(MockSipPeer.start("127.0.0.3"));
    caller.send(caller.request("MESSAGE", "sip:alice@" + DOMAIN, "sip:c@elsewhere.example",
        "sip:alice@" + DOMAIN, ""), udp());
    alice.respondWithTag(alice.takeRequest(), 200, "t", "P-Asserted-Identity",
        "<sip:bob@" + DOMAIN + ">");
    SipResponse r = caller.takeFinalResponse();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().contains(HeaderName.P_ASSERTED_IDENTITY)).isFalse();
  }

  @Test
  void trustedSourceKeepsItsAssertedIdentity() throws Exception {
    start(b -> b.trusted("127.0.0.4"));
    MockSipPeer alice = keep(MockSipPeer.start("127.0.0.2"));
    bind("alice", alice.uri("alice"), 1f);
    MockSipPeer gateway = keep(MockSipPeer.start("127.0.0.4"));
    gateway.send(gateway.request("MESSAGE", "sip:alice@" + DOMAIN, "sip:+15551234@pstn.example",
        "sip:alice@" + DOMAIN, "P-Asserted-Identity: <sip:+15551234@pstn.example>\r\n"), udp());
    SipRequest at = alice.takeRequest();
    assertThat(at.headers().values(HeaderName.P_ASSERTED_IDENTITY))
        .containsExactly("<sip:+15551234@pstn.example>");
    alice.respondWithTag(at, 200, "t");
    assertThat(gateway.takeFinalResponse().statusCode()).isEqualTo(200);
  }

  private static SipResponse send(Phone phone, String to, String text) {
    try {
      return phone.message(to, text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
