package dev.parley.media;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The settings of a {@link MediaNetwork}: where its RTP sockets bind, the port range they take
 * their ports from, its event-loop threads, and the limits and latching policy of every socket.
 * Immutable; built with {@link #builder()}, checked by {@link Builder#build()}.
 */
public final class MediaNetworkConfig {
  /** Lowest RTP port of the default range: {@value}. */
  public static final int DEFAULT_MIN_PORT = 16384;
  /** Highest port (RTCP included) of the default range: {@value}. */
  public static final int DEFAULT_MAX_PORT = 32767;
  /** Event-loop threads of the media network by default: {@value}. */
  public static final int DEFAULT_THREADS = 2;
  /** Largest datagram accepted, in bytes, by default: {@value}; a larger one is dropped. */
  public static final int DEFAULT_MAX_DATAGRAM_SIZE = 1500;
  /** Largest datagram size that may be configured: {@value} (the UDP over IPv4 limit). */
  public static final int MAX_DATAGRAM_SIZE_LIMIT = 65507;
  /** Kernel receive buffer (SO_RCVBUF) of each socket by default, in bytes: {@value}. */
  public static final int DEFAULT_RECEIVE_BUFFER_SIZE = 256 * 1024;
  /**
   * Packets in a row from a new address that move a latched destination there by default:
   * {@value} (the first packet of a stream latches at once).
   */
  public static final int DEFAULT_RELATCH_PACKETS = 3;
  /**
   * Sends handed from other threads that may wait for a socket's event loop by default:
   * {@value}; past that a send is dropped and counted.
   */
  public static final int DEFAULT_MAX_PENDING_SENDS = 256;
  /** Largest wake-up spacing that may be configured, in microseconds: {@value} (10 ms). */
  public static final int MAX_WAKEUP_SPACING_MICROS = 10_000;
  /** Largest adaptive wake-up batch that may be configured, in packets: {@value}. */
  public static final int MAX_WAKEUP_BATCH = 1024;

  private final InetAddress bindAddress;
  private final int minPort;
  private final int maxPort;
  private final int threads;
  private final int maxDatagramSize;
  private final int receiveBufferSize;
  private final boolean symmetricRtp;
  private final int relatchPackets;
  private final int maxPendingSends;
  private final boolean nativeTransport;
  private final int wakeupSpacingMicros;
  private final int wakeupBatch;

  private MediaNetworkConfig(Builder b) {
    this.bindAddress = b.bindAddress;
    this.minPort = b.minPort;
    this.maxPort = b.maxPort;
    this.threads = b.threads;
    this.maxDatagramSize = b.maxDatagramSize;
    this.receiveBufferSize = b.receiveBufferSize;
    this.symmetricRtp = b.symmetricRtp;
    this.relatchPackets = b.relatchPackets;
    this.maxPendingSends = b.maxPendingSends;
    this.nativeTransport = b.nativeTransport;
    this.wakeupSpacingMicros = b.wakeupSpacingMicros;
    this.wakeupBatch = b.wakeupBatch;
  }

  /** A builder with every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The default settings (every port of every local address, 16384..32767, two threads). */
  public static MediaNetworkConfig defaults() {
    return builder().build();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.bindAddress = bindAddress;
    b.minPort = minPort;
    b.maxPort = maxPort;
    b.threads = threads;
    b.maxDatagramSize = maxDatagramSize;
    b.receiveBufferSize = receiveBufferSize;
    b.symmetricRtp = symmetricRtp;
    b.relatchPackets = relatchPackets;
    b.maxPendingSends = maxPendingSends;
    b.nativeTransport = nativeTransport;
    b.wakeupSpacingMicros = wakeupSpacingMicros;
    b.wakeupBatch = wakeupBatch;
    return b;
  }

  /** The address the sockets bind (default: the wildcard address, every local address). */
  public InetAddress bindAddress() {
    return bindAddress;
  }

  /** The lowest port of the range. */
  public int minPort() {
    return minPort;
  }

  /** The highest port of the range; an RTP port's RTCP port (port + 1) is within it too. */
  public int maxPort() {
    return maxPort;
  }

  /** The number of event-loop threads ({@code parley-media-N}). */
  public int threads() {
    return threads;
  }

  /** The largest datagram accepted, in bytes; a larger one is dropped and counted. */
  public int maxDatagramSize() {
    return maxDatagramSize;
  }

  /** The kernel receive buffer (SO_RCVBUF) asked for each socket, in bytes. */
  public int receiveBufferSize() {
    return receiveBufferSize;
  }

  /**
   * Whether sockets latch (symmetric RTP, RFC 4961): send to the address packets come from
   * rather than to the one the SDP gave.
   */
  public boolean symmetricRtp() {
    return symmetricRtp;
  }

  /** Packets in a row from a new address that move a latched destination there. */
  public int relatchPackets() {
    return relatchPackets;
  }

  /** Sends from other threads that may wait for a socket's event loop; more are dropped. */
  public int maxPendingSends() {
    return maxPendingSends;
  }

  /** Whether Linux epoll is used when available (else, and when false, Java NIO). */
  public boolean nativeTransport() {
    return nativeTransport;
  }

  /**
   * The least time, in microseconds, between two waits of an event loop for packets (0, the
   * default: none). A loop that comes back to wait sooner, because packets keep arriving, first
   * sleeps the rest of it and then handles at once every packet that came meanwhile: at a high
   * packet rate each loop wakes at most once per spacing instead of about once per packet, which
   * saves CPU (each wake-up is a context switch and a system call), and every packet may wait up
   * to this long more (so may a send handed to the loop from another thread). At rates where
   * packets come further apart than the spacing nothing changes. Worth it for a media server
   * carrying hundreds of streams ({@code parley uas}); 0 for a client's few.
   */
  public int wakeupSpacingMicros() {
    return wakeupSpacingMicros;
  }

  /**
   * With a {@link #wakeupSpacingMicros()}, the packets a wake-up should find (0, the default:
   * the spacing is fixed). When above 0 each loop estimates the packet rate of its sockets (of
   * every {@link SharedEchoPort} and {@link RtpSocket} on it) and spaces its waits by the time
   * this many packets take to come at that rate, never more than the spacing: the whole spacing
   * at low rates, where a wake-up per few packets costs the most, less as the rate grows, so that
   * the delay a packet may wait shrinks where a wake-up finds a full batch anyway.
   */
  public int wakeupBatch() {
    return wakeupBatch;
  }

  @Override
  public String toString() {
    return "MediaNetworkConfig{" + bindAddress.getHostAddress() + " ports " + minPort + ".."
        + maxPort + ", threads " + threads + ", maxDatagramSize " + maxDatagramSize
        + ", receiveBufferSize " + receiveBufferSize + ", symmetricRtp " + symmetricRtp
        + ", relatchPackets " + relatchPackets + ", maxPendingSends " + maxPendingSends
        + ", nativeTransport " + nativeTransport + ", wakeupSpacingMicros " + wakeupSpacingMicros
        + ", wakeupBatch " + wakeupBatch + "}";
  }

  /** Builds a {@link MediaNetworkConfig}; {@link #build()} checks the values. */
  public static final class Builder {
    private InetAddress bindAddress = wildcard();
    private int minPort = DEFAULT_MIN_PORT;
    private int maxPort = DEFAULT_MAX_PORT;
    private int threads = DEFAULT_THREADS;
    private int maxDatagramSize = DEFAULT_MAX_DATAGRAM_SIZE;
    private int receiveBufferSize = DEFAULT_RECEIVE_BUFFER_SIZE;
    private boolean symmetricRtp = true;
    private int relatchPackets = DEFAULT_RELATCH_PACKETS;
    private int maxPendingSends = DEFAULT_MAX_PENDING_SENDS;
    private boolean nativeTransport = true;
    private int wakeupSpacingMicros;
    private int wakeupBatch;

    private Builder() {}

    /** The address the sockets bind. */
    public Builder bindAddress(InetAddress address) {
      this.bindAddress = Objects.requireNonNull(address, "bindAddress");
      return this;
    }

    /** The port range, {@code min..max} inclusive (RTP on even ports, RTCP on port + 1). */
    public Builder portRange(int min, int max) {
      this.minPort = min;
      this.maxPort = max;
      return this;
    }

    /** The number of event-loop threads, at least 1. */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /** The largest datagram accepted, 12..{@value MediaNetworkConfig#MAX_DATAGRAM_SIZE_LIMIT}. */
    public Builder maxDatagramSize(int bytes) {
      this.maxDatagramSize = bytes;
      return this;
    }

    /** The kernel receive buffer of each socket, at least 1024 bytes. */
    public Builder receiveBufferSize(int bytes) {
      this.receiveBufferSize = bytes;
      return this;
    }

    /** Whether sockets latch onto the address packets come from (RFC 4961). */
    public Builder symmetricRtp(boolean on) {
      this.symmetricRtp = on;
      return this;
    }

    /** Packets in a row from a new address that move a latched destination there, at least 1. */
    public Builder relatchPackets(int packets) {
      this.relatchPackets = packets;
      return this;
    }

    /** Sends from other threads that may wait for a socket's event loop, at least 1. */
    public Builder maxPendingSends(int sends) {
      this.maxPendingSends = sends;
      return this;
    }

    /** Whether to use Linux epoll when available (default true); false: always Java NIO. */
    public Builder nativeTransport(boolean on) {
      this.nativeTransport = on;
      return this;
    }

    /**
     * The least time between two waits of an event loop, 0..{@value
     * MediaNetworkConfig#MAX_WAKEUP_SPACING_MICROS} microseconds (see {@link
     * MediaNetworkConfig#wakeupSpacingMicros()}); 0 by default.
     */
    public Builder wakeupSpacingMicros(int micros) {
      this.wakeupSpacingMicros = micros;
      return this;
    }

    /**
     * The packets a wake-up should find, 0..{@value MediaNetworkConfig#MAX_WAKEUP_BATCH} (see
     * {@link MediaNetworkConfig#wakeupBatch()}); 0 by default; above 0 only with a wake-up
     * spacing.
     */
    public Builder wakeupBatch(int packets) {
      this.wakeupBatch = packets;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException naming the value out of range
     */
    public MediaNetworkConfig build() {
      if (minPort < 1 || minPort > 65535) {
        throw new IllegalArgumentException("minPort out of range: " + minPort);
      }
      if (maxPort < 1 || maxPort > 65535) {
        throw new IllegalArgumentException("maxPort out of range: " + maxPort);
      }
      if (minPort > maxPort) {
        throw new IllegalArgumentException("minPort " + minPort + " above maxPort " + maxPort);
      }
      int firstEven = minPort + (minPort & 1);
      if (firstEven + 1 > maxPort) {
        throw new IllegalArgumentException("port range " + minPort + ".." + maxPort
            + " holds no even RTP port with its RTCP port (port + 1)");
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads out of range: " + threads);
      }
      if (maxDatagramSize < 12 || maxDatagramSize > MAX_DATAGRAM_SIZE_LIMIT) {
        throw new IllegalArgumentException("maxDatagramSize out of range: " + maxDatagramSize);
      }
      if (receiveBufferSize < 1024) {
        throw new IllegalArgumentException("receiveBufferSize out of range: " + receiveBufferSize);
      }
      if (relatchPackets < 1) {
        throw new IllegalArgumentException("relatchPackets out of range: " + relatchPackets);
      }
      if (maxPendingSends < 1) {
        throw new IllegalArgumentException("maxPendingSends out of range: " + maxPendingSends);
      }
      if (wakeupSpacingMicros < 0 || wakeupSpacingMicros > MAX_WAKEUP_SPACING_MICROS) {
        throw new IllegalArgumentException("wakeupSpacingMicros out of range: "
            + wakeupSpacingMicros);
      }
      if (wakeupBatch < 0 || wakeupBatch > MAX_WAKEUP_BATCH) {
        throw new IllegalArgumentException("wakeupBatch out of range: " + wakeupBatch);
      }
      if (wakeupBatch > 0 && wakeupSpacingMicros == 0) {
        throw new IllegalArgumentException("wakeupBatch " + wakeupBatch
            + " needs a wakeupSpacingMicros above 0 (its most)");
      }
      return new MediaNetworkConfig(this);
    }

    private static InetAddress wildcard() {
      try {
        return InetAddress.getByAddress(new byte[4]);
      } catch (java.net.UnknownHostException e) {
        throw new IllegalStateException("0.0.0.0 is not an address", e);
      }
    }
  }
}
