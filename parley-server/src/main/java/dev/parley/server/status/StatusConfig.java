package dev.parley.server.status;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where and how the server's HTTP status endpoint ({@link StatusHttpServer}) runs: the config
 * file's {@code status.*} keys ({@code docs/server.md}, "Status").
 *
 * <p>The default address, {@value #DEFAULT_LISTEN}, is a convenience rather than a contract:
 * when it is taken (another server on the same host) the server listens on a free loopback port
 * instead, and {@code parley status --data DIR} still finds it through {@code DATA/status.url}.
 * An address that was configured ({@link Builder#listen}) must be free, or the server does not
 * start.
 *
 * <p>Immutable and thread-safe.
 */
public final class StatusConfig {
  /** Default address of the endpoint: {@value}. */
  public static final String DEFAULT_LISTEN = "127.0.0.1:8060";

  private static final StatusConfig DEFAULTS = builder().build();

  private final InetSocketAddress address;
  private final boolean addressDefault;
  private final boolean allowRemote;
  private final int maxListed;

  private StatusConfig(Builder b) {
    this.address = b.address;
    this.addressDefault = !b.addressSet;
    this.allowRemote = b.allowRemote;
    this.maxListed = b.maxListed;
  }

  /** The defaults: {@value #DEFAULT_LISTEN}, loopback only, 1000 AORs listed. */
  public static StatusConfig defaults() {
    return DEFAULTS;
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
    b.allowRemote = allowRemote;
    b.maxListed = maxListed;
    return b;
  }

  /** Where the endpoint listens, or null when it is off. */
  public InetSocketAddress address() {
    return address;
  }

  /** Whether the endpoint is on. */
  public boolean isEnabled() {
    return address != null;
  }

  /**
   * Whether {@link #address()} is the default, not configured: the server may then fall back to
   * a free port (see the class comment).
   */
  public boolean isAddressDefault() {
    return addressDefault;
  }

  /** Whether a non-loopback address is allowed (the endpoint has no authentication). */
  public boolean allowRemote() {
    return allowRemote;
  }

  /** How many AORs the status lists with their contacts. */
  public int maxListed() {
    return maxListed;
  }

  @Override
  public String toString() {
    return "StatusConfig[" + (address == null ? "off" : text(address))
        + (allowRemote ? ", remote allowed" : "") + ", " + maxListed + " listed]";
  }

  /** {@code host:port}, IPv6 in brackets. */
  static String text(InetSocketAddress a) {
    return dev.parley.server.internal.ListenAddresses.text(a);
  }

  /** Builds a {@link StatusConfig}; not thread-safe. Setters check their argument at once. */
  public static final class Builder {
    private InetSocketAddress address = parse(DEFAULT_LISTEN);
    private boolean addressSet;
    private boolean allowRemote;
    private int maxListed = ServerStatus.DEFAULT_MAX_LISTED;

    private Builder() {}

    /**
     * Where to listen: {@code HOST:PORT} with an IP literal ({@code [::1]:8060} for IPv6; port 0
     * for any free one), or {@code off}; default {@value StatusConfig#DEFAULT_LISTEN}. Host names
     * are refused (nothing is resolved).
     *
     * @throws IllegalArgumentException if it is neither
     */
    public Builder listen(String hostPortOrOff) {
      Objects.requireNonNull(hostPortOrOff, "listen");
      this.address = hostPortOrOff.equals("off") ? null : parse(hostPortOrOff);
      this.addressSet = true;
      return this;
    }

    /** Lets the endpoint listen on a non-loopback address (no authentication!); default false. */
    public Builder allowRemote(boolean allow) {
      this.allowRemote = allow;
      return this;
    }

    /**
     * AORs listed in the status; default {@value ServerStatus#DEFAULT_MAX_LISTED}.
     *
     * @throws IllegalArgumentException if not in 0..1,000,000
     */
    public Builder maxListed(int max) {
      if (max < 0 || max > 1_000_000) {
        throw new IllegalArgumentException("max listed out of range 0..1000000: " + max);
      }
      this.maxListed = max;
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException if the address is not loopback and remote access was not
     *     allowed
     */
    public StatusConfig build() {
      if (address != null && !allowRemote && !address.getAddress().isLoopbackAddress()) {
        throw new IllegalArgumentException(text(address) + " is not a loopback address and the"
            + " status endpoint has no authentication (status.allow_remote = true allows it)");
      }
      return new StatusConfig(this);
    }

    private static InetSocketAddress parse(String text) {
      return dev.parley.server.internal.ListenAddresses.parse(text, "[::1]:8060");
    }
  }
}
