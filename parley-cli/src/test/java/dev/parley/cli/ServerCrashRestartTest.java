package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.DeliveryResult;
import dev.parley.client.Endpoint;
import dev.parley.client.EndpointState;
import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.InstantMessage;
import dev.parley.client.InstantMessagingSession;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.ParticipantStateChangedEvent;
import dev.parley.client.Session;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.server.offline.StoredMessage;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import dev.parley.sip.SipUri;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 4: {@code parley server} (a separate JVM) under load, killed with SIGKILL and
 * started again on the same data directory. Load: {@link Endpoint}s signing in one after another
 * (REGISTER with digest), pager MESSAGEs to a user who is signed out (stored, 202), and a call
 * set up before the kill. What is checked: on disk right after the kill (a second store
 * connection, as the restarted server reads it), every account, every message answered 202 and,
 * with {@code location.write_through}, every binding answered 200; without it, every binding
 * written by a flush before the kill. After the restart: the TCP clients sign in again by
 * themselves, the call ends normally (a BYE through the restarted proxy, on the Record-Route
 * signed before the kill), and the signed-out user, signing in, gets every stored message once.
 * Waits are generous (a busy machine); nothing asserts elapsed time.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ServerCrashRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int LOAD_USERS = 40;

  @TempDir Path work;
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final List<Thread> loaders = new ArrayList<>();
  private final AtomicBoolean loading = new AtomicBoolean(true);
  private final List<Throwable> loadFailures = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    loading.set(false);
    for (Thread t : loaders) {
      t.interrupt();
      t.join(TimeUnit.SECONDS.toMillis(40));
    }
    for (Endpoint e : endpoints) {
      e.close();
    }
  }

  @Test
  void withWriteThroughASigkillLosesNoAccountNoStoredMessageAndNoBindingAnswered200()
      throws Exception {
    Path data = work.resolve("data");
    int port = freePort();
    Path conf = work.resolve("parley.conf");
    Files.writeString(conf, "location.write_through = true\n");
    List<String> args = List.of("--config", conf.toString(), "--listen",
        "tcp:127.0.0.1:" + port, "--status", "off");
    List<String> users = new ArrayList<>(List.of("alice", "bob", "dave"));
    for (int i = 0; i < LOAD_USERS; i++) {
      users.add("load" + i);
    }

    Set<String> registered = ConcurrentHashMap.newKeySet();
    Set<String> stored = ConcurrentHashMap.newKeySet();
    Endpoint alice;
    Endpoint bob;
    Session call;
    BlockingQueue<IncomingSessionEvent> bobInvitations = new LinkedBlockingQueue<>();
    List<ParticipantStateChangedEvent> bobSaw = new CopyOnWriteArrayList<>();
    Session bobCall;
    List<EndpointState> aliceStates = new CopyOnWriteArrayList<>();
    List<EndpointState> bobStates = new CopyOnWriteArrayList<>();
    try (ServerProcess first = ServerProcess.start(data, port, args,
        users.toArray(new String[0]))) {
      alice = tcpEndpoint("alice", port);
      bob = tcpEndpoint("bob", port);
      bob.sessionManager().setListener((source, invitation) -> bobInvitations.add(invitation));
      alice.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      bob.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);

      // a call set up before the kill, through the proxy (record-routed)
      call = alice.sessionManager().createSession(SessionType.AUDIO_VIDEO, SessionContext.EMPTY);
      var joined = call.addParticipant(SipUri.parse("sip:bob@127.0.0.1"));
      IncomingSessionEvent invitation = bobInvitations.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(invitation).as("bob's invitation").isNotNull();
      invitation.inviter().addListener((p, e) -> bobSaw.add(e));
      bobCall = invitation.accept().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      Participant callee = joined.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(callee.state()).isEqualTo(ParticipantState.CONNECTED);

      // load: sign-ins one after another, and MESSAGEs to dave, who is signed out (stored, 202)
      loader("registrations", () -> {
        for (int i = 0; i < LOAD_USERS && loading.get(); i++) {
          Endpoint e = udpEndpoint("load" + i, port);
          if (e.enable().handle((ok, failure) -> failure == null).get(40, TimeUnit.SECONDS)) {
            registered.add("load" + i);
          }
        }
      });
      InstantMessagingSession toDave = (InstantMessagingSession) alice.sessionManager()
          .createSession(SessionType.INSTANT_MESSAGING,
              SessionContext.builder().set(SessionContext.PAGER_MODE, true).build());
      toDave.addParticipant(SipUri.parse("sip:dave@127.0.0.1")).get(WAIT.toSeconds(),
          TimeUnit.SECONDS);
      loader("messages", () -> {
        for (int i = 0; loading.get() && i < 1000; i++) {
          String text = "stored message " + i;
          List<DeliveryResult> results = toDave.send(text).get(60, TimeUnit.SECONDS);
          if (results.size() == 1 && results.get(0).statusCode() == 202) {
            stored.add(text);
          }
        }
      });
      Awaitility.await().atMost(Duration.ofSeconds(90)).alias("load under way")
          .until(() -> registered.size() >= 10 && stored.size() >= 10);
      alice.addListener((e, event) -> aliceStates.add(event.newState()));
      bob.addListener((e, event) -> bobStates.add(event.newState()));
      first.kill(); // SIGKILL while the load goes on: nothing flushed, nothing closed
    }
    loading.set(false);
    assertThat(loadFailures).isEmpty();
    Set<String> registeredBeforeKill = Set.copyOf(registered);
    Set<String> storedBeforeKill = Set.copyOf(stored);
    System.out.printf("write-through: killed after %d sign-ins answered 200 and %d MESSAGEs"
        + " answered 202%n", registeredBeforeKill.size(), storedBeforeKill.size());

    // on disk, as the restarted server will read it
    try (Store store = Store.embedded(data)) {
      assertThat(store.accounts("127.0.0.1")).extracting(Account::username)
          .containsExactlyInAnyOrderElementsOf(users);
      Set<String> bound = store.loadBindings().stream().map(Binding::aor).map(Aor::user)
          .collect(Collectors.toSet());
      assertThat(bound).as("bindings answered 200 before the kill")
          .containsAll(registeredBeforeKill).contains("alice", "bob");
      List<String> onDisk = texts(store.pendingMessages("127.0.0.1", "dave", 10_000));
      assertThat(onDisk).as("messages answered 202 before the kill")
          .containsAll(storedBeforeKill).doesNotHaveDuplicates();
    }

    try (ServerProcess second = ServerProcess.start(data, port, args)) {
      assertThat(second.output()).anySatisfy(l -> assertThat(l)
          .startsWith("parley server: ready").contains((users.size()) + " accounts"));
      // the TCP clients saw their connection close, and sign in again by themselves
      Awaitility.await().atMost(Duration.ofSeconds(90)).alias("alice and bob signed in again")
          .until(() -> alice.state() == EndpointState.ENABLED && bob.state() == EndpointState.ENABLED);
      assertThat(aliceStates).as("alice after the kill").startsWith(EndpointState.ENABLING)
          .endsWith(EndpointState.ENABLED);
      assertThat(bobStates).as("bob after the kill").startsWith(EndpointState.ENABLING)
          .endsWith(EndpointState.ENABLED);

      // the call set up before the kill ends normally: alice's BYE through the restarted proxy
      call.terminate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      bobCall.termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      Awaitility.await().atMost(WAIT).until(() -> !bobSaw.isEmpty()
          && bobSaw.get(bobSaw.size() - 1).newState() == ParticipantState.DISCONNECTED);
      assertThat(bobSaw.get(bobSaw.size() - 1).reason())
          .isEqualTo(ParticipantStateChangeReason.REMOTE_HANGUP);

      // dave signs in: every stored message reaches him, once
      BlockingQueue<IncomingSessionEvent> daveInvitations = new LinkedBlockingQueue<>();
      List<String> daveGot = new CopyOnWriteArrayList<>();
      Endpoint dave = udpEndpoint("dave", port);
      dave.sessionManager().setListener((source, inv) -> {
        ((InstantMessagingSession) inv.session()).addListener(
            new InstantMessagingSession.Listener() {
              @Override
              public void onMessageReceived(InstantMessagingSession s, InstantMessage m) {
                daveGot.add(m.text());
              }
            });
        daveInvitations.add(inv);
        inv.accept();
      });
      dave.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      Awaitility.await().atMost(Duration.ofSeconds(120)).alias("dave has his stored messages")
          .until(() -> Set.copyOf(daveGot).containsAll(storedBeforeKill));
      assertThat(daveGot).doesNotHaveDuplicates();
      assertThat(daveInvitations).isNotEmpty();
    }
  }

  @Test
  void writtenBehindEveryBindingFlushedBeforeASigkillIsLoadedAfterIt() throws Exception {
    Path data = work.resolve("data");
    int port = freePort();
    List<String> args = List.of("--status", "off"); // location.flush_interval: the default 5 s
    List<String> users = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      users.add("load" + i);
    }
    Set<String> lastWindow = new HashSet<>();
    try (ServerProcess first = ServerProcess.start(data, port, args,
        users.toArray(new String[0]))) {
      for (int i = 0; i < 5; i++) {
        udpEndpoint("load" + i, port).enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      }
      Set<String> early = Set.of("load0", "load1", "load2", "load3", "load4");
      Awaitility.await().atMost(Duration.ofSeconds(90)).alias("a flush wrote the first five")
          .until(() -> boundOnDisk(data).containsAll(early));
      for (int i = 5; i < 10; i++) {
        udpEndpoint("load" + i, port).enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        lastWindow.add("load" + i);
      }
      first.kill();
    }
    Set<String> after = boundOnDisk(data);
    assertThat(after).as("flushed before the kill").contains("load0", "load1", "load2", "load3",
        "load4");
    System.out.printf("write-behind: %d of the %d bindings of the last window were on disk%n",
        after.stream().filter(lastWindow::contains).count(), lastWindow.size());
    try (ServerProcess second = ServerProcess.start(data, port, args)) {
      assertThat(second.output()).anySatisfy(l -> assertThat(l)
          .startsWith("parley server: ready").contains(after.size() + " bindings loaded"));
    }
  }

  private static Set<String> boundOnDisk(Path data) {
    try (Store store = Store.embedded(data)) {
      return store.loadBindings().stream().map(Binding::aor).map(Aor::user)
          .collect(Collectors.toSet());
    }
  }

  private static List<String> texts(List<StoredMessage> messages) {
    return messages.stream().map(m -> new String(m.body(), StandardCharsets.UTF_8)).toList();
  }

  /**
   * A free port of loopback for both UDP and TCP, below Linux's ephemeral range (32768 and up):
   * while the server is down between the kill and the restart, an endpoint binding port 0 could
   * take an ephemeral port the server is about to rebind (a REGISTER then reached that endpoint:
   * 405).
   */
  private static int freePort() throws Exception {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20_000 + random.nextInt(12_000);
      try (DatagramSocket udp = new DatagramSocket(
          new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
        try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
          return port;
        } catch (java.io.IOException taken) {
          // the TCP port is taken: another one
        }
      } catch (java.net.SocketException taken) {
        // the UDP port is taken: another one
      }
    }
    throw new IllegalStateException("no port free for both UDP and TCP on loopback");
  }

  /** Over TCP: the endpoint notices the server's death by its connection, and re-registers. */
  private Endpoint tcpEndpoint(String user, int port) {
    Endpoint e = Endpoint.builder("sip:" + user + "@127.0.0.1")
        .credentials(user, ServerProcess.PASSWORD)
        .server("sip:127.0.0.1:" + port + ";transport=tcp")
        .listen("tcp:127.0.0.1:0")
        .registrationExpiry(Duration.ofSeconds(600))
        .retryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4))
        .reconnectDelay(Duration.ofMillis(500))
        .build();
    synchronized (endpoints) {
      endpoints.add(e);
    }
    return e;
  }

  private Endpoint udpEndpoint(String user, int port) {
    Endpoint e = Endpoint.builder("sip:" + user + "@127.0.0.1")
        .credentials(user, ServerProcess.PASSWORD)
        .server("sip:127.0.0.1:" + port)
        .listen("udp:127.0.0.1:0")
        .registrationExpiry(Duration.ofSeconds(600))
        .build();
    synchronized (endpoints) {
      endpoints.add(e);
    }
    return e;
  }

  private void loader(String name, Load load) {
    Thread t = new Thread(() -> {
      try {
        load.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the test is over
      } catch (Exception e) {
        loadFailures.add(new IllegalStateException(name + " load failed", e));
      }
    }, "load-" + name);
    t.setDaemon(true);
    loaders.add(t);
    t.start();
  }

  private interface Load {
    void run() throws Exception;
  }

}
