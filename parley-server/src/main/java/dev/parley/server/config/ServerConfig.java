package dev.parley.server.config;

import dev.parley.server.offline.OfflineMessagesConfig;
import dev.parley.server.SipServer;
import dev.parley.server.proxy.AddressMatcher;
import dev.parley.server.proxy.ProxyConfig;
import dev.parley.server.proxy.RateLimitConfig;
import dev.parley.server.proxy.StaticRoute;
import dev.parley.server.registrar.RegistrarConfig;
import dev.parley.server.status.StatusConfig;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.TransportConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Everything {@link SipServer} needs to start: domain, listeners, data directory and TLS files,
 * then one settings group per role, each an immutable value with its own builder and named
 * defaults: the registrar and location service ({@link RegistrarConfig}), digest authentication
 * ({@link AuthConfig}), the proxy ({@link ProxyConfig}), store-and-forward
 * ({@link OfflineMessagesConfig}), per-source limits ({@link RateLimitConfig}), connection
 * limits ({@link TransportConfig}) and the status endpoint ({@link StatusConfig}). Built in
 * code, or from a {@code key = value} file ({@link Builder#load(Path)}, keys in
 * {@code docs/server.md}).
 *
 * <p>Immutable and thread-safe.
 */
public final class ServerConfig {
  /** Default listeners: UDP and TCP on 5060, TLS on 5061, WebSocket on 5066, all addresses. */
  public static final List<String> DEFAULT_LISTEN = List.of(
      "udp:0.0.0.0:5060", "tcp:0.0.0.0:5060", "tls:0.0.0.0:5061", "ws:0.0.0.0:5066");
  /** Default data directory: {@value}. */
  public static final String DEFAULT_DATA_DIR = "data";
  /** Default interval between checks for account changes: 2 s. */
  public static final Duration DEFAULT_ACCOUNTS_REFRESH = Duration.ofSeconds(2);

  private final String domain;
  private final Set<String> aliases;
  private final Path dataDir;
  private final List<ListenPoint> listen;
  private final int threads;
  private final Path tlsCertificate;
  private final Path tlsKey;
  private final String tlsKeyPassword;
  private final Duration accountsRefresh;
  private final AddressMatcher trusted;
  private final RegistrarConfig registrar;
  private final AuthConfig auth;
  private final ProxyConfig proxy;
  private final boolean offlineEnabled;
  private final OfflineMessagesConfig offline;
  private final boolean focusEnabled;
  private final dev.parley.focus.FocusConfig focus;
  private final RateLimitConfig rateLimits;
  private final StatusConfig status;
  private final TransportConfig connections;
  private final dev.parley.server.web.WebConfig web;

  private ServerConfig(Builder b) {
    this.domain = b.domain != null ? b.domain : defaultDomain();
    this.aliases = Set.copyOf(b.aliases);
    this.dataDir = b.dataDir;
    this.listen = List.copyOf(b.listen);
    this.threads = b.threads;
    this.tlsCertificate = b.tlsCertificate;
    this.tlsKey = b.tlsKey;
    this.tlsKeyPassword = b.tlsKeyPassword;
    this.accountsRefresh = b.accountsRefresh;
    this.trusted = b.trusted;
    this.registrar = b.registrar;
    this.auth = b.auth;
    this.proxy = b.proxy;
    this.offlineEnabled = b.offlineEnabled;
    this.focusEnabled = b.focusEnabled;
    this.focus = b.focus;
    this.offline = b.offline;
    this.rateLimits = b.rateLimits;
    this.status = b.status;
    this.connections = b.connections;
    this.web = b.web;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The domain used when none is configured: this machine's host name, or {@code localhost}
   * when it has none.
   */
  public static String defaultDomain() {
    try {
      String h = InetAddress.getLocalHost().getHostName();
      if (h != null && !h.isEmpty()) {
        return h.toLowerCase(Locale.ROOT);
      }
    } catch (java.io.IOException e) {
      // no resolvable host name: fall through
    }
    return "localhost";
  }

  /** The SIP domain served; also the digest realm. */
  public String domain() {
    return domain;
  }

  /** Other names of the domain (host names, addresses). */
  public Set<String> aliases() {
    return aliases;
  }

  /** Where the database and the development certificate live. */
  public Path dataDir() {
    return dataDir;
  }

  /** The listeners. */
  public List<ListenPoint> listen() {
    return listen;
  }

  /** Event loop threads (0: two per core). */
  public int threads() {
    return threads;
  }

  /** PEM certificate chain for TLS/WSS, or null for the development certificate. */
  public Path tlsCertificate() {
    return tlsCertificate;
  }

  /** PKCS#8 PEM private key for TLS/WSS, or null for the development certificate. */
  public Path tlsKey() {
    return tlsKey;
  }

  /** The private key's password, or null. */
  public String tlsKeyPassword() {
    return tlsKeyPassword;
  }

  /** How often the store is checked for account changes. */
  public Duration accountsRefresh() {
    return accountsRefresh;
  }

  /**
   * Source addresses whose requests the proxy never challenges and the per-source limits never
   * count (gateways, load generators).
   */
  public AddressMatcher trusted() {
    return trusted;
  }

  /** Registration lengths, binding bounds, write-behind and sweep intervals. */
  public RegistrarConfig registrar() {
    return registrar;
  }

  /** Digest authentication: algorithms, nonces, secret, MD5-only clients. */
  public AuthConfig auth() {
    return auth;
  }

  /** The proxy: Record-Route, Timer C, bounds, static routes. */
  public ProxyConfig proxy() {
    return proxy;
  }

  /** Whether a MESSAGE for a known user without registration is stored and delivered later. */
  public boolean offlineEnabled() {
    return offlineEnabled;
  }

  /** Whether the conference focus runs in the server (default yes; {@code docs/conferences.md}). */
  public boolean focusEnabled() {
    return focusEnabled;
  }

  /** The conference focus's settings (used when {@link #focusEnabled()}). */
  public dev.parley.focus.FocusConfig focus() {
    return focus;
  }

  /** Store-and-forward limits and timers (used when {@link #offlineEnabled()}). */
  public OfflineMessagesConfig offline() {
    return offline;
  }

  /** Per-source request and failed-authentication limits ({@link #trusted()} is exempt). */
  public RateLimitConfig rateLimits() {
    return rateLimits;
  }

  /**
   * The transport's connection limits: total and per address (shared fairly), first-message,
   * message and idle timeouts ({@code connections.*} keys); the rest of it is the transport's
   * default.
   */
  public TransportConfig connections() {
    return connections;
  }

  /** The HTTPS web listener: address (or off), admin access ({@code docs/web.md}). */
  public dev.parley.server.web.WebConfig web() {
    return web;
  }

  /** The loopback HTTP status endpoint: address (or off), remote access, AORs listed. */
  public StatusConfig status() {
    return status;
  }

  @Override
  public String toString() {
    return "ServerConfig[domain=" + domain + ", data=" + dataDir + ", listen=" + listen + "]";
  }

  /** Builds a {@link ServerConfig}; not thread-safe. Setters check their argument at once. */
  public static final class Builder {
    private String domain;
    private final Set<String> aliases = new LinkedHashSet<>();
    private Path dataDir = Path.of(DEFAULT_DATA_DIR);
    private final List<ListenPoint> listen = new ArrayList<>();
    private boolean listenSet;
    private int threads;
    private Path tlsCertificate;
    private Path tlsKey;
    private String tlsKeyPassword;
    private Duration accountsRefresh = DEFAULT_ACCOUNTS_REFRESH;
    private AddressMatcher trusted = AddressMatcher.NONE;
    private RegistrarConfig registrar = RegistrarConfig.defaults();
    private AuthConfig auth = AuthConfig.defaults();
    private ProxyConfig proxy = ProxyConfig.defaults();
    private boolean offlineEnabled = true;
    private boolean focusEnabled = true;
    private dev.parley.focus.FocusConfig focus = dev.parley.focus.FocusConfig.defaults();
    private OfflineMessagesConfig offline = OfflineMessagesConfig.defaults();
    private RateLimitConfig rateLimits = RateLimitConfig.defaults();
    private TransportConfig connections = TransportConfig.DEFAULT;
    private StatusConfig status = StatusConfig.defaults();
    private dev.parley.server.web.WebConfig web = dev.parley.server.web.WebConfig.off();

    private Builder() {
      for (String l : DEFAULT_LISTEN) {
        listen.add(ListenPoint.parse(l));
      }
    }

    /**
     * Applies the entries of a {@code key = value} config file on top of what is set.
     *
     * @throws ConfigException naming the file, line and key of the first bad entry, or the file
     *     when it cannot be read
     */
    public Builder load(Path file) {
      ConfigFile.apply(file, this);
      return this;
    }

    /** The SIP domain (and digest realm); default {@link #defaultDomain()}. */
    public Builder domain(String domain) {
      Objects.requireNonNull(domain, "domain");
      if (domain.isBlank() || domain.chars().anyMatch(c -> c <= ' ' || c == '@' || c == ':')) {
        throw new IllegalArgumentException("domain is not a host name: '" + domain + "'");
      }
      this.domain = domain.toLowerCase(Locale.ROOT);
      return this;
    }

    /** Adds other names of the domain. */
    public Builder alias(String alias) {
      aliases.add(Objects.requireNonNull(alias, "alias").toLowerCase(Locale.ROOT));
      return this;
    }

    /** The data directory; default {@value #DEFAULT_DATA_DIR}. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /**
     * Adds a listener; the first call replaces the defaults.
     *
     * @throws IllegalArgumentException if {@code point} is not {@code transport:host:port}
     */
    public Builder listen(String point) {
      ListenPoint lp = ListenPoint.parse(point);
      if (!listenSet) {
        listen.clear();
        listenSet = true;
      }
      listen.add(lp);
      return this;
    }

    /** Event loop threads; 0 (default) means two per core. */
    public Builder threads(int threads) {
      if (threads < 0 || threads > 1024) {
        throw new IllegalArgumentException("threads out of range 0..1024: " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** A PEM certificate chain and PKCS#8 key for TLS/WSS, instead of the development one. */
    public Builder tls(Path certificateChain, Path privateKey, String password) {
      this.tlsCertificate = certificateChain;
      this.tlsKey = privateKey;
      this.tlsKeyPassword = password;
      return this;
    }

    /** Default 2 s. */
    public Builder accountsRefresh(Duration interval) {
      Objects.requireNonNull(interval, "accountsRefresh");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("accountsRefresh must be positive: " + interval);
      }
      this.accountsRefresh = interval;
      return this;
    }

    /**
     * Adds trusted sources: a comma-separated list of IP addresses and CIDR prefixes
     * ({@link AddressMatcher#parse}); none by default.
     *
     * @throws IllegalArgumentException naming the entry that is not an address or prefix
     */
    public Builder trusted(String addresses) {
      List<String> all = new ArrayList<>(trusted.entries());
      all.addAll(AddressMatcher.parse(addresses).entries());
      this.trusted = AddressMatcher.of(all);
      return this;
    }

    /** The registrar and location settings; default {@link RegistrarConfig#defaults()}. */
    public Builder registrar(RegistrarConfig config) {
      this.registrar = Objects.requireNonNull(config, "registrar");
      return this;
    }

    /** Digest authentication; default {@link AuthConfig#defaults()}. */
    public Builder auth(AuthConfig config) {
      this.auth = Objects.requireNonNull(config, "auth");
      return this;
    }

    /** The proxy settings; default {@link ProxyConfig#defaults()}. */
    public Builder proxy(ProxyConfig config) {
      this.proxy = Objects.requireNonNull(config, "proxy");
      return this;
    }

    /** Whether MESSAGEs for known users without registration are stored; default true. */
    /** Runs the conference focus (default true). */
    public Builder focusEnabled(boolean enabled) {
      this.focusEnabled = enabled;
      return this;
    }

    /** The conference focus's settings. */
    public Builder focus(dev.parley.focus.FocusConfig focus) {
      this.focus = java.util.Objects.requireNonNull(focus, "focus");
      return this;
    }

    /** The conference focus's settings, as set so far. */
    public dev.parley.focus.FocusConfig focus() {
      return focus;
    }

    public Builder offlineEnabled(boolean enabled) {
      this.offlineEnabled = enabled;
      return this;
    }

    /** Store-and-forward limits and timers; default {@link OfflineMessagesConfig#defaults()}. */
    public Builder offline(OfflineMessagesConfig config) {
      this.offline = Objects.requireNonNull(config, "offline");
      return this;
    }

    /** Per-source limits; default {@link RateLimitConfig#defaults()}. */
    public Builder rateLimits(RateLimitConfig config) {
      this.rateLimits = Objects.requireNonNull(config, "rateLimits");
      return this;
    }

    /** Connection limits and timeouts; default {@link TransportConfig#DEFAULT}. */
    public Builder connections(TransportConfig config) {
      this.connections = Objects.requireNonNull(config, "connections");
      return this;
    }

    /** The status endpoint; default {@link StatusConfig#defaults()}. */
    public Builder status(StatusConfig config) {
      this.status = Objects.requireNonNull(config, "status");
      return this;
    }

    /**
     * Moves the status endpoint, keeping its other settings: {@code HOST:PORT} or {@code off}
     * (see {@link StatusConfig.Builder#listen}); for the command line's {@code --status}.
     *
     * @throws IllegalArgumentException if it is neither, or not loopback while remote access is
     *     not allowed
     */
    public Builder statusListen(String hostPortOrOff) {
      this.status = status.toBuilder().listen(hostPortOrOff).build();
      return this;
    }

    /**
     * The web listener; default {@link dev.parley.server.web.WebConfig#off()} (an application
     * embedding the server opts in; {@code parley server} sets
     * {@link dev.parley.server.web.WebConfig#defaults()}, and a config file naming any
     * {@code web.*} key starts from those).
     */
    public Builder web(dev.parley.server.web.WebConfig config) {
      this.web = Objects.requireNonNull(config, "web");
      return this;
    }

    /**
     * Moves the web listener, keeping its other settings: {@code HOST:PORT} or {@code off}
     * (see {@link dev.parley.server.web.WebConfig.Builder#listen}); for the command line's
     * {@code --web}.
     *
     * @throws IllegalArgumentException if it is neither
     */
    public Builder webListen(String hostPortOrOff) {
      this.web = web.toBuilder().listen(hostPortOrOff).build();
      return this;
    }

    RegistrarConfig registrar() {
      return registrar;
    }

    AuthConfig auth() {
      return auth;
    }

    ProxyConfig proxy() {
      return proxy;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException if settings contradict each other (TLS certificate
     *     without key, a static route for the served domain), naming them
     */
    public ServerConfig build() {
      if ((tlsCertificate == null) != (tlsKey == null)) {
        throw new IllegalArgumentException("tls.certificate and tls.key go together");
      }
      if (listen.isEmpty()) {
        throw new IllegalArgumentException("no listener");
      }
      String d = domain != null ? domain : defaultDomain();
      for (StaticRoute r : proxy.staticRoutes()) {
        if (r.domain().equals(d) || aliases.contains(r.domain())) {
          throw new IllegalArgumentException("route." + r.domain()
              + ": a static route cannot take over the served domain " + d);
        }
      }
      return new ServerConfig(this);
    }
  }
}
