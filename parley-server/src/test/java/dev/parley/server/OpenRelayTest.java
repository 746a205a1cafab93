package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17 finding 1 (critical): a request that merely looks in-dialog (a To tag, our Route) was
 * relayed to any Request-URI without credentials. Now only dialogs this proxy record-routed
 * (signed Record-Route) pass without credentials; they keep working across a restart. Raw SIP
 * from distinct loopback sources; the victim listens on 127.0.0.2 and must receive nothing.
 */
class OpenRelayTest extends ProxyFixture {

  private String ourRoute() {
    return "Route: <sip:127.0.0.1:" + udp().getPort() + ";lr>\r\n";
  }

  private static SipRequest withToTag(SipRequest r, String tag) {
    return r.toBuilder().setHeader(HeaderName.TO, r.to().toBuilder().tag(tag).build().toString())
        .build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"MESSAGE", "INVITE", "OPTIONS"})
  void inDialogLookingRequestFromOutsideIsNotRelayedToAForeignTarget(String method)
      throws Exception {
    start();
    MockSipPeer victim = keep(MockSipPeer.start("127.0.0.2"));
    MockSipPeer mallory = keep(MockSipPeer.start("127.0.0.3"));
    String target = "sip:victim@" + victim.hostPort();
    mallory.send(withToTag(mallory.request(method, target, "sip:mallory@evil.example", target,
        ourRoute()), "anything"), udp());
    SipResponse r = mallory.takeFinalResponse();
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.reasonPhrase()).contains("relaying denied");
    assertThat(victim.poll(Duration.ofMillis(300))).isNull();
    assertThat(server.proxyStats().relaysRefused()).isEqualTo(1);
  }

  @Test
  void forgedRouteSignatureIsNotEnough() throws Exception {
    start();
    MockSipPeer victim = keep(MockSipPeer.start("127.0.0.2"));
    MockSipPeer mallory = keep(MockSipPeer.start("127.0.0.3"));
    String target = "sip:victim@" + victim.hostPort();
    mallory.send(withToTag(mallory.request("MESSAGE", target, "sip:mallory@evil.example", target,
        "Route: <sip:127.0.0.1:" + udp().getPort() + ";lr;psig=00112233445566778899>\r\n"),
        "anything"), udp());
    assertThat(mallory.takeFinalResponse().statusCode()).isEqualTo(403);
    assertThat(victim.poll(Duration.ofMillis(300))).isNull();
  }

  @Test
  void inDialogLookingRequestFromALocalUserIsRefusedOrChallengedNotRelayed() throws Exception {
    start();
    MockSipPeer victim = keep(MockSipPeer.start("127.0.0.2"));
    MockSipPeer mallory = keep(MockSipPeer.start("127.0.0.3"));
    String target = "sip:victim@" + victim.hostPort();
    mallory.send(withToTag(mallory.request("MESSAGE", target, "sip:bob@" + DOMAIN, target,
        ourRoute()), "anything"), udp());
    SipResponse r = mallory.takeFinalResponse();
    assertThat(r.statusCode()).isEqualTo(403); // no route to a foreign target, whoever asks
    assertThat(victim.poll(Duration.ofMillis(300))).isNull();
    // to a user of the domain: the sender has to prove it is bob
    mallory.send(withToTag(mallory.request("MESSAGE", "sip:alice@" + DOMAIN, "sip:bob@" + DOMAIN,
        "sip:alice@" + DOMAIN, ourRoute()), "anything"), udp());
    assertThat(mallory.takeFinalResponse().statusCode()).isEqualTo(407);
  }

  @Test
  void inDialogLookingRequestToARegisteredUserImpersonatingAnotherIsChallenged()
      throws Exception {
    start();
    MockSipPeer bob = keep(MockSipPeer.start("127.0.0.2"));
    bind("bob", bob.uri("bob"), 1f);
    MockSipPeer mallory = keep(MockSipPeer.start("127.0.0.3"));
    // to bob's AOR, claiming to be alice: challenged; to bob's contact directly: a relay
    String aor = "sip:bob@" + DOMAIN;
    mallory.send(withToTag(mallory.request("MESSAGE", aor, "sip:alice@" + DOMAIN, aor,
        ourRoute()), "anything"), udp());
    assertThat(mallory.takeFinalResponse().statusCode()).isEqualTo(407);
    String contact = bob.uri("bob");
    mallory.send(withToTag(mallory.request("MESSAGE", contact, "sip:alice@" + DOMAIN, contact,
        ourRoute()), "anything"), udp());
    assertThat(mallory.takeFinalResponse().statusCode()).isEqualTo(403);
    assertThat(bob.poll(Duration.ofMillis(300))).isNull();
  }

  @Test
  void statelessAckWithOurRouteIsNotRelayed() throws Exception {
    start();
    MockSipPeer victim = keep(MockSipPeer.start("127.0.0.2"));
    MockSipPeer mallory = keep(MockSipPeer.start("127.0.0.3"));
    String target = "sip:victim@" + victim.hostPort();
    mallory.send(withToTag(mallory.request("ACK", target, "sip:mallory@evil.example", target,
        ourRoute()), "anything"), udp());
    // the same socket's next request is handled after the ACK (one channel, one event loop)
    mallory.send(mallory.request("OPTIONS", "sip:" + udp().getHostString() + ":"
        + udp().getPort(), "sip:mallory@evil.example", "sip:" + DOMAIN, ""), udp());
    assertThat(mallory.takeFinalResponse().statusCode()).isEqualTo(200);
    assertThat(victim.poll(Duration.ofMillis(300))).isNull();
  }

  @Test
  void inDialogLookingRequestOverTcpIsNotRelayed() throws Exception {
    start();
    MockSipPeer victim = keep(MockSipPeer.start("127.0.0.2"));
    InetSocketAddress tcp = Phone.hop(server, dev.parley.transport.Transport.TCP).address();
    MockSipPeer mallory = keep(MockSipPeer.start("127.0.0.4"));
    String target = "sip:victim@" + victim.hostPort();
    String text = "MESSAGE " + target + " SIP/2.0\r\n"
        + "Via: SIP/2.0/TCP " + mallory.hostPort() + ";branch=z9hG4bKtcprelay1\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:mallory@evil.example>;tag=m1\r\n"
        + "To: <" + target + ">;tag=anything\r\n"
        + "Call-ID: tcp-relay-1\r\n"
        + "CSeq: 1 MESSAGE\r\n"
        + "Route: <sip:127.0.0.1:" + tcp.getPort() + ";transport=tcp;lr>\r\n"
        + "Content-Type: text/plain\r\n"
        + "Content-Length: 5\r\n\r\nhello";
    mallory.send(text, tcp, dev.parley.transport.Transport.TCP);
    assertThat(mallory.takeFinalResponse().statusCode()).isEqualTo(403);
    assertThat(victim.poll(Duration.ofMillis(300))).isNull();
  }

  @Test
  void dialogRecordRoutedHereKeepsWorkingAcrossARestartInBothDirections() throws Exception {
    start();
    // the Record-Route names the UDP listener; the restarted server listens there again
    InetSocketAddress fixed = udp();
    String listen = "udp:127.0.0.1:" + fixed.getPort();
    MockSipPeer bob = keep(MockSipPeer.start("127.0.0.2"));
    bind("bob", bob.uri("bob"), 1f);
    MockSipPeer caller = keep(MockSipPeer.start("127.0.0.3"));
    SipRequest invite = caller.request("INVITE", "sip:bob@" + DOMAIN, "sip:carl@elsewhere.example",
        "sip:bob@" + DOMAIN, "");
    caller.send(invite, fixed);
    SipRequest atBob = bob.takeRequest();
    String recordRoute = atBob.headers().get(HeaderName.RECORD_ROUTE);
    assertThat(recordRoute).contains(";psig=");
    bob.respondWithTag(atBob, 200, "bobtag", "Record-Route", recordRoute,
        "Contact", "<" + bob.uri("bob") + ">");
    SipResponse ok = caller.takeFinalResponse();
    assertThat(ok.statusCode()).isEqualTo(200);
    // the caller's copy is signed for the callee's Contact, the callee's for the caller's
    String callerRoute = ok.headers().get(HeaderName.RECORD_ROUTE);
    assertThat(callerRoute).contains(";psig=").isNotEqualTo(recordRoute);

    server.close();
    server = null;
    start(b -> b.listen(listen)); // the same data directory: the route secret is kept

    // caller -> callee: its From tag is the one signed
    String fromCaller = "<sip:carl@elsewhere.example>;tag=" + invite.from().tag();
    String toBob = "<sip:bob@" + DOMAIN + ">;tag=bobtag";
    caller.send(inDialog("MESSAGE", caller, bob.uri("bob"), fromCaller, toBob,
        invite.callId(), 2, callerRoute), fixed);
    SipRequest m = bob.takeRequest();
    assertThat(m.method().name()).isEqualTo("MESSAGE");
    bob.respondWithTag(m, 200, "bobtag");
    assertThat(caller.takeFinalResponse().statusCode()).isEqualTo(200);

    // callee -> caller: the signed tag is its To tag
    bob.send(inDialog("BYE", bob, invite.contacts().get(0).uri().toString(), toBob, fromCaller,
        invite.callId(), 1, recordRoute), fixed);
    SipRequest bye = caller.takeRequest();
    assertThat(bye.method().name()).isEqualTo("BYE");
    caller.respondWithTag(bye, 200, invite.from().tag());
    assertThat(bob.takeFinalResponse().statusCode()).isEqualTo(200);
  }

  @Test
  void aStrangerWhoCallsAUserCanSendInThatDialogOnlyToThatUser() throws Exception {
    // anyone may call a user of the domain and so become a party to a dialog set up here: the
    // Route it gets back lets it reach the callee, and no one else
    start();
    MockSipPeer bob = keep(MockSipPeer.start("127.0.0.2"));
    bind("bob", bob.uri("bob"), 1f);
    MockSipPeer mallory = keep(MockSipPeer.start("127.0.0.3"));
    MockSipPeer victim = keep(MockSipPeer.start("127.0.0.5"));
    SipRequest invite = mallory.request("INVITE", "sip:bob@" + DOMAIN,
        "sip:mallory@evil.example", "sip:bob@" + DOMAIN, "");
    mallory.send(invite, udp());
    SipRequest atBob = bob.takeRequest();
    bob.respondWithTag(atBob, 200, "bobtag", "Record-Route",
        atBob.headers().get(HeaderName.RECORD_ROUTE), "Contact", "<" + bob.uri("bob") + ">");
    SipResponse ok = mallory.takeFinalResponse();
    String route = ok.headers().get(HeaderName.RECORD_ROUTE);
    String from = "<sip:mallory@evil.example>;tag=" + invite.from().tag();
    for (String method : List.of("MESSAGE", "INVITE", "OPTIONS")) {
      mallory.send(inDialog(method, mallory, victim.uri("victim"), from,
          "<sip:victim@evil.example>;tag=bobtag", invite.callId(), 5, route), udp());
      assertThat(mallory.takeFinalResponse().statusCode()).as(method).isEqualTo(403);
    }
    // and as if it were the callee (the signed tag in To): still only towards the caller
    mallory.send(inDialog("MESSAGE", mallory, victim.uri("victim"), "<sip:bob@" + DOMAIN
        + ">;tag=bobtag", from, invite.callId(), 6, atBob.headers().get(HeaderName.RECORD_ROUTE)),
        udp());
    assertThat(mallory.takeFinalResponse().statusCode()).isIn(403, 407);
    assertThat(victim.poll(Duration.ofMillis(300))).isNull();
    // towards bob it works, tag case aside (RFC 3261 §7.3.1)
    mallory.send(inDialog("MESSAGE", mallory, bob.uri("bob"), from,
        "<sip:bob@" + DOMAIN + ">;tag=BOBTAG", invite.callId(), 7, route), udp());
    SipRequest m = bob.takeRequest(dev.parley.sip.SipMethod.MESSAGE);
    bob.respondWithTag(m, 200, "bobtag");
    assertThat(mallory.takeFinalResponse().statusCode()).isEqualTo(200);
  }

  @Test
  void eachResponseOfACallIsSignedForTheContactItCarries() throws Exception {
    start();
    MockSipPeer bob = keep(MockSipPeer.start("127.0.0.2"));
    bind("bob", bob.uri("bob"), 1f);
    MockSipPeer caller = keep(MockSipPeer.start("127.0.0.3"));
    SipRequest invite = caller.request("INVITE", "sip:bob@" + DOMAIN, "sip:carl@elsewhere.example",
        "sip:bob@" + DOMAIN, "");
    caller.send(invite, udp());
    SipRequest atBob = bob.takeRequest();
    String recordRoute = atBob.headers().get(HeaderName.RECORD_ROUTE);
    bob.respondWithTag(atBob, 180, "bobtag", "Record-Route", recordRoute,
        "Contact", "<" + bob.uri("bob") + ">");
    String ringing = provisional(caller).headers().get(HeaderName.RECORD_ROUTE);
    bob.respondWithTag(atBob, 183, "bobtag", "Record-Route", recordRoute,
        "Contact", "<sip:elsewhere@192.0.2.99>");
    String progress = provisional(caller).headers().get(HeaderName.RECORD_ROUTE);
    bob.respondWithTag(atBob, 200, "bobtag", "Record-Route", recordRoute,
        "Contact", "<" + bob.uri("bob") + ">");
    SipResponse ok = caller.takeFinalResponse();
    String answered = ok.headers().get(HeaderName.RECORD_ROUTE);

    assertThat(ringing).contains(";psig=").isNotEqualTo(recordRoute);
    assertThat(progress).as("another Contact, another signature").contains(";psig=")
        .isNotEqualTo(ringing);
    assertThat(answered).as("the 180's Contact again, its signature again").isEqualTo(ringing);
    String fromCaller = "<sip:carl@elsewhere.example>;tag=" + invite.from().tag();
    caller.send(inDialog("MESSAGE", caller, bob.uri("bob"), fromCaller,
        "<sip:bob@" + DOMAIN + ">;tag=bobtag", invite.callId(), 2, answered), udp());
    SipRequest m = bob.takeRequest(dev.parley.sip.SipMethod.MESSAGE);
    bob.respondWithTag(m, 200, "bobtag");
    assertThat(caller.takeFinalResponse().statusCode()).isEqualTo(200);
  }

  /** The next provisional response but a 100 (hop by hop, ours). */
  private static SipResponse provisional(MockSipPeer peer) {
    SipResponse r = peer.takeResponse();
    while (r.statusCode() == 100) {
      r = peer.takeResponse();
    }
    return r;
  }

  /** A request inside a dialog, From and To given with their tags, Route as recorded. */
  static SipRequest inDialog(String method, MockSipPeer from, String requestUri, String fromHeader,
      String toHeader, String callId, int cseq, String route) {
    String text = method + " " + requestUri + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + from.hostPort() + ";branch=z9hG4bKdlg" + System.nanoTime()
        + ";rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: " + fromHeader + "\r\n"
        + "To: " + toHeader + "\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: " + cseq + " " + method + "\r\n"
        + "Route: " + route + "\r\n"
        + "Content-Length: 0\r\n\r\n";
    return (SipRequest) SipParser.create().parse(text);
  }
}
