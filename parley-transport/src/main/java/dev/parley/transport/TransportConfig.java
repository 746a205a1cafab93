package dev.parley.transport;

import dev.parley.sip.CompliancePolicy;
import dev.parley.sip.ParserConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * The limits and timers of a transport layer: what the network may push at it (message size,
 * connections) and how long connections live. Every limit has a named default and is checked by
 * {@link Builder#build()}.
 *
 * <p>Immutable and thread-safe. Model: Netty's {@code HttpDecoderConfig}.
 */
public final class TransportConfig {
  /** Default {@link #maxConnectionsPerAddress()}: {@value} connections from one IP address. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 128;
  /** Default {@link #maxConnections()}: {@value} connections in all. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /** Default {@link #idleTimeout()} in seconds: {@value}. */
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 300;
  /** Default {@link #firstMessageTimeout()} in seconds: {@value}. */
  public static final int DEFAULT_FIRST_MESSAGE_TIMEOUT_SECONDS = 10;
  /** Default {@link #messageTimeout()} in seconds: {@value}. */
  public static final int DEFAULT_MESSAGE_TIMEOUT_SECONDS = 10;
  /** Default {@link #keepAliveInterval()} in seconds: {@value} (0: no RFC 5626 pings are sent). */
  public static final int DEFAULT_KEEP_ALIVE_INTERVAL_SECONDS = 0;
  /** Default {@link #tcpKeepAlive()}: {@value}. */
  public static final boolean DEFAULT_TCP_KEEP_ALIVE = true;
  /** Default {@link #maxPendingWrites()}: {@value} messages queued on one connection. */
  public static final int DEFAULT_MAX_PENDING_WRITES = 1024;
  /** Default {@link #udpSizeThreshold()}: {@value} bytes (RFC 3261 §18.1.1). */
  public static final int DEFAULT_UDP_SIZE_THRESHOLD = 1300;
  /**
   * Default {@link #udpSocketBufferSize()}: {@value} bytes asked for each UDP socket's receive and
   * send buffers (Linux doubles it and caps it at {@code net.core.rmem_max}/{@code wmem_max}).
   */
  public static final int DEFAULT_UDP_SOCKET_BUFFER_SIZE = 2 * 1024 * 1024;
  /** Default {@link #connectTimeout()} in seconds: {@value}. */
  public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
  /** Default {@link #webSocketPath()}: {@value}. */
  public static final String DEFAULT_WEB_SOCKET_PATH = "/";
  /** Largest payload of one UDP datagram over IPv4: {@value} bytes. */
  public static final int MAX_DATAGRAM_SIZE = 65_507;

  /** The defaults. */
  public static final TransportConfig DEFAULT = builder().build();

  private final ParserConfig parserConfig;
  private final CompliancePolicy compliancePolicy;
  private final int maxConnectionsPerAddress;
  private final int maxConnections;
  private final Duration idleTimeout;
  private final Duration firstMessageTimeout;
  private final Duration messageTimeout;
  private final Duration keepAliveInterval;
  private final boolean tcpKeepAlive;
  private final int maxPendingWrites;
  private final int udpSizeThreshold;
  private final int udpSocketBufferSize;
  private final Duration connectTimeout;
  private final String webSocketPath;

  private TransportConfig(Builder b) {
    this.parserConfig = b.parserConfig;
    this.compliancePolicy = b.compliancePolicy;
    this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
    this.maxConnections = b.maxConnections;
    this.idleTimeout = b.idleTimeout;
    this.firstMessageTimeout = b.firstMessageTimeout;
    this.messageTimeout = b.messageTimeout;
    this.keepAliveInterval = b.keepAliveInterval;
    this.tcpKeepAlive = b.tcpKeepAlive;
    this.maxPendingWrites = b.maxPendingWrites;
    this.udpSizeThreshold = b.udpSizeThreshold;
    this.udpSocketBufferSize = b.udpSocketBufferSize;
    this.connectTimeout = b.connectTimeout;
    this.webSocketPath = b.webSocketPath;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.parserConfig = parserConfig;
    b.compliancePolicy = compliancePolicy;
    b.maxConnectionsPerAddress = maxConnectionsPerAddress;
    b.maxConnections = maxConnections;
    b.idleTimeout = idleTimeout;
    b.firstMessageTimeout = firstMessageTimeout;
    b.messageTimeout = messageTimeout;
    b.keepAliveInterval = keepAliveInterval;
    b.tcpKeepAlive = tcpKeepAlive;
    b.maxPendingWrites = maxPendingWrites;
    b.udpSizeThreshold = udpSizeThreshold;
    b.udpSocketBufferSize = udpSocketBufferSize;
    b.connectTimeout = connectTimeout;
    b.webSocketPath = webSocketPath;
    return b;
  }

  /**
   * The parser limits: message size, header section size, header count, line length. A stream
   * message beyond {@link ParserConfig#maxMessageSize()} closes its connection after a 513.
   */
  public ParserConfig parserConfig() {
    return parserConfig;
  }

  /** The leniency applied to received messages (default {@link CompliancePolicy#STRICT}). */
  public CompliancePolicy compliancePolicy() {
    return compliancePolicy;
  }

  /** Most connections accepted from one remote IP address; more are closed on accept. */
  public int maxConnectionsPerAddress() {
    return maxConnectionsPerAddress;
  }

  /**
   * Most open connections, inbound and outbound together. When they are all open, a new
   * connection from an address holding fewer than the address holding the most (less one) still
   * gets in: the longest-silent connection of the address holding the most is closed to make
   * room (its unfinished ones first). A new connection from an address already holding its share
   * is closed on accept.
   */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * How long a connection may see no traffic in either direction (bytes of any kind, RFC 5626
   * CRLF keep-alives included) before it is closed.
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * How long an accepted connection has to deliver its first complete SIP message (TCP, TLS: TLS
   * handshake included) or to complete its WebSocket upgrade (WS, WSS); past it the connection
   * is closed. CRLF keep-alives do not count as a message. {@link #idleTimeout()} applies after.
   */
  public Duration firstMessageTimeout() {
    return firstMessageTimeout;
  }

  /**
   * How long an accepted connection may take to finish a message it has started to send: from
   * the first byte after the previous message (or keep-alive, or WebSocket frame) to the last
   * byte of this one. A slower sender (one byte a second) is closed: it would hold the connection
   * and its buffer for ever.
   */
  public Duration messageTimeout() {
    return messageTimeout;
  }

  /**
   * How often an outbound TCP/TLS connection with nothing to write sends an RFC 5626 §3.5.1
   * double-CRLF ping; {@link Duration#ZERO} sends none. Pings count as traffic for
   * {@link #idleTimeout()}.
   */
  public Duration keepAliveInterval() {
    return keepAliveInterval;
  }

  /** Whether TCP sockets set {@code SO_KEEPALIVE}. */
  public boolean tcpKeepAlive() {
    return tcpKeepAlive;
  }

  /** Most messages written to one connection and not yet flushed to the socket. */
  public int maxPendingWrites() {
    return maxPendingWrites;
  }

  /**
   * Size in bytes above which a request bound for UDP goes over TCP instead (RFC 3261 §18.1.1:
   * 1300 when the path MTU is unknown). Responses never switch.
   */
  public int udpSizeThreshold() {
    return udpSizeThreshold;
  }

  /**
   * Receive and send buffer asked for each UDP socket, bytes. A burst larger than the receive
   * buffer (a GC pause under load) is dropped by the kernel and costs retransmissions.
   */
  public int udpSocketBufferSize() {
    return udpSocketBufferSize;
  }

  /** How long opening an outbound connection (TCP plus TLS/WebSocket handshake) may take. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** The HTTP path of WebSocket upgrades (RFC 7118): served as a prefix, requested as is. */
  public String webSocketPath() {
    return webSocketPath;
  }

  @Override
  public String toString() {
    return "TransportConfig{maxMessageSize=" + parserConfig.maxMessageSize()
        + ", policy=" + compliancePolicy.name()
        + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress
        + ", maxConnections=" + maxConnections
        + ", idleTimeout=" + idleTimeout
        + ", firstMessageTimeout=" + firstMessageTimeout
        + ", messageTimeout=" + messageTimeout
        + ", keepAliveInterval=" + keepAliveInterval
        + ", tcpKeepAlive=" + tcpKeepAlive
        + ", maxPendingWrites=" + maxPendingWrites
        + ", udpSizeThreshold=" + udpSizeThreshold
        + ", connectTimeout=" + connectTimeout
        + ", webSocketPath=" + webSocketPath + "}";
  }

  /** Builds a {@link TransportConfig}; not thread-safe. */
  public static final class Builder {
    private ParserConfig parserConfig = ParserConfig.DEFAULT;
    private CompliancePolicy compliancePolicy = CompliancePolicy.STRICT;
    private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private Duration idleTimeout = Duration.ofSeconds(DEFAULT_IDLE_TIMEOUT_SECONDS);
    private Duration firstMessageTimeout =
        Duration.ofSeconds(DEFAULT_FIRST_MESSAGE_TIMEOUT_SECONDS);
    private Duration messageTimeout = Duration.ofSeconds(DEFAULT_MESSAGE_TIMEOUT_SECONDS);
    private Duration keepAliveInterval = Duration.ofSeconds(DEFAULT_KEEP_ALIVE_INTERVAL_SECONDS);
    private boolean tcpKeepAlive = DEFAULT_TCP_KEEP_ALIVE;
    private int maxPendingWrites = DEFAULT_MAX_PENDING_WRITES;
    private int udpSizeThreshold = DEFAULT_UDP_SIZE_THRESHOLD;
    private int udpSocketBufferSize = DEFAULT_UDP_SOCKET_BUFFER_SIZE;
    private Duration connectTimeout = Duration.ofSeconds(DEFAULT_CONNECT_TIMEOUT_SECONDS);
    private String webSocketPath = DEFAULT_WEB_SOCKET_PATH;

    private Builder() {}

    /** The parser limits (message size and header limits). */
    public Builder parserConfig(ParserConfig parserConfig) {
      this.parserConfig = Objects.requireNonNull(parserConfig, "parserConfig");
      return this;
    }

    /** The leniency applied to received messages. */
    public Builder compliancePolicy(CompliancePolicy compliancePolicy) {
      this.compliancePolicy = Objects.requireNonNull(compliancePolicy, "compliancePolicy");
      return this;
    }

    public Builder maxConnectionsPerAddress(int count) {
      this.maxConnectionsPerAddress = count;
      return this;
    }

    public Builder maxConnections(int count) {
      this.maxConnections = count;
      return this;
    }

    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
      return this;
    }

    /** See {@link TransportConfig#firstMessageTimeout()}; at least 1 ms. */
    public Builder firstMessageTimeout(Duration timeout) {
      this.firstMessageTimeout = Objects.requireNonNull(timeout, "firstMessageTimeout");
      return this;
    }

    /** See {@link TransportConfig#messageTimeout()}; at least 1 ms. */
    public Builder messageTimeout(Duration timeout) {
      this.messageTimeout = Objects.requireNonNull(timeout, "messageTimeout");
      return this;
    }

    public Builder keepAliveInterval(Duration keepAliveInterval) {
      this.keepAliveInterval = Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
      return this;
    }

    public Builder tcpKeepAlive(boolean tcpKeepAlive) {
      this.tcpKeepAlive = tcpKeepAlive;
      return this;
    }

    public Builder maxPendingWrites(int count) {
      this.maxPendingWrites = count;
      return this;
    }

    public Builder udpSizeThreshold(int bytes) {
      this.udpSizeThreshold = bytes;
      return this;
    }

    /** See {@link TransportConfig#udpSocketBufferSize()}; at least 65,536. */
    public Builder udpSocketBufferSize(int bytes) {
      this.udpSocketBufferSize = bytes;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
      return this;
    }

    public Builder webSocketPath(String path) {
      this.webSocketPath = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * The config.
     *
     * @throws IllegalArgumentException naming the first setting that is out of range
     */
    public TransportConfig build() {
      atLeast("maxConnectionsPerAddress", maxConnectionsPerAddress, 1);
      atLeast("maxConnections", maxConnections, 1);
      atLeast("maxPendingWrites", maxPendingWrites, 1);
      if (udpSocketBufferSize < 65_536) {
        throw new IllegalArgumentException(
            "udpSocketBufferSize out of range (at least 65536): " + udpSocketBufferSize);
      }
      if (udpSizeThreshold < 200 || udpSizeThreshold > MAX_DATAGRAM_SIZE) {
        throw new IllegalArgumentException(
            "udpSizeThreshold out of range (200.." + MAX_DATAGRAM_SIZE + "): " + udpSizeThreshold);
      }
      positive("idleTimeout", idleTimeout);
      positive("firstMessageTimeout", firstMessageTimeout);
      positive("messageTimeout", messageTimeout);
      positive("connectTimeout", connectTimeout);
      if (keepAliveInterval.isNegative()) {
        throw new IllegalArgumentException("keepAliveInterval is negative: " + keepAliveInterval);
      }
      if (!webSocketPath.startsWith("/")) {
        throw new IllegalArgumentException("webSocketPath must start with '/': " + webSocketPath);
      }
      return new TransportConfig(this);
    }

    private static void atLeast(String name, int value, int min) {
      if (value < min) {
        throw new IllegalArgumentException(name + " out of range (at least " + min + "): " + value);
      }
    }

    private static void positive(String name, Duration value) {
      if (value.isNegative() || value.isZero() || value.toMillis() == 0) {
        throw new IllegalArgumentException(name + " must be at least 1 ms: " + value);
      }
    }
  }
}
