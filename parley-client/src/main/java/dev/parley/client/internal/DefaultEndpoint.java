package dev.parley.client.internal;

import dev.parley.auth.CredentialsProvider;
import dev.parley.client.Endpoint;
import dev.parley.client.EndpointState;
import dev.parley.client.EndpointStateChangedEvent;
import dev.parley.client.Session;
import dev.parley.client.SessionManager;
import dev.parley.client.SignInException;
import dev.parley.client.SignInFailure;
import dev.parley.dialog.UserAgent;
import dev.parley.sip.Address;
import dev.parley.sip.SipUri;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.NettyTransportLayer;
import dev.parley.transport.Scheduler;
import dev.parley.transport.TransportConfig;
import dev.parley.transport.TransportLayer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Endpoint}: a {@link UserAgent} on its own transport, a {@link Registration} when there
 * is a server, the session manager, and the endpoint's event channel.
 *
 * <p>Concurrency: one lock ({@link #lock}) guards the state of the endpoint and of all its
 * sessions, participants and invitations; critical sections are short and never call the user
 * agent or application code. Events are enqueued on the {@link SerialExecutor} while the lock is
 * held (so they come out in the order of the state changes) and started with {@link #kick()}
 * after it is released; network actions run after the lock is released too.
 *
 * <p>Connection loss: with a server, a {@link FlowWatch} sits between the transport and the
 * transaction layer and reports when the connection the registration lives on closes; the endpoint
 * then goes ENABLING ({@link SignInFailure#SERVER_UNREACHABLE}, "the connection to the
 * registrar closed") and re-registers after a random
 * {@code reconnectDelay}, then with the refresh backoff. Each such loss starts a new attempt
 * generation ({@link #attempt}): the outcome of a REGISTER sent before it is ignored.
 */
public final class DefaultEndpoint implements Endpoint {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultEndpoint.class);
  private static final ExecutorService SHARED = Executors.newCachedThreadPool(new DaemonThreads());

  final Object lock = new Object();
  final EndpointConfig config;
  final TransportLayer transport;
  final UserAgent ua;
  final Executor executor;
  final SerialExecutor events;
  final DefaultSessionManager sessions;
  /** The media network and scheduler of audio sessions, made on the first one. */
  final EndpointMedia media;
  /** Routes traced messages to sessions; null when tracing is off. */
  final SessionTracer tracer;
  private final Registration registration;
  /** Notes the registration's connection; null without a server. */
  private final FlowWatch flows;
  private final Address from;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  /** Future completions and network actions started by {@link #kick()}, after the lock. */
  private final Completions completions;
  /** The last {@link dev.parley.client.Session#id()} given. */
  private final AtomicLong sessionIds = new AtomicLong();

  // guarded by lock
  private volatile EndpointState state = EndpointState.IDLE;
  private CompletableFuture<Void> enabling;
  private CompletableFuture<Void> disabling;
  private CompletableFuture<Void> started;
  private Scheduler.Timer refreshTimer;
  private int failures;
  /** The connection our binding lives on (TCP, TLS, WS), or null (UDP, or not registered). */
  private Flow registeredFlow;
  /** Bumped on connection loss and on disable: refresh outcomes of older attempts are ignored. */
  private long attempt;
  /** ENABLING because a refresh failed or the connection closed (not the first sign-in). */
  private boolean recovering;
  private final EndpointHops hops = new EndpointHops();
  private boolean closed;

  /** An endpoint for {@code config}; use {@link Endpoint#builder}. */
  public DefaultEndpoint(EndpointConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.transport = config.transport() != null ? config.transport()
        : NettyTransportLayer.builder().listen(config.listen().toArray(String[]::new))
            .limits(TransportConfig.DEFAULT.toBuilder().keepAliveInterval(keepAliveInterval())
                .build())
            .build();
    this.executor = config.executor() != null ? config.executor() : SHARED;
    this.events = new SerialExecutor(executor);
    this.completions = new Completions(executor);
    this.tracer = config.traceLimit() > 0 ? new SessionTracer() : null;
    if (tracer != null) {
      transport.addTraceListener(tracer);
    }
    this.sessions = new DefaultSessionManager(this);
    this.media = new EndpointMedia(config.audio(), this::sipAddress);
    UserAgent.Builder b = UserAgent.builder(transport)
        .handler(new EndpointHandler(sessions, this)).contactUser(config.uri().user())
        .product(config.userAgent());
    if (config.secret() != null) {
      b.credentials(CredentialsProvider.of(config.secret()));
    }
    this.ua = b.build();
    Address.Builder f = Address.builder(config.uri());
    if (config.displayName() != null) {
      f.displayName(config.displayName());
    }
    this.from = f.build();
    this.registration = config.server() == null ? null
        : new Registration(ua, config.uri(), config.displayName());
    if (registration != null) {
      // the user agent installed its transaction layer as the listener; put the watch in front
      this.flows = new FlowWatch(ua.transactions(), registration.callId(), this::flowClosed);
      transport.setListener(flows);
    } else {
      this.flows = null;
    }
  }

  /**
   * RFC 5626 §4.4.1: a CRLF ping every 80-100% of 120 s on connection-oriented flows when the
   * registrar gives no Flow-Timer; well inside Parley's default 300 s idle timeout.
   */
  private static Duration keepAliveInterval() {
    return Duration.ofSeconds(ThreadLocalRandom.current().nextLong(96, 121));
  }

  /** The user agent core under this endpoint (diagnostics and tests: dialog and pending counts). */
  public UserAgent userAgent() {
    return ua;
  }

  @Override
  public SipUri uri() {
    return config.uri();
  }

  @Override
  public EndpointState state() {
    return state;
  }

  @Override
  public SessionManager sessionManager() {
    return sessions;
  }

  @Override
  public SipUri contactUri() {
    synchronized (lock) {
      if (started == null || !started.isDone() || started.isCompletedExceptionally()) {
        throw new IllegalStateException("not listening yet: call enable() first");
      }
    }
    return (SipUri) ua.contact(transport.listenPoints().get(0).transport()).uri();
  }

  @Override
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  /** The address of the first SIP listen point, or null before listening. */
  private java.net.InetAddress sipAddress() {
    List<ListenPoint> points = transport.listenPoints();
    return points.isEmpty() ? null : points.get(0).address().getAddress();
  }

  /** Our From (address of record and display name), without tag. */
  Address from() {
    return from;
  }

  // ------------------------------------------------------------------------------ enable/disable

  @Override
  public CompletableFuture<Void> enable() {
    CompletableFuture<Void> result;
    CompletableFuture<Void> after = null;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("endpoint is closed"));
      }
      switch (state) {
        case ENABLED:
          return CompletableFuture.completedFuture(null);
        case ENABLING:
          if (enabling == null) {
            enabling = new CompletableFuture<>(); // recovering: completes when re-registered
          }
          return enabling;
        case DISABLING:
          after = disabling;
          result = null;
          break;
        default:
          setState(EndpointState.ENABLING, null);
          enabling = new CompletableFuture<>();
          result = enabling;
      }
    }
    if (after != null) {
      return after.handle((v, e) -> null).thenCompose(v -> enable());
    }
    kick();
    start().thenCompose(v -> registration == null
            ? CompletableFuture.completedFuture(0L)
            : resolve(config.server()).thenCompose(hop -> registration.register(hop,
                config.registrationExpiry().toSeconds())))
        .whenComplete(this::enabled);
    return result;
  }

  private CompletableFuture<Void> start() {
    synchronized (lock) {
      if (started == null || started.isCompletedExceptionally()) {
        started = ua.start();
      }
      return started;
    }
  }

  private void enabled(Long granted, Throwable error) {
    synchronized (lock) {
      if (state != EndpointState.ENABLING || closed) {
        return;
      }
      CompletableFuture<Void> f = enabling;
      enabling = null;
      if (error != null) {
        SignInException failure = Registration.failure(Registration.unwrap(error));
        setState(EndpointState.DISABLED, failure);
        fail(f, failure);
      } else {
        failures = 0;
        recovering = false;
        setState(EndpointState.ENABLED, null);
        complete(f, null);
        if (registration != null) {
          scheduleRefresh(granted);
          bindFlow();
        }
      }
    }
    kick();
  }

  /**
   * Under the lock, after a 2xx to REGISTER while ENABLED: notes the connection the binding now
   * lives on; if it closed already (before we got here), handles the loss now.
   */
  private void bindFlow() {
    registeredFlow = flows.current();
    if (flows.isClosed(registeredFlow)) {
      connectionLost(registeredFlow);
    }
  }

  /** On an event loop: some connection closed; ours if it is the one the binding lives on. */
  private void flowClosed(Flow flow) {
    synchronized (lock) {
      if (closed || state != EndpointState.ENABLED || !flow.equals(registeredFlow)) {
        return;
      }
      connectionLost(flow);
    }
    kick();
  }

  /**
   * Under the lock, ENABLED: the binding's connection closed, so the server cannot reach us. Goes
   * ENABLING (SERVER_UNREACHABLE, 503) and re-registers after a random wait up to reconnectDelay; a
   * refresh in flight (on the dead connection) no longer counts.
   */
  private void connectionLost(Flow flow) {
    registeredFlow = null;
    if (refreshTimer != null) {
      refreshTimer.cancel();
    }
    attempt++;
    recovering = true;
    setState(EndpointState.ENABLING, new SignInException(SignInFailure.SERVER_UNREACHABLE, 503,
        "the connection to the registrar closed: " + flow));
    long max = config.reconnectDelay().toMillis();
    long wait = max == 0 ? 0 : ThreadLocalRandom.current().nextLong(max + 1);
    LOG.info("connection of the registration of {} closed ({}); re-registering in {} ms",
        config.uri(), flow, wait);
    refreshTimer = scheduler().schedule(this::refresh, wait, TimeUnit.MILLISECONDS);
  }

  /** Refreshes at half the granted expiry (at least one second), on an event loop's timer. */
  private void scheduleRefresh(long grantedSeconds) {
    long delayMillis = Math.max(1000, grantedSeconds * 1000 / 2);
    refreshTimer = scheduler().schedule(this::refresh, delayMillis, TimeUnit.MILLISECONDS);
  }

  private Scheduler scheduler() {
    return transport.nextScheduler();
  }

  private void refresh() {
    long n;
    synchronized (lock) {
      refreshTimer = null;
      if (closed || (state != EndpointState.ENABLED && state != EndpointState.ENABLING)) {
        return;
      }
      n = attempt;
    }
    resolve(config.server())
        .thenCompose(hop -> registration.register(hop, config.registrationExpiry().toSeconds()))
        .whenComplete((granted, error) -> refreshed(n, granted, error));
  }

  private void refreshed(long n, Long granted, Throwable error) {
    synchronized (lock) {
      if (closed || n != attempt
          || (state != EndpointState.ENABLED && state != EndpointState.ENABLING)) {
        return;
      }
      if (error == null) {
        failures = 0;
        if (state == EndpointState.ENABLING) {
          recovering = false;
          setState(EndpointState.ENABLED, null);
          CompletableFuture<Void> f = enabling;
          enabling = null;
          if (f != null) {
            complete(f, null);
          }
        }
        scheduleRefresh(granted);
        bindFlow();
      } else {
        SignInException failure = Registration.failure(Registration.unwrap(error));
        registeredFlow = null;
        if (!Registration.isTransient(failure)) {
          recovering = false;
          setState(EndpointState.DISABLED, failure);
          CompletableFuture<Void> f = enabling;
          enabling = null;
          if (f != null) {
            fail(f, failure);
          }
        } else {
          if (state == EndpointState.ENABLED) {
            setState(EndpointState.ENABLING, failure);
          }
          recovering = true;
          failures++;
          long base = config.retryBase().toMillis();
          long wait = Math.min(config.retryMax().toMillis(),
              base << Math.min(failures - 1, 20));
          wait = wait / 2 + ThreadLocalRandom.current().nextLong(wait / 2 + 1); // 50-100%
          LOG.info("registration of {} failed ({}); retrying in {} ms", config.uri(),
              failure.getMessage(), wait);
          refreshTimer = scheduler().schedule(this::refresh, wait, TimeUnit.MILLISECONDS);
        }
      }
    }
    kick();
  }

  @Override
  public CompletableFuture<Void> disable() {
    CompletableFuture<Void> result;
    CompletableFuture<Void> after = null;
    synchronized (lock) {
      switch (state) {
        case IDLE:
        case DISABLED:
          return CompletableFuture.completedFuture(null);
        case DISABLING:
          return disabling;
        case ENABLING:
          if (enabling != null && !recovering) { // first sign-in: let it finish, then sign out
            after = enabling;
            result = null;
            break;
          }
          if (enabling != null) { // recovering: an enable() future waiting for it gives up
            fail(enabling, new CancellationException("disabled before re-registering succeeded"));
            enabling = null;
          }
          result = startDisabling(); // recovering: sign out, no further REGISTER with an expiry
          break;
        default:
          result = startDisabling();
      }
    }
    if (after != null) {
      return after.handle((v, e) -> null).thenCompose(v -> disable());
    }
    kick();
    if (registration == null) {
      disabled(null);
    } else {
      resolve(config.server()).thenCompose(hop -> registration.register(hop, 0))
          .whenComplete((g, e) -> disabled(e));
    }
    return result;
  }

  /** Under the lock: stops refreshing (and re-registering) and moves to DISABLING. */
  private CompletableFuture<Void> startDisabling() {
    if (refreshTimer != null) {
      refreshTimer.cancel();
      refreshTimer = null;
    }
    attempt++; // a REGISTER in flight no longer counts
    recovering = false;
    registeredFlow = null;
    setState(EndpointState.DISABLING, null);
    disabling = new CompletableFuture<>();
    return disabling;
  }

  private void disabled(Throwable error) {
    synchronized (lock) {
      if (state != EndpointState.DISABLING) {
        return;
      }
      setState(EndpointState.DISABLED,
          error == null ? null : Registration.failure(Registration.unwrap(error)));
      complete(disabling, null);
      disabling = null;
    }
    kick();
  }

  /** Under the lock: changes state and enqueues the event. */
  private void setState(EndpointState to, SignInException failure) {
    EndpointState from = state;
    state = to;
    EndpointStateChangedEvent e = new EndpointStateChangedEvent(from, to, failure);
    deliver(listeners, l -> l.onStateChanged(this, e));
  }

  /** Whether invitations are delivered now (not before enable, not after disable). */
  boolean acceptsInvitations() {
    EndpointState s = state;
    return s == EndpointState.ENABLED || s == EndpointState.ENABLING;
  }

  // ------------------------------------------------------------------------------ plumbing

  /** The next session number: 1, 2, 3... */
  long nextSessionId() {
    return sessionIds.incrementAndGet();
  }

  /** Under the lock: enqueues a callback to every listener, each guarded against exceptions. */
  <L> void deliver(List<L> targets, Consumer<L> call) {
    events.enqueue(() -> {
      for (L l : targets) {
        try {
          call.accept(l);
        } catch (RuntimeException e) {
          LOG.warn("listener {} threw", l, e);
        }
      }
    });
  }

  /**
   * Under the lock or not: completes {@code f} on the executor once {@link #kick()} runs. The
   * first outcome queued for a future is its outcome ({@link Completions}).
   */
  <T> void complete(CompletableFuture<T> f, T value) {
    completions.complete(f, value);
  }

  /**
   * Under the lock or not: runs {@code action} on the executor once {@link #kick()} runs, outside
   * the lock (network actions a state change under the lock calls for).
   */
  void afterUnlock(Runnable action) {
    completions.add(action);
  }

  /** Like {@link #complete}, failing {@code f}. */
  void fail(CompletableFuture<?> f, Throwable error) {
    completions.fail(f, error);
  }

  /** Outside the lock: starts event delivery and future completions on the executor. */
  void kick() {
    events.kick();
    completions.run();
  }

  /** The hop for {@code target}: the server when there is one, else the target itself (RFC 3263). */
  CompletableFuture<Hop> hopFor(SipUri target) {
    return resolve(config.server() != null ? config.server() : target);
  }

  private CompletableFuture<Hop> resolve(SipUri uri) {
    return hops.resolve(uri);
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (refreshTimer != null) {
        refreshTimer.cancel();
        refreshTimer = null;
      }
    }
    ua.close();
    // streams of sessions still running stop here, on the closing thread: the media worker may
    // be going, and a shared network outlives us
    for (Session s : sessions.sessions()) {
      ((DefaultSession) s).closeMediaNow();
    }
    media.close();
    hops.close();
  }

  @Override
  public String toString() {
    return "Endpoint[" + config.uri() + " " + state + "]";
  }

  private static final class DaemonThreads implements java.util.concurrent.ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "parley-client-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
