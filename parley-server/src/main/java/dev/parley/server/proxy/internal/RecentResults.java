package dev.parley.server.proxy.internal;

import java.util.function.Function;

/**
 * The last results of a pure function of immutable keys, in a direct-mapped table: what the proxy
 * would otherwise make again for every request to the same callee or from the same sender
 * (issue 16, {@code docs/performance.md}): a binding's {@link ProxyTarget} (a binding keeps its
 * contact, Path and source as packed text, so a target parses them back), the
 * {@code P-Asserted-Identity} text of an authenticated user.
 *
 * <p>A key goes to one slot ({@code hash & (slots - 1)}); a different key in that slot is
 * overwritten, so a miss costs the function and one small object, and the table never holds more
 * than {@code slots} keys and results (kept alive until overwritten). Keys are matched by identity
 * (and placed by {@link System#identityHashCode}) when {@code byIdentity}, which suits objects
 * replaced, never edited (a refreshed binding is a new {@code Binding}); else by
 * {@link Object#equals}.
 *
 * <p>Thread-safe without locks: a slot holds an immutable pair, published by a plain write (its
 * fields are final, so a reader sees it whole or sees another pair); two threads missing together
 * both compute, and one of their pairs stays.
 *
 * @param <K> the key: immutable
 * @param <V> the result: immutable, may be null
 */
final class RecentResults<K, V> {
  private record Slot<K, V>(K key, V value) {}

  private final Function<K, V> function;
  private final boolean byIdentity;
  private final Slot<K, V>[] slots;

  /**
   * @param slots the table's size, a power of two
   * @param byIdentity whether keys are the same only when they are the same object
   * @param function what is remembered; pure (the same key always gives an equal result)
   */
  @SuppressWarnings("unchecked")
  RecentResults(int slots, boolean byIdentity, Function<K, V> function) {
    if (slots <= 0 || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two: " + slots);
    }
    this.slots = (Slot<K, V>[]) new Slot<?, ?>[slots];
    this.byIdentity = byIdentity;
    this.function = java.util.Objects.requireNonNull(function, "function");
  }

  /** The function's result for {@code key}: remembered, or computed and remembered. */
  V get(K key) {
    int hash = byIdentity ? System.identityHashCode(key) : key.hashCode();
    int i = (hash ^ (hash >>> 16)) & (slots.length - 1);
    Slot<K, V> s = slots[i];
    if (s != null && (s.key() == key || (!byIdentity && s.key().equals(key)))) {
      return s.value();
    }
    V value = function.apply(key);
    slots[i] = new Slot<>(key, value);
    return value;
  }
}
