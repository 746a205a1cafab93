package dev.parley.server.offline;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits and timers of {@link OfflineMessages}, each with a named default, checked when
 * built: the store's size, each mailbox's, each sender's share of a mailbox, and the share that
 * senders the server cannot vouch for may take (issue 17). The config keys ({@code offline.*})
 * are in {@code docs/server.md}, "Offline messages".
 *
 * <p>Immutable and thread-safe.
 */
public final class OfflineMessagesConfig {
  /** Default largest body stored, bytes: {@value}. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
  /** Default messages stored per user: {@value}. */
  public static final int DEFAULT_MAX_MESSAGES_PER_USER = 100;
  /** Default body bytes stored per user: {@value} (1 MiB). */
  public static final long DEFAULT_MAX_BYTES_PER_USER = 1024 * 1024;
  /** Default messages stored in all: {@value}. */
  public static final int DEFAULT_MAX_MESSAGES = 100_000;
  /** Default body bytes stored in all: {@value} (256 MiB). */
  public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
  /** Default age after which an undelivered message is dropped: 7 days. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);
  /** Default failed attempts after which a message the recipient refuses is dropped: {@value}. */
  public static final int DEFAULT_MAX_REFUSALS = 3;
  /** Default first retry delay after a failed delivery: 30 s. */
  public static final Duration DEFAULT_RETRY_INITIAL = Duration.ofSeconds(30);
  /** Default longest retry delay: 30 min. */
  public static final Duration DEFAULT_RETRY_MAX = Duration.ofMinutes(30);
  /** Default time to wait for a delivery's final status before counting it failed: 64 s. */
  public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(64);
  /** Default period of the sweep that drops messages older than {@code maxAge}: 1 h. */
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofHours(1);
  /** Default for storing MESSAGEs from unauthenticated senders: {@value} (declined, 480). */
  public static final boolean DEFAULT_ACCEPT_UNAUTHENTICATED = false;
  /** Default messages one authenticated sender may have stored in one mailbox: {@value}. */
  public static final int DEFAULT_MAX_PER_SENDER = 20;
  /** Default body bytes one sender may have stored in one mailbox: {@value} (256 KiB). */
  public static final long DEFAULT_MAX_BYTES_PER_SENDER = 256 * 1024;
  /** Default messages from unauthenticated senders in one mailbox, all together: {@value}. */
  public static final int DEFAULT_MAX_UNAUTHENTICATED_PER_USER = 20;
  /** Default body bytes from unauthenticated senders in one mailbox: {@value} (256 KiB). */
  public static final long DEFAULT_MAX_UNAUTHENTICATED_BYTES_PER_USER = 256 * 1024;
  /** Default messages one unauthenticated source (IPv4, IPv6 /64) in one mailbox: {@value}. */
  public static final int DEFAULT_MAX_UNAUTHENTICATED_PER_SOURCE = 5;
  /** Default messages from unauthenticated senders in the whole store: {@value}. */
  public static final int DEFAULT_MAX_UNAUTHENTICATED_MESSAGES = 10_000;
  /** Default body bytes from unauthenticated senders in the whole store: {@value} (32 MiB). */
  public static final long DEFAULT_MAX_UNAUTHENTICATED_BYTES = 32L * 1024 * 1024;

  private static final OfflineMessagesConfig DEFAULTS = builder().build();

  private final int maxMessageBytes;
  private final int maxMessagesPerUser;
  private final long maxBytesPerUser;
  private final int maxMessages;
  private final long maxBytes;
  private final Duration maxAge;
  private final int maxRefusals;
  private final Duration retryInitial;
  private final Duration retryMax;
  private final Duration deliveryTimeout;
  private final Duration sweepInterval;
  private final boolean acceptUnauthenticated;
  private final int maxPerSender;
  private final long maxBytesPerSender;
  private final int maxUnauthenticatedPerUser;
  private final long maxUnauthenticatedBytesPerUser;
  private final int maxUnauthenticatedPerSource;
  private final int maxUnauthenticatedMessages;
  private final long maxUnauthenticatedBytes;

  private OfflineMessagesConfig(Builder b) {
    this.maxMessageBytes = b.maxMessageBytes;
    this.maxMessagesPerUser = b.maxMessagesPerUser;
    this.maxBytesPerUser = b.maxBytesPerUser;
    this.maxMessages = b.maxMessages;
    this.maxBytes = b.maxBytes;
    this.maxAge = b.maxAge;
    this.maxRefusals = b.maxRefusals;
    this.retryInitial = b.retryInitial;
    this.retryMax = b.retryMax;
    this.deliveryTimeout = b.deliveryTimeout;
    this.sweepInterval = b.sweepInterval;
    this.acceptUnauthenticated = b.acceptUnauthenticated;
    this.maxPerSender = b.maxPerSender;
    this.maxBytesPerSender = b.maxBytesPerSender;
    this.maxUnauthenticatedPerUser = b.maxUnauthenticatedPerUser;
    this.maxUnauthenticatedBytesPerUser = b.maxUnauthenticatedBytesPerUser;
    this.maxUnauthenticatedPerSource = b.maxUnauthenticatedPerSource;
    this.maxUnauthenticatedMessages = b.maxUnauthenticatedMessages;
    this.maxUnauthenticatedBytes = b.maxUnauthenticatedBytes;
  }

  /** The defaults. */
  public static OfflineMessagesConfig defaults() {
    return DEFAULTS;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxMessageBytes = maxMessageBytes;
    b.maxMessagesPerUser = maxMessagesPerUser;
    b.maxBytesPerUser = maxBytesPerUser;
    b.maxMessages = maxMessages;
    b.maxBytes = maxBytes;
    b.maxAge = maxAge;
    b.maxRefusals = maxRefusals;
    b.retryInitial = retryInitial;
    b.retryMax = retryMax;
    b.deliveryTimeout = deliveryTimeout;
    b.sweepInterval = sweepInterval;
    b.acceptUnauthenticated = acceptUnauthenticated;
    b.maxPerSender = maxPerSender;
    b.maxBytesPerSender = maxBytesPerSender;
    b.maxUnauthenticatedPerUser = maxUnauthenticatedPerUser;
    b.maxUnauthenticatedBytesPerUser = maxUnauthenticatedBytesPerUser;
    b.maxUnauthenticatedPerSource = maxUnauthenticatedPerSource;
    b.maxUnauthenticatedMessages = maxUnauthenticatedMessages;
    b.maxUnauthenticatedBytes = maxUnauthenticatedBytes;
    return b;
  }

  /** Largest body stored (413 beyond). */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** Messages stored per user (480 beyond). */
  public int maxMessagesPerUser() {
    return maxMessagesPerUser;
  }

  /** Body bytes stored per user (480 beyond). */
  public long maxBytesPerUser() {
    return maxBytesPerUser;
  }

  /** Messages stored in all (503 beyond). */
  public int maxMessages() {
    return maxMessages;
  }

  /** Body bytes stored in all (503 beyond); also bounds what delivery holds in memory. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Age after which an undelivered message is dropped. */
  public Duration maxAge() {
    return maxAge;
  }

  /** Failed attempts after which a message the recipient refuses is dropped. */
  public int maxRefusals() {
    return maxRefusals;
  }

  /** First retry delay after a failed delivery; it doubles up to {@link #retryMax()}. */
  public Duration retryInitial() {
    return retryInitial;
  }

  /** Longest retry delay. */
  public Duration retryMax() {
    return retryMax;
  }

  /** How long to wait for a delivery's final status. */
  public Duration deliveryTimeout() {
    return deliveryTimeout;
  }

  /** Period of the expiry sweep. */
  public Duration sweepInterval() {
    return sweepInterval;
  }

  /**
   * Whether MESSAGEs from unauthenticated senders (another domain, no digest, not
   * {@code trusted}) are stored; when false the proxy answers them 480, as for any user.
   */
  public boolean acceptUnauthenticated() {
    return acceptUnauthenticated;
  }

  /** Messages one authenticated sender (user, or trusted source) may have in one mailbox. */
  public int maxPerSender() {
    return maxPerSender;
  }

  /** Body bytes one sender (authenticated or not) may have in one mailbox. */
  public long maxBytesPerSender() {
    return maxBytesPerSender;
  }

  /** Messages from all unauthenticated senders together in one mailbox. */
  public int maxUnauthenticatedPerUser() {
    return maxUnauthenticatedPerUser;
  }

  /** Body bytes from all unauthenticated senders together in one mailbox. */
  public long maxUnauthenticatedBytesPerUser() {
    return maxUnauthenticatedBytesPerUser;
  }

  /** Messages one unauthenticated source (IPv4 address, IPv6 /64) may have in one mailbox. */
  public int maxUnauthenticatedPerSource() {
    return maxUnauthenticatedPerSource;
  }

  /** Messages from unauthenticated senders in the whole store. */
  public int maxUnauthenticatedMessages() {
    return maxUnauthenticatedMessages;
  }

  /** Body bytes from unauthenticated senders in the whole store. */
  public long maxUnauthenticatedBytes() {
    return maxUnauthenticatedBytes;
  }

  /** Builds an {@link OfflineMessagesConfig}; not thread-safe. Setters check at once. */
  public static final class Builder {
    private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private int maxMessagesPerUser = DEFAULT_MAX_MESSAGES_PER_USER;
    private long maxBytesPerUser = DEFAULT_MAX_BYTES_PER_USER;
    private int maxMessages = DEFAULT_MAX_MESSAGES;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private Duration maxAge = DEFAULT_MAX_AGE;
    private int maxRefusals = DEFAULT_MAX_REFUSALS;
    private Duration retryInitial = DEFAULT_RETRY_INITIAL;
    private Duration retryMax = DEFAULT_RETRY_MAX;
    private Duration deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;
    private Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;
    private boolean acceptUnauthenticated = DEFAULT_ACCEPT_UNAUTHENTICATED;
    private int maxPerSender = DEFAULT_MAX_PER_SENDER;
    private long maxBytesPerSender = DEFAULT_MAX_BYTES_PER_SENDER;
    private int maxUnauthenticatedPerUser = DEFAULT_MAX_UNAUTHENTICATED_PER_USER;
    private long maxUnauthenticatedBytesPerUser = DEFAULT_MAX_UNAUTHENTICATED_BYTES_PER_USER;
    private int maxUnauthenticatedPerSource = DEFAULT_MAX_UNAUTHENTICATED_PER_SOURCE;
    private int maxUnauthenticatedMessages = DEFAULT_MAX_UNAUTHENTICATED_MESSAGES;
    private long maxUnauthenticatedBytes = DEFAULT_MAX_UNAUTHENTICATED_BYTES;

    private Builder() {}

    /** Default {@value #DEFAULT_MAX_MESSAGE_BYTES}; 0..16 MiB. */
    public Builder maxMessageBytes(int bytes) {
      this.maxMessageBytes = (int) range("maxMessageBytes", bytes, 0, 16 * 1024 * 1024);
      return this;
    }

    /** Default {@value #DEFAULT_MAX_MESSAGES_PER_USER}; 1..1,000,000. */
    public Builder maxMessagesPerUser(int max) {
      this.maxMessagesPerUser = (int) range("maxMessagesPerUser", max, 1, 1_000_000);
      return this;
    }

    /** Default {@value #DEFAULT_MAX_BYTES_PER_USER}; 1..2^40. */
    public Builder maxBytesPerUser(long max) {
      this.maxBytesPerUser = range("maxBytesPerUser", max, 1, 1L << 40);
      return this;
    }

    /** Default {@value #DEFAULT_MAX_MESSAGES}; 1..100,000,000. */
    public Builder maxMessages(int max) {
      this.maxMessages = (int) range("maxMessages", max, 1, 100_000_000);
      return this;
    }

    /** Default {@value #DEFAULT_MAX_BYTES}; 1..2^40. */
    public Builder maxBytes(long max) {
      this.maxBytes = range("maxBytes", max, 1, 1L << 40);
      return this;
    }

    /** Default 7 days. */
    public Builder maxAge(Duration age) {
      this.maxAge = positive("maxAge", age);
      return this;
    }

    /** Default {@value #DEFAULT_MAX_REFUSALS}; 1..1000. */
    public Builder maxRefusals(int max) {
      this.maxRefusals = (int) range("maxRefusals", max, 1, 1000);
      return this;
    }

    /** Default 30 s. */
    public Builder retryInitial(Duration delay) {
      this.retryInitial = positive("retryInitial", delay);
      return this;
    }

    /** Default 30 min. */
    public Builder retryMax(Duration delay) {
      this.retryMax = positive("retryMax", delay);
      return this;
    }

    /** Default 64 s (a little over Timer F, so the transaction layer's 408 comes first). */
    public Builder deliveryTimeout(Duration timeout) {
      this.deliveryTimeout = positive("deliveryTimeout", timeout);
      return this;
    }

    /** Default 1 h. */
    public Builder sweepInterval(Duration interval) {
      this.sweepInterval = positive("sweepInterval", interval);
      return this;
    }

    /** Default {@value #DEFAULT_ACCEPT_UNAUTHENTICATED}. */
    public Builder acceptUnauthenticated(boolean accept) {
      this.acceptUnauthenticated = accept;
      return this;
    }

    /** Default {@value #DEFAULT_MAX_PER_SENDER}; 1..1,000,000. */
    public Builder maxPerSender(int max) {
      this.maxPerSender = (int) range("maxPerSender", max, 1, 1_000_000);
      return this;
    }

    /** Default {@value #DEFAULT_MAX_BYTES_PER_SENDER}; 1..2^40. */
    public Builder maxBytesPerSender(long max) {
      this.maxBytesPerSender = range("maxBytesPerSender", max, 1, 1L << 40);
      return this;
    }

    /** Default {@value #DEFAULT_MAX_UNAUTHENTICATED_PER_USER}; 0..1,000,000. */
    public Builder maxUnauthenticatedPerUser(int max) {
      this.maxUnauthenticatedPerUser =
          (int) range("maxUnauthenticatedPerUser", max, 0, 1_000_000);
      return this;
    }

    /** Default {@value #DEFAULT_MAX_UNAUTHENTICATED_BYTES_PER_USER}; 0..2^40. */
    public Builder maxUnauthenticatedBytesPerUser(long max) {
      this.maxUnauthenticatedBytesPerUser =
          range("maxUnauthenticatedBytesPerUser", max, 0, 1L << 40);
      return this;
    }

    /** Default {@value #DEFAULT_MAX_UNAUTHENTICATED_PER_SOURCE}; 0..1,000,000. */
    public Builder maxUnauthenticatedPerSource(int max) {
      this.maxUnauthenticatedPerSource =
          (int) range("maxUnauthenticatedPerSource", max, 0, 1_000_000);
      return this;
    }

    /** Default {@value #DEFAULT_MAX_UNAUTHENTICATED_MESSAGES}; 0..100,000,000. */
    public Builder maxUnauthenticatedMessages(int max) {
      this.maxUnauthenticatedMessages =
          (int) range("maxUnauthenticatedMessages", max, 0, 100_000_000);
      return this;
    }

    /** Default {@value #DEFAULT_MAX_UNAUTHENTICATED_BYTES}; 0..2^40. */
    public Builder maxUnauthenticatedBytes(long max) {
      this.maxUnauthenticatedBytes = range("maxUnauthenticatedBytes", max, 0, 1L << 40);
      return this;
    }

    /**
     * The config.
     *
     * @throws IllegalArgumentException if {@code retryMax < retryInitial}
     */
    public OfflineMessagesConfig build() {
      if (retryMax.compareTo(retryInitial) < 0) {
        throw new IllegalArgumentException("retryMax (" + retryMax
            + ") is shorter than retryInitial (" + retryInitial + ")");
      }
      return new OfflineMessagesConfig(this);
    }

    private static long range(String name, long v, long min, long max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(name + " out of range " + min + ".." + max + ": " + v);
      }
      return v;
    }

    private static Duration positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
