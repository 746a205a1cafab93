package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server whose domain is its own address, {@code 127.0.0.1} (the benchmark and many tests run
 * so), with every user agent on that address too: only our ports are the domain, and a request in
 * a dialog we record-routed goes to its Request-URI (RFC 3261 §16.4, §16.12).
 */
class ProxyAddressDomainTest extends ProxyFixture {
  static final String HOST = "127.0.0.1";

  private void startOnTheAddress() throws Exception {
    try (Store store = Store.embedded(data)) {
      store.addAccount(Account.withPassword(HOST, "bob", "hunter2"));
    }
    start(b -> b.domain(HOST).trusted(HOST)); // trusted: no 407 in the way of raw peers
  }

  private void bindBob(MockSipPeer callee) {
    Aor aor = new Aor("bob", HOST);
    long now = System.currentTimeMillis();
    server.location().update(aor, current -> List.of(new Binding(aor,
        Address.parse("<" + callee.uri("bob") + ">"), now + 600_000, -1, "bind", 1, List.of(),
        null, 0, null, null, now)));
  }

  private String proxy() {
    return HOST + ":" + udp().getPort();
  }

  /**
   * The case of baresip and SIPp through {@code parley server --domain 127.0.0.1}: the callee's
   * contact is {@code sip:dave-0x..@127.0.0.1:PORT} (baresip) or {@code sip:127.0.0.1:PORT}
   * (SIPp's uas); the caller's ACK and BYE, sent to it along our Route, must reach it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sip:bob-0x5e1@127.0.0.1:%d", "sip:127.0.0.1:%d;transport=UDP"})
  void ackAndByeToAUaOnTheServersAddressAreForwardedToItsContact(String contactForm)
      throws Exception {
    startOnTheAddress();
    MockSipPeer caller = peer();
    MockSipPeer callee = peer();
    bindBob(callee);
    String contact = String.format(contactForm, callee.port());

    SipRequest invite = caller.request("INVITE", "sip:bob@" + proxy(), "sip:alice@" + HOST,
        "sip:bob@" + proxy(), "");
    caller.send(invite, udp());
    SipRequest atCallee = callee.takeRequest();
    assertThat(atCallee.method().name()).isEqualTo("INVITE");
    List<Address> recordRoute = atCallee.recordRoutes();
    assertThat(recordRoute).hasSize(1);
    callee.respondWithTag(atCallee, 200, "callee", "Contact", "<" + contact + ">");
    SipResponse ok = caller.takeFinalResponse();
    assertThat(ok.statusCode()).isEqualTo(200);
    String route = ok.recordRoutes().get(0).toString();

    caller.send(inDialog(invite, ok, "ACK", 1, contact, route), udp());
    SipRequest ack = callee.takeRequest();
    assertThat(ack.method().name()).isEqualTo("ACK");
    assertThat(ack.requestUri().toString()).isEqualTo(contact);

    caller.send(inDialog(invite, ok, "BYE", 2, contact, route), udp());
    SipRequest bye = callee.takeRequest();
    assertThat(bye.method().name()).isEqualTo("BYE");
    assertThat(bye.requestUri().toString()).isEqualTo(contact);
    assertThat(bye.routes()).isEmpty();
    callee.respondWithTag(bye, 200, "callee");
    SipResponse byeAnswer = caller.takeFinalResponse();
    assertThat(byeAnswer.statusCode()).isEqualTo(200);
    assertThat(byeAnswer.headers().get(HeaderName.CSEQ)).isEqualTo("2 BYE");
  }

  @Test
  void onlyOurPortsOfTheAddressAreTheDomain() throws Exception {
    startOnTheAddress();
    MockSipPeer caller = peer();
    MockSipPeer callee = peer();
    bindBob(callee);
    List<String> reached = new ArrayList<>();
    for (String ruri : List.of("sip:bob@" + proxy(), "sip:bob@" + HOST)) {
      caller.send(caller.request("MESSAGE", ruri, "sip:alice@" + HOST, ruri, ""), udp());
      SipRequest got = callee.takeRequest();
      reached.add(got.requestUri().toString());
      callee.respondWithTag(got, 200, "callee");
      assertThat(caller.takeFinalResponse().statusCode()).isEqualTo(200);
    }
    assertThat(reached).containsOnly(callee.uri("bob"));

    // another port of our address is someone else's socket: not the domain, so not relayed
    String other = "sip:bob@" + HOST + ":" + callee.port();
    caller.send(caller.request("MESSAGE", other, "sip:alice@" + HOST, other, ""), udp());
    SipResponse r = caller.takeFinalResponse();
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.reasonPhrase()).contains("relaying denied");
  }

  /** A request in the dialog {@code invite} and its 2xx {@code ok} made, along {@code route}. */
  private static SipRequest inDialog(SipRequest invite, SipResponse ok, String method, long cseq,
      String target, String route) {
    SipMessage m = SipParser.create().parse(method + " " + target + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + invite.topVia().host() + ":" + invite.topVia().port()
        + ";branch=z9hG4bK" + method.toLowerCase() + System.nanoTime() + ";rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "Route: " + route + "\r\n"
        + "From: " + invite.headers().get(HeaderName.FROM) + "\r\n"
        + "To: " + ok.headers().get(HeaderName.TO) + "\r\n"
        + "Call-ID: " + invite.callId() + "\r\n"
        + "CSeq: " + cseq + " " + method + "\r\n"
        + "Content-Length: 0\r\n\r\n");
    return (SipRequest) m;
  }
}
