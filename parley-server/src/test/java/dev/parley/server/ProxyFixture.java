package dev.parley.server;

import static org.awaitility.Awaitility.await;

import dev.parley.server.config.ServerConfig;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import dev.parley.server.registrar.RegistrarConfig;
import dev.parley.server.status.StatusConfig;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import dev.parley.testkit.FakeScheduler;
import dev.parley.testkit.MockSipPeer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server on loopback (UDP and TCP, free ports; status endpoint on a free port) for domain
 * {@value #DOMAIN} with accounts
 * alice/secret, bob/hunter2 and carol/pass, and the phones and peers a test opened, closed after
 * it. After each test every proxy context must have been released.
 */
abstract class ProxyFixture {
  static final String DOMAIN = "example.com";

  @TempDir Path data;
  SipServer server;
  /** When set before {@link #start}, the server's wall clock and rate-limit clock. */
  MutableClock clock;
  /** When set before {@link #start}, the server's timers (on virtual time). */
  FakeScheduler timers;
  final List<AutoCloseable> opened = new ArrayList<>();

  SipServer start() throws Exception {
    return start(b -> b);
  }

  SipServer start(UnaryOperator<ServerConfig.Builder> extra) throws Exception {
    try (Store store = Store.embedded(data)) {
      if (store.accounts(DOMAIN).isEmpty()) {
        store.addAccount(Account.withPassword(DOMAIN, "alice", "secret"));
        store.addAccount(Account.withPassword(DOMAIN, "bob", "hunter2"));
        store.addAccount(Account.withPassword(DOMAIN, "carol", "pass"));
      }
    }
    ServerConfig config = extra.apply(ServerConfig.builder().domain(DOMAIN).dataDir(data)
        .listen("udp:127.0.0.1:0").listen("tcp:127.0.0.1:0").threads(2)
        .registrar(RegistrarConfig.builder().flushInterval(Duration.ofHours(1))
            .sweepInterval(Duration.ofHours(1)).build())
        .status(StatusConfig.builder().listen("127.0.0.1:0").build())).build();
    MutableClock c = clock;
    if (timers != null) {
      server = SipServer.start(config, c == null ? java.time.Clock.systemUTC() : c,
          c == null ? System::nanoTime : () -> c.millis() * 1_000_000L, timers);
      return server;
    }
    server = c == null ? SipServer.start(config)
        : SipServer.start(config, c, () -> c.millis() * 1_000_000L);
    return server;
  }

  InetSocketAddress udp() {
    return Phone.hop(server, dev.parley.transport.Transport.UDP).address();
  }

  /** A phone of the domain on UDP, closed after the test. */
  Phone phone(String user, String password) {
    return keep(Phone.of(server, user, password, dev.parley.transport.Transport.UDP));
  }

  <T extends AutoCloseable> T keep(T t) {
    opened.add(t);
    return t;
  }

  MockSipPeer peer() throws Exception {
    return keep(MockSipPeer.start());
  }

  /** Binds {@code contact} to {@code user}'s AOR directly in the location service. */
  void bind(String user, String contact, float q) {
    Aor aor = new Aor(user, DOMAIN);
    long now = System.currentTimeMillis();
    server.location().update(aor, current -> {
      List<Binding> next = new ArrayList<>(current);
      next.add(new Binding(aor, dev.parley.sip.Address.parse("<" + contact + ">"), now + 600_000,
          q, "bind-" + contact, 1, List.of(), null, 0, null, null, now));
      return next;
    });
  }

  @AfterEach
  void stopAll() throws Exception {
    try {
      if (server != null) {
        await().atMost(Duration.ofSeconds(20))
            .until(() -> server.proxyStats().activeContexts() == 0);
      }
    } finally {
      for (AutoCloseable c : opened) {
        c.close();
      }
      if (server != null) {
        server.close();
      }
    }
  }
}
