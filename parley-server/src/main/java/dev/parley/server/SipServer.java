package dev.parley.server;

import dev.parley.auth.DigestAuthenticator;
import dev.parley.focus.Focus;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.internal.FocusWiring;
import dev.parley.server.internal.KeptSecrets;
import dev.parley.server.internal.PeriodicTask;
import dev.parley.server.internal.ServerCore;
import dev.parley.server.internal.StatusEndpoint;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.metrics.SipTraffic;
import dev.parley.server.offline.OfflineMessages;
import dev.parley.server.proxy.Proxy;
import dev.parley.server.proxy.ProxyStats;
import dev.parley.server.proxy.RateLimiter;
import dev.parley.server.proxy.RequestOrigin;
import dev.parley.server.proxy.UnregisteredTargetHandler;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import dev.parley.server.registrar.LocationService;
import dev.parley.server.registrar.Registrar;
import dev.parley.server.registrar.RegistrarConfig;
import dev.parley.server.status.ServerStatus;
import dev.parley.server.status.StatusConfig;
import dev.parley.server.status.StatusHttpServer;
import dev.parley.server.status.TransactionCounts;
import dev.parley.server.store.AccountCache;
import dev.parley.server.store.Store;
import dev.parley.server.store.StoreException;
import dev.parley.server.internal.ServerAdmin;
import dev.parley.server.web.AdminPages;
import dev.parley.server.web.WebHttpServer;
import dev.parley.transaction.TransactionConfig;
import dev.parley.transaction.TransactionLayer;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.NettyTransportLayer;
import dev.parley.transport.Scheduler;
import dev.parley.transport.ServerLocator;
import dev.parley.transport.ServerTlsContext;
import dev.parley.transport.TlsConfig;
import dev.parley.transport.TransportListener;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Parley server: a registrar and location service for one SIP domain over UDP, TCP, TLS and
 * WebSocket, with accounts and bindings in an embedded {@link Store}, and an authenticating
 * stateful proxy (RFC 3261 §16) that routes every other request to the registered contacts,
 * along Route headers, or over static routes ({@code docs/server.md}, "Proxy"). Around them:
 * pager-mode store-and-forward ({@link OfflineMessages}: a MESSAGE for a user without
 * registration is stored and delivered when the user registers), per-source limits
 * ({@link RateLimiter}, checked before a transaction exists), and a loopback HTTP status
 * endpoint ({@link StatusHttpServer}, serving {@link #status()} and, for Prometheus,
 * {@link #metrics()}; its URL written into {@code DATA/status.url}).
 *
 * <pre>{@code
 * try (SipServer server = SipServer.start(ServerConfig.builder()
 *     .domain("example.com").dataDir(Path.of("data")).listen("udp:127.0.0.1:5060").build())) {
 *   server.location().lookup(new Aor("alice", "example.com"));
 * }
 * }</pre>
 *
 * <p>Hot state lives in memory. Account changes made in the store (by {@code parley user}, even
 * from another process) are picked up every {@link ServerConfig#accountsRefresh()}. Changed
 * bindings are written behind every {@link RegistrarConfig#flushInterval()} in one
 * transaction, and once more by {@link #close()}; with {@link RegistrarConfig#writeThrough()} a
 * REGISTER's 200 is sent from the store thread once its change is committed. On start the stored
 * ones are loaded back, lapsed ones dropped.
 * Store work (bindings, accounts, stored messages) runs on one background thread, in order, never
 * on an event loop. Every timer of the server (binding sweep and flush, account refresh, the
 * offline messages' expiry sweep, delivery timeouts and retries) runs on one {@link Scheduler},
 * an event loop of the transport, and only hands its work to that thread.
 *
 * <p>Thread-safe. Logs (SLF4J) only failures of the background work; the caller reports start
 * and stop.
 */
public final class SipServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SipServer.class);

  private final ServerConfig config;
  private final Store store;
  private final AccountCache accounts;
  private final LocationService location;
  private final Registrar registrar;
  private final NettyTransportLayer transport;
  private final TransactionLayer transactions;
  private final Proxy proxy;
  private final ServerLocator locator;
  private final ExecutorService background;
  private final BindingWrites bindingWrites;
  private final Scheduler timers;
  private final List<PeriodicTask> periodic = new ArrayList<>();
  private final RateLimiter limiter;
  private final Clock clock;
  private final Instant startedAt;
  private volatile OfflineMessages offline;
  private final Focus focus;
  private final SipTraffic traffic = new SipTraffic();
  private ServerMetrics metrics;
  private StatusHttpServer statusHttp;
  private final WebHttpServer web;
  private final int loadedBindings;
  private final int droppedBindings;
  private boolean closed;

  private SipServer(ServerConfig config, Clock clock, LongSupplier nanoClock, Scheduler timers) {
    this.config = config;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.store = Store.embedded(config.dataDir());
    boolean started = false;
    ExecutorService bg = null;
    NettyTransportLayer t = null;
    ServerLocator loc = null;
    WebHttpServer w = null;
    try {
      this.limiter = config.rateLimits().isOff() ? null : RateLimiter.builder()
          .config(config.rateLimits()).trusted(config.trusted()).nanoClock(nanoClock).build();
      store.setSetting("domain", config.domain());
      this.accounts = new AccountCache(store, config.domain());
      accounts.refresh();
      this.location = new LocationService(clock, config.registrar().maxBindings());
      warnIfTheHeapCannotHold(config.registrar().maxBindings(), accounts.size());
      List<Binding> stored = store.loadBindings();
      this.loadedBindings = location.load(stored);
      this.droppedBindings = stored.size() - loadedBindings;
      bg = Executors.newSingleThreadExecutor(r -> {
        Thread th = new Thread(r, "parley-server-store");
        th.setDaemon(true);
        return th;
      });
      this.background = bg;
      this.bindingWrites = new BindingWrites(location, store, bg);
      DigestAuthenticator.Builder auth = DigestAuthenticator.builder(accounts)
          .config(config.auth().digest()).clock(clock);
      if (config.auth().secret() != null) {
        auth.secret(config.auth().secret());
      }
      NettyTransportLayer.Builder tb = NettyTransportLayer.builder()
          .listen(config.listen().toArray(new ListenPoint[0])).threads(config.threads())
          .limits(config.connections());
      if (config.web().isEnabled()
          || config.listen().stream().anyMatch(p -> p.transport().isSecure())) {
        tb.tls(config.tlsCertificate() != null
            ? TlsConfig.builder().pem(config.tlsCertificate(), config.tlsKey(),
                config.tlsKeyPassword()).reloadInterval(config.tlsReloadInterval()).build()
            : KeptSecrets.developmentTls(config.dataDir().resolve("tls")));
      }
      t = tb.build();
      this.transport = t;
      DigestAuthenticator authenticator = auth.build();
      Set<String> aliases = aliases(config);
      loc = ServerLocator.builder().build();
      this.locator = loc;
      this.proxy = new Proxy(config.domain(), config.proxy(), config.trusted(),
          config.auth().md5OnlyUserAgents(), location, accounts, authenticator, loc, limiter,
          this::storeForLater, KeptSecrets.routeSecret(config, store));
      Proxy proxyRef = this.proxy;
      this.registrar = Registrar.builder(config.domain(), location, authenticator)
          .aliases(aliases)
          .minExpires(config.registrar().minExpires()).maxExpires(config.registrar().maxExpires())
          .defaultExpires(config.registrar().defaultExpires())
          .maxContactsPerAor(config.registrar().maxContactsPerAor())
          .rateLimiter(limiter)
          .md5OnlyUserAgents(config.auth().md5OnlyUserAgents())
          .ownAddresses(proxyRef::pointsAtUs)
          .disabledAccounts(accounts::isDisabled)
          .writeThrough(config.registrar().writeThrough() ? aor -> bindingWrites.writeThrough()
              : null)
          .onRegistered(aor -> {
            OfflineMessages o = offline;
            if (o != null) {
              o.onRegistered(aor);
            }
          })
          .build();
      // A proxy sees spirals (the same request back with another Request-URI): merged-request
      // detection (§8.2.2.2) is a UAS rule and would answer them 482.
      ServerCore core = new ServerCore(registrar, proxy, traffic);
      TransactionLayer layer = TransactionLayer.builder(t, core)
          .config(TransactionConfig.defaults().toBuilder().rejectMergedRequests(false).build())
          .build();
      this.transactions = layer;
      TransportListener front = limiter == null ? layer : Proxy.sourceLimits(layer, limiter, t);
      t.setListener(proxy.watchFlows(front)); // a flow token naming a closed connection: 430
      t.start().join();
      w = config.web().isEnabled() && t.serverTls() != null // key files read here, off the loops
          ? WebHttpServer.start(config.web(), t, new AdminPages(new ServerAdmin(config.domain(),
              accounts, config.web().admins(), location, proxy, () -> offline, limiter, store,
              this::onStoreThread, this::status), config.web(), t)) : null;
      this.web = w;
      if (w != null) {
        t.addAdoptedListenPoint(w.webSocketListenPoint()); // Via of requests to /ws clients
      }
      // the web listener's port is ours too: Record-Route and Route headers may name it
      proxy.start(layer, t, aliases, w == null ? List.of() : List.of(w.webSocketListenPoint()));
      this.timers = timers != null ? timers : t.nextScheduler();
      this.focus = config.focusEnabled() ? FocusWiring.start(t, layer, core, proxy,
          config.domain(), config.focus(), this.timers, config.proxy().advertisedHost()) : null;
      every(config.registrar().flushInterval(), bindingWrites::writeBehind);
      every(config.registrar().sweepInterval(), location::sweep);
      every(config.registrar().sweepInterval(),
          () -> proxy.sweepDialogs(System.currentTimeMillis()));
      every(config.accountsRefresh(), accounts::refresh);
      if (config.offlineEnabled()) {
        // reads the per-user counts (blocking, here at start) and delivers to AORs registered now
        this.offline = OfflineMessages.builder(store, bg, this.timers, proxy::originate)
            .registered(aor -> !location.lookup(aor).isEmpty())
            .knownUser(aor -> aor.host().equals(config.domain()) && accounts.contains(aor.user()))
            .clock(clock).config(config.offline()).build();
      }
      this.metrics = ServerMetrics.builder().sip(traffic, layer).proxy(proxy)
          .registrations(location, accounts::size).connections(t).offline(offline)
          .rateLimits(limiter).focus(focus).build();
      if (config.status().isEnabled()) {
        this.statusHttp = StatusEndpoint.start(config.status(), config.dataDir(), this::status,
            metrics::scrape);
      }
      started = true;
    } finally {
      if (!started) {
        periodic.forEach(PeriodicTask::close);
        if (metrics != null) {
          metrics.close();
        }
        if (offline != null) {
          offline.close();
        }
        if (bg != null) {
          bg.shutdownNow();
        }
        if (w != null) {
          w.close();
        }
        if (t != null) {
          t.close();
        }
        if (loc != null) {
          loc.close();
        }
        store.close();
      }
    }
  }

  /**
   * Opens the store, loads accounts and bindings, and starts listening.
   *
   * @throws StoreException if the store cannot be opened or migrated
   * @throws java.util.concurrent.CompletionException if a listener cannot bind
   */
  public static SipServer start(ServerConfig config) {
    return start(config, Clock.systemUTC());
  }

  /**
   * As {@link #start(ServerConfig)}, with the wall clock that decides binding expiry, nonce
   * lifetime and the times of stored messages (for tests).
   */
  public static SipServer start(ServerConfig config, Clock clock) {
    return start(config, clock, System::nanoTime);
  }

  /** As {@link #start(ServerConfig, Clock)}, with the rate limiter's nanosecond clock too. */
  static SipServer start(ServerConfig config, Clock clock, LongSupplier nanoClock) {
    return new SipServer(Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(nanoClock, "nanoClock"),
        null);
  }

  /**
   * As {@link #start(ServerConfig, Clock, LongSupplier)}, with the server's timers on
   * {@code timers} instead of an event loop of the transport: tests pass a {@code FakeScheduler}
   * and drive them on virtual time.
   */
  static SipServer start(ServerConfig config, Clock clock, LongSupplier nanoClock,
      Scheduler timers) {
    return new SipServer(Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(nanoClock, "nanoClock"),
        Objects.requireNonNull(timers, "timers"));
  }

  /**
   * The proxy's hook for a user without binding (or, from an unauthenticated sender, perhaps no
   * user): a MESSAGE that {@link OfflineMessages#takes} is stored (202) or refused.
   */
  private boolean storeForLater(dev.parley.transaction.ServerTransaction tx,
      dev.parley.sip.SipRequest request, Aor aor, RequestOrigin origin) {
    OfflineMessages o = offline;
    if (o == null || !o.takes(request, aor, origin)) {
      return false;
    }
    o.accept(request, aor, origin).thenAccept(response -> proxy.respond(tx, response));
    return true;
  }

  /** The configuration. */
  public ServerConfig config() {
    return config;
  }

  /** The bound listeners (real ports when port 0 was asked for). */
  public List<ListenPoint> listenPoints() {
    return transport.listenPoints();
  }

  /** The transport's connection counters: open now, refused and closed by each limit. */
  public dev.parley.transport.ConnectionStats connectionStats() {
    return transport.connectionStats();
  }

  /**
   * The TLS, WSS and HTTPS listeners' certificate, reloaded every {@code tls.reload_interval}.
   * @throws IllegalStateException when there is no such listener
   */
  public ServerTlsContext serverTls() {
    if (!config.web().isEnabled()
        && config.listen().stream().noneMatch(p -> p.transport().isSecure())) {
      throw new IllegalStateException("no TLS, WSS or HTTPS listener");
    }
    return transport.serverTls();
  }

  /** The location service, for the proxy and for status. */
  public LocationService location() {
    return location;
  }

  /** The registrar. */
  public Registrar registrar() {
    return registrar;
  }

  /** The proxy's counters now (active contexts, forwarded requests, responses by class). */
  public ProxyStats proxyStats() {
    return proxy.stats();
  }

  /** Live client and server transactions now. */
  public TransactionCounts transactionCounts() {
    return new TransactionCounts(transactions.clientCount(), transactions.serverCount());
  }

  /**
   * Replaces what the proxy does with a request for a known user who has no binding. The
   * default stores a MESSAGE for later delivery ({@link OfflineMessages}, when
   * {@link ServerConfig#offlineEnabled()}) and answers anything else 480;
   * {@link UnregisteredTargetHandler#NONE} answers everything 480.
   */
  public void unregisteredTargetHandler(UnregisteredTargetHandler handler) {
    proxy.setUnregisteredTargetHandler(handler);
  }

  /**
   * A snapshot of the server for status pages ({@code parley status}): listeners, accounts,
   * registrations (at most {@link StatusConfig#maxListed()} AORs with their contacts),
   * transactions, the proxy's counters, store-and-forward and rate-limit counters, and the
   * focus's conferences with their rosters (at most {@link StatusConfig#maxListed()}). Reads
   * memory only; never blocks.
   */
  public ServerStatus status() {
    long now = clock.millis();
    int maxListed = config.status().maxListed();
    ProxyStats p = proxy.stats();
    ServerStatus.Builder b = ServerStatus.builder(config.domain(), startedAt)
        .time(Instant.ofEpochMilli(now))
        .listeners(listeners())
        .accounts(accounts.size())
        .registrationCounts(location.aorCount(), location.bindingCount())
        .registrations(location.snapshot(maxListed), now, maxListed)
        .transactions(transactions.clientCount(), transactions.serverCount())
        .proxyCounter("contexts", p.activeContexts())
        .proxyCounter("maxContexts", p.maxContexts())
        .proxyCounter("forwarded", p.requestsForwarded())
        .proxyCounter("challenges", p.challenges())
        .proxyCounter("dialogs", proxy.activeDialogs())
        .proxyCounter("dialogsUncounted", proxy.uncountedDialogs())
        .proxyCounter("relaysRefused", p.relaysRefused())
        .proxyCounter("strayResponsesDropped", p.strayResponsesDropped())
        .proxyCounter("maxBreadthExceeded", p.maxBreadthExceeded());
    dev.parley.transport.ConnectionStats cs = transport.connectionStats();
    b.connectionCounter("open", cs.open())
        .connectionCounter("refusedPerAddress", cs.refusedPerAddress())
        .connectionCounter("refusedFull", cs.refusedFull())
        .connectionCounter("evicted", cs.evicted())
        .connectionCounter("firstMessageTimeouts", cs.firstMessageTimeouts())
        .connectionCounter("messageTimeouts", cs.messageTimeouts())
        .connectionCounter("idleTimeouts", cs.idleTimeouts());
    for (int c = 1; c <= 6; c++) {
      b.proxyCounter("responses" + c + "xx", p.responses(c));
    }
    OfflineMessages o = offline;
    if (o != null) {
      b.offlineMessages(o.stats());
    }
    if (limiter != null) {
      b.rateLimits(limiter.stats());
    }
    if (focus != null) {
      b.conferences(focus.conferences(), maxListed);
    }
    return b.build();
  }

  /**
   * The bound listeners as the status lists them: the transport's, then the web listener's
   * HTTPS address and its SIP over WebSocket ({@code wss:127.0.0.1:8443/ws}).
   */
  private List<String> listeners() {
    List<String> out = new ArrayList<>();
    transport.listenPoints().forEach(lp -> out.add(lp.toString()));
    if (web != null) {
      out.addAll(web.listeners());
    }
    return out;
  }

  /** The web listener's base URL ({@code https://127.0.0.1:8443/}), or null when it is off. */
  public String webUrl() {
    return web == null ? null : web.url();
  }

  /**
   * The server's metrics ({@code docs/metrics.md}), served as {@code GET /metrics} by the status
   * endpoint; an embedding application may add meters to {@link ServerMetrics#registry()}.
   */
  public ServerMetrics metrics() {
    return metrics;
  }

  /** The status endpoint's base URL ({@code http://127.0.0.1:8060}), or null when it is off. */
  public String statusUrl() {
    return statusHttp == null ? null : statusHttp.url();
  }

  /** Accounts of the domain loaded from the store. */
  public int accountCount() {
    return accounts.size();
  }

  /**
   * How many accounts each domain of the store holds (every domain with any, ordered by domain;
   * the served one may be missing): for telling an operator, at start, that the server's domain
   * has no accounts but others do. Reads the store: not for an event loop.
   *
   * @throws StoreException if the store cannot be read
   */
  public Map<String, Integer> accountCountsByDomain() {
    return store.accountCountsByDomain();
  }

  /** The conference focus, or null when it is off ({@code focus.enabled = false}). */
  public Focus focus() {
    return focus;
  }

  /** Bindings loaded from the store at start. */
  public int loadedBindings() {
    return loadedBindings;
  }

  /** Stored bindings that had lapsed at start and were dropped. */
  public int droppedBindings() {
    return droppedBindings;
  }

  /**
   * Writes the changed bindings to the store now, on the background thread, and waits. That
   * thread runs the store work in order, so the work queued before (by a timer, say) is done too
   * when this returns.
   *
   * @return how many AORs were written
   * @throws StoreException if the write failed (the AORs stay dirty)
   */
  public int flush() {
    return bindingWrites.flush();
  }

  /** Runs {@code task} on the store thread (the admin page's store writes). */
  private void onStoreThread(Runnable task) {
    background.execute(task);
  }

  /** Runs {@code task} every {@code interval}: timed by the scheduler, run on the store thread. */
  private void every(Duration interval, Runnable task) {
    periodic.add(PeriodicTask.start(timers, background, interval, task));
  }

  /**
   * Stops the status endpoint (deleting {@code DATA/status.url}), stops listening and
   * delivering stored messages, sweeps lapsed bindings, writes the changed ones and closes the
   * store. Idempotent.
   *
   * @throws StoreException if the final flush fails (the store is closed anyway)
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    periodic.forEach(PeriodicTask::close);
    if (statusHttp != null) {
      statusHttp.close();
    }
    metrics.close();
    if (focus != null) {
      focus.close();
    }
    if (web != null) {
      web.close();
    }
    transport.close();
    locator.close();
    if (offline != null) {
      offline.close();
    }
    background.shutdown();
    try {
      background.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      location.sweep();
      bindingWrites.writeNow();
    } finally {
      store.close();
    }
  }

  private static Set<String> aliases(ServerConfig config) {
    Set<String> out = new LinkedHashSet<>(config.aliases());
    for (ListenPoint lp : config.listen()) {
      InetAddress a = lp.address().getAddress();
      if (a.isAnyLocalAddress()) {
        try {
          for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress ia : Collections.list(ni.getInetAddresses())) {
              out.add(ia.getHostAddress().replaceAll("%.*$", ""));
            }
          }
        } catch (SocketException e) {
          log.warn("cannot list network interfaces: {}", e.getMessage());
        }
        out.add("localhost");
      } else {
        out.add(a.getHostAddress().replaceAll("%.*$", ""));
        if (a.isLoopbackAddress()) {
          out.add("localhost");
        }
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "SipServer[" + config.domain() + " " + listenPoints() + "]";
  }

  /**
   * Warns at start when a full location table would not fit in the heap (measured: about 350 B
   * per binding and 170 B per account, docs/performance.md "Memory per user and per dialog"), so
   * that an operator raises the heap or lowers {@code location.max_bindings} before the server
   * runs out of memory instead of answering 503 at the bound.
   */
  private static void warnIfTheHeapCannotHold(int maxBindings, int accounts) {
    long max = Runtime.getRuntime().maxMemory();
    long need = maxBindings * 400L + accounts * 200L;
    if (max != Long.MAX_VALUE && need > max * 8 / 10) {
      log.warn("location.max_bindings = {} with {} accounts may need about {} MB of heap, more than"
          + " 80% of this JVM's {} MB: raise the heap (PARLEY_JAVA_OPTS=-Xmx2g ./parley server)"
          + " or lower location.max_bindings", maxBindings, accounts, need >> 20, max >> 20);
    }
  }

}
