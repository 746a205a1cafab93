package dev.parley.server.proxy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Per-source limits against floods and password guessing (issue 5, item 6): a token bucket of
 * requests and a token bucket of failed authentications for each source address, in a bounded
 * table.
 *
 * <ul>
 *   <li>{@link #tryAcquire} takes one request token: a source may send {@code requestBurst}
 *       requests at once and {@code requestsPerSecond} on average. Over the limit it answers
 *       false and takes nothing, so a source that keeps sending still gets the refill rate
 *       through.
 *   <li>{@link #authFailed} takes one authentication token (refilled at
 *       {@code authFailuresPerMinute}); the failure that empties the bucket blocks the source for
 *       {@code authBlock}, during which {@link #authBlocked} answers true and the caller stops
 *       checking credentials from it. A user who mistypes a password now and then is never
 *       blocked; a dictionary attack (sipvicious' svcrack) gets {@code authFailureBurst} guesses,
 *       then a handful per block period.
 * </ul>
 *
 * <p>Sources are IPv4 addresses and IPv6 /64 prefixes (one IPv6 subscriber gets a whole /64, and
 * per-address keys would let it rotate addresses at will). Addresses matched by the
 * {@code trusted} {@link AddressMatcher} are never limited nor tracked.
 *
 * <p>The table holds at most {@code maxSources} sources; beyond that the least recently seen
 * source is forgotten, which only gives it a full bucket again. It is split into shards, each with
 * its own lock held for a map lookup and a few arithmetic operations: there is no global lock, and
 * nothing blocks or allocates much, so every method may run on an event loop for every request.
 * Time comes from an injected monotonic nanosecond clock (tests move it by hand).
 *
 * <p>What the caller answers a limited source is its choice; {@code docs/server.md} documents
 * Parley's (drop over UDP, 503 with {@link #retryAfterSeconds Retry-After} over TCP, TLS and
 * WebSocket). Thread-safe.
 */
public final class RateLimiter {
  /** Default sustained requests per second per source: {@value}. */
  public static final double DEFAULT_REQUESTS_PER_SECOND = 50;
  /** Default requests a source may send at once: {@value}. */
  public static final int DEFAULT_REQUEST_BURST = 100;
  /** Default sustained failed authentications per minute per source: {@value}. */
  public static final double DEFAULT_AUTH_FAILURES_PER_MINUTE = 10;
  /** Default failed authentications in a row that block a source: {@value}. */
  public static final int DEFAULT_AUTH_FAILURE_BURST = 20;
  /** Default block after too many failed authentications: 5 minutes. */
  public static final Duration DEFAULT_AUTH_BLOCK = Duration.ofMinutes(5);
  /** Default bound on the sources tracked: {@value}. */
  public static final int DEFAULT_MAX_SOURCES = 65_536;

  private static final int MAX_SHARDS = 64;

  private final double requestsPerNano;
  private final int requestBurst;
  private final double authPerNano;
  private final int authBurst;
  private final long authBlockNanos;
  private final AddressMatcher trusted;
  private final LongSupplier nanoClock;
  private final int maxSources;
  private final Shard[] shards;
  private final LongAdder requestsRefused = new LongAdder();
  private final LongAdder authFailures = new LongAdder();
  private final LongAdder blocks = new LongAdder();

  private RateLimiter(Builder b) {
    this.requestsPerNano = b.requestsPerSecond / 1e9;
    this.requestBurst = b.requestBurst;
    this.authPerNano = b.authFailuresPerMinute / 60e9;
    this.authBurst = b.authFailureBurst;
    this.authBlockNanos = b.authBlock.toNanos();
    this.trusted = b.trusted;
    this.nanoClock = b.nanoClock;
    this.maxSources = b.maxSources;
    int n = Integer.highestOneBit(Math.max(1, Math.min(MAX_SHARDS, b.maxSources / 64)));
    this.shards = new Shard[n];
    int perShard = Math.max(1, b.maxSources / n);
    for (int i = 0; i < n; i++) {
      shards[i] = new Shard(perShard);
    }
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Takes one request token of {@code source}'s bucket.
   *
   * @return true if the request may be handled (always for a trusted source, or when request
   *     limiting is off); false if the source is over its rate
   */
  public boolean tryAcquire(InetAddress source) {
    if (requestsPerNano == 0 || trusted.matches(source)) {
      return true;
    }
    long now = nanoClock.getAsLong();
    long key = key(source);
    Shard s = shard(key);
    synchronized (s) {
      Entry e = s.getOrCreate(key, now, requestBurst, authBurst);
      e.tokens = Math.min(requestBurst, e.tokens + (now - e.stamp) * requestsPerNano);
      e.stamp = now;
      if (e.tokens >= 1) {
        e.tokens -= 1;
        return true;
      }
    }
    requestsRefused.increment();
    return false;
  }

  /**
   * The check for each request: false when {@code source} is {@linkplain #authBlocked blocked}
   * for failed authentications (no token is taken), else {@link #tryAcquire}. Both refusals
   * count in {@link Stats#requestsRefused()}.
   */
  public boolean tryAdmit(InetAddress source) {
    if (authBlocked(source)) {
      requestsRefused.increment();
      return false;
    }
    return tryAcquire(source);
  }

  /**
   * Records a failed authentication from {@code source} (wrong password, unknown user, stale
   * credentials do not count: call it when the digest did not verify). The failure that
   * empties the source's bucket blocks it for {@code authBlock}. Ignored for trusted sources and
   * when authentication limiting is off.
   */
  public void authFailed(InetAddress source) {
    if (authPerNano == 0 || trusted.matches(source)) {
      return;
    }
    authFailures.increment();
    long now = nanoClock.getAsLong();
    long key = key(source);
    Shard s = shard(key);
    synchronized (s) {
      Entry e = s.getOrCreate(key, now, requestBurst, authBurst);
      e.authTokens = Math.min(authBurst, e.authTokens + (now - e.authStamp) * authPerNano);
      e.authStamp = now;
      e.authTokens = Math.max(0, e.authTokens - 1);
      if (e.authTokens < 1 && !e.blockedAt(now)) {
        e.blockedUntil = now + authBlockNanos;
        e.blocked = true;
        blocks.increment();
      }
    }
  }

  /**
   * Whether {@code source} is blocked after too many failed authentications: the caller should
   * not check its credentials (nor challenge it) until the block ends. False for trusted sources
   * and sources not tracked.
   */
  public boolean authBlocked(InetAddress source) {
    if (authPerNano == 0 || trusted.matches(source)) {
      return false;
    }
    long now = nanoClock.getAsLong();
    long key = key(source);
    Shard s = shard(key);
    synchronized (s) {
      Entry e = s.map.get(key);
      return e != null && e.blockedAt(now);
    }
  }

  /**
   * Whole seconds until {@code source} may be served again, at least 1: the rest of its
   * authentication block, or the time its request bucket needs to hold a token. For a
   * {@code Retry-After} header (RFC 3261 §20.33).
   */
  public long retryAfterSeconds(InetAddress source) {
    long now = nanoClock.getAsLong();
    long key = key(source);
    Shard s = shard(key);
    long waitNanos = 0;
    synchronized (s) {
      Entry e = s.map.get(key);
      if (e != null) {
        if (e.blockedAt(now)) {
          waitNanos = e.blockedUntil - now;
        }
        if (requestsPerNano > 0) {
          double tokens = Math.min(requestBurst, e.tokens + (now - e.stamp) * requestsPerNano);
          if (tokens < 1) {
            waitNanos = Math.max(waitNanos, (long) Math.ceil((1 - tokens) / requestsPerNano));
          }
        }
      }
    }
    return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
  }

  /** The trusted sources. */
  public AddressMatcher trusted() {
    return trusted;
  }

  /**
   * At most {@code max} sources blocked now for failed authentications, with the seconds left:
   * an IPv4 address, or an IPv6 /64 prefix ({@code 2001:db8:0:1::/64}), the way the limiter
   * counts them. Walks the table shard by shard: for the admin page, not a hot path.
   */
  public List<Blocked> blocked(int max) {
    long now = nanoClock.getAsLong();
    List<Blocked> out = new java.util.ArrayList<>();
    for (Shard s : shards) {
      synchronized (s) {
        for (Map.Entry<Long, Entry> e : s.map.entrySet()) {
          if (out.size() < max && e.getValue().blockedAt(now)) {
            out.add(new Blocked(source(e.getKey()),
                Math.max(1, (e.getValue().blockedUntil - now + 999_999_999L) / 1_000_000_000L)));
          }
        }
      }
    }
    return out;
  }

  /**
   * A source blocked for failed authentications.
   *
   * @param source its IPv4 address or IPv6 /64 prefix
   * @param secondsLeft whole seconds until the block ends, at least 1
   */
  public record Blocked(String source, long secondsLeft) {}

  /** The text of a {@link #key}. */
  static String source(long key) {
    if ((key >>> 32) == 0xFFFFL) {
      return ((key >>> 24) & 0xFF) + "." + ((key >>> 16) & 0xFF) + "." + ((key >>> 8) & 0xFF)
          + "." + (key & 0xFF);
    }
    StringBuilder b = new StringBuilder();
    for (int i = 3; i >= 0; i--) {
      b.append(Long.toHexString((key >>> (16 * i)) & 0xFFFF)).append(':');
    }
    return b.append(":/64").toString();
  }

  /** Counters for status pages; consistent per counter, not across counters. */
  public Stats stats() {
    int sources = 0;
    for (Shard s : shards) {
      synchronized (s) {
        sources += s.map.size();
      }
    }
    return new Stats(sources, maxSources, requestsRefused.sum(), authFailures.sum(), blocks.sum());
  }

  /**
   * What the limiter has seen since it was built.
   *
   * @param sources sources tracked now
   * @param maxSources the bound on {@code sources}
   * @param requestsRefused requests {@link #tryAcquire} (or {@link #tryAdmit}) refused
   * @param authFailures failed authentications recorded
   * @param authBlocks times a source was blocked for failing authentication
   */
  public record Stats(int sources, int maxSources, long requestsRefused, long authFailures,
      long authBlocks) {}

  /** IPv4: the address, tagged so it cannot equal an IPv6 key; IPv6: the /64 prefix. */
  static long key(InetAddress a) {
    if (a instanceof Inet4Address) {
      return 0xFFFF_0000_0000L | (a.hashCode() & 0xFFFF_FFFFL); // Inet4Address.hashCode is the address
    }
    byte[] b = a.getAddress();
    long k = 0;
    for (int i = 0; i < 8; i++) {
      k = k << 8 | (b[i] & 0xFF);
    }
    return k;
  }

  private Shard shard(long key) {
    long h = key * 0x9E37_79B9_7F4A_7C15L;
    return shards[(int) (h >>> 40) & (shards.length - 1)];
  }

  private static final class Entry {
    double tokens;
    long stamp;
    double authTokens;
    long authStamp;
    long blockedUntil;
    boolean blocked;

    boolean blockedAt(long now) {
      return blocked && now - blockedUntil < 0;
    }
  }

  /** One lock's worth of the table: an LRU map (access order) of at most {@code max} sources. */
  private static final class Shard {
    final LinkedHashMap<Long, Entry> map;

    Shard(int max) {
      this.map = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Entry> eldest) {
          return size() > max;
        }
      };
    }

    Entry getOrCreate(long key, long now, int requestBurst, int authBurst) {
      Entry e = map.get(key);
      if (e == null) {
        e = new Entry();
        e.tokens = requestBurst;
        e.stamp = now;
        e.authTokens = authBurst;
        e.authStamp = now;
        map.put(key, e);
      }
      return e;
    }
  }

  /** Builds a {@link RateLimiter}; not thread-safe. Setters check their argument at once. */
  public static final class Builder {
    private double requestsPerSecond = DEFAULT_REQUESTS_PER_SECOND;
    private int requestBurst = DEFAULT_REQUEST_BURST;
    private double authFailuresPerMinute = DEFAULT_AUTH_FAILURES_PER_MINUTE;
    private int authFailureBurst = DEFAULT_AUTH_FAILURE_BURST;
    private Duration authBlock = DEFAULT_AUTH_BLOCK;
    private int maxSources = DEFAULT_MAX_SOURCES;
    private AddressMatcher trusted = AddressMatcher.NONE;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder() {}

    /**
     * Sustained requests per second per source; default {@value #DEFAULT_REQUESTS_PER_SECOND};
     * 0 turns request limiting off.
     *
     * @throws IllegalArgumentException if negative, not finite or above 1,000,000
     */
    public Builder requestsPerSecond(double rate) {
      this.requestsPerSecond = rate("requestsPerSecond", rate);
      return this;
    }

    /**
     * Requests a source may send at once; default {@value #DEFAULT_REQUEST_BURST}.
     *
     * @throws IllegalArgumentException if not in 1..1,000,000
     */
    public Builder requestBurst(int burst) {
      this.requestBurst = range("requestBurst", burst, 1, 1_000_000);
      return this;
    }

    /**
     * Sustained failed authentications per minute per source; default
     * {@value #DEFAULT_AUTH_FAILURES_PER_MINUTE}; 0 turns authentication limiting off.
     *
     * @throws IllegalArgumentException if negative, not finite or above 1,000,000
     */
    public Builder authFailuresPerMinute(double rate) {
      this.authFailuresPerMinute = rate("authFailuresPerMinute", rate);
      return this;
    }

    /**
     * Failed authentications in quick succession that block a source; default
     * {@value #DEFAULT_AUTH_FAILURE_BURST}.
     *
     * @throws IllegalArgumentException if not in 1..1,000,000
     */
    public Builder authFailureBurst(int burst) {
      this.authFailureBurst = range("authFailureBurst", burst, 1, 1_000_000);
      return this;
    }

    /**
     * How long a source stays blocked; default 5 minutes.
     *
     * @throws IllegalArgumentException if not positive or longer than a day
     */
    public Builder authBlock(Duration block) {
      Objects.requireNonNull(block, "authBlock");
      if (block.isNegative() || block.isZero() || block.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("authBlock out of range (0, 1 day]: " + block);
      }
      this.authBlock = block;
      return this;
    }

    /**
     * The most sources tracked; default {@value #DEFAULT_MAX_SOURCES}.
     *
     * @throws IllegalArgumentException if not in 1..16,777,216
     */
    public Builder maxSources(int max) {
      this.maxSources = range("maxSources", max, 1, 1 << 24);
      return this;
    }

    /** Takes every limit of {@code config} (rates, bursts, block, table size). */
    public Builder config(RateLimitConfig config) {
      Objects.requireNonNull(config, "config");
      return requestsPerSecond(config.requestsPerSecond()).requestBurst(config.requestBurst())
          .authFailuresPerMinute(config.authFailuresPerMinute())
          .authFailureBurst(config.authFailureBurst()).authBlock(config.authBlock())
          .maxSources(config.maxSources());
    }

    /** Sources never limited nor tracked; default none. */
    public Builder trusted(AddressMatcher trusted) {
      this.trusted = Objects.requireNonNull(trusted, "trusted");
      return this;
    }

    /** A monotonic clock in nanoseconds; default {@link System#nanoTime()} (tests pass a fake). */
    public Builder nanoClock(LongSupplier nanoClock) {
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    /** The limiter. */
    public RateLimiter build() {
      return new RateLimiter(this);
    }

    private static double rate(String name, double v) {
      if (!(v >= 0 && v <= 1_000_000)) {
        throw new IllegalArgumentException(name + " out of range 0..1000000: " + v);
      }
      return v;
    }

    private static int range(String name, int v, int min, int max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(name + " out of range " + min + ".." + max + ": " + v);
      }
      return v;
    }
  }
}
