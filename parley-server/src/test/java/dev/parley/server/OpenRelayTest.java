package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
    RawPeer victim = keep(new RawPeer("127.0.0.2"));
    RawPeer mallory = keep(new RawPeer("127.0.0.3"));
    String target = "sip:victim@" + victim.hostPort();
    mallory.send(withToTag(mallory.request(method, target, "sip:mallory@evil.example", target,
        ourRoute()), "anything"), udp());
    SipResponse r = mallory.nextFinal();
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.reasonPhrase()).contains("relaying denied");
    assertThat(victim.poll(300)).isNull();
    assertThat(server.proxyStats().relaysRefused()).isEqualTo(1);
  }

  @Test
  void forgedRouteSignatureIsNotEnough() throws Exception {
    start();
    RawPeer victim = keep(new RawPeer("127.0.0.2"));
    RawPeer mallory = keep(new RawPeer("127.0.0.3"));
    String target = "sip:victim@" + victim.hostPort();
    mallory.send(withToTag(mallory.request("MESSAGE", target, "sip:mallory@evil.example", target,
        "Route: <sip:127.0.0.1:" + udp().getPort() + ";lr;psig=00112233445566778899>\r\n"),
        "anything"), udp());
    assertThat(mallory.nextFinal().statusCode()).isEqualTo(403);
    assertThat(victim.poll(300)).isNull();
  }

  @Test
  void inDialogLookingRequestFromALocalUserIsRefusedOrChallengedNotRelayed() throws Exception {
    start();
    RawPeer victim = keep(new RawPeer("127.0.0.2"));
    RawPeer mallory = keep(new RawPeer("127.0.0.3"));
    String target = "sip:victim@" + victim.hostPort();
    mallory.send(withToTag(mallory.request("MESSAGE", target, "sip:bob@" + DOMAIN, target,
        ourRoute()), "anything"), udp());
    SipResponse r = mallory.nextFinal();
    assertThat(r.statusCode()).isEqualTo(403); // no route to a foreign target, whoever asks
    assertThat(victim.poll(300)).isNull();
    // to a user of the domain: the sender has to prove it is bob
    mallory.send(withToTag(mallory.request("MESSAGE", "sip:alice@" + DOMAIN, "sip:bob@" + DOMAIN,
        "sip:alice@" + DOMAIN, ourRoute()), "anything"), udp());
    assertThat(mallory.nextFinal().statusCode()).isEqualTo(407);
  }

  @Test
  void inDialogLookingRequestToARegisteredUserImpersonatingAnotherIsChallenged()
      throws Exception {
    start();
    RawPeer bob = keep(new RawPeer("127.0.0.2"));
    bind("bob", bob.contact("bob"), 1f);
    RawPeer mallory = keep(new RawPeer("127.0.0.3"));
    // to bob's AOR, claiming to be alice: challenged; to bob's contact directly: a relay
    String aor = "sip:bob@" + DOMAIN;
    mallory.send(withToTag(mallory.request("MESSAGE", aor, "sip:alice@" + DOMAIN, aor,
        ourRoute()), "anything"), udp());
    assertThat(mallory.nextFinal().statusCode()).isEqualTo(407);
    String contact = bob.contact("bob");
    mallory.send(withToTag(mallory.request("MESSAGE", contact, "sip:alice@" + DOMAIN, contact,
        ourRoute()), "anything"), udp());
    assertThat(mallory.nextFinal().statusCode()).isEqualTo(403);
    assertThat(bob.poll(300)).isNull();
  }

  @Test
  void statelessAckWithOurRouteIsNotRelayed() throws Exception {
    start();
    RawPeer victim = keep(new RawPeer("127.0.0.2"));
    RawPeer mallory = keep(new RawPeer("127.0.0.3"));
    String target = "sip:victim@" + victim.hostPort();
    mallory.send(withToTag(mallory.request("ACK", target, "sip:mallory@evil.example", target,
        ourRoute()), "anything"), udp());
    // the same socket's next request is handled after the ACK (one channel, one event loop)
    mallory.send(mallory.request("OPTIONS", "sip:" + udp().getHostString() + ":"
        + udp().getPort(), "sip:mallory@evil.example", "sip:" + DOMAIN, ""), udp());
    assertThat(mallory.nextFinal().statusCode()).isEqualTo(200);
    assertThat(victim.poll(300)).isNull();
  }

  @Test
  void inDialogLookingRequestOverTcpIsNotRelayed() throws Exception {
    start();
    RawPeer victim = keep(new RawPeer("127.0.0.2"));
    InetSocketAddress tcp = Phone.hop(server, dev.parley.transport.Transport.TCP).address();
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.4"), 0));
      s.connect(tcp, 5_000);
      s.setSoTimeout(10_000);
      String target = "sip:victim@" + victim.hostPort();
      String text = "MESSAGE " + target + " SIP/2.0\r\n"
          + "Via: SIP/2.0/TCP 127.0.0.4:" + s.getLocalPort() + ";branch=z9hG4bKtcprelay1\r\n"
          + "Max-Forwards: 70\r\n"
          + "From: <sip:mallory@evil.example>;tag=m1\r\n"
          + "To: <" + target + ">;tag=anything\r\n"
          + "Call-ID: tcp-relay-1\r\n"
          + "CSeq: 1 MESSAGE\r\n"
          + "Route: <sip:127.0.0.1:" + tcp.getPort() + ";transport=tcp;lr>\r\n"
          + "Content-Type: text/plain\r\n"
          + "Content-Length: 5\r\n\r\nhello";
      s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      SipResponse r = (SipResponse) readStreamMessage(s.getInputStream());
      assertThat(r.statusCode()).isEqualTo(403);
    }
    assertThat(victim.poll(300)).isNull();
  }

  @Test
  void dialogRecordRoutedHereKeepsWorkingAcrossARestartInBothDirections() throws Exception {
    start();
    // the Record-Route names the UDP listener; the restarted server listens there again
    InetSocketAddress fixed = udp();
    String listen = "udp:127.0.0.1:" + fixed.getPort();
    RawPeer bob = keep(new RawPeer("127.0.0.2"));
    bind("bob", bob.contact("bob"), 1f);
    RawPeer caller = keep(new RawPeer("127.0.0.3"));
    SipRequest invite = caller.request("INVITE", "sip:bob@" + DOMAIN, "sip:carl@elsewhere.example",
        "sip:bob@" + DOMAIN, "");
    caller.send(invite, fixed);
    SipRequest atBob = bob.nextRequest();
    String recordRoute = atBob.headers().get(HeaderName.RECORD_ROUTE);
    assertThat(recordRoute).contains(";psig=");
    bob.respond(atBob, 200, "bobtag", "Record-Route", recordRoute,
        "Contact", "<" + bob.contact("bob") + ">");
    SipResponse ok = caller.nextFinal();
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().get(HeaderName.RECORD_ROUTE)).isEqualTo(recordRoute);

    server.close();
    server = null;
    start(b -> b.listen(listen)); // the same data directory: the route secret is kept

    // caller -> callee: its From tag is the one signed
    String fromCaller = "<sip:carl@elsewhere.example>;tag=" + invite.from().tag();
    String toBob = "<sip:bob@" + DOMAIN + ">;tag=bobtag";
    caller.send(inDialog("MESSAGE", caller, bob.contact("bob"), fromCaller, toBob,
        invite.callId(), 2, recordRoute), fixed);
    SipRequest m = bob.nextRequest();
    assertThat(m.method().name()).isEqualTo("MESSAGE");
    bob.respond(m, 200, "bobtag");
    assertThat(caller.nextFinal().statusCode()).isEqualTo(200);

    // callee -> caller: the signed tag is its To tag
    bob.send(inDialog("BYE", bob, caller.contact("raw"), toBob, fromCaller, invite.callId(), 1,
        recordRoute), fixed);
    SipRequest bye = caller.nextRequest();
    assertThat(bye.method().name()).isEqualTo("BYE");
    caller.respond(bye, 200, invite.from().tag());
    assertThat(bob.nextFinal().statusCode()).isEqualTo(200);
  }

  /** A request inside a dialog, From and To given with their tags, Route as recorded. */
  static SipRequest inDialog(String method, RawPeer from, String requestUri, String fromHeader,
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

  /** One SIP message read from a stream: headers up to the blank line, then Content-Length. */
  static SipMessage readStreamMessage(InputStream in) throws Exception {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int c = in.read();
      if (c < 0) {
        throw new AssertionError("connection closed after: " + head);
      }
      head.write(c);
      matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
    }
    String headers = head.toString(StandardCharsets.UTF_8);
    int length = 0;
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        String name = line.substring(0, colon).strip();
        if (name.equalsIgnoreCase("Content-Length") || name.equals("l")) {
          length = Integer.parseInt(line.substring(colon + 1).strip());
        }
      }
    }
    byte[] body = in.readNBytes(length);
    return SipParser.create().parse(headers + new String(body, StandardCharsets.UTF_8));
  }
}
