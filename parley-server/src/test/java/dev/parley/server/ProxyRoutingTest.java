package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.IncomingInvite;
import dev.parley.server.proxy.ProxyConfig;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import dev.parley.transport.Transport;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** RFC 3261 §16.3-16.4 checks, relaying and static routes. */
class ProxyRoutingTest extends ProxyFixture {

  @Test
  void maxForwardsZeroGets483ButOptionsIsAnswered() throws Exception {
    start(b -> b.trusted("127.0.0.1"));
    MockSipPeer peer = peer();
    SipRequest m = peer.request("MESSAGE", "sip:bob@" + DOMAIN, "sip:alice@" + DOMAIN,
        "sip:bob@" + DOMAIN, "");
    peer.send(m.toBuilder().setHeader(HeaderName.MAX_FORWARDS, "0").build(), udp());
    assertThat(peer.takeFinalResponse().statusCode()).isEqualTo(483);
    SipRequest o = peer.request("OPTIONS", "sip:bob@" + DOMAIN, "sip:alice@" + DOMAIN,
        "sip:bob@" + DOMAIN, "");
    peer.send(o.toBuilder().setHeader(HeaderName.MAX_FORWARDS, "0").build(), udp());
    SipResponse r = peer.takeFinalResponse();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().get(HeaderName.ALLOW)).contains("OPTIONS");
  }

  @Test
  void requestThatComesBackUnchangedIsALoop482() throws Exception {
    start(b -> b.trusted("127.0.0.1"));
    // a route that sends loop.example back to this very server
    SipServer first = server;
    server.close();
    start(b -> b.trusted("127.0.0.1").listen("udp:127.0.0.1:" + first.listenPoints().get(0)
        .address().getPort()).proxy(ProxyConfig.builder().staticRoute("loop.example",
            "sip:127.0.0.1:" + first.listenPoints().get(0).address().getPort()).build()));
    MockSipPeer peer = peer();
    peer.send(peer.request("MESSAGE", "sip:x@loop.example", "sip:alice@" + DOMAIN,
        "sip:x@loop.example", ""), udp());
    assertThat(peer.takeFinalResponse().statusCode()).isEqualTo(482);
  }

  @Test
  void proxyRequireIsRefused420() throws Exception {
    start(b -> b.trusted("127.0.0.1"));
    MockSipPeer peer = peer();
    peer.send(peer.request("MESSAGE", "sip:bob@" + DOMAIN, "sip:alice@" + DOMAIN,
        "sip:bob@" + DOMAIN, "Proxy-Require: foo\r\n"), udp());
    SipResponse r = peer.takeFinalResponse();
    assertThat(r.statusCode()).isEqualTo(420);
    assertThat(r.headers().get(HeaderName.UNSUPPORTED)).isEqualTo("foo");
  }

  @Test
  void requestForAnotherDomainWithoutARouteIsRelayingDenied() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    SipResponse r = alice.message("sip:dave@elsewhere.example", "hi");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.reasonPhrase()).contains("relaying denied");
  }

  @Test
  void staticRouteTakesACallForAnotherDomainToTheGateway() throws Exception {
    Phone gateway;
    start();
    gateway = keep(Phone.of(server, "gw", null, Transport.UDP)).answering(false);
    int gwPort = gateway.ua.transport().listenPoints().get(0).address().getPort();
    server.close();
    start(b -> b.proxy(ProxyConfig.builder()
        .staticRoute("pstn.example", "sip:127.0.0.1:" + gwPort).build()));
    Phone alice = phone("alice", "secret");

    Dialog call = alice.call("sip:+15551234@pstn.example").dialog().get(10, TimeUnit.SECONDS);
    IncomingInvite atGateway = gateway.nextInvite();
    assertThat(atGateway.request().requestUri().toString()).isEqualTo("sip:+15551234@pstn.example");
    assertThat(atGateway.request().headers().contains(HeaderName.PROXY_AUTHORIZATION)).isFalse();
    gateway.accepted.take().get(10, TimeUnit.SECONDS);
    assertThat(alice.ua.bye(call).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(gateway.byes.poll(10, TimeUnit.SECONDS)).isNotNull();

    // an outsider cannot use the route
    MockSipPeer outsider = peer();
    outsider.send(outsider.request("MESSAGE", "sip:+1555@pstn.example", "sip:eve@evil.example",
        "sip:+1555@pstn.example", ""), udp());
    assertThat(outsider.takeFinalResponse().statusCode()).isEqualTo(403);
  }

  @Test
  void theDomainNameIsTheDomainOnAnyPort() throws Exception {
    start(b -> b.trusted("127.0.0.1"));
    Phone bob = phone("bob", "hunter2");
    bob.register();
    MockSipPeer peer = peer();
    // a name says which domain, not which socket: alice of example.com, whatever the port
    String ruri = "sip:bob@" + DOMAIN + ":5099";
    peer.send(peer.request("MESSAGE", ruri, "sip:alice@" + DOMAIN, ruri, ""), udp());
    assertThat(peer.takeFinalResponse().statusCode()).isEqualTo(200);
    assertThat(bob.requests.poll(10, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void requestForTheServerItselfIsAnsweredLocally() throws Exception {
    start();
    MockSipPeer peer = peer();
    peer.send(peer.request("OPTIONS", "sip:" + DOMAIN, "sip:dave@elsewhere.example",
        "sip:" + DOMAIN, ""), udp());
    assertThat(peer.takeFinalResponse().statusCode()).isEqualTo(200);
  }
}
