package dev.parley.transaction;

import java.time.Duration;
import java.util.Objects;

/**
 * The timers and limits of the transaction layer (RFC 3261 §17 and Table 4), each with a named
 * default. Immutable and thread-safe; build with {@link #builder()}, validated in
 * {@link Builder#build()}.
 *
 * <p>Derived timers follow the RFC: Timer A and E start at T1 and double (E and G capped at T2);
 * B, F, H, J, L and M are 64*T1; K and I are T4 over UDP; D is {@link #timerD()} over UDP; over a
 * reliable transport D, I, J and K are zero and nothing is retransmitted.
 */
public final class TransactionConfig {
  /** T1, the RTT estimate (RFC 3261 Table 4), in milliseconds: {@value}. */
  public static final long DEFAULT_T1_MILLIS = 500;
  /** T2, the longest retransmit interval for non-INVITE requests and INVITE responses, ms: {@value}. */
  public static final long DEFAULT_T2_MILLIS = 4_000;
  /** T4, the longest time a message stays in the network, ms: {@value}. */
  public static final long DEFAULT_T4_MILLIS = 5_000;
  /** Timer D over UDP, the wait for response retransmissions (RFC 3261: at least 32 s), ms: {@value}. */
  public static final long DEFAULT_TIMER_D_MILLIS = 32_000;
  /** How long an INVITE server transaction waits for the TU's provisional response before sending 100 Trying itself (RFC 3261 §17.2.1), ms: {@value}. */
  public static final long DEFAULT_TRYING_DELAY_MILLIS = 200;
  /** The most live transactions (client plus server) one layer holds: {@value}. */
  public static final int DEFAULT_MAX_TRANSACTIONS = 100_000;
  /**
   * Default {@link #maxLingeringTransactions()}: {@value}. Transactions that have their final
   * response and only absorb retransmissions (Timers D, I, J, K, M) beyond this number end at once.
   */
  public static final int DEFAULT_MAX_LINGERING_TRANSACTIONS = 200_000;
  /** The Retry-After of the 503 sent when {@link #maxTransactions()} is reached, seconds: {@value}. */
  public static final int DEFAULT_OVERLOAD_RETRY_AFTER_SECONDS = 5;
  /** Whether merged requests are answered 482 (RFC 3261 §8.2.2.2; a UAS does, a proxy does not): {@value}. */
  public static final boolean DEFAULT_REJECT_MERGED_REQUESTS = true;

  private static final TransactionConfig DEFAULT = builder().build();

  private final Duration t1;
  private final Duration t2;
  private final Duration t4;
  private final Duration timerD;
  private final Duration tryingDelay;
  private final int maxTransactions;
  private final int maxLingeringTransactions;
  private final int overloadRetryAfterSeconds;
  private final boolean rejectMergedRequests;

  private TransactionConfig(Builder b) {
    this.t1 = b.t1;
    this.t2 = b.t2;
    this.t4 = b.t4;
    this.timerD = b.timerD;
    this.tryingDelay = b.tryingDelay;
    this.maxTransactions = b.maxTransactions;
    this.maxLingeringTransactions = b.maxLingeringTransactions;
    this.overloadRetryAfterSeconds = b.overloadRetryAfterSeconds;
    this.rejectMergedRequests = b.rejectMergedRequests;
  }

  /** The defaults: T1 500 ms, T2 4 s, T4 5 s, Timer D 32 s, 100 Trying after 200 ms. */
  public static TransactionConfig defaults() {
    return DEFAULT;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.t1 = t1;
    b.t2 = t2;
    b.t4 = t4;
    b.timerD = timerD;
    b.tryingDelay = tryingDelay;
    b.maxTransactions = maxTransactions;
    b.maxLingeringTransactions = maxLingeringTransactions;
    b.overloadRetryAfterSeconds = overloadRetryAfterSeconds;
    b.rejectMergedRequests = rejectMergedRequests;
    return b;
  }

  /** T1, the round-trip time estimate. */
  public Duration t1() {
    return t1;
  }

  /** T2, the cap of the doubling retransmit interval. */
  public Duration t2() {
    return t2;
  }

  /** T4, the longest a message lingers in the network. */
  public Duration t4() {
    return t4;
  }

  /** Timer D over an unreliable transport. */
  public Duration timerD() {
    return timerD;
  }

  /** The delay before an INVITE server transaction sends 100 Trying on its own. */
  public Duration tryingDelay() {
    return tryingDelay;
  }

  /** The most live transactions; beyond it new requests get 503 and new client requests fail. */
  public int maxTransactions() {
    return maxTransactions;
  }

  /**
   * Most transactions kept after their final response only to absorb retransmissions; they do not
   * count toward {@link #maxTransactions()}. Beyond it, such a transaction ends at once (a late
   * retransmission is then answered anew or ignored), which bounds memory under load. The INVITE
   * server transaction's Accepted state (Timer L) always runs its course: 2xx retransmissions
   * pass through it.
   */
  public int maxLingeringTransactions() {
    return maxLingeringTransactions;
  }

  /** The Retry-After, in seconds, of the overload 503. */
  public int overloadRetryAfterSeconds() {
    return overloadRetryAfterSeconds;
  }

  /** Whether a merged request (RFC 3261 §8.2.2.2) is answered 482 Loop Detected. */
  public boolean rejectMergedRequests() {
    return rejectMergedRequests;
  }

  /** 64*T1: Timers B, F, H, J (UDP), L and M. */
  public long timeoutMillis() {
    return 64 * t1.toMillis();
  }

  @Override
  public String toString() {
    return "TransactionConfig{t1=" + t1.toMillis() + "ms, t2=" + t2.toMillis() + "ms, t4="
        + t4.toMillis() + "ms, timerD=" + timerD.toMillis() + "ms, tryingDelay="
        + tryingDelay.toMillis() + "ms, maxTransactions=" + maxTransactions
        + ", overloadRetryAfterSeconds=" + overloadRetryAfterSeconds
        + ", rejectMergedRequests=" + rejectMergedRequests + "}";
  }

  /** Builds a {@link TransactionConfig}; not thread-safe. */
  public static final class Builder {
    private Duration t1 = Duration.ofMillis(DEFAULT_T1_MILLIS);
    private Duration t2 = Duration.ofMillis(DEFAULT_T2_MILLIS);
    private Duration t4 = Duration.ofMillis(DEFAULT_T4_MILLIS);
    private Duration timerD = Duration.ofMillis(DEFAULT_TIMER_D_MILLIS);
    private Duration tryingDelay = Duration.ofMillis(DEFAULT_TRYING_DELAY_MILLIS);
    private int maxTransactions = DEFAULT_MAX_TRANSACTIONS;
    private int maxLingeringTransactions = DEFAULT_MAX_LINGERING_TRANSACTIONS;
    private int overloadRetryAfterSeconds = DEFAULT_OVERLOAD_RETRY_AFTER_SECONDS;
    private boolean rejectMergedRequests = DEFAULT_REJECT_MERGED_REQUESTS;

    private Builder() {}

    public Builder t1(Duration t1) {
      this.t1 = Objects.requireNonNull(t1, "t1");
      return this;
    }

    public Builder t2(Duration t2) {
      this.t2 = Objects.requireNonNull(t2, "t2");
      return this;
    }

    public Builder t4(Duration t4) {
      this.t4 = Objects.requireNonNull(t4, "t4");
      return this;
    }

    public Builder timerD(Duration timerD) {
      this.timerD = Objects.requireNonNull(timerD, "timerD");
      return this;
    }

    public Builder tryingDelay(Duration tryingDelay) {
      this.tryingDelay = Objects.requireNonNull(tryingDelay, "tryingDelay");
      return this;
    }

    /** See {@link TransactionConfig#maxLingeringTransactions()}; 0 ends them at once. */
    public Builder maxLingeringTransactions(int max) {
      this.maxLingeringTransactions = max;
      return this;
    }

    public Builder maxTransactions(int maxTransactions) {
      this.maxTransactions = maxTransactions;
      return this;
    }

    public Builder overloadRetryAfterSeconds(int seconds) {
      this.overloadRetryAfterSeconds = seconds;
      return this;
    }

    /**
     * Whether to answer merged requests 482; a UAS does (default), a proxy turns it off. Off, the
     * layer neither makes nor keeps a merged-request key for each transaction.
     */
    public Builder rejectMergedRequests(boolean reject) {
      this.rejectMergedRequests = reject;
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming the first value out of range
     */
    public TransactionConfig build() {
      positive("t1", t1);
      positive("t2", t2);
      positive("t4", t4);
      if (t2.compareTo(t1) < 0) {
        throw new IllegalArgumentException("t2 is shorter than t1: " + t2.toMillis() + " ms < "
            + t1.toMillis() + " ms");
      }
      if (timerD.isNegative()) {
        throw new IllegalArgumentException("timerD is negative: " + timerD.toMillis() + " ms");
      }
      if (tryingDelay.isNegative()) {
        throw new IllegalArgumentException("tryingDelay is negative: " + tryingDelay.toMillis() + " ms");
      }
      if (maxLingeringTransactions < 0) {
        throw new IllegalArgumentException(
            "maxLingeringTransactions out of range: " + maxLingeringTransactions);
      }
      if (maxTransactions < 1) {
        throw new IllegalArgumentException("maxTransactions out of range: " + maxTransactions);
      }
      if (overloadRetryAfterSeconds < 0) {
        throw new IllegalArgumentException(
            "overloadRetryAfterSeconds out of range: " + overloadRetryAfterSeconds);
      }
      return new TransactionConfig(this);
    }

    private static void positive(String name, Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d.toMillis() + " ms");
      }
    }
  }
}
