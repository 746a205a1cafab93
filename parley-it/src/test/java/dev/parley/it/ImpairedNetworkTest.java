package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.DeliveryResult;
import dev.parley.client.Endpoint;
import dev.parley.client.EndpointState;
import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.InstantMessage;
import dev.parley.client.InstantMessagingSession;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.Session;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.server.SipServer;
import dev.parley.server.registrar.Aor;
import dev.parley.sip.SipUri;
import dev.parley.testkit.ImpairmentRelay;
import dev.parley.transport.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's network faults: Parley endpoints reach a real {@code parley server} only through an
 * {@link dev.parley.testkit.ImpairmentRelay} that loses 20% of the datagrams each way, duplicates
 * 5% and holds 20% back so that later ones overtake them ({@link ImpairedNetwork#LOSSY}; what
 * crosses the relay: {@link ImpairedNetwork}); registration, a call through the proxy, pager and
 * session IM and offline delivery still complete, and no message reaches the application twice.
 * The {@code overTcp} tests do the same over a TCP relay, where a "lost" chunk is held back (a
 * retransmission delay) and holds back the stream behind it.
 *
 * <p>Timers are real (T1 500 ms), so the deadlines are generous; a failing run names the relay's
 * seed: run again with {@code -Dparley.relay.seed=N} to replay its decisions.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImpairedNetworkTest {
  private static final Duration WAIT = Duration.ofSeconds(40);

  @TempDir Path work;

  private ImpairedNetwork network;
  private SipServer server;
  private ImpairmentRelay relay;

  @AfterEach
  void stop() {
    if (network != null) {
      network.close();
    }
  }

  @Test
  void registrationCompletesUnderLossAndReordering(TestInfo test) throws Exception {
    start(test, "alice", "bob");

    Endpoint alice = endpoint("alice");
    Endpoint bob = endpoint("bob");

    assertThat(server.location().lookup(new Aor("alice", ImpairedNetwork.DOMAIN))).hasSize(1);
    assertThat(server.location().lookup(new Aor("bob", ImpairedNetwork.DOMAIN))).hasSize(1);
    assertThat(alice.state()).isEqualTo(EndpointState.ENABLED);
    assertThat(bob.state()).isEqualTo(EndpointState.ENABLED);
    assertFaultsApplied();
  }

  @Test
  void aCallThroughTheProxyIsSetUpAndHungUp(TestInfo test) throws Exception {
    start(test, Transport.UDP, "alice", "bob");
    callThroughTheProxyIsSetUpAndHungUp();
  }

  @Test
  void overTcpACallThroughTheProxyIsSetUpAndHungUp(TestInfo test) throws Exception {
    start(test, Transport.TCP, "alice", "bob");
    callThroughTheProxyIsSetUpAndHungUp();
  }

  private void callThroughTheProxyIsSetUpAndHungUp() throws Exception {
    Endpoint alice = endpoint("alice");
    BlockingQueue<IncomingSessionEvent> atBob = new LinkedBlockingQueue<>();
    Endpoint bob = endpoint("bob");
    bob.sessionManager().setListener((source, invitation) -> atBob.add(invitation));

    Session call = alice.sessionManager().createSession(SessionType.AUDIO_VIDEO,
        SessionContext.EMPTY);
    CompletableFuture<Participant> joined = call.addParticipant(SipUri.parse(aor("bob")));
    IncomingSessionEvent invitation = next(atBob, call);
    assertThat(invitation.inviter().uri().toString()).contains("alice@");
    Session answered = invitation.accept().get(WAIT.toSeconds(), TimeUnit.SECONDS);

    Participant callee = joined.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(callee.state()).isEqualTo(ParticipantState.CONNECTED);
    call.terminate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    answered.termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(labels(call)).as("%s", ladder(call)).contains("INVITE", "ACK", "BYE");
    assertThat(alice.sessionManager().sessions()).isEmpty();
    await().atMost(WAIT).until(() -> bob.sessionManager().sessions().isEmpty());
    assertFaultsApplied();
  }

  @Test
  void pagerMessagesArriveOnceEachInOrder(TestInfo test) throws Exception {
    start(test, "alice", "bob");
    Endpoint alice = endpoint("alice");
    Endpoint bob = endpoint("bob");
    List<String> atBob = acceptingIm(bob);

    InstantMessagingSession pager = (InstantMessagingSession) alice.sessionManager().createSession(
        SessionType.INSTANT_MESSAGING,
        SessionContext.builder().set(SessionContext.PAGER_MODE, true).build());
    pager.addParticipant(SipUri.parse(aor("bob"))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    List<String> sent = List.of("pager 1", "pager 2", "pager 3");
    for (String text : sent) {
      assertDelivered(pager.send(text), pager); // one at a time: in order
    }

    await().atMost(WAIT).until(() -> atBob.size() >= sent.size());
    assertThat(atBob).as("once each, in order; seed %s", relay.seed())
        .containsExactlyElementsOf(sent);
    assertFaultsApplied();
  }

  @Test
  void sessionMessagesArriveOnceEachInOrder(TestInfo test) throws Exception {
    start(test, Transport.UDP, "alice", "bob");
    sessionMessagesArriveOnceEachInOrder("session");
  }

  @Test
  void overTcpSessionMessagesArriveOnceEachInOrder(TestInfo test) throws Exception {
    start(test, Transport.TCP, "alice", "bob");
    sessionMessagesArriveOnceEachInOrder("tcp session");
  }

  private void sessionMessagesArriveOnceEachInOrder(String prefix) throws Exception {
    Endpoint alice = endpoint("alice");
    Endpoint bob = endpoint("bob");
    List<String> atBob = acceptingIm(bob);

    InstantMessagingSession im = (InstantMessagingSession) alice.sessionManager().createSession(
        SessionType.INSTANT_MESSAGING, SessionContext.EMPTY);
    im.addParticipant(SipUri.parse(aor("bob"))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(im.isPagerMode()).as("an IM session, not pager mode").isFalse();
    List<String> sent = List.of(prefix + " 1", prefix + " 2", prefix + " 3");
    for (String text : sent) {
      assertDelivered(im.send(text), im);
    }

    await().atMost(WAIT).until(() -> atBob.size() >= sent.size());
    im.terminate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(atBob).as("once each, in order; seed %s", relay.seed())
        .containsExactlyElementsOf(sent);
    assertFaultsApplied();
  }

  @Test
  void aMessageForASignedOutUserIsDeliveredOnceWhenHeSignsIn(TestInfo test) throws Exception {
    start(test, Transport.UDP, "alice", "bob");
    messageForASignedOutUserIsDeliveredOnceWhenHeSignsIn();
  }

  @Test
  void overTcpAMessageForASignedOutUserIsDeliveredOnceWhenHeSignsIn(TestInfo test)
      throws Exception {
    start(test, Transport.TCP, "alice", "bob");
    messageForASignedOutUserIsDeliveredOnceWhenHeSignsIn();
  }

  private void messageForASignedOutUserIsDeliveredOnceWhenHeSignsIn() throws Exception {
    Endpoint alice = endpoint("alice");
    InstantMessagingSession pager = (InstantMessagingSession) alice.sessionManager().createSession(
        SessionType.INSTANT_MESSAGING,
        SessionContext.builder().set(SessionContext.PAGER_MODE, true).build());
    pager.addParticipant(SipUri.parse(aor("bob"))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    List<DeliveryResult> stored = pager.send("while you were out")
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(stored).singleElement().satisfies(r -> assertThat(r.statusCode())
        .as("stored for later, %s", r).isEqualTo(202));
    assertThat(server.status().offlineMessages().pending()).isEqualTo(1);

    Endpoint bob = endpointBuilt("bob");
    List<String> atBob = acceptingIm(bob);
    enable(bob);

    await().atMost(WAIT).until(() -> !atBob.isEmpty()
        && server.status().offlineMessages().delivered() == 1);
    assertThat(atBob).as("seed %s", relay.seed()).containsExactly("while you were out");
    assertThat(server.status().offlineMessages().pending()).isZero();
    assertFaultsApplied();
  }

  @Test
  void overTcpRegistrationAndPagerMessagesCompleteDespiteRetransmissionDelays(TestInfo test)
      throws Exception {
    start(test, Transport.TCP, "alice", "bob");
    Endpoint alice = endpoint("alice");
    Endpoint bob = endpoint("bob");
    List<String> atBob = acceptingIm(bob);

    InstantMessagingSession pager = (InstantMessagingSession) alice.sessionManager().createSession(
        SessionType.INSTANT_MESSAGING,
        SessionContext.builder().set(SessionContext.PAGER_MODE, true).build());
    pager.addParticipant(SipUri.parse(aor("bob"))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    List<String> sent = List.of("tcp 1", "tcp 2", "tcp 3");
    for (String text : sent) {
      assertDelivered(pager.send(text), pager);
    }

    await().atMost(WAIT).until(() -> atBob.size() >= sent.size());
    assertThat(atBob).as("once each, in order; seed %s", relay.seed())
        .containsExactlyElementsOf(sent);
    // over TCP a loss is a retransmission delay: the relay held chunks back, the stream stayed whole
    assertFaultsApplied();
  }

  // --- the network

  /** Starts the server with these users and the lossy relay in front of it. */
  private void start(TestInfo test, String... users) throws Exception {
    start(test, Transport.UDP, users);
  }

  /** The same with the endpoints on {@code transport} (UDP or TCP) through the relay. */
  private void start(TestInfo test, Transport transport, String... users) throws Exception {
    network = ImpairedNetwork.start(work.resolve("data"), test.getDisplayName(), transport,
        ImpairedNetwork.LOSSY, null, users);
    server = network.server();
    relay = network.relay();
  }

  private static String aor(String user) {
    return ImpairedNetwork.aor(user);
  }

  /** An endpoint of {@code user}, signed in through the relay. */
  private Endpoint endpoint(String user) throws Exception {
    Endpoint e = endpointBuilt(user);
    enable(e);
    return e;
  }

  private Endpoint endpointBuilt(String user) {
    return network.add(network.endpoint(user));
  }

  private void enable(Endpoint e) throws Exception {
    e.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(e.state()).as("seed %s", relay.seed()).isEqualTo(EndpointState.ENABLED);
  }

  /** The texts of the IM invitations {@code e} gets, each accepted, in arrival order. */
  private static List<String> acceptingIm(Endpoint e) {
    List<String> texts = new CopyOnWriteArrayList<>();
    e.sessionManager().setListener((source, invitation) -> {
      InstantMessagingSession s = (InstantMessagingSession) invitation.session();
      s.addListener(new InstantMessagingSession.Listener() {
        @Override
        public void onMessageReceived(InstantMessagingSession session, InstantMessage m) {
          texts.add(m.text());
        }
      });
      invitation.accept();
    });
    return texts;
  }

  private void assertDelivered(CompletableFuture<List<DeliveryResult>> f, Session s)
      throws Exception {
    assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("%s", ladder(s)).singleElement()
        .satisfies(r -> assertThat(r.isDelivered()).as("%s", r).isTrue());
  }

  /** The relay dropped datagrams (the first REGISTER at least) and never overflowed. */
  private void assertFaultsApplied() {
    ImpairmentRelay.Stats stats = relay.stats();
    assertThat(stats.toTarget().dropped()).as("datagrams dropped, %s", stats).isPositive();
    assertThat(stats.toTarget().overflowed() + stats.toClients().overflowed()).isZero();
  }

  private <T> T next(BlockingQueue<T> queue, Session context) throws InterruptedException {
    T t = queue.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(t).as("nothing within %s (seed %s); %s", WAIT, relay.seed(), ladder(context))
        .isNotNull();
    return t;
  }

  private static List<String> labels(Session s) {
    return s.trace().messages().stream().map(m -> m.label()).toList();
  }

  private static String ladder(Session s) {
    return "--- trace of " + s.type() + " session\n" + s.trace().ladder();
  }
}
