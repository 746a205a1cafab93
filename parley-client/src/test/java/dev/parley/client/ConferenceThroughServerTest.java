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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conferences end to end through a real {@code parley server} and its focus (the wire contract of
 * issue 13): three signed-in endpoints; Alice creates an ad hoc conference at the factory, Bob
 * and Carol dial in by its URI, IM goes to all with per-recipient results and names its writer;
 * everyone sees the roster; Alice's dial-out reaches Carol as a CONFERENCE invitation with the
 * conversation ID and who asked, and her removal empties the rosters; an unknown conference is
 * 404.
 */
class ConferenceThroughServerTest {
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

  private Endpoint endpoint(String user) {
    String serverUri = "sip:127.0.0.1:" + server.listenPoints().get(0).address().getPort();
    Endpoint e = Endpoint.builder("sip:" + user + "@example.test").credentials(user, "secret")
        .server(serverUri).listen("udp:127.0.0.1:0").build();
    endpoints.add(e);
    e.enable().join();
    return e;
  }

  private static ConferenceSession conference(Endpoint e) {
    return (ConferenceSession) e.sessionManager().createSession(SessionType.CONFERENCE,
        SessionContext.EMPTY);
  }

  @Test
  void createJoinByUriAndMessageAllWithPerRecipientResults() throws Exception {
    Endpoint alice = endpoint("alice");
    Endpoint bob = endpoint("bob");
    Endpoint carol = endpoint("carol");

    ConferenceSession a = conference(alice);
    SipUri uri = a.enter().get(WAIT, TimeUnit.SECONDS);
    assertThat(uri.user()).startsWith("conf-").hasSize(27); // conf- and 22 base64url characters
    assertThat(uri.host()).isEqualTo("example.test");

    ConferenceSession b = conference(bob);
    BlockingQueue<InstantMessage> bobMessages = messages(b);
    assertThat(b.enter(uri).get(WAIT, TimeUnit.SECONDS)).isEqualTo(uri);
    ConferenceSession c = conference(carol);
    BlockingQueue<InstantMessage> carolMessages = messages(c);
    c.enter(uri).get(WAIT, TimeUnit.SECONDS);
    // entered is the focus's 200; the focus counts a leg in once our ACK has reached it, which
    // alice's roster tells
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> roster(a).containsAll(List.of(
        "sip:bob@example.test CONNECTED", "sip:carol@example.test CONNECTED")));

    List<DeliveryResult> results = a.send("hello all").get(WAIT, TimeUnit.SECONDS);
    assertThat(results).extracting(r -> r.recipient().uri() + " " + r.statusCode())
        .containsExactlyInAnyOrder("sip:bob@example.test 200", "sip:carol@example.test 200");
    for (BlockingQueue<InstantMessage> q : List.of(bobMessages, carolMessages)) {
      InstantMessage m = q.poll(WAIT, TimeUnit.SECONDS);
      assertThat(m).isNotNull();
      assertThat(m.text()).isEqualTo("hello all");
      assertThat(m.sender().uri()).hasToString("sip:alice@example.test"); // the writer
    }
    assertThat(b.participants()).extracting(p -> p.uri().toString())
        .contains("sip:alice@example.test");

    c.leave().get(WAIT, TimeUnit.SECONDS);
    b.leave().get(WAIT, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> {
      List<DeliveryResult> r = a.send("anyone?").get(WAIT, TimeUnit.SECONDS);
      return r.size() == 1 && r.get(0).statusCode() == 480; // nobody else: the focus says so
    });
    a.leave().get(WAIT, TimeUnit.SECONDS);
  }

  private static List<String> roster(ConferenceSession s) {
    return s.participants().stream().filter(p -> !p.isLocal())
        .map(p -> p.uri() + " " + p.state()).toList();
  }

  @Test
  void everyoneSeesTheRosterAndADialOutReachesTheThirdAsAConferenceInvitation() throws Exception {
    Endpoint alice = endpoint("alice");
    Endpoint bob = endpoint("bob");
    Endpoint carol = endpoint("carol");
    BlockingQueue<IncomingSessionEvent> carolInvitations = new LinkedBlockingQueue<>();
    carol.sessionManager().setListener((source, e) -> carolInvitations.add(e));

    ConferenceSession a = conference(alice);
    SipUri uri = a.enter().get(WAIT, TimeUnit.SECONDS);
    ConferenceSession b = conference(bob);
    b.enter(uri).get(WAIT, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(WAIT))
        .until(() -> roster(a).equals(List.of("sip:bob@example.test CONNECTED")));
    await().atMost(Duration.ofSeconds(WAIT))
        .until(() -> roster(b).equals(List.of("sip:alice@example.test CONNECTED")));

    var carolJoins = a.addParticipant(SipUri.parse("sip:carol@example.test"));
    IncomingSessionEvent invitation = carolInvitations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(invitation).isNotNull();
    assertThat(invitation.session().type()).isEqualTo(SessionType.CONFERENCE);
    assertThat(invitation.referredBy()).hasValueSatisfying(
        u -> assertThat(u).hasToString("sip:alice@example.test"));
    assertThat(invitation.session().context().get(SessionContext.CONVERSATION_ID))
        .isEqualTo(a.context().get(SessionContext.CONVERSATION_ID));
    ConferenceSession c = (ConferenceSession) invitation.session();
    assertThat(c.conferenceUri()).contains(uri);
    BlockingQueue<InstantMessage> carolMessages = messages(c);
    invitation.accept().get(WAIT, TimeUnit.SECONDS);
    assertThat(carolJoins.get(WAIT, TimeUnit.SECONDS).uri()).hasToString("sip:carol@example.test");
    List<String> bothOthers = List.of("sip:alice@example.test CONNECTED",
        "sip:bob@example.test CONNECTED");
    await().atMost(Duration.ofSeconds(WAIT))
        .until(() -> roster(c).containsAll(bothOthers) && roster(c).size() == 2);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> roster(b).equals(List.of(
        "sip:alice@example.test CONNECTED", "sip:carol@example.test CONNECTED")));
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> roster(a).equals(List.of(
        "sip:bob@example.test CONNECTED", "sip:carol@example.test CONNECTED")));

    assertThat(b.send("hi from bob").get(WAIT, TimeUnit.SECONDS))
        .extracting(r -> r.recipient().uri() + " " + r.statusCode())
        .containsExactlyInAnyOrder("sip:alice@example.test 200", "sip:carol@example.test 200");
    InstantMessage m = carolMessages.poll(WAIT, TimeUnit.SECONDS);
    assertThat(m.sender().uri()).hasToString("sip:bob@example.test");
    assertThat(m.sender()).isIn(c.participants()); // the roster's participant, not a stranger

    // the organizer removes carol; everyone's roster follows
    Participant carolInAlice = a.participants().stream()
        .filter(p -> p.uri().toString().equals("sip:carol@example.test")).findFirst().orElseThrow();
    a.removeParticipant(carolInAlice).get(WAIT, TimeUnit.SECONDS);
    c.termination().get(WAIT, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(WAIT))
        .until(() -> roster(b).equals(List.of("sip:alice@example.test CONNECTED")));
    b.leave().get(WAIT, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> roster(a).isEmpty());
    a.leave().get(WAIT, TimeUnit.SECONDS);
  }

  @Test
  void theFocusRefusesToDialOutOfTheDomainAndTheParticipantLeavesAgain() throws Exception {
    Endpoint alice = endpoint("alice");
    ConferenceSession a = conference(alice);
    a.enter().get(WAIT, TimeUnit.SECONDS);

    var outside = a.addParticipant(SipUri.parse("sip:dave@elsewhere.test"));

    assertThatThrownBy(() -> outside.get(WAIT, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause()
        .isInstanceOfSatisfying(InvitationRejectedException.class,
            e -> assertThat(e.statusCode()).isEqualTo(403)); // no free calls through a conference
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> roster(a).isEmpty());
    assertThat(a.isTerminated()).isFalse();
    a.leave().get(WAIT, TimeUnit.SECONDS);
  }

  @Test
  void enteringAConferenceThatDoesNotExistFailsWith404AndEndsTheSession() throws Exception {
    Endpoint bob = endpoint("bob");
    ConferenceSession b = conference(bob);

    var entered = b.enter(SipUri.parse("sip:conf-AAAAAAAAAAAAAAAAAAAAAA@example.test"));

    assertThatThrownBy(() -> entered.get(WAIT, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause()
        .isInstanceOfSatisfying(InvitationRejectedException.class,
            e -> assertThat(e.statusCode()).isEqualTo(404));
    b.termination().get(WAIT, TimeUnit.SECONDS);
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
}
