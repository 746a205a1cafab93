package dev.parley.server.web;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where and how the server's HTTPS web listener ({@link WebHttpServer}) runs: the config file's
 * {@code web.*} keys ({@code docs/web.md}, "Configuration").
 *
 * <p>The default address, {@value #DEFAULT_LISTEN}, is a convenience: when it is taken (another
 * server on the host) the server listens on a free port of the same address and warns. An address
 * that was configured must be free, or the server does not start.
 *
 * <p>Immutable and thread-safe.
 */
public final class WebConfig {
  /** Default address of the listener: {@value}. */
  public static final String DEFAULT_LISTEN = "127.0.0.1:8443";
  /** Default bound on open HTTP connections (WebSocket ones count in the transport): {@value}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 256;
  /** Default bound on open HTTP connections from one address: {@value}. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 32;
  /** Default bound on a request's line and headers, bytes: {@value}. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
  /** Default bound on a request body (admin forms and actions), bytes: {@value}. */
  public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;
  /** Default time an HTTP connection may stay silent before it is closed: 60 s. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  /** Default bound on admin sessions signed in at once: {@value}. */
  public static final int DEFAULT_MAX_SESSIONS = 64;
  /** Default life of an admin session without a request: 30 min. */
  public static final Duration DEFAULT_SESSION_IDLE = Duration.ofMinutes(30);
  /** The path of SIP over WebSocket on the listener: {@value}. */
  public static final String WEBSOCKET_PATH = "/ws";

  private static final WebConfig DEFAULTS = builder().build();
  private static final WebConfig OFF = builder().listen("off").build();

  private final InetSocketAddress address;
  private final boolean addressDefault;
  private final boolean adminAllowRemote;
  private final Set<String> admins;
  private final int maxConnections;
  private final int maxConnectionsPerAddress;
  private final int maxHeaderBytes;
  private final int maxBodyBytes;
  private final Duration idleTimeout;
  private final int maxSessions;
  private final Duration sessionIdle;

  private WebConfig(Builder b) {
    this.address = b.address;
    this.addressDefault = !b.addressSet;
    this.adminAllowRemote = b.adminAllowRemote;
    this.admins = Set.copyOf(b.admins);
    this.maxConnections = b.maxConnections;
    this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
    this.maxHeaderBytes = b.maxHeaderBytes;
    this.maxBodyBytes = b.maxBodyBytes;
    this.idleTimeout = b.idleTimeout;
    this.maxSessions = b.maxSessions;
    this.sessionIdle = b.sessionIdle;
  }

  /** The defaults: {@value #DEFAULT_LISTEN}, the admin page from loopback only, no listed admins. */
  public static WebConfig defaults() {
    return DEFAULTS;
  }

  /** The listener off (the default of {@code ServerConfig}; {@code parley server} turns it on). */
  public static WebConfig off() {
    return OFF;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.address = address;
    b.addressSet = !addressDefault;
    b.adminAllowRemote = adminAllowRemote;
    b.admins.addAll(admins);
    b.maxConnections = maxConnections;
    b.maxConnectionsPerAddress = maxConnectionsPerAddress;
    b.maxHeaderBytes = maxHeaderBytes;
    b.maxBodyBytes = maxBodyBytes;
    b.idleTimeout = idleTimeout;
    b.maxSessions = maxSessions;
    b.sessionIdle = sessionIdle;
    return b;
  }

  /** Where the listener listens, or null when it is off. */
  public InetSocketAddress address() {
    return address;
  }

  /** Whether the listener is on. */
  public boolean isEnabled() {
    return address != null;
  }

  /** Whether {@link #address()} is the default (the server may then take a free port instead). */
  public boolean isAddressDefault() {
    return addressDefault;
  }

  /** Whether {@code /admin} answers requests from non-loopback sources (403 otherwise). */
  public boolean adminAllowRemote() {
    return adminAllowRemote;
  }

  /** Users of the domain who are admins besides the accounts marked admin in the store. */
  public Set<String> admins() {
    return admins;
  }

  /** Bound on open HTTP connections. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Bound on open HTTP connections from one address. */
  public int maxConnectionsPerAddress() {
    return maxConnectionsPerAddress;
  }

  /** Bound on a request's line and headers, bytes (431 beyond). */
  public int maxHeaderBytes() {
    return maxHeaderBytes;
  }

  /** Bound on a request body, bytes (413 beyond). */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Silence after which an HTTP connection is closed. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** Bound on admin sessions (the oldest is dropped beyond it). */
  public int maxSessions() {
    return maxSessions;
  }

  /** Life of an admin session without a request. */
  public Duration sessionIdle() {
    return sessionIdle;
  }

  @Override
  public String toString() {
    return "WebConfig[" + (address == null ? "off" : text(address))
        + (adminAllowRemote ? ", remote admin allowed" : "") + ", admins " + admins + "]";
  }

  /** {@code host:port}, IPv6 in brackets. */
  static String text(InetSocketAddress a) {
    return dev.parley.server.internal.ListenAddresses.text(a);
  }

  /** Builds a {@link WebConfig}; not thread-safe. Setters check their argument at once. */
  public static final class Builder {
    private InetSocketAddress address = parse(DEFAULT_LISTEN);
    private boolean addressSet;
    private boolean adminAllowRemote;
    private final Set<String> admins = new LinkedHashSet<>();
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private int maxSessions = DEFAULT_MAX_SESSIONS;
    private Duration sessionIdle = DEFAULT_SESSION_IDLE;

    private Builder() {}

    /**
     * Where to listen: {@code HOST:PORT} with an IP literal ({@code [::1]:8443} for IPv6; port 0
     * for any free one), or {@code off}; default {@value WebConfig#DEFAULT_LISTEN}.
     *
     * @throws IllegalArgumentException if it is neither
     */
    public Builder listen(String hostPortOrOff) {
      Objects.requireNonNull(hostPortOrOff, "listen");
      this.address = hostPortOrOff.equals("off") ? null : parse(hostPortOrOff);
      this.addressSet = true;
      return this;
    }

    /** Lets non-loopback sources use {@code /admin} (still signed in as an admin); default false. */
    public Builder adminAllowRemote(boolean allow) {
      this.adminAllowRemote = allow;
      return this;
    }

    /**
     * Users of the domain who are admins (the {@code web.admins} list), besides the accounts
     * marked admin in the store.
     *
     * @throws IllegalArgumentException if a name is empty or holds a character a SIP user part
     *     would escape ({@code @ : ; , / ? space})
     */
    public Builder admins(List<String> users) {
      for (String u : users) {
        Objects.requireNonNull(u, "admin");
        if (u.isEmpty() || u.length() > 255 || u.chars().anyMatch(c -> c <= ' '
            || "@:;,/?<>\"".indexOf(c) >= 0)) {
          throw new IllegalArgumentException("not a user name: '" + u + "'");
        }
        admins.add(u);
      }
      return this;
    }

    /**
     * Bound on open HTTP connections, and per address; defaults {@value
     * WebConfig#DEFAULT_MAX_CONNECTIONS} and {@value WebConfig#DEFAULT_MAX_CONNECTIONS_PER_ADDRESS}.
     *
     * @throws IllegalArgumentException if one is below 1 or per address exceeds the total
     */
    public Builder maxConnections(int total, int perAddress) {
      if (total < 1 || perAddress < 1 || perAddress > total) {
        throw new IllegalArgumentException("connection bounds out of range (1 <= per address <="
            + " total): " + perAddress + ", " + total);
      }
      this.maxConnections = total;
      this.maxConnectionsPerAddress = perAddress;
      return this;
    }

    /**
     * Silence after which an HTTP connection is closed; default 60 s.
     *
     * @throws IllegalArgumentException if not in 1 s..1 h
     */
    public Builder idleTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "idleTimeout");
      if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("idle timeout out of range 1s..1h: " + timeout);
      }
      this.idleTimeout = timeout;
      return this;
    }

    /**
     * Bound on admin sessions and their idle life; defaults {@value
     * WebConfig#DEFAULT_MAX_SESSIONS} and 30 min.
     *
     * @throws IllegalArgumentException if the bound is not in 1..10,000 or the life not in
     *     1 s..24 h
     */
    public Builder sessions(int max, Duration idle) {
      Objects.requireNonNull(idle, "idle");
      if (max < 1 || max > 10_000) {
        throw new IllegalArgumentException("max sessions out of range 1..10000: " + max);
      }
      if (idle.compareTo(Duration.ofSeconds(1)) < 0 || idle.compareTo(Duration.ofHours(24)) > 0) {
        throw new IllegalArgumentException("session idle life out of range 1s..24h: " + idle);
      }
      this.maxSessions = max;
      this.sessionIdle = idle;
      return this;
    }

    /** The configuration. */
    public WebConfig build() {
      return new WebConfig(this);
    }

    private static InetSocketAddress parse(String text) {
      return dev.parley.server.internal.ListenAddresses.parse(text, "[::1]:8443");
    }
  }
}
