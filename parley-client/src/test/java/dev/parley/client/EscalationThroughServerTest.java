package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.server.SipServer;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import dev.parley.sip.SipUri;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Escalation of a 1:1 IM session to a conference (issue 13) through a real {@code parley server}
 * and its focus: alice and bob talk 1:1; alice escalates; bob's endpoint gets a CONFERENCE
 * invitation with the same conversation ID; the 1:1 session ends once bob is in, and not when he
 * declines.
 */
class EscalationThroughServerTest {
  private static final long WAIT = 30;
  @TempDir Path data;
  private SipServer server;
  private final List<Endpoint> endpoints = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    try (Store store = Store.embedded(data)) {
      for (String user : List.of("alice", "bob", "carol")) {
        store.addAccount(Account.withPassword("example.test", user, "secret"));
      }
    }
    server = SipServer.start(ServerConfig.builder().domain("example.test").dataDir(data)
        .listen("udp:127.0.0.1:0").statusListen("off").build());
  }

  @AfterEach
  void stop() {
    endpoints.forEach(Endpoint::close);
    server.close();
  }

  private Endpoint endpoint(String user, BlockingQueue<IncomingSessionEvent> invitations) {
    return endpoint(user, invitations, null);
  }

  private Endpoint endpoint(String user, BlockingQueue<IncomingSessionEvent> invitations,
      SipUri factory) {
    String serverUri = "sip:127.0.0.1:" + server.listenPoints().get(0).address().getPort();
    Endpoint.Builder builder = Endpoint.builder("sip:" + user + "@example.test")
        .credentials(user, "secret").server(serverUri).listen("udp:127.0.0.1:0");
    if (factory != null) {
      builder.conferenceFactory(factory);
    }
    Endpoint e = builder.build();
    endpoints.add(e);
    e.sessionManager().setListener((source, invitation) -> invitations.add(invitation));
    e.enable().join();
    return e;
  }

  /** A 1:1 IM session from {@code from} to bob, accepted: {from's session, bob's session}. */
  private static InstantMessagingSession[] oneToOne(Endpoint from,
      BlockingQueue<IncomingSessionEvent> bobInvitations) throws Exception {
    InstantMessagingSession a = (InstantMessagingSession) from.sessionManager().createSession(
        SessionType.INSTANT_MESSAGING, SessionContext.EMPTY);
    CompletableFuture<Participant> connected = a.addParticipant(
        SipUri.parse("sip:bob@example.test"));
    IncomingSessionEvent invitation = bobInvitations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(invitation).isNotNull();
    assertThat(invitation.session().type()).isEqualTo(SessionType.INSTANT_MESSAGING);
    InstantMessagingSession b = (InstantMessagingSession) invitation.accept()
        .get(WAIT, TimeUnit.SECONDS);
    connected.get(WAIT, TimeUnit.SECONDS);
    return new InstantMessagingSession[] {a, b};
  }

  private static String conversation(Session s) {
    return s.context().get(SessionContext.CONVERSATION_ID).orElseThrow();
  }

  @Test
  void theOtherPartyAcceptsTheConferenceInvitationAndTheOneToOneSessionEndsOnBothSides()
      throws Exception {
    BlockingQueue<IncomingSessionEvent> bobInvitations = new LinkedBlockingQueue<>();
    Endpoint alice = endpoint("alice", new LinkedBlockingQueue<>());
    endpoint("bob", bobInvitations);
    InstantMessagingSession[] im = oneToOne(alice, bobInvitations);

    CompletableFuture<ConferenceSession> escalated = im[0].escalateToConference();

    IncomingSessionEvent invitation = bobInvitations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(invitation).isNotNull();
    assertThat(invitation.session().type()).isEqualTo(SessionType.CONFERENCE);
    assertThat(conversation(invitation.session())).isEqualTo(conversation(im[0]));
    assertThat(invitation.referredBy()).hasValueSatisfying(
        u -> assertThat(u).hasToString("sip:alice@example.test"));
    assertThat(invitation.replaces()).containsSame(im[1]); // bob's 1:1 session, by its dialog
    assertThat(im[0].isTerminated()).isFalse(); // not before bob's leg is up
    ConferenceSession b = (ConferenceSession) invitation.accept().get(WAIT, TimeUnit.SECONDS);

    ConferenceSession a = escalated.get(WAIT, TimeUnit.SECONDS);
    assertThat(conversation(a)).isEqualTo(conversation(im[0]));
    assertThat(a.conferenceUri()).isEqualTo(b.conferenceUri()).isPresent();
    im[0].termination().get(WAIT, TimeUnit.SECONDS);
    im[1].termination().get(WAIT, TimeUnit.SECONDS);
    assertThat(a.send("in the conference").get(WAIT, TimeUnit.SECONDS))
        .extracting(r -> r.recipient().uri() + " " + r.statusCode())
        .containsExactly("sip:bob@example.test 200");
    b.leave().get(WAIT, TimeUnit.SECONDS);
    a.leave().get(WAIT, TimeUnit.SECONDS);
  }

  /** The "IM escalation between three Parley endpoints, with per-recipient results". */
  @Test
  void imEscalationBetweenThreeParleyEndpointsGivesPerRecipientResults() throws Exception {
    BlockingQueue<IncomingSessionEvent> bobInvitations = new LinkedBlockingQueue<>();
    BlockingQueue<IncomingSessionEvent> carolInvitations = new LinkedBlockingQueue<>();
    Endpoint alice = endpoint("alice", new LinkedBlockingQueue<>());
    endpoint("bob", bobInvitations);
    endpoint("carol", carolInvitations);
    InstantMessagingSession[] im = oneToOne(alice, bobInvitations);

    CompletableFuture<ConferenceSession> escalated =
        im[0].escalateToConference(SipUri.parse("sip:carol@example.test"));

    IncomingSessionEvent toBob = bobInvitations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(toBob).isNotNull();
    assertThat(toBob.session().type()).isEqualTo(SessionType.CONFERENCE);
    assertThat(toBob.replaces()).containsSame(im[1]);
    assertThat(conversation(toBob.session())).isEqualTo(conversation(im[1]));
    assertThat(carolInvitations).isEmpty(); // nobody else rings before bob is in
    ConferenceSession b = (ConferenceSession) toBob.session();
    BlockingQueue<InstantMessage> bobMessages = messages(b);
    toBob.accept().get(WAIT, TimeUnit.SECONDS);
    ConferenceSession a = escalated.get(WAIT, TimeUnit.SECONDS);
    im[0].termination().get(WAIT, TimeUnit.SECONDS);
    im[1].termination().get(WAIT, TimeUnit.SECONDS);

    IncomingSessionEvent toCarol = carolInvitations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(toCarol).isNotNull();
    assertThat(toCarol.session().type()).isEqualTo(SessionType.CONFERENCE);
    assertThat(toCarol.replaces()).isEmpty();
    assertThat(conversation(toCarol.session())).isEqualTo(conversation(im[0]));
    assertThat(toCarol.referredBy()).hasValueSatisfying(
        u -> assertThat(u).hasToString("sip:alice@example.test"));
    ConferenceSession c = (ConferenceSession) toCarol.session();
    BlockingQueue<InstantMessage> carolMessages = messages(c);
    toCarol.accept().get(WAIT, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> connected(a).equals(
        List.of("sip:bob@example.test", "sip:carol@example.test")));

    assertThat(a.send("welcome both").get(WAIT, TimeUnit.SECONDS))
        .extracting(r -> r.recipient().uri() + " " + r.statusCode())
        .containsExactlyInAnyOrder("sip:bob@example.test 200", "sip:carol@example.test 200");
    for (BlockingQueue<InstantMessage> q : List.of(bobMessages, carolMessages)) {
      InstantMessage m = q.poll(WAIT, TimeUnit.SECONDS);
      assertThat(m).isNotNull();
      assertThat(m.text()).isEqualTo("welcome both");
      assertThat(m.sender().uri()).hasToString("sip:alice@example.test");
    }
    c.leave().get(WAIT, TimeUnit.SECONDS);
    b.leave().get(WAIT, TimeUnit.SECONDS);
    a.leave().get(WAIT, TimeUnit.SECONDS);
  }

  private static List<String> connected(ConferenceSession s) {
    return s.participants().stream()
        .filter(p -> !p.isLocal() && p.state() == ParticipantState.CONNECTED)
        .map(p -> p.uri().toString()).sorted().toList();
  }

  private static BlockingQueue<InstantMessage> messages(ConferenceSession s) {
    BlockingQueue<InstantMessage> q = new LinkedBlockingQueue<>();
    s.addListener(new ConferenceSession.Listener() {
      @Override
      public void onMessageReceived(InstantMessagingSession session, InstantMessage m) {
        q.add(m);
      }
    });
    return q;
  }

  @Test
  void theOtherPartyDecliningFailsTheEscalationAndTheOneToOneSessionGoesOn() throws Exception {
    BlockingQueue<IncomingSessionEvent> bobInvitations = new LinkedBlockingQueue<>();
    Endpoint alice = endpoint("alice", new LinkedBlockingQueue<>());
    endpoint("bob", bobInvitations);
    InstantMessagingSession[] im = oneToOne(alice, bobInvitations);
    int sessionsBefore = alice.sessionManager().sessions().size();

    CompletableFuture<ConferenceSession> escalated = im[0].escalateToConference();
    IncomingSessionEvent invitation = bobInvitations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(invitation).isNotNull();
    assertThat(invitation.session().type()).isEqualTo(SessionType.CONFERENCE);
    assertThat(invitation.replaces()).containsSame(im[1]);
    invitation.reject(RejectReason.DECLINE);

    assertThatThrownBy(() -> escalated.get(WAIT, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause()
        .isInstanceOfSatisfying(InvitationRejectedException.class,
            e -> assertThat(e.statusCode()).isEqualTo(603));
    assertThat(im[0].isTerminated()).isFalse();
    assertThat(im[1].isTerminated()).isFalse();
    assertThat(im[0].send("still here").get(WAIT, TimeUnit.SECONDS))
        .extracting(DeliveryResult::statusCode).containsExactly(200);
    // the conference was left: only the 1:1 session remains
    await().atMost(Duration.ofSeconds(WAIT))
        .until(() -> alice.sessionManager().sessions().size() == sessionsBefore);
    im[0].terminate().get(WAIT, TimeUnit.SECONDS);
  }

  @Test
  void aFactoryThatRefusesFailsTheEscalationAndNobodyIsInvited() throws Exception {
    BlockingQueue<IncomingSessionEvent> bobInvitations = new LinkedBlockingQueue<>();
    Endpoint alice = endpoint("alice", new LinkedBlockingQueue<>(),
        SipUri.parse("sip:nobody@example.test")); // no focus there: the proxy says 404
    endpoint("bob", bobInvitations);
    InstantMessagingSession[] im = oneToOne(alice, bobInvitations);

    CompletableFuture<ConferenceSession> escalated = im[0].escalateToConference();

    assertThatThrownBy(() -> escalated.get(WAIT, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause()
        .isInstanceOf(InvitationRejectedException.class);
    assertThat(bobInvitations).isEmpty();
    assertThat(im[0].isTerminated()).isFalse();
    assertThat(im[1].send("still here").get(WAIT, TimeUnit.SECONDS))
        .extracting(DeliveryResult::statusCode).containsExactly(200);
    im[0].terminate().get(WAIT, TimeUnit.SECONDS);
  }

  @Test
  void aSessionThatCannotEscalateSaysWhyAtOnce() throws Exception {
    BlockingQueue<IncomingSessionEvent> bobInvitations = new LinkedBlockingQueue<>();
    Endpoint alice = endpoint("alice", new LinkedBlockingQueue<>());
    endpoint("bob", bobInvitations);
    Session av = alice.sessionManager().createSession(SessionType.AUDIO_VIDEO,
        SessionContext.EMPTY);
    assertThatThrownBy(av::escalateToConference) // a call escalates too, once it is connected
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not connected");
    Session conference = alice.sessionManager().createSession(SessionType.CONFERENCE,
        SessionContext.EMPTY);
    assertThatThrownBy(conference::escalateToConference)
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("conference");
    Session idle = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.EMPTY);
    assertThatThrownBy(idle::escalateToConference)
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not connected");

    InstantMessagingSession[] im = oneToOne(alice, bobInvitations);
    assertThatThrownBy(() -> im[0].escalateToConference(SipUri.parse("sip:bob@example.test")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other party");
    assertThatThrownBy(() -> im[0].escalateToConference((SipUri) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("extra[0]");

    CompletableFuture<ConferenceSession> escalating = im[0].escalateToConference();
    assertThatThrownBy(im[0]::escalateToConference)
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already");
    IncomingSessionEvent invitation = bobInvitations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(invitation).isNotNull();
    invitation.reject(RejectReason.BUSY);
    assertThatThrownBy(() -> escalating.get(WAIT, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    im[0].terminate().get(WAIT, TimeUnit.SECONDS);
  }
}
