package dev.parley.server.config;

import dev.parley.dialog.auth.DigestAlgorithm;
import dev.parley.dialog.auth.DigestConfig;
import dev.parley.server.OfflineMessagesConfig;
import dev.parley.server.SipServer;
import dev.parley.server.proxy.AddressMatcher;
import dev.parley.server.proxy.RateLimitConfig;
import dev.parley.server.proxy.StaticRoute;
import dev.parley.server.registrar.LocationService;
import dev.parley.server.registrar.Registrar;
import dev.parley.server.registrar.UserAgentMatcher;
import dev.parley.server.status.StatusConfig;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.TransportConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Everything {@link SipServer} needs to start: domain, listeners, data directory, registrar and
 * location limits, timers and authentication settings, proxy settings, store-and-forward
 * ({@link OfflineMessagesConfig}), per-source limits ({@link RateLimitConfig}) and the status
 * endpoint, each with a named default. Built in code, or from a {@code key = value} file
 * ({@link Builder#load(Path)}, keys in {@code docs/server.md}).
 *
 * <p>Immutable and thread-safe.
 */
public final class ServerConfig {
  /** Default listeners: UDP and TCP on 5060, TLS on 5061, WebSocket on 5066, all addresses. */
  public static final List<String> DEFAULT_LISTEN = List.of(
      "udp:0.0.0.0:5060", "tcp:0.0.0.0:5060", "tls:0.0.0.0:5061", "ws:0.0.0.0:5066");
  /** Default data directory: {@value}. */
  public static final String DEFAULT_DATA_DIR = "data";
  /** Default write-behind flush interval of bindings: 5 s. */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(5);
  /** Default interval between sweeps of lapsed bindings: 10 s. */
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(10);
  /** Default interval between checks for account changes: 2 s. */
  public static final Duration DEFAULT_ACCOUNTS_REFRESH = Duration.ofSeconds(2);
  /** Default Timer C of the proxy (RFC 3261 §16.6 step 11 asks for more than 3 minutes): 181 s. */
  public static final Duration DEFAULT_TIMER_C = Duration.ofSeconds(181);
  /** Default bound on requests being proxied at once: {@value}. */
  public static final int DEFAULT_MAX_PROXY_CONTEXTS = 25_000;
  /** Default {@link #maxDialogs()}. */
  public static final int DEFAULT_MAX_DIALOGS = 100_000;
  /** Default {@link #maxBreadth()} (RFC 5393 §5.3.1 recommends it): {@value}. */
  public static final int DEFAULT_MAX_BREADTH = 60;
  /** Default {@link #dialogLifetime()}: a call whose BYE never passed stops counting after this. */
  public static final Duration DEFAULT_DIALOG_LIFETIME = Duration.ofHours(12);
  /**
   * Default clients offered MD5 digest only: {@value}. baresip 1.0 fails a challenge set in which
   * any algorithm is not MD5; SIPp 3.6 and sipsak 0.9.8 answer only the first, and only MD5.
   */
  public static final String DEFAULT_MD5_ONLY_USER_AGENTS = "baresip, SIPp, sipsak";

  private final String domain;
  private final Set<String> aliases;
  private final Path dataDir;
  private final List<ListenPoint> listen;
  private final int threads;
  private final Path tlsCertificate;
  private final Path tlsKey;
  private final String tlsKeyPassword;
  private final long minExpires;
  private final long maxExpires;
  private final long defaultExpires;
  private final int maxContactsPerAor;
  private final int maxBindings;
  private final Duration flushInterval;
  private final Duration sweepInterval;
  private final Duration accountsRefresh;
  private final DigestConfig digest;
  private final byte[] authSecret;
  private final UserAgentMatcher md5OnlyUserAgents;
  private final boolean recordRoute;
  private final Duration timerC;
  private final int maxProxyContexts;
  private final int maxDialogs;
  private final int maxBreadth;
  private final byte[] routeSecret;
  private final Duration dialogLifetime;
  private final AddressMatcher trusted;
  private final List<StaticRoute> staticRoutes;
  private final String advertisedHost;
  private final boolean offlineEnabled;
  private final OfflineMessagesConfig offline;
  private final RateLimitConfig rateLimits;
  private final StatusConfig status;
  private final TransportConfig connections;

  private ServerConfig(Builder b) {
    this.domain = b.domain != null ? b.domain : defaultDomain();
    this.aliases = Set.copyOf(b.aliases);
    this.dataDir = b.dataDir;
    this.listen = List.copyOf(b.listen);
    this.threads = b.threads;
    this.tlsCertificate = b.tlsCertificate;
    this.tlsKey = b.tlsKey;
    this.tlsKeyPassword = b.tlsKeyPassword;
    this.minExpires = b.minExpires;
    this.maxExpires = b.maxExpires;
    this.defaultExpires = b.defaultExpires;
    this.maxContactsPerAor = b.maxContactsPerAor;
    this.maxBindings = b.maxBindings;
    this.flushInterval = b.flushInterval;
    this.sweepInterval = b.sweepInterval;
    this.accountsRefresh = b.accountsRefresh;
    this.digest = b.digest.build();
    this.authSecret = b.authSecret == null ? null : b.authSecret.clone();
    this.md5OnlyUserAgents = b.md5OnlyUserAgents;
    this.recordRoute = b.recordRoute;
    this.timerC = b.timerC;
    this.maxProxyContexts = b.maxProxyContexts;
    this.maxDialogs = b.maxDialogs;
    this.maxBreadth = b.maxBreadth;
    this.routeSecret = b.routeSecret == null ? null : b.routeSecret.clone();
    this.dialogLifetime = b.dialogLifetime;
    this.trusted = b.trusted;
    this.staticRoutes = List.copyOf(b.staticRoutes.values());
    this.advertisedHost = b.advertisedHost;
    this.offlineEnabled = b.offlineEnabled;
    this.offline = b.offline;
    this.rateLimits = b.rateLimits;
    this.status = b.status;
    this.connections = b.connections;
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

  /** Shortest non-zero registration accepted, seconds. */
  public long minExpires() {
    return minExpires;
  }

  /** Longest registration granted, seconds. */
  public long maxExpires() {
    return maxExpires;
  }

  /** Registration length when the client asks for none, seconds. */
  public long defaultExpires() {
    return defaultExpires;
  }

  /** Bindings one AOR may hold. */
  public int maxContactsPerAor() {
    return maxContactsPerAor;
  }

  /** Bindings the location service may hold. */
  public int maxBindings() {
    return maxBindings;
  }

  /** How often changed bindings are written to the store. */
  public Duration flushInterval() {
    return flushInterval;
  }

  /** How often lapsed bindings are removed. */
  public Duration sweepInterval() {
    return sweepInterval;
  }

  /** How often the store is checked for account changes. */
  public Duration accountsRefresh() {
    return accountsRefresh;
  }

  /** Digest settings (algorithms offered, nonce lifetime). */
  public DigestConfig digest() {
    return digest;
  }

  /** The nonce secret shared by nodes, or null for a random one per start. */
  public byte[] authSecret() {
    return authSecret == null ? null : authSecret.clone();
  }

  /**
   * The clients, by User-Agent, that the registrar's 401 and the proxy's 407 offer MD5 only
   * (when MD5 is among {@link #digest()}'s algorithms); everyone else gets every configured
   * algorithm. Default {@value #DEFAULT_MD5_ONLY_USER_AGENTS}.
   */
  public UserAgentMatcher md5OnlyUserAgents() {
    return md5OnlyUserAgents;
  }

  /** Whether the proxy Record-Routes dialog-creating requests (INVITE, SUBSCRIBE, REFER). */
  public boolean recordRoute() {
    return recordRoute;
  }

  /** Timer C: how long an INVITE branch may stay without a final response after a provisional. */
  public Duration timerC() {
    return timerC;
  }

  /** Requests being proxied at once; more get 503 with Retry-After. */
  public int maxProxyContexts() {
    return maxProxyContexts;
  }

  /**
   * How many record-routed dialogs the proxy counts at once for the status page (calls set up
   * through it whose BYE has not passed yet); past it, new dialogs go uncounted.
   */
  public int maxDialogs() {
    return maxDialogs;
  }

  /**
   * The {@code Max-Breadth} (RFC 5393) given to a request that arrives without one: the most
   * parallel branches it may have in all, however often it is forked on its way.
   */
  public int maxBreadth() {
    return maxBreadth;
  }

  /**
   * The secret that signs the proxy's Record-Route (in-dialog requests pass only inside dialogs
   * signed with it), or null to use the one kept in the store (made at first start).
   */
  public byte[] routeSecret() {
    return routeSecret == null ? null : routeSecret.clone();
  }

  /** How long a counted dialog whose BYE never passed through the proxy stays counted. */
  public Duration dialogLifetime() {
    return dialogLifetime;
  }

  /** Source addresses whose requests the proxy never challenges (gateways, load generators). */
  public AddressMatcher trusted() {
    return trusted;
  }

  /** Static routes for foreign domains or users, in the order configured. */
  public List<StaticRoute> staticRoutes() {
    return staticRoutes;
  }

  /**
   * The host the proxy writes in its Record-Route URIs when a listener is on a wildcard address,
   * or null to use the listener's address (or, for a wildcard, the domain).
   */
  public String advertisedHost() {
    return advertisedHost;
  }

  /** Whether a MESSAGE for a known user without registration is stored and delivered later. */
  public boolean offlineEnabled() {
    return offlineEnabled;
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
    private long minExpires = Registrar.DEFAULT_MIN_EXPIRES;
    private long maxExpires = Registrar.DEFAULT_MAX_EXPIRES;
    private long defaultExpires = Registrar.DEFAULT_EXPIRES;
    private int maxContactsPerAor = Registrar.DEFAULT_MAX_CONTACTS_PER_AOR;
    private int maxBindings = LocationService.DEFAULT_MAX_BINDINGS;
    private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
    private Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;
    private Duration accountsRefresh = DEFAULT_ACCOUNTS_REFRESH;
    private final DigestConfig.Builder digest = DigestConfig.builder();
    private byte[] authSecret;
    private UserAgentMatcher md5OnlyUserAgents =
        UserAgentMatcher.parse(DEFAULT_MD5_ONLY_USER_AGENTS);
    private boolean recordRoute = true;
    private Duration timerC = DEFAULT_TIMER_C;
    private int maxProxyContexts = DEFAULT_MAX_PROXY_CONTEXTS;
    private int maxDialogs = DEFAULT_MAX_DIALOGS;
    private int maxBreadth = DEFAULT_MAX_BREADTH;
    private byte[] routeSecret;
    private Duration dialogLifetime = DEFAULT_DIALOG_LIFETIME;
    private AddressMatcher trusted = AddressMatcher.NONE;
    private final java.util.Map<String, StaticRoute> staticRoutes = new java.util.LinkedHashMap<>();
    private String advertisedHost;
    private boolean offlineEnabled = true;
    private OfflineMessagesConfig offline = OfflineMessagesConfig.defaults();
    private RateLimitConfig rateLimits = RateLimitConfig.defaults();
    private TransportConfig connections = TransportConfig.DEFAULT;
    private StatusConfig status = StatusConfig.defaults();

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
      this.threads = requireRange("threads", threads, 0, 1024);
      return this;
    }

    /** A PEM certificate chain and PKCS#8 key for TLS/WSS, instead of the development one. */
    public Builder tls(Path certificateChain, Path privateKey, String password) {
      this.tlsCertificate = certificateChain;
      this.tlsKey = privateKey;
      this.tlsKeyPassword = password;
      return this;
    }

    /** See {@link ServerConfig#minExpires()}; default {@value Registrar#DEFAULT_MIN_EXPIRES}. */
    public Builder minExpires(long seconds) {
      this.minExpires = requireRange("minExpires", seconds, 1, 0xFFFF_FFFFL);
      return this;
    }

    /** See {@link ServerConfig#maxExpires()}; default {@value Registrar#DEFAULT_MAX_EXPIRES}. */
    public Builder maxExpires(long seconds) {
      this.maxExpires = requireRange("maxExpires", seconds, 1, 0xFFFF_FFFFL);
      return this;
    }

    /** See {@link ServerConfig#defaultExpires()}; default {@value Registrar#DEFAULT_EXPIRES}. */
    public Builder defaultExpires(long seconds) {
      this.defaultExpires = requireRange("defaultExpires", seconds, 1, 0xFFFF_FFFFL);
      return this;
    }

    /** Default {@value Registrar#DEFAULT_MAX_CONTACTS_PER_AOR}. */
    public Builder maxContactsPerAor(int max) {
      this.maxContactsPerAor = requireRange("maxContactsPerAor", max, 1, 10_000);
      return this;
    }

    /** Default {@value LocationService#DEFAULT_MAX_BINDINGS}. */
    public Builder maxBindings(int max) {
      this.maxBindings = requireRange("maxBindings", max, 1, Integer.MAX_VALUE);
      return this;
    }

    /** Default 5 s. */
    public Builder flushInterval(Duration interval) {
      this.flushInterval = requirePositive("flushInterval", interval);
      return this;
    }

    /** Default 10 s. */
    public Builder sweepInterval(Duration interval) {
      this.sweepInterval = requirePositive("sweepInterval", interval);
      return this;
    }

    /** Default 2 s. */
    public Builder accountsRefresh(Duration interval) {
      this.accountsRefresh = requirePositive("accountsRefresh", interval);
      return this;
    }

    /** Digest algorithms offered, most preferred first; default SHA-256, MD5. */
    public Builder authAlgorithms(List<DigestAlgorithm> algorithms) {
      for (DigestAlgorithm a : algorithms) {
        if (a.isSession()) {
          throw new IllegalArgumentException("session algorithms are not offered: " + a.token());
        }
      }
      digest.algorithms(algorithms);
      return this;
    }

    /**
     * Whether a digest answer without qop (RFC 2069 style) is accepted, once per nonce; default
     * {@value DigestConfig#DEFAULT_ACCEPT_MISSING_QOP}: such an answer gets 400. The
     * {@code auth.allow_no_qop} key.
     */
    public Builder allowNoQop(boolean allow) {
      digest.acceptMissingQop(allow);
      return this;
    }

    /** How long a nonce is valid; default 300 s. */
    public Builder nonceLifetime(Duration lifetime) {
      digest.nonceLifetime(lifetime);
      return this;
    }

    /** The nonce secret as hex (at least 16 bytes), shared by nodes; default random per start. */
    public Builder authSecretHex(String hex) {
      this.authSecret = secret(hex);
      return this;
    }

    /**
     * The Record-Route signing secret as hex (at least 16 bytes), the same on every node; default
     * the one kept in the store (setting {@code route_secret}, made at first start).
     */
    public Builder routeSecretHex(String hex) {
      this.routeSecret = secret(hex);
      return this;
    }

    private static byte[] secret(String hex) {
      byte[] secret;
      try {
        secret = HexFormat.of().parseHex(Objects.requireNonNull(hex, "hex"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not hex: " + e.getMessage());
      }
      if (secret.length < 16) {
        throw new IllegalArgumentException("secret must be at least 16 bytes, got " + secret.length);
      }
      return secret;
    }

    /** Default {@value ServerConfig#DEFAULT_MAX_BREADTH}; 1..10,000. */
    public Builder maxBreadth(int max) {
      this.maxBreadth = requireRange("maxBreadth", max, 1, 10_000);
      return this;
    }

    /**
     * See {@link ServerConfig#md5OnlyUserAgents()}; default
     * {@value ServerConfig#DEFAULT_MD5_ONLY_USER_AGENTS}, {@link UserAgentMatcher#NONE} to offer
     * every client the same.
     */
    public Builder md5OnlyUserAgents(UserAgentMatcher userAgents) {
      this.md5OnlyUserAgents = Objects.requireNonNull(userAgents, "userAgents");
      return this;
    }

    /** Whether the proxy Record-Routes dialog-creating requests; default true. */
    public Builder recordRoute(boolean recordRoute) {
      this.recordRoute = recordRoute;
      return this;
    }

    /**
     * Timer C of INVITE branches; default 181 s. RFC 3261 asks for more than 3 minutes; shorter
     * values (at least 1 s) are accepted for tests and impatient gateways.
     */
    public Builder timerC(Duration timerC) {
      Objects.requireNonNull(timerC, "timerC");
      if (timerC.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("timerC must be at least 1s: " + timerC);
      }
      this.timerC = timerC;
      return this;
    }

    /** Default {@value ServerConfig#DEFAULT_MAX_DIALOGS}; 0 counts none. */
    public Builder maxDialogs(int max) {
      this.maxDialogs = requireRange("maxDialogs", max, 0, 10_000_000);
      return this;
    }

    /** Default 12 hours; at least one minute. */
    public Builder dialogLifetime(Duration lifetime) {
      Objects.requireNonNull(lifetime, "dialogLifetime");
      if (lifetime.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException("dialogLifetime must be at least 1m: " + lifetime);
      }
      this.dialogLifetime = lifetime;
      return this;
    }

    /** Default {@value ServerConfig#DEFAULT_MAX_PROXY_CONTEXTS}. */
    public Builder maxProxyContexts(int max) {
      this.maxProxyContexts = requireRange("maxProxyContexts", max, 1, 10_000_000);
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

    /**
     * Adds a static route: {@code target} ({@code domain} or {@code user@domain}) to
     * {@code nextHop} (a sip/sips URI).
     *
     * @throws IllegalArgumentException if a part is malformed, the target is the served domain,
     *     or the target already has a route
     */
    public Builder staticRoute(String target, String nextHop) {
      StaticRoute r = StaticRoute.parse(target, nextHop);
      String key = (r.user() == null ? "" : r.user() + "@") + r.domain();
      if (staticRoutes.containsKey(key)) {
        throw new IllegalArgumentException("route for " + key + " given twice");
      }
      staticRoutes.put(key, r);
      return this;
    }

    /** See {@link ServerConfig#advertisedHost()}; default none. */
    public Builder advertisedHost(String host) {
      if (host != null && (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '@'
          || c == ';' || c == '>'))) {
        throw new IllegalArgumentException("advertised host is not a host: '" + host + "'");
      }
      this.advertisedHost = host;
      return this;
    }

    /** Whether MESSAGEs for known users without registration are stored; default true. */
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
     * The configuration.
     *
     * @throws IllegalArgumentException if settings contradict each other (expiry order, TLS
     *     certificate without key), naming them
     */
    public ServerConfig build() {
      if (!(minExpires <= defaultExpires && defaultExpires <= maxExpires)) {
        throw new IllegalArgumentException("expiry settings must satisfy registrar.min_expires ("
            + minExpires + ") <= registrar.default_expires (" + defaultExpires
            + ") <= registrar.max_expires (" + maxExpires + ")");
      }
      if ((tlsCertificate == null) != (tlsKey == null)) {
        throw new IllegalArgumentException("tls.certificate and tls.key go together");
      }
      if (listen.isEmpty()) {
        throw new IllegalArgumentException("no listener");
      }
      String d = domain != null ? domain : defaultDomain();
      for (StaticRoute r : staticRoutes.values()) {
        if (r.domain().equals(d) || aliases.contains(r.domain())) {
          throw new IllegalArgumentException("route." + r.domain()
              + ": a static route cannot take over the served domain " + d);
        }
      }
      return new ServerConfig(this);
    }

    private static long requireRange(String name, long v, long min, long max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(name + " out of range " + min + ".." + max + ": " + v);
      }
      return v;
    }

    private static int requireRange(String name, int v, int min, int max) {
      return (int) requireRange(name, (long) v, min, max);
    }

    private static Duration requirePositive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
