package dev.parley.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits and timers of a {@link ServerLocator}: how long one DNS query may take, how much is
 * cached and for how long, and how much of what a DNS server sends is used. Every limit has a named
 * default and is checked by {@link Builder#build()}.
 *
 * <p>Immutable and thread-safe. Model: Netty's {@code HttpDecoderConfig}.
 */
public final class ServerLocatorConfig {
  /** Default {@link #queryTimeout()} in milliseconds: {@value}. */
  public static final int DEFAULT_QUERY_TIMEOUT_MILLIS = 3_000;
  /** Default {@link #maxCacheEntries()}: {@value} answers (0 turns the cache off). */
  public static final int DEFAULT_MAX_CACHE_ENTRIES = 512;
  /** Default {@link #maxCacheTtl()} in seconds: {@value}. */
  public static final int DEFAULT_MAX_CACHE_TTL_SECONDS = 3_600;
  /** Default {@link #maxRecordsPerAnswer()}: {@value} records of the asked type. */
  public static final int DEFAULT_MAX_RECORDS_PER_ANSWER = 32;
  /** Default {@link #maxHops()}: {@value} hops returned by one location. */
  public static final int DEFAULT_MAX_HOPS = 16;
  /** Default {@link #maxQueriesPerLocation()}: {@value} DNS questions for one location. */
  public static final int DEFAULT_MAX_QUERIES_PER_LOCATION = 32;

  /** The defaults. */
  public static final ServerLocatorConfig DEFAULT = builder().build();

  private final Duration queryTimeout;
  private final int maxCacheEntries;
  private final Duration maxCacheTtl;
  private final int maxRecordsPerAnswer;
  private final int maxHops;
  private final int maxQueriesPerLocation;

  private ServerLocatorConfig(Builder b) {
    this.queryTimeout = b.queryTimeout;
    this.maxCacheEntries = b.maxCacheEntries;
    this.maxCacheTtl = b.maxCacheTtl;
    this.maxRecordsPerAnswer = b.maxRecordsPerAnswer;
    this.maxHops = b.maxHops;
    this.maxQueriesPerLocation = b.maxQueriesPerLocation;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.queryTimeout = queryTimeout;
    b.maxCacheEntries = maxCacheEntries;
    b.maxCacheTtl = maxCacheTtl;
    b.maxRecordsPerAnswer = maxRecordsPerAnswer;
    b.maxHops = maxHops;
    b.maxQueriesPerLocation = maxQueriesPerLocation;
    return b;
  }

  /**
   * How long one DNS server may take to answer one query. A query that times out on every
   * configured server fails the location (it is not taken as "no records").
   */
  public Duration queryTimeout() {
    return queryTimeout;
  }

  /** Most answers (one per record type and name) kept in the positive cache; 0: no cache. */
  public int maxCacheEntries() {
    return maxCacheEntries;
  }

  /** Longest time an answer is cached, whatever TTL the DNS server gave. */
  public Duration maxCacheTtl() {
    return maxCacheTtl;
  }

  /** Most records of the asked type taken from one DNS answer; the rest are ignored. */
  public int maxRecordsPerAnswer() {
    return maxRecordsPerAnswer;
  }

  /** Most hops one location returns; later ones are dropped. */
  public int maxHops() {
    return maxHops;
  }

  /**
   * Most distinct DNS questions (cached answers included) one location may ask: a domain whose
   * NAPTR and SRV records fan out further gets what was found within the budget.
   */
  public int maxQueriesPerLocation() {
    return maxQueriesPerLocation;
  }

  @Override
  public String toString() {
    return "ServerLocatorConfig{queryTimeout=" + queryTimeout
        + ", maxCacheEntries=" + maxCacheEntries
        + ", maxCacheTtl=" + maxCacheTtl
        + ", maxRecordsPerAnswer=" + maxRecordsPerAnswer
        + ", maxHops=" + maxHops
        + ", maxQueriesPerLocation=" + maxQueriesPerLocation + "}";
  }

  /** Builds a {@link ServerLocatorConfig}; not thread-safe. */
  public static final class Builder {
    private Duration queryTimeout = Duration.ofMillis(DEFAULT_QUERY_TIMEOUT_MILLIS);
    private int maxCacheEntries = DEFAULT_MAX_CACHE_ENTRIES;
    private Duration maxCacheTtl = Duration.ofSeconds(DEFAULT_MAX_CACHE_TTL_SECONDS);
    private int maxRecordsPerAnswer = DEFAULT_MAX_RECORDS_PER_ANSWER;
    private int maxHops = DEFAULT_MAX_HOPS;
    private int maxQueriesPerLocation = DEFAULT_MAX_QUERIES_PER_LOCATION;

    private Builder() {}

    public Builder queryTimeout(Duration queryTimeout) {
      this.queryTimeout = Objects.requireNonNull(queryTimeout, "queryTimeout");
      return this;
    }

    public Builder maxCacheEntries(int count) {
      this.maxCacheEntries = count;
      return this;
    }

    public Builder maxCacheTtl(Duration maxCacheTtl) {
      this.maxCacheTtl = Objects.requireNonNull(maxCacheTtl, "maxCacheTtl");
      return this;
    }

    public Builder maxRecordsPerAnswer(int count) {
      this.maxRecordsPerAnswer = count;
      return this;
    }

    public Builder maxHops(int count) {
      this.maxHops = count;
      return this;
    }

    public Builder maxQueriesPerLocation(int count) {
      this.maxQueriesPerLocation = count;
      return this;
    }

    /**
     * The config.
     *
     * @throws IllegalArgumentException naming the first setting that is out of range
     */
    public ServerLocatorConfig build() {
      if (queryTimeout.isNegative() || queryTimeout.toMillis() == 0) {
        throw new IllegalArgumentException("queryTimeout must be at least 1 ms: " + queryTimeout);
      }
      if (maxCacheEntries < 0) {
        throw new IllegalArgumentException(
            "maxCacheEntries out of range (at least 0): " + maxCacheEntries);
      }
      if (maxCacheTtl.isNegative()) {
        throw new IllegalArgumentException("maxCacheTtl is negative: " + maxCacheTtl);
      }
      if (maxRecordsPerAnswer < 1) {
        throw new IllegalArgumentException(
            "maxRecordsPerAnswer out of range (at least 1): " + maxRecordsPerAnswer);
      }
      if (maxHops < 1) {
        throw new IllegalArgumentException("maxHops out of range (at least 1): " + maxHops);
      }
      if (maxQueriesPerLocation < 1) {
        throw new IllegalArgumentException(
            "maxQueriesPerLocation out of range (at least 1): " + maxQueriesPerLocation);
      }
      return new ServerLocatorConfig(this);
    }
  }
}
