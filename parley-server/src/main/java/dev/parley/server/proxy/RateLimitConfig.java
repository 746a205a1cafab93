package dev.parley.server.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * The per-source limits of a {@link RateLimiter}: request rate and burst, failed-authentication
 * rate and burst, how long a guessing source stays blocked, and how many sources are tracked.
 * The config file's {@code limits.*} keys ({@code docs/server.md}, "Rate limits"); the defaults
 * are {@link RateLimiter}'s.
 *
 * <p>Immutable and thread-safe.
 */
public final class RateLimitConfig {
  private static final RateLimitConfig DEFAULTS = builder().build();

  private final double requestsPerSecond;
  private final int requestBurst;
  private final double authFailuresPerMinute;
  private final int authFailureBurst;
  private final Duration authBlock;
  private final int maxSources;

  private RateLimitConfig(Builder b) {
    this.requestsPerSecond = b.requestsPerSecond;
    this.requestBurst = b.requestBurst;
    this.authFailuresPerMinute = b.authFailuresPerMinute;
    this.authFailureBurst = b.authFailureBurst;
    this.authBlock = b.authBlock;
    this.maxSources = b.maxSources;
  }

  /** The defaults (50 requests/s, burst 100, 10 failures/min, burst 20, 5 min block). */
  public static RateLimitConfig defaults() {
    return DEFAULTS;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Sustained requests per second per source; 0 means no request limit. */
  public double requestsPerSecond() {
    return requestsPerSecond;
  }

  /** Requests a source may send at once. */
  public int requestBurst() {
    return requestBurst;
  }

  /** Sustained failed authentications per minute per source; 0 means no such limit. */
  public double authFailuresPerMinute() {
    return authFailuresPerMinute;
  }

  /** Failed authentications in a row that block a source. */
  public int authFailureBurst() {
    return authFailureBurst;
  }

  /** How long a source stays blocked after too many failed authentications. */
  public Duration authBlock() {
    return authBlock;
  }

  /** The most sources tracked at once. */
  public int maxSources() {
    return maxSources;
  }

  /** Whether both limits are off (no limiter is needed). */
  public boolean isOff() {
    return requestsPerSecond == 0 && authFailuresPerMinute == 0;
  }

  @Override
  public String toString() {
    return "RateLimitConfig[" + requestsPerSecond + "/s burst " + requestBurst + ", auth "
        + authFailuresPerMinute + "/min burst " + authFailureBurst + " block " + authBlock
        + ", " + maxSources + " sources]";
  }

  /** Builds a {@link RateLimitConfig}; not thread-safe. Setters check their argument at once. */
  public static final class Builder {
    private double requestsPerSecond = RateLimiter.DEFAULT_REQUESTS_PER_SECOND;
    private int requestBurst = RateLimiter.DEFAULT_REQUEST_BURST;
    private double authFailuresPerMinute = RateLimiter.DEFAULT_AUTH_FAILURES_PER_MINUTE;
    private int authFailureBurst = RateLimiter.DEFAULT_AUTH_FAILURE_BURST;
    private Duration authBlock = RateLimiter.DEFAULT_AUTH_BLOCK;
    private int maxSources = RateLimiter.DEFAULT_MAX_SOURCES;

    private Builder() {}

    /**
     * Default {@value RateLimiter#DEFAULT_REQUESTS_PER_SECOND}; 0 turns request limiting off.
     *
     * @throws IllegalArgumentException if negative, not finite or above 1,000,000
     */
    public Builder requestsPerSecond(double rate) {
      this.requestsPerSecond = rate("requests per second", rate);
      return this;
    }

    /**
     * Default {@value RateLimiter#DEFAULT_REQUEST_BURST}.
     *
     * @throws IllegalArgumentException if not in 1..1,000,000
     */
    public Builder requestBurst(int burst) {
      this.requestBurst = range("request burst", burst, 1_000_000);
      return this;
    }

    /**
     * Default {@value RateLimiter#DEFAULT_AUTH_FAILURES_PER_MINUTE}; 0 turns authentication
     * limiting off.
     *
     * @throws IllegalArgumentException if negative, not finite or above 1,000,000
     */
    public Builder authFailuresPerMinute(double rate) {
      this.authFailuresPerMinute = rate("auth failures per minute", rate);
      return this;
    }

    /**
     * Default {@value RateLimiter#DEFAULT_AUTH_FAILURE_BURST}.
     *
     * @throws IllegalArgumentException if not in 1..1,000,000
     */
    public Builder authFailureBurst(int burst) {
      this.authFailureBurst = range("auth failure burst", burst, 1_000_000);
      return this;
    }

    /**
     * Default 5 minutes.
     *
     * @throws IllegalArgumentException if not positive or longer than a day
     */
    public Builder authBlock(Duration block) {
      Objects.requireNonNull(block, "authBlock");
      if (block.isNegative() || block.isZero() || block.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("auth block out of range (0, 1 day]: " + block);
      }
      this.authBlock = block;
      return this;
    }

    /**
     * Default {@value RateLimiter#DEFAULT_MAX_SOURCES}.
     *
     * @throws IllegalArgumentException if not in 1..16,777,216
     */
    public Builder maxSources(int max) {
      this.maxSources = range("max sources", max, 1 << 24);
      return this;
    }

    /** The configuration. */
    public RateLimitConfig build() {
      return new RateLimitConfig(this);
    }

    private static double rate(String name, double v) {
      if (!(v >= 0 && v <= 1_000_000)) {
        throw new IllegalArgumentException(name + " out of range 0..1000000: " + v);
      }
      return v;
    }

    private static int range(String name, int v, int max) {
      if (v < 1 || v > max) {
        throw new IllegalArgumentException(name + " out of range 1.." + max + ": " + v);
      }
      return v;
    }
  }
}
