package dev.parley.server.registrar;

import dev.parley.server.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The location service (RFC 3261 §10.2): the in-memory table of bindings from addresses of
 * record to contacts, filled by the {@link Registrar} and read by the proxy with
 * {@link #lookup(Aor)}.
 *
 * <p>The table is bounded by {@code maxBindings}. Lapsed bindings are never returned, and the
 * server removes them with {@link #sweep()} on a timer. Every change marks its AOR dirty; the
 * server writes dirty AORs to the {@link Store} behind in batches ({@link #drainDirty()}), as
 * Kamailio's usrloc does with {@code db_mode 2}, and loads them back on start ({@link #load}).
 *
 * <p>Thread-safe and non-blocking: safe to call on event loops. Updates of one AOR are atomic.
 */
public final class LocationService {
  /** Default bound on the number of bindings held: {@value}. */
  public static final int DEFAULT_MAX_BINDINGS = 1_000_000;

  private static final Comparator<Binding> ORDER = Comparator
      .comparingDouble((Binding b) -> -b.effectiveQ())
      .thenComparing(Comparator.comparingLong(Binding::registeredAt).reversed());

  private final ConcurrentHashMap<Aor, List<Binding>> table = new ConcurrentHashMap<>();
  private final Set<Aor> dirty = ConcurrentHashMap.newKeySet();
  private final AtomicInteger bindingCount = new AtomicInteger();
  private final Clock clock;
  private final int maxBindings;

  /**
   * A location service reading time from {@code clock} (wall time: expiry times are stored) and
   * holding at most {@code maxBindings} bindings.
   *
   * @throws IllegalArgumentException if {@code maxBindings} is not positive
   */
  public LocationService(Clock clock, int maxBindings) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxBindings <= 0) {
      throw new IllegalArgumentException("maxBindings must be positive: " + maxBindings);
    }
    this.maxBindings = maxBindings;
  }

  /** The clock that decides expiry. */
  public Clock clock() {
    return clock;
  }

  /**
   * The current bindings of {@code aor}, highest q-value first, then most recently refreshed
   * first; empty when the AOR has none.
   */
  public List<Binding> lookup(Aor aor) {
    List<Binding> list = table.get(aor);
    if (list == null) {
      return List.of();
    }
    long now = clock.millis();
    return live(list, now);
  }

  /** How many bindings the table holds (lapsed ones not yet swept included). */
  public int bindingCount() {
    return bindingCount.get();
  }

  /** How many AORs have bindings. */
  public int aorCount() {
    return table.size();
  }

  /**
   * The first {@code max} AORs with live bindings, in the order of their text
   * ({@code sip:user@host}), each with its bindings in {@link #lookup} order: for status pages.
   * Walks the whole table keeping only {@code max} entries (O(n log max) time, O(max) memory);
   * each AOR is read atomically, the table as a whole is not frozen.
   *
   * @throws IllegalArgumentException if {@code max} is negative
   */
  public Map<Aor, List<Binding>> snapshot(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max is negative: " + max);
    }
    long now = clock.millis();
    java.util.TreeMap<String, Map.Entry<Aor, List<Binding>>> first = new java.util.TreeMap<>();
    if (max > 0) {
      for (Map.Entry<Aor, List<Binding>> e : table.entrySet()) {
        String key = e.getKey().toString();
        if (first.size() == max && key.compareTo(first.lastKey()) >= 0) {
          continue;
        }
        List<Binding> live = live(e.getValue(), now);
        if (!live.isEmpty()) {
          first.put(key, Map.entry(e.getKey(), live));
          if (first.size() > max) {
            first.pollLastEntry();
          }
        }
      }
    }
    Map<Aor, List<Binding>> out = new LinkedHashMap<>();
    for (Map.Entry<Aor, List<Binding>> e : first.values()) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /** The bound on {@link #bindingCount()}. */
  public int maxBindings() {
    return maxBindings;
  }

  /**
   * Atomically replaces the live bindings of {@code aor} with what {@code change} makes of them
   * (the argument excludes lapsed bindings and is ordered as {@link #lookup} orders). An
   * exception thrown by {@code change} leaves the AOR unchanged and propagates.
   *
   * @return the new bindings, ordered
   * @throws TableFullException if the change would grow the table past its bound
   */
  public List<Binding> update(Aor aor, UnaryOperator<List<Binding>> change) {
    long now = clock.millis();
    Object[] result = new Object[1];
    table.compute(aor, (k, old) -> {
      List<Binding> current = old == null ? List.of() : live(old, now);
      List<Binding> next = new ArrayList<>(change.apply(current));
      // the AOR instance the table's key is (compute passes the argument, not the key held; the
      // old bindings hold the key): a refresh keeps no second copy of the AOR
      Aor held = old == null || old.isEmpty() ? k : old.get(0).aor();
      for (int i = 0; i < next.size(); i++) {
        next.set(i, next.get(i).sharingAor(held));
      }
      next.sort(ORDER);
      next = List.copyOf(next);
      int oldSize = old == null ? 0 : old.size();
      int delta = next.size() - oldSize;
      if (next.size() > current.size() && bindingCount.get() + delta > maxBindings) {
        throw new TableFullException();
      }
      bindingCount.addAndGet(delta);
      if (!next.equals(old == null ? List.of() : old)) {
        dirty.add(k);
      }
      result[0] = next;
      return next.isEmpty() ? null : next;
    });
    @SuppressWarnings("unchecked")
    List<Binding> out = (List<Binding>) result[0];
    return out;
  }

  /**
   * Removes every lapsed binding (marking its AOR dirty).
   *
   * @return how many were removed
   */
  public int sweep() {
    long now = clock.millis();
    int[] removed = new int[1];
    for (Map.Entry<Aor, List<Binding>> entry : table.entrySet()) {
      if (!hasExpired(entry.getValue(), now)) {
        continue; // read without the bin lock: most AORs have nothing lapsed
      }
      table.computeIfPresent(entry.getKey(), (k, old) -> {
        List<Binding> next = live(old, now);
        int gone = old.size() - next.size();
        if (gone == 0) {
          return old;
        }
        removed[0] += gone;
        bindingCount.addAndGet(-gone);
        dirty.add(k);
        return next.isEmpty() ? null : next;
      });
    }
    return removed[0];
  }

  /**
   * Loads bindings read from the store at start-up, dropping lapsed ones; replaces what the table
   * held for the AORs concerned. Loaded AORs are not marked dirty.
   *
   * @return how many bindings were loaded
   */
  public int load(Collection<Binding> bindings) {
    long now = clock.millis();
    Map<Aor, List<Binding>> byAor = new HashMap<>();
    for (Binding b : bindings) {
      if (!b.isExpired(now)) {
        byAor.computeIfAbsent(b.aor(), k -> new ArrayList<>()).add(b);
      }
    }
    int n = 0;
    for (Map.Entry<Aor, List<Binding>> e : byAor.entrySet()) {
      if (bindingCount.get() + e.getValue().size() > maxBindings) {
        break;
      }
      List<Binding> list = new ArrayList<>(e.getValue());
      list.sort(ORDER);
      List<Binding> old = table.put(e.getKey(), List.copyOf(list));
      bindingCount.addAndGet(list.size() - (old == null ? 0 : old.size()));
      n += list.size();
    }
    return n;
  }

  /**
   * Takes the AORs changed since the last call, with their current bindings (an empty list for
   * an AOR that has none left): what the write-behind flush writes. An AOR changed while this
   * runs is reported again next time.
   */
  public Map<Aor, List<Binding>> drainDirty() {
    Map<Aor, List<Binding>> out = new LinkedHashMap<>();
    for (Aor aor : dirty) {
      dirty.remove(aor);
      out.put(aor, table.getOrDefault(aor, List.of()));
    }
    return out;
  }

  /** Marks AORs dirty again (after a failed flush), so that the next flush writes them. */
  public void markDirty(Collection<Aor> aors) {
    dirty.addAll(aors);
  }

  /** How many AORs wait to be written. */
  public int dirtyCount() {
    return dirty.size();
  }

  private static boolean hasExpired(List<Binding> list, long now) {
    for (Binding b : list) {
      if (b.isExpired(now)) {
        return true;
      }
    }
    return false;
  }

  private static List<Binding> live(List<Binding> list, long now) {
    for (Binding b : list) {
      if (b.isExpired(now)) {
        List<Binding> out = new ArrayList<>(list.size());
        for (Binding x : list) {
          if (!x.isExpired(now)) {
            out.add(x);
          }
        }
        return List.copyOf(out);
      }
    }
    return list;
  }

  /** The table would grow past its bound. */
  static final class TableFullException extends RuntimeException {
    TableFullException() {
      super("location table full", null, false, false);
    }
  }
}
