package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.server.SipServer;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import dev.parley.server.registrar.RegistrarConfig;
import dev.parley.server.status.StatusConfig;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import dev.parley.sip.SipUri;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.NettyTransportLayer;
import dev.parley.transport.TraceEvent;
import dev.parley.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's "recovers after the server restarts or the connection drops", end to end: endpoints
 * registered over TCP to a real {@link SipServer} on loopback, which is stopped and started again
 * on the same ports (same data directory, so it reloads the bindings it had: only a fresh
 * REGISTER puts the new connection in them).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionRecoveryTest {
  private static final String DOMAIN = "example.com";
  private static final Aor ALICE = new Aor("alice", DOMAIN);
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path data;
  private SipServer server;
  private int tcpPort;
  private int udpPort;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<EndpointStateChangedEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void accountsAndServer() {
    try (Store store = Store.embedded(data)) {
      store.addAccount(Account.withPassword(DOMAIN, "alice", "secret"));
      store.addAccount(Account.withPassword(DOMAIN, "bob", "hunter2"));
    }
    server = startServer(0, 0);
    for (ListenPoint lp : server.listenPoints()) {
      if (lp.transport() == Transport.TCP) {
        tcpPort = lp.address().getPort();
      } else if (lp.transport() == Transport.UDP) {
        udpPort = lp.address().getPort();
      }
    }
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    if (server != null) {
      server.close();
    }
  }

  private SipServer startServer(int tcp, int udp) {
    return SipServer.start(ServerConfig.builder().domain(DOMAIN).dataDir(data)
        .listen("tcp:127.0.0.1:" + tcp).listen("udp:127.0.0.1:" + udp).threads(2)
        .registrar(RegistrarConfig.builder().flushInterval(Duration.ofHours(1))
            .sweepInterval(Duration.ofHours(1)).build())
        .status(StatusConfig.builder().listen("127.0.0.1:0").build()).build());
  }

  /** Alice over TCP, re-registering fast: tests wait seconds, not the defaults' minutes. */
  private Endpoint.Builder alice() {
    return Endpoint.builder("sip:alice@" + DOMAIN).credentials("alice", "secret")
        .server("sip:127.0.0.1:" + tcpPort + ";transport=tcp")
        .reconnectDelay(Duration.ofMillis(300))
        .retryBackoff(Duration.ofMillis(200), Duration.ofMillis(800));
  }

  private Endpoint keep(Endpoint e) {
    e.addListener((endpoint, event) -> {
      if (endpoint.uri().user().equals("alice")) {
        events.add(event);
      }
    });
    closing.add(e);
    return e;
  }

  /**
   * Waits for alice's listener to have heard of {@code state} (its last event so far), and
   * returns that event. {@link Endpoint#state()} changes first; the event follows on the
   * endpoint's executor, apart from the futures (docs/client.md, "The threading rule").
   */
  private EndpointStateChangedEvent awaitLastEvent(EndpointState state) {
    await().atMost(WAIT).until(() -> !events.isEmpty()
        && events.get(events.size() - 1).newState() == state);
    return events.get(events.size() - 1);
  }

  private Binding aliceBinding() {
    List<Binding> found = server.location().lookup(ALICE);
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  @Test
  void anEndpointOverTcpReRegistersWhenTheServerRestartsAndIsReachableAgain() throws Exception {
    Endpoint alice = keep(alice().listen("tcp:127.0.0.1:0").build());
    BlockingQueue<IncomingSessionEvent> invitations = new LinkedBlockingQueue<>();
    alice.sessionManager().setListener((source, invitation) -> {
      invitations.add(invitation);
      invitation.accept();
    });
    alice.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    Binding before = aliceBinding();
    assertThat(before.source()).startsWith("tcp:");

    server.close();
    await().atMost(WAIT).until(() -> alice.state() == EndpointState.ENABLING);
    EndpointStateChangedEvent drop = awaitLastEvent(EndpointState.ENABLING);
    assertThat(drop.oldState()).isEqualTo(EndpointState.ENABLED);
    assertThat(drop.failure()).hasValueSatisfying(
        f -> {
          assertThat(f.reason()).isEqualTo(SignInFailure.SERVER_UNREACHABLE);
          assertThat(f.getMessage()).contains("connection to the registrar closed");
        });

    long restartedAt = System.currentTimeMillis();
    server = startServer(tcpPort, udpPort);
    await().atMost(WAIT).until(() -> alice.state() == EndpointState.ENABLED);
    EndpointStateChangedEvent back = awaitLastEvent(EndpointState.ENABLED);
    assertThat(back.oldState()).isEqualTo(EndpointState.ENABLING);
    assertThat(back.failure()).isEmpty();
    await().atMost(WAIT).untilAsserted(() -> {
      Binding after = aliceBinding();
      assertThat(after.registeredAt()).isGreaterThanOrEqualTo(restartedAt);
      assertThat(after.source()).startsWith("tcp:").isNotEqualTo(before.source());
      assertThat(after.cseq()).isGreaterThan(before.cseq());
    });
    assertThat(events).extracting(EndpointStateChangedEvent::newState).containsExactly(
        EndpointState.ENABLING, EndpointState.ENABLED, EndpointState.ENABLING,
        EndpointState.ENABLED);

    // reachable through the restarted server: bob (UDP) invites alice's address of record
    Endpoint bob = keep(Endpoint.builder("sip:bob@" + DOMAIN).credentials("bob", "hunter2")
        .server("sip:127.0.0.1:" + udpPort).listen("udp:127.0.0.1:0").build());
    bob.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    Session im = bob.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.EMPTY);
    Participant joined = im.addParticipant(SipUri.parse("sip:alice@" + DOMAIN))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(joined.state()).isEqualTo(ParticipantState.CONNECTED);
    IncomingSessionEvent invitation = invitations.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(invitation).isNotNull();
    assertThat(invitation.inviter().uri().toString()).contains("bob@");
  }

  @Test
  void disableWhileTheConnectionIsDownSendsNoFurtherRegister() throws Exception {
    // the application's own transport: the endpoint still installs its watch on it
    NettyTransportLayer net = NettyTransportLayer.builder().listen("tcp:127.0.0.1:0").build();
    AtomicInteger registersWithExpiry = new AtomicInteger();
    net.addTraceListener(e -> {
      if (e.direction() == TraceEvent.Direction.SENT && isRegisterWithExpiry(e)) {
        registersWithExpiry.incrementAndGet();
      }
    });
    Endpoint alice = keep(alice().transport(net).reconnectDelay(Duration.ZERO).build());
    alice.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);

    server.close();
    server = null;
    await().atMost(WAIT).until(() -> alice.state() == EndpointState.ENABLING);
    CompletableFuture<Void> waitingForRecovery = alice.enable();
    assertThat(waitingForRecovery).isNotDone();

    alice.disable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(alice.state()).isEqualTo(EndpointState.DISABLED);
    // the future and the event come on two channels (docs/client.md, threading): wait for it
    assertThat(awaitLastEvent(EndpointState.DISABLED).failure())
        .as("the Expires: 0 could not be sent")
        .hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(SignInFailure.SERVER_UNREACHABLE));
    assertThatCancelled(waitingForRecovery);

    int sentAtDisable = registersWithExpiry.get();
    long restartedAt = System.currentTimeMillis();
    server = startServer(tcpPort, udpPort);
    // retries were due every 0.1-0.8 s: two seconds of quiet means they stopped
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
        registersWithExpiry.get() == sentAtDisable && alice.state() == EndpointState.DISABLED
            && server.location().lookup(ALICE).stream()
                .noneMatch(b -> b.registeredAt() >= restartedAt));
    assertThat(events).extracting(EndpointStateChangedEvent::newState).containsExactly(
        EndpointState.ENABLING, EndpointState.ENABLED, EndpointState.ENABLING,
        EndpointState.DISABLING, EndpointState.DISABLED);
  }

  private static boolean isRegisterWithExpiry(TraceEvent e) {
    String text = new String(e.bytes(), StandardCharsets.UTF_8);
    return text.startsWith("REGISTER ") && !text.contains("\r\nExpires: 0\r\n");
  }

  private static void assertThatCancelled(CompletableFuture<Void> f) throws Exception {
    await().atMost(WAIT).until(f::isDone);
    try {
      f.get();
      throw new AssertionError("enable() completed although disable() came first");
    } catch (ExecutionException | CancellationException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      assertThat(cause).isInstanceOf(CancellationException.class);
    }
  }
}
