package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.testkit.MockSipPeer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Instant messaging over real UDP sockets on loopback: session mode between two Parley endpoints,
 * and pager mode against a scripted peer that sends bare MESSAGEs as baresip does.
 */
class InstantMessagingTest {
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Endpoint alice;
  private Endpoint bob;
  private final BlockingQueue<IncomingSessionEvent> bobInvitations = new LinkedBlockingQueue<>();

  private Endpoint endpoint(String user) {
    Endpoint e = Endpoint.builder("sip:" + user + "@127.0.0.1").listen("udp:127.0.0.1:0").build();
    endpoints.add(e);
    e.enable().join();
    return e;
  }

  @BeforeEach
  void start() {
    alice = endpoint("alice");
    bob = endpoint("bob");
    bob.sessionManager().setListener((source, e) -> bobInvitations.add(e));
  }

  @AfterEach
  void stop() throws Exception {
    endpoints.forEach(Endpoint::close);
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  /** A pager-mode peer (baresip, say) on 127.0.0.1, closed after the test. */
  private MockSipPeer peer() throws Exception {
    MockSipPeer p = MockSipPeer.start();
    closeables.add(p);
    return p;
  }

  private static InetSocketAddress at(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /** A bare MESSAGE outside any dialog from {@code user} at {@code peer}, as baresip sends it. */
  private static String pagerMessage(MockSipPeer peer, String user, SipUri to, String contentType,
      String body, String callId) {
    int length = body.getBytes(StandardCharsets.UTF_8).length;
    return "MESSAGE " + to + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + peer.hostPort() + ";branch=" + MockSipPeer.newBranch()
        + ";rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "To: <" + to + ">\r\n"
        + "From: <" + peer.uri(user) + ">;tag=" + MockSipPeer.token() + "\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: " + (1 + ThreadLocalRandom.current().nextInt(1000)) + " MESSAGE\r\n"
        + "User-Agent: baresip v1.0.0 (x86_64/linux)\r\n"
        + "Content-Type: " + contentType + "\r\n"
        + "Content-Length: " + length + "\r\n\r\n" + body;
  }

  private IncomingSessionEvent nextInvitation() throws InterruptedException {
    IncomingSessionEvent e = bobInvitations.poll(5, TimeUnit.SECONDS);
    assertThat(e).as("invitation").isNotNull();
    return e;
  }

  @Test
  void messagesAndComposingFlowBothWaysInSessionMode() throws Exception {
    InstantMessagingSession aliceIm = (InstantMessagingSession) alice.sessionManager()
        .createSession(SessionType.INSTANT_MESSAGING, SessionContext.EMPTY);
    ImRecorder aliceSide = ImRecorder.on(aliceIm);
    var added = aliceIm.addParticipant(bob.contactUri());
    IncomingSessionEvent invitation = nextInvitation();
    assertThat(invitation.message()).isEmpty();
    InstantMessagingSession bobIm = (InstantMessagingSession) invitation.session();
    ImRecorder bobSide = ImRecorder.on(bobIm); // listeners go on before accept()
    invitation.accept().get(5, TimeUnit.SECONDS);
    Participant bobInAlice = added.get(5, TimeUnit.SECONDS);
    assertThat(aliceIm.isPagerMode()).isFalse();

    aliceIm.setComposing(true);
    await().until(() -> bobSide.events.contains("composing sip:alice@127.0.0.1"));
    Participant aliceInBob = invitation.inviter();
    assertThat(bobIm.isComposing(aliceInBob)).isTrue();

    List<DeliveryResult> results = aliceIm.send("Hello Bob").get(5, TimeUnit.SECONDS);
    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.recipient()).isSameAs(bobInAlice);
      assertThat(r.isDelivered()).isTrue();
      assertThat(r.statusCode()).isEqualTo(200);
    });
    InstantMessage hello = bobSide.nextMessage();
    assertThat(hello.text()).isEqualTo("Hello Bob");
    assertThat(hello.sender()).isSameAs(aliceInBob);
    assertThat(hello.contentType().is("text", "plain")).isTrue();
    assertThat(bobIm.isComposing(aliceInBob)).isFalse(); // the message ended it, silently
    assertThat(bobSide.events).containsExactly("composing sip:alice@127.0.0.1", "message Hello Bob");

    bobIm.setComposing(true);
    await().until(() -> aliceSide.events.contains("composing " + bob.contactUri()));
    bobIm.setComposing(false);
    await().until(() -> aliceSide.events.contains("idle " + bob.contactUri()));
    byte[] html = "<b>Hi</b> Alice".getBytes(StandardCharsets.UTF_8);
    assertThat(bobIm.send(html, MediaType.parse("text/html")).get(5, TimeUnit.SECONDS))
        .allMatch(DeliveryResult::isDelivered);
    InstantMessage reply = aliceSide.nextMessage();
    assertThat(reply.text()).isEqualTo("<b>Hi</b> Alice");
    assertThat(reply.contentType().is("text", "html")).isTrue();
    assertThat(aliceSide.events).containsExactly("composing " + bob.contactUri(),
        "idle " + bob.contactUri(), "message <b>Hi</b> Alice");

    // every MESSAGE travelled inside the dialog with the conversation ID
    String conversation = aliceIm.context().get(SessionContext.CONVERSATION_ID).orElseThrow();
    List<SessionTrace.Message> messages = aliceIm.trace().messages().stream()
        .filter(m -> m.startLine().startsWith("MESSAGE ")).toList();
    assertThat(messages).hasSizeGreaterThanOrEqualTo(4);
    assertThat(messages).allSatisfy(m -> {
      assertThat(m.text()).contains("Ms-Conversation-ID: " + conversation);
      assertThat(m.text()).contains("Call-ID: " + aliceIm.trace().messages().get(0).text()
          .lines().filter(l -> l.startsWith("Call-ID:")).findFirst().orElseThrow().substring(9));
    });
    assertThatThrownBy(() -> aliceIm.send(new byte[0], InstantMessagingSession.IS_COMPOSING))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contentType");

    aliceIm.terminate(RejectReason.DECLINE).get(5, TimeUnit.SECONDS);
    bobIm.termination().get(5, TimeUnit.SECONDS);
    assertThatThrownBy(() -> aliceIm.send("late")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aBareMessageFromAPagerPeerIsAnImInvitationCarryingItAndRepliesGoBackAsMessage()
      throws Exception {
    MockSipPeer carol = peer();
    SipUri bobUri = bob.contactUri();
    java.time.Instant before = java.time.Instant.now();
    carol.send(pagerMessage(carol, "carol", bobUri,
        "text/plain;charset=utf-8", "Hi from baresip", "c1@carol"), at(bobUri.port()));

    SipResponse answer = carol.takeFinalResponse();
    assertThat(answer.statusCode()).isEqualTo(200); // answered at once, before any decision
    IncomingSessionEvent invitation = nextInvitation();
    assertThat(invitation.deadline()).isBetween(before.plusSeconds(30),
        java.time.Instant.now().plusSeconds(30)); // then the pager invitation expires
    assertThat(invitation.session().type()).isEqualTo(SessionType.INSTANT_MESSAGING);
    assertThat(invitation.inviter().uri().toString()).isEqualTo(carol.uri("carol"));
    assertThat(invitation.message()).get().satisfies(m -> {
      assertThat(m.text()).isEqualTo("Hi from baresip");
      assertThat(m.sender()).isSameAs(invitation.inviter());
    });
    InstantMessagingSession im = (InstantMessagingSession) invitation.session();
    assertThat(im.isPagerMode()).isTrue();
    assertThat(im.context().get(SessionContext.CONVERSATION_ID)).isPresent();
    ImRecorder bobSide = ImRecorder.on(im);

    // a second MESSAGE while the user decides is held, then delivered after the first
    carol.send(pagerMessage(carol, "carol", bobUri,
        "text/plain", "are you there?", "c2@carol"), at(bobUri.port()));
    assertThat(carol.takeFinalResponse().statusCode()).isEqualTo(200);
    invitation.accept().get(5, TimeUnit.SECONDS);
    assertThat(bobSide.nextMessage().text()).isEqualTo("Hi from baresip");
    assertThat(bobSide.nextMessage().text()).isEqualTo("are you there?");

    var sent = im.send("Hello Carol");
    SipRequest reply = carol.takeRequest(SipMethod.MESSAGE);
    assertThat(reply.bodyAsString()).isEqualTo("Hello Carol");
    assertThat(reply.to().uri().toString()).isEqualTo(carol.uri("carol"));
    assertThat(reply.requestUri().toString()).isEqualTo(carol.uri("carol"));
    assertThat(reply.from().uri().toString()).isEqualTo("sip:bob@127.0.0.1");
    assertThat(reply.headers().get(HeaderName.MS_CONVERSATION_ID))
        .isEqualTo(im.context().get(SessionContext.CONVERSATION_ID).orElseThrow());
    carol.respond(reply, 200);
    assertThat(sent.get(5, TimeUnit.SECONDS)).singleElement()
        .satisfies(r -> assertThat(r.isDelivered()).isTrue());

    // the peer is busy now: the per-recipient result says so
    var busy = im.send("still there?");
    carol.respond(carol.takeRequest(SipMethod.MESSAGE), 486);
    assertThat(busy.get(5, TimeUnit.SECONDS)).singleElement().satisfies(r -> {
      assertThat(r.recipient()).isSameAs(invitation.inviter());
      assertThat(r.isDelivered()).isFalse();
      assertThat(r.statusCode()).isEqualTo(486);
      assertThat(r.rejectReason()).contains(RejectReason.BUSY);
    });

    // the trace holds every pager MESSAGE of the session, both ways
    assertThat(im.trace().messages()).extracting(SessionTrace.Message::label)
        .containsSubsequence("MESSAGE", "200 OK (MESSAGE)", "MESSAGE", "200 OK (MESSAGE)",
            "MESSAGE", "200 OK (MESSAGE)", "MESSAGE", "486 Busy Here (MESSAGE)");

    im.terminate(RejectReason.DECLINE).get(5, TimeUnit.SECONDS);
    assertThat(bob.sessionManager().sessions()).isEmpty();
    // after the session ended, a new MESSAGE is a new invitation
    carol.send(pagerMessage(carol, "carol", bobUri,
        "text/plain", "bye?", "c3@carol"), at(bobUri.port()));
    assertThat(carol.takeFinalResponse().statusCode()).isEqualTo(200);
    assertThat(nextInvitation().message()).get().extracting(InstantMessage::text).isEqualTo("bye?");
  }

  @Test
  void aRejectedPagerPeerGetsTheRejectStatusOnLaterMessages() throws Exception {
    MockSipPeer dave = peer();
    SipUri bobUri = bob.contactUri();
    dave.send(pagerMessage(dave, "dave", bobUri,
        "text/plain", "spam", "d1@dave"), at(bobUri.port()));
    assertThat(dave.takeFinalResponse().statusCode()).isEqualTo(200);
    IncomingSessionEvent invitation = nextInvitation();

    assertThat(invitation.reject(RejectReason.DECLINE)).isTrue();

    assertThat(invitation.session().isTerminated()).isTrue();
    assertThat(invitation.inviter().state()).isEqualTo(ParticipantState.DISCONNECTED);
    dave.send(pagerMessage(dave, "dave", bobUri,
        "text/plain", "more spam", "d2@dave"), at(bobUri.port()));
    assertThat(dave.takeFinalResponse().statusCode()).isEqualTo(603);
    assertThat(bobInvitations).isEmpty();
  }

  @Test
  void composingBeforeTheFirstMessageMakesNoInvitation() throws Exception {
    MockSipPeer erin = peer();
    SipUri bobUri = bob.contactUri();
    String active = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><isComposing"
        + " xmlns=\"urn:ietf:params:xml:ns:im-iscomposing\"><state>active</state>"
        + "<refresh>60</refresh></isComposing>";
    erin.send(pagerMessage(erin, "erin", bobUri,
        "application/im-iscomposing+xml", active, "e1@erin"), at(bobUri.port()));
    assertThat(erin.takeFinalResponse().statusCode()).isEqualTo(200);
    erin.send(pagerMessage(erin, "erin", bobUri,
        "text/plain", "hello", "e2@erin"), at(bobUri.port()));
    assertThat(erin.takeFinalResponse().statusCode()).isEqualTo(200);
    IncomingSessionEvent invitation = nextInvitation();
    assertThat(invitation.message()).get().extracting(InstantMessage::text).isEqualTo("hello");
    assertThat(bobInvitations).isEmpty();
    InstantMessagingSession im = (InstantMessagingSession) invitation.session();
    ImRecorder side = ImRecorder.on(im);
    invitation.accept().get(5, TimeUnit.SECONDS);
    erin.send(pagerMessage(erin, "erin", bobUri,
        "application/im-iscomposing+xml", active, "e3@erin"), at(bobUri.port()));
    erin.takeFinalResponse();
    await().until(() -> side.events.contains("composing " + erin.uri("erin")));
    assertThat(im.isComposing(invitation.inviter())).isTrue();
    assertThat(side.events).containsExactly("message hello", "composing " + erin.uri("erin"));
    im.terminate(RejectReason.DECLINE).get(5, TimeUnit.SECONDS);
  }

  @Test
  void anOutgoingImSessionFallsBackToPagerModeWhenThePeerRefusesTheInvite() throws Exception {
    MockSipPeer frank = peer();
    InstantMessagingSession im = (InstantMessagingSession) alice.sessionManager()
        .createSession(SessionType.INSTANT_MESSAGING, SessionContext.EMPTY);
    ImRecorder aliceSide = ImRecorder.on(im);
    var added = im.addParticipant(SipUri.parse(frank.uri("frank")));
    SipRequest invite = frank.takeRequest(SipMethod.INVITE);
    assertThat(invite.bodyAsString()).contains("m=message ");
    frank.respond(invite, 488);
    frank.takeRequest(SipMethod.ACK); // of the 488, by alice's INVITE transaction

    Participant frankInAlice = added.get(5, TimeUnit.SECONDS);
    assertThat(frankInAlice.state()).isEqualTo(ParticipantState.CONNECTED);
    assertThat(im.isPagerMode()).isTrue();

    var sent = im.send("over MESSAGE then");
    SipRequest message = frank.takeRequest(SipMethod.MESSAGE);
    assertThat(message.to().tag()).isNull(); // outside any dialog
    assertThat(message.bodyAsString()).isEqualTo("over MESSAGE then");
    frank.respond(message, 404);
    assertThat(sent.get(5, TimeUnit.SECONDS)).singleElement().satisfies(r -> {
      assertThat(r.isDelivered()).isFalse();
      assertThat(r.statusCode()).isEqualTo(404);
    });

    // frank's reply comes to this session, not as a new invitation
    SipUri aliceUri = alice.contactUri();
    frank.send(pagerMessage(frank, "frank", aliceUri,
        "text/plain", "got it", "f1@frank"), at(aliceUri.port()));
    assertThat(frank.takeFinalResponse().statusCode()).isEqualTo(200);
    assertThat(aliceSide.nextMessage().text()).isEqualTo("got it");
    im.terminate(RejectReason.DECLINE).get(5, TimeUnit.SECONDS);
  }

  @Test
  void pagerMessagesGoThroughTheServerAndAnswerItsDigestChallenge() throws Exception {
    MockSipPeer proxy = peer();
    Endpoint henry = Endpoint.builder("sip:henry@example.test").credentials("henry", "secret")
        .server("sip:127.0.0.1:" + proxy.port()).listen("udp:127.0.0.1:0").build();
    endpoints.add(henry);
    var enabled = henry.enable();
    SipRequest register = proxy.takeRequest(SipMethod.REGISTER);
    proxy.respond(register, 200, "Contact", register.headers().get(HeaderName.CONTACT)
        + ";expires=60");
    enabled.get(5, TimeUnit.SECONDS);

    InstantMessagingSession im = (InstantMessagingSession) henry.sessionManager().createSession(
        SessionType.INSTANT_MESSAGING,
        SessionContext.builder().set(SessionContext.PAGER_MODE, true).build());
    im.addParticipant(SipUri.parse("sip:ivy@example.test")).get(5, TimeUnit.SECONDS);
    var sent = im.send("via the proxy");
    SipRequest first = proxy.takeRequest(SipMethod.MESSAGE);
    assertThat(first.requestUri().toString()).isEqualTo("sip:ivy@example.test");
    proxy.respond(first, 407,
        "Proxy-Authenticate", "Digest realm=\"example.test\", nonce=\"n0nce\", qop=\"auth\", "
            + "algorithm=MD5");
    SipRequest second = proxy.takeRequest(SipMethod.MESSAGE);
    assertThat(second.headers().get(HeaderName.PROXY_AUTHORIZATION))
        .contains("username=\"henry\"").contains("realm=\"example.test\"");
    assertThat(second.bodyAsString()).isEqualTo("via the proxy");
    proxy.respond(second, 200);
    assertThat(sent.get(5, TimeUnit.SECONDS)).allMatch(DeliveryResult::isDelivered);
    im.terminate(RejectReason.DECLINE).get(5, TimeUnit.SECONDS);
  }

  @Test
  void pagerModeCanBeChosenUpFront() throws Exception {
    MockSipPeer grace = peer();
    InstantMessagingSession im = (InstantMessagingSession) alice.sessionManager().createSession(
        SessionType.INSTANT_MESSAGING,
        SessionContext.builder().set(SessionContext.PAGER_MODE, true).build());
    assertThat(im.addParticipant(SipUri.parse(grace.uri("grace"))).get(5, TimeUnit.SECONDS).state())
        .isEqualTo(ParticipantState.CONNECTED);
    var sent = im.send("no INVITE first");
    SipRequest message = grace.takeRequest(SipMethod.MESSAGE);
    assertThat(message.bodyAsString()).isEqualTo("no INVITE first");
    grace.respond(message, 202);
    assertThat(sent.get(5, TimeUnit.SECONDS)).allMatch(DeliveryResult::isDelivered);
    im.terminate(RejectReason.DECLINE).get(5, TimeUnit.SECONDS);
  }
}
