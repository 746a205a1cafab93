package dev.parley.server.registrar;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded pool of texts that many bindings repeat (User-Agent values: a deployment has a few
 * clients and versions, not one per user), so that equal values share one {@code String}.
 * Bounded in entries and in the length of a value: once full, or for a longer value, the value is
 * returned as given (never an error, never evicted: a REGISTER flood of made-up values costs at
 * most {@code maxEntries * maxLength} characters). Thread-safe and non-blocking.
 */
final class SharedTexts {
  private final ConcurrentHashMap<String, String> pool = new ConcurrentHashMap<>();
  private final int maxEntries;
  private final int maxLength;

  /**
   * A pool of at most {@code maxEntries} values of at most {@code maxLength} characters.
   *
   * @throws IllegalArgumentException if either is not positive
   */
  SharedTexts(int maxEntries, int maxLength) {
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
    }
    if (maxLength <= 0) {
      throw new IllegalArgumentException("maxLength must be positive: " + maxLength);
    }
    this.maxEntries = maxEntries;
    this.maxLength = maxLength;
  }

  /** The pooled copy of {@code value}, or {@code value} itself (null for null). */
  String share(String value) {
    if (value == null || value.length() > maxLength) {
      return value;
    }
    String shared = pool.get(value);
    if (shared != null) {
      return shared;
    }
    if (pool.size() >= maxEntries) {
      return value;
    }
    shared = pool.putIfAbsent(value, value);
    return shared != null ? shared : value;
  }

  /** How many values the pool holds. */
  int size() {
    return pool.size();
  }
}
