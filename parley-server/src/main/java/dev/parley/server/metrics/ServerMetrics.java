package dev.parley.server.metrics;

import dev.parley.focus.Focus;
import dev.parley.server.offline.OfflineMessages;
import dev.parley.server.proxy.Proxy;
import dev.parley.server.proxy.RateLimiter;
import dev.parley.server.registrar.LocationService;
import dev.parley.transaction.TransactionLayer;
import dev.parley.transport.NettyTransportLayer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * The server's metrics in a Micrometer {@link PrometheusMeterRegistry}, served as
 * {@code GET /metrics} by the status endpoint ({@code docs/metrics.md} lists every metric).
 *
 * <p>Nothing here runs on the SIP path: the server's own counters (the proxy's
 * {@link dev.parley.server.proxy.ProxyStats}, the transport's connection counters, the
 * transaction layer's counts, the store-and-forward and rate-limit counters, the location
 * service's sizes, the focus's conferences) are registered as function counters and gauges that
 * Micrometer reads when the registry is scraped; the only counters added to the SIP path are
 * {@link SipTraffic}'s adders. Every label set is fixed at build time (methods, status classes,
 * transports, reasons): nothing from the network becomes a label.
 *
 * <pre>{@code
 * ServerMetrics metrics = ServerMetrics.builder()
 *     .sip(traffic, transactionLayer).proxy(proxy).registrations(location, accounts::size)
 *     .build();
 * String text = metrics.scrape(); // # HELP parley_sip_requests_received_total ...
 * }</pre>
 *
 * <p>Thread-safe. {@link #scrape()} reads in-memory counters and JVM management beans only and
 * never blocks on the SIP event loops; the status endpoint calls it on its own thread.
 */
public final class ServerMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  private ServerMetrics(Builder b) {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.throwExceptionOnRegistrationFailure();
    if (b.traffic != null) {
      ServerMeters.sip(registry, b.traffic, b.transactions);
    }
    if (b.proxy != null) {
      ServerMeters.proxy(registry, b.proxy);
    }
    if (b.location != null) {
      ServerMeters.registrations(registry, b.location, b.accounts);
    }
    if (b.transport != null) {
      ServerMeters.connections(registry, b.transport);
    }
    if (b.offline != null) {
      ServerMeters.offline(registry, b.offline);
    }
    if (b.rateLimiter != null) {
      ServerMeters.rateLimits(registry, b.rateLimiter);
    }
    if (b.focus != null) {
      ServerMeters.conferences(registry, b.focus);
    }
    if (b.jvm) {
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ClassLoaderMetrics().bindTo(registry);
      new JvmInfoMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      new FileDescriptorMetrics().bindTo(registry);
      this.gc = new JvmGcMetrics();
      gc.bindTo(registry);
    } else {
      this.gc = null;
    }
  }

  /** A builder with no sources and the JVM's metrics on. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The metrics now, in the Prometheus text format 0.0.4
   * ({@link dev.parley.server.status.StatusHttpServer#METRICS_CONTENT_TYPE}). Reads memory and the
   * JVM's management beans; never blocks on an event loop.
   */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * The registry, for an application embedding the server that adds meters of its own (or
   * scrapes it another way).
   */
  public MeterRegistry registry() {
    return registry;
  }

  /** Stops listening for garbage collections and closes the registry. Idempotent. */
  @Override
  public void close() {
    if (gc != null) {
      gc.close();
    }
    registry.close();
  }

  @Override
  public String toString() {
    return "ServerMetrics[" + registry.getMeters().size() + " meters]";
  }

  /**
   * Builds {@link ServerMetrics} from the server's parts; each source is optional (a role that
   * is off has no metrics). Not thread-safe.
   */
  public static final class Builder {
    private SipTraffic traffic;
    private TransactionLayer transactions;
    private Proxy proxy;
    private LocationService location;
    private IntSupplier accounts;
    private NettyTransportLayer transport;
    private OfflineMessages offline;
    private RateLimiter rateLimiter;
    private Focus focus;
    private boolean jvm = true;

    private Builder() {}

    /** Requests received by method, responses sent by class, live transactions. */
    public Builder sip(SipTraffic traffic, TransactionLayer transactions) {
      this.traffic = Objects.requireNonNull(traffic, "traffic");
      this.transactions = Objects.requireNonNull(transactions, "transactions");
      return this;
    }

    /** The proxy's counters: forwarded requests, responses, contexts, dialogs. */
    public Builder proxy(Proxy proxy) {
      this.proxy = Objects.requireNonNull(proxy, "proxy");
      return this;
    }

    /** AORs and bindings of {@code location}, and the number of {@code accounts}. */
    public Builder registrations(LocationService location, IntSupplier accounts) {
      this.location = Objects.requireNonNull(location, "location");
      this.accounts = Objects.requireNonNull(accounts, "accounts");
      return this;
    }

    /** The transport's connections, by transport (TCP, TLS, WS, WSS). */
    public Builder connections(NettyTransportLayer transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** Store-and-forward counters; null (the default) when it is off. */
    public Builder offline(OfflineMessages offline) {
      this.offline = offline;
      return this;
    }

    /** Rate-limit counters; null (the default) when limiting is off. */
    public Builder rateLimits(RateLimiter limiter) {
      this.rateLimiter = limiter;
      return this;
    }

    /** Conferences and participants of the focus; null (the default) when it is off. */
    public Builder focus(Focus focus) {
      this.focus = focus;
      return this;
    }

    /** Whether to add the JVM's metrics (memory, GC, threads, classes, CPU, uptime); default true. */
    public Builder jvm(boolean jvm) {
      this.jvm = jvm;
      return this;
    }

    /** The metrics, registered. */
    public ServerMetrics build() {
      return new ServerMetrics(this);
    }
  }
}
