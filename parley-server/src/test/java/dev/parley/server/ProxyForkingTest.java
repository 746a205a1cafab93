package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.OutgoingInvite;
import dev.parley.dialog.SipFailure;
import dev.parley.server.proxy.ProxyConfig;
import dev.parley.sip.Header;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Forking to several bindings (RFC 3261 §16.7), CANCEL both ways (§16.10) and Timer C (§16.8). */
class ProxyForkingTest extends ProxyFixture {

  private static int statusOf(Throwable e) {
    return ((SipFailure) e.getCause()).statusCode();
  }

  /** Reads requests until an INVITE; answers it 180 with {@code tag}. */
  private static SipRequest ring(MockSipPeer peer, String tag) throws Exception {
    SipRequest invite = peer.takeRequest();
    assertThat(invite.method().name()).isEqualTo("INVITE");
    peer.respondWithTag(invite, 180, tag);
    return invite;
  }

  /** Reads the CANCEL for {@code invite}, answers it 200 and the INVITE 487. */
  private static SipRequest cancelled(MockSipPeer peer, SipRequest invite, String tag)
      throws Exception {
    SipRequest cancel = peer.takeRequest();
    assertThat(cancel.method().name()).isEqualTo("CANCEL");
    assertThat(cancel.topVia().branch()).isEqualTo(invite.topVia().branch());
    peer.respondWithTag(cancel, 200, tag);
    peer.respondWithTag(invite, 487, tag);
    return cancel;
  }

  @Test
  void firstAnswerWinsAndTheOtherBindingGetsCancelWithReason() throws Exception {
    start();
    MockSipPeer desk = peer();
    MockSipPeer mobile = peer();
    bind("bob", desk.uri("bob"), 1.0f);
    bind("bob", mobile.uri("bob"), 0.5f);
    Phone alice = phone("alice", "secret");

    OutgoingInvite call = alice.call("bob");
    SipRequest atDesk = ring(desk, "desk");
    SipRequest atMobile = ring(mobile, "mobile");
    assertThat(atDesk.requestUri().toString()).isEqualTo(desk.uri("bob"));
    assertThat(atMobile.requestUri().toString()).isEqualTo(mobile.uri("bob"));
    desk.respondWithTag(atDesk, 200, "desk", "Contact", "<" + desk.uri("bob") + ">");

    SipRequest cancel = cancelled(mobile, atMobile, "mobile");
    assertThat(cancel.headers().get(HeaderName.REASON))
        .isEqualTo("SIP;cause=200;text=\"Call completed elsewhere\"");
    Dialog dialog = call.dialog().get(10, TimeUnit.SECONDS);
    assertThat(dialog.remoteAddress().tag()).isEqualTo("desk");
    SipRequest ack = desk.takeRequest(); // Alice's ACK, loose-routed through the proxy
    assertThat(ack.method().name()).isEqualTo("ACK");
    assertThat(ack.vias()).hasSize(2);
  }

  @Test
  void whenEveryBranchFailsTheBestResponseGoesUpstream() throws Exception {
    start();
    MockSipPeer one = peer();
    MockSipPeer two = peer();
    bind("bob", one.uri("bob"), 1.0f);
    bind("bob", two.uri("bob"), 1.0f);
    Phone alice = phone("alice", "secret");
    OutgoingInvite call = alice.call("bob");
    one.respondWithTag(one.takeRequest(), 503, "one");
    two.respondWithTag(two.takeRequest(), 486, "two");
    assertThatThrownBy(() -> call.dialog().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .satisfies(e -> assertThat(statusOf(e)).isEqualTo(486)); // 4xx beats 5xx

    // a lone 503 is not passed on as such: the caller gets 500
    MockSipPeer three = peer();
    bind("carol", three.uri("carol"), 1.0f);
    OutgoingInvite second = alice.call("carol");
    three.respondWithTag(three.takeRequest(), 503, "three", "Retry-After", "10");
    assertThatThrownBy(() -> second.dialog().get(10, TimeUnit.SECONDS))
        .satisfies(e -> assertThat(statusOf(e)).isEqualTo(500));
  }

  @Test
  void challengesOfEveryBranchAreCollectedInOneResponse() throws Exception {
    start(b -> b.trusted("127.0.0.1"));
    MockSipPeer one = peer();
    MockSipPeer two = peer();
    bind("bob", one.uri("bob"), 1.0f);
    bind("bob", two.uri("bob"), 1.0f);
    MockSipPeer caller = peer();
    caller.send(caller.request("MESSAGE", "sip:bob@" + DOMAIN, "sip:dave@elsewhere.example",
        "sip:bob@" + DOMAIN, ""), udp());
    one.respondWithTag(one.takeRequest(), 407, "one", "Proxy-Authenticate",
        "Digest realm=\"one.example\", nonce=\"1\"");
    two.respondWithTag(two.takeRequest(), 401, "two", "WWW-Authenticate",
        "Digest realm=\"two.example\", nonce=\"2\"");
    SipResponse r = caller.takeFinalResponse();
    assertThat(r.statusCode()).isIn(401, 407);
    assertThat(r.headers(Header.PROXY_AUTHENTICATE)).extracting(c -> c.parameter("realm"))
        .containsExactly("one.example");
    assertThat(r.headers(Header.WWW_AUTHENTICATE)).extracting(c -> c.parameter("realm"))
        .containsExactly("two.example");
  }

  @Test
  void aGlobalFailureCancelsTheOtherBranches() throws Exception {
    start();
    MockSipPeer one = peer();
    MockSipPeer two = peer();
    bind("bob", one.uri("bob"), 1.0f);
    bind("bob", two.uri("bob"), 1.0f);
    Phone alice = phone("alice", "secret");
    OutgoingInvite call = alice.call("bob");
    SipRequest atTwo = ring(two, "two");
    one.respondWithTag(one.takeRequest(), 603, "one");
    cancelled(two, atTwo, "two");
    assertThatThrownBy(() -> call.dialog().get(10, TimeUnit.SECONDS))
        .satisfies(e -> assertThat(statusOf(e)).isEqualTo(603));
  }

  @Test
  void cancelFromTheCallerCancelsEveryBranchAndEndsWith487() throws Exception {
    start();
    MockSipPeer one = peer();
    MockSipPeer two = peer();
    bind("bob", one.uri("bob"), 1.0f);
    bind("bob", two.uri("bob"), 1.0f);
    Phone alice = phone("alice", "secret");
    OutgoingInvite call = alice.call("bob");
    SipRequest atOne = ring(one, "one");
    SipRequest atTwo = ring(two, "two");
    call.cancel();
    cancelled(one, atOne, "one");
    cancelled(two, atTwo, "two");
    assertThatThrownBy(() -> call.dialog().get(10, TimeUnit.SECONDS))
        .satisfies(e -> assertThat(statusOf(e)).isEqualTo(487));
  }

  @Test
  void timerCCancelsABranchThatRingsForever() throws Exception {
    start(b -> b.proxy(ProxyConfig.builder().timerC(Duration.ofSeconds(1)).build()));
    MockSipPeer slow = peer();
    bind("bob", slow.uri("bob"), 1.0f);
    Phone alice = phone("alice", "secret");
    OutgoingInvite call = alice.call("bob");
    SipRequest invite = ring(slow, "slow");
    long rang = System.nanoTime();
    cancelled(slow, invite, "slow");
    assertThat(Duration.ofNanos(System.nanoTime() - rang)).isGreaterThan(Duration.ofMillis(900));
    assertThatThrownBy(() -> call.dialog().get(10, TimeUnit.SECONDS))
        .satisfies(e -> assertThat(statusOf(e)).isEqualTo(487));
  }

  @Test
  void tooManyContextsGet503() throws Exception {
    start(b -> b.proxy(ProxyConfig.builder().maxContexts(1).build()));
    MockSipPeer slow = peer();
    bind("bob", slow.uri("bob"), 1.0f);
    Phone alice = phone("alice", "secret");
    OutgoingInvite first = alice.call("bob");
    SipRequest invite = ring(slow, "slow");
    assertThat(server.proxyStats().activeContexts()).isEqualTo(1);
    assertThatThrownBy(() -> alice.call("bob").dialog().get(10, TimeUnit.SECONDS))
        .satisfies(e -> assertThat(statusOf(e)).isEqualTo(503));
    slow.respondWithTag(invite, 486, "slow");
    assertThatThrownBy(() -> first.dialog().get(10, TimeUnit.SECONDS))
        .satisfies(e -> assertThat(statusOf(e)).isEqualTo(486));
  }
}
