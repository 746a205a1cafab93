package dev.parley.server.proxy;

import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The proxy's settings (the {@code proxy.*} and {@code route.*} keys of {@code docs/server.md}):
 * Record-Route and its signing secret, Timer C, the bounds on requests in flight, counted dialogs
 * and forking breadth, the advertised host, and static routes.
 *
 * <p>Immutable and thread-safe.
 */
public final class ProxyConfig {
  /** Default Timer C of the proxy (RFC 3261 §16.6 step 11 asks for more than 3 minutes): 181 s. */
  public static final Duration DEFAULT_TIMER_C = Duration.ofSeconds(181);
  /** Default bound on requests being proxied at once: {@value}. */
  public static final int DEFAULT_MAX_CONTEXTS = 25_000;
  /** Default {@link #maxDialogs()}. */
  public static final int DEFAULT_MAX_DIALOGS = 100_000;
  /** Default {@link #maxBreadth()} (RFC 5393 §5.3.1 recommends it): {@value}. */
  public static final int DEFAULT_MAX_BREADTH = 60;
  /** Default {@link #dialogLifetime()}: a call whose BYE never passed stops counting after this. */
  public static final Duration DEFAULT_DIALOG_LIFETIME = Duration.ofHours(12);

  private static final ProxyConfig DEFAULTS = new Builder().build();

  private final boolean recordRoute;
  private final Duration timerC;
  private final int maxContexts;
  private final int maxDialogs;
  private final int maxBreadth;
  private final byte[] routeSecret;
  private final Duration dialogLifetime;
  private final List<StaticRoute> staticRoutes;
  private final String advertisedHost;

  private ProxyConfig(Builder b) {
    this.recordRoute = b.recordRoute;
    this.timerC = b.timerC;
    this.maxContexts = b.maxContexts;
    this.maxDialogs = b.maxDialogs;
    this.maxBreadth = b.maxBreadth;
    this.routeSecret = b.routeSecret == null ? null : b.routeSecret.clone();
    this.dialogLifetime = b.dialogLifetime;
    this.staticRoutes = List.copyOf(b.staticRoutes.values());
    this.advertisedHost = b.advertisedHost;
  }

  /** The documented defaults. */
  public static ProxyConfig defaults() {
    return DEFAULTS;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.recordRoute = recordRoute;
    b.timerC = timerC;
    b.maxContexts = maxContexts;
    b.maxDialogs = maxDialogs;
    b.maxBreadth = maxBreadth;
    b.routeSecret = routeSecret;
    b.dialogLifetime = dialogLifetime;
    for (StaticRoute r : staticRoutes) {
      b.staticRoutes.put(Builder.key(r), r);
    }
    b.advertisedHost = advertisedHost;
    return b;
  }

  /** Whether the proxy Record-Routes dialog-creating requests (INVITE, SUBSCRIBE, REFER). */
  public boolean recordRoute() {
    return recordRoute;
  }

  /** Timer C: how long an INVITE branch may stay without a final response after a provisional. */
  public Duration timerC() {
    return timerC;
  }

  /** Requests being proxied at once; more get 503 with Retry-After ({@code proxy.max_contexts}). */
  public int maxContexts() {
    return maxContexts;
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

  /** Static routes for foreign domains or users, in the order configured. */
  public List<StaticRoute> staticRoutes() {
    return staticRoutes;
  }

  /**
   * The static route for {@code user} (null for none) at {@code host}: a user's route beats its
   * domain's; null when neither has one.
   */
  public StaticRoute staticRoute(String user, String host) {
    StaticRoute domainRoute = null;
    for (StaticRoute r : staticRoutes) {
      if (r.matches(user, host)) {
        if (r.user() != null) {
          return r;
        }
        if (domainRoute == null) {
          domainRoute = r;
        }
      }
    }
    return domainRoute;
  }

  /**
   * The host the proxy writes in its Record-Route URIs when a listener is on a wildcard address,
   * or null to use the listener's address (or, for a wildcard, the domain).
   */
  public String advertisedHost() {
    return advertisedHost;
  }

  @Override
  public String toString() {
    return "ProxyConfig[recordRoute=" + recordRoute + ", timerC=" + timerC + ", maxContexts="
        + maxContexts + ", routes=" + staticRoutes.size() + "]";
  }

  /** Builds a {@link ProxyConfig}; not thread-safe. Setters check their argument at once. */
  public static final class Builder {
    private boolean recordRoute = true;
    private Duration timerC = DEFAULT_TIMER_C;
    private int maxContexts = DEFAULT_MAX_CONTEXTS;
    private int maxDialogs = DEFAULT_MAX_DIALOGS;
    private int maxBreadth = DEFAULT_MAX_BREADTH;
    private byte[] routeSecret;
    private Duration dialogLifetime = DEFAULT_DIALOG_LIFETIME;
    private final Map<String, StaticRoute> staticRoutes = new LinkedHashMap<>();
    private String advertisedHost;

    private Builder() {}

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

    /** Default {@value ProxyConfig#DEFAULT_MAX_CONTEXTS}. */
    public Builder maxContexts(int max) {
      this.maxContexts = requireRange("maxContexts", max, 1, 10_000_000);
      return this;
    }

    /** Default {@value ProxyConfig#DEFAULT_MAX_DIALOGS}; 0 counts none. */
    public Builder maxDialogs(int max) {
      this.maxDialogs = requireRange("maxDialogs", max, 0, 10_000_000);
      return this;
    }

    /** Default {@value ProxyConfig#DEFAULT_MAX_BREADTH}; 1..10,000. */
    public Builder maxBreadth(int max) {
      this.maxBreadth = requireRange("maxBreadth", max, 1, 10_000);
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

    /**
     * The Record-Route signing secret as hex (at least 16 bytes), the same on every node; default
     * the one kept in the store (setting {@code route_secret}, made at first start).
     */
    public Builder routeSecretHex(String hex) {
      this.routeSecret = secret(hex);
      return this;
    }

    /**
     * Adds a static route: {@code target} ({@code domain} or {@code user@domain}) to
     * {@code nextHop} (a sip/sips URI).
     *
     * @throws IllegalArgumentException if a part is malformed or the target already has a route
     */
    public Builder staticRoute(String target, String nextHop) {
      StaticRoute r = StaticRoute.parse(target, nextHop);
      String key = key(r);
      if (staticRoutes.containsKey(key)) {
        throw new IllegalArgumentException("route for " + key + " given twice");
      }
      staticRoutes.put(key, r);
      return this;
    }

    private static String key(StaticRoute r) {
      return (r.user() == null ? "" : r.user() + "@") + r.domain();
    }

    /** See {@link ProxyConfig#advertisedHost()}; default none. */
    public Builder advertisedHost(String host) {
      if (host != null && (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '@'
          || c == ';' || c == '>'))) {
        throw new IllegalArgumentException("advertised host is not a host: '" + host + "'");
      }
      this.advertisedHost = host;
      return this;
    }

    /** The settings. */
    public ProxyConfig build() {
      return new ProxyConfig(this);
    }

    private static byte[] secret(String hex) {
      byte[] secret;
      try {
        secret = HexFormat.of().parseHex(Objects.requireNonNull(hex, "hex"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not hex: " + e.getMessage());
      }
      if (secret.length < 16) {
        throw new IllegalArgumentException(
            "secret must be at least 16 bytes, got " + secret.length);
      }
      return secret;
    }

    private static int requireRange(String name, int v, int min, int max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(name + " out of range " + min + ".." + max + ": " + v);
      }
      return v;
    }
  }
}
