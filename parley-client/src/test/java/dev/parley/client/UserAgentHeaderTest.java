package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.testkit.MockSipPeer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoint names its product: User-Agent on its requests, Server on its responses. */
class UserAgentHeaderTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close(); // endpoints before their registrar
    }
  }

  private MockSipPeer peer() throws Exception {
    MockSipPeer p = MockSipPeer.start();
    closeables.add(p);
    return p;
  }

  /** An endpoint registering at {@code registrar}, enabled (the REGISTER answered 200). */
  private Endpoint registered(Endpoint.Builder b, MockSipPeer registrar, List<SipRequest> seen)
      throws Exception {
    Endpoint e = b.server("sip:127.0.0.1:" + registrar.port()).listen("udp:127.0.0.1:0").build();
    closeables.add(e);
    var enabled = e.enable();
    SipRequest register = registrar.takeRequest(SipMethod.REGISTER);
    seen.add(register);
    registrar.respond(register, 200, "Contact", register.headers().get(HeaderName.CONTACT)
        + ";expires=60");
    enabled.get(5, TimeUnit.SECONDS);
    return e;
  }

  /** A pager MESSAGE from {@code e} to {@code peer}, answered 200; returns it. */
  private static SipRequest message(Endpoint e, MockSipPeer peer) throws Exception {
    InstantMessagingSession im = (InstantMessagingSession) e.sessionManager().createSession(
        SessionType.INSTANT_MESSAGING,
        SessionContext.builder().set(SessionContext.PAGER_MODE, true).build());
    im.addParticipant(SipUri.parse("sip:ivy@example.test")).get(5, TimeUnit.SECONDS);
    var sent = im.send("hello");
    SipRequest m = peer.takeRequest(SipMethod.MESSAGE);
    peer.respond(m, 200);
    sent.get(5, TimeUnit.SECONDS);
    im.terminate(RejectReason.DECLINE).get(5, TimeUnit.SECONDS);
    return m;
  }

  /** The endpoint's answer to an OPTIONS from {@code peer}. */
  private static SipResponse optionsAnswer(Endpoint e, MockSipPeer peer) throws Exception {
    SipUri contact = e.contactUri();
    peer.send(peer.request("OPTIONS", contact.toString()),
        new InetSocketAddress("127.0.0.1", contact.port()));
    return peer.takeFinalResponse();
  }

  @Test
  void requestsCarryParleyAndItsVersionAsUserAgentAndResponsesAsServerByDefault()
      throws Exception {
    MockSipPeer proxy = peer();
    List<SipRequest> seen = new ArrayList<>();
    Endpoint henry = registered(Endpoint.builder("sip:henry@example.test"), proxy, seen);
    seen.add(message(henry, proxy));
    assertThat(seen).extracting(r -> r.headers().get(HeaderName.USER_AGENT))
        .allSatisfy(ua -> assertThat(ua).matches("Parley/[0-9][A-Za-z0-9.+_-]*"));
    assertThat(optionsAnswer(henry, proxy).headers().get(HeaderName.SERVER))
        .isEqualTo(seen.get(0).headers().get(HeaderName.USER_AGENT));
  }

  @Test
  void theProductIsSettableAndNullLeavesTheHeadersOut() throws Exception {
    MockSipPeer proxy = peer();
    List<SipRequest> acme = new ArrayList<>();
    Endpoint a = registered(Endpoint.builder("sip:a@example.test").userAgent("Acme-Phone/2.1"),
        proxy, acme);
    acme.add(message(a, proxy));
    assertThat(acme).extracting(r -> r.headers().get(HeaderName.USER_AGENT))
        .containsOnly("Acme-Phone/2.1");
    assertThat(optionsAnswer(a, proxy).headers().get(HeaderName.SERVER))
        .isEqualTo("Acme-Phone/2.1");

    List<SipRequest> none = new ArrayList<>();
    Endpoint b = registered(Endpoint.builder("sip:b@example.test").userAgent(null), proxy, none);
    none.add(message(b, proxy));
    assertThat(none).allSatisfy(r -> assertThat(r.headers().contains(HeaderName.USER_AGENT))
        .isFalse());
    assertThat(optionsAnswer(b, proxy).headers().contains(HeaderName.SERVER)).isFalse();
  }

  @Test
  void inDialogRequestsCarryTheUserAgentAndTheDialogLayersAnswersTheServer() throws Exception {
    Endpoint alice = serverless(Endpoint.builder("sip:alice@127.0.0.1").userAgent("Alice/1.0"));
    Endpoint bob = serverless(Endpoint.builder("sip:bob@127.0.0.1").userAgent("Bob/2.0"));
    bob.sessionManager().setListener((source, e) -> e.accept());
    Session call = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.EMPTY);
    call.addParticipant(bob.contactUri()).get(5, TimeUnit.SECONDS);
    call.terminate(RejectReason.DECLINE).get(5, TimeUnit.SECONDS);

    // the ACK and the BYE are built by the dialog layer, the 200 to the BYE too (bob's side)
    SessionTrace trace = call.trace();
    for (String request : List.of("INVITE", "ACK", "BYE")) {
      assertThat(header(trace, request, "User-Agent")).as(request).isEqualTo("Alice/1.0");
    }
    for (String response : List.of("200 OK", "200 OK (BYE)")) { // "200 OK": to the INVITE
      assertThat(header(trace, response, "Server")).as(response).isEqualTo("Bob/2.0");
    }
  }

  private Endpoint serverless(Endpoint.Builder b) {
    Endpoint e = b.listen("udp:127.0.0.1:0").build();
    closeables.add(e);
    e.enable().join();
    return e;
  }

  /** The value of header {@code name} in the first message of {@code trace} labelled {@code label}. */
  private static String header(SessionTrace trace, String label, String name) {
    String wire = trace.messages().stream().filter(m -> m.label().equals(label)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + label + " in " + trace.messages()))
        .text();
    return wire.lines().filter(l -> l.startsWith(name + ": ")).findFirst()
        .map(l -> l.substring(name.length() + 2).strip()).orElse(null);
  }

  @Test
  void aProductWithALineBreakIsRefused() {
    assertThatThrownBy(() -> Endpoint.builder("sip:a@example.test").userAgent("A\r\nX: y"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character");
  }
}
