package dev.parley.server.proxy.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The dialogs set up through the proxy, for the status page's count of active calls: a dialog is
 * counted when a 2xx to an INVITE the proxy record-routed passes upstream, and forgotten when a
 * BYE for it passes (from either side) or, for a call whose BYE took another path, after the
 * configured lifetime. Keyed by Call-ID and both tags (RFC 3261 §12), in either order, so the
 * caller's and the callee's BYE both find it; each 2xx of a forked INVITE is a dialog of its own.
 *
 * <p>Bounded: past {@code max} entries new dialogs go uncounted (and are counted as such) rather
 * than grow the table. Thread-safe; never blocks.
 */
public final class DialogTable {
  /**
   * Call-ID and both tags, equal to the same tags in the other order. Not sorted: sorting
   * compared the two tags, a branch whose side depends on the peers' tag formats (SIPp's carry
   * its process id, so the side flipped with each new caller process and sent the compiled
   * proxy back to the interpreter); equality tries both orders instead.
   */
  private record Key(String callId, String tag1, String tag2) {
    static Key of(String callId, String tag1, String tag2) {
      return new Key(callId, tag1, tag2);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && callId.equals(k.callId)
          && (tag1.equals(k.tag1) && tag2.equals(k.tag2)
              || tag1.equals(k.tag2) && tag2.equals(k.tag1));
    }

    @Override
    public int hashCode() {
      return callId.hashCode() * 31 + (tag1.hashCode() ^ tag2.hashCode()); // either order
    }
  }

  /** A counted dialog: when it lapses, and what the admin page lists (parties as first seen). */
  private record Entry(long expiresAt, Object from, Object to, long since) {}

  private final ConcurrentHashMap<Key, Entry> expiry = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int max;
  private final long lifetimeMillis;
  private final LongAdder uncounted = new LongAdder();

  /** A table of at most {@code max} dialogs, each forgotten {@code lifetimeMillis} after it started. */
  public DialogTable(int max, long lifetimeMillis) {
    this.max = max;
    this.lifetimeMillis = lifetimeMillis;
  }

  /** A dialog was confirmed at {@code nowMillis}: its Call-ID, From tag and To tag (a 2xx's). */
  public void confirmed(String callId, String fromTag, String toTag, long nowMillis) {
    confirmed(callId, fromTag, toTag, null, null, nowMillis);
  }

  /**
   * As above, keeping the parties for {@link #list}: {@code from} and {@code to} are the 2xx's
   * headers, kept as they are (their text is made only when an admin lists the calls).
   */
  public void confirmed(String callId, String fromTag, String toTag, Object from, Object to,
      long nowMillis) {
    if (callId == null || fromTag == null || toTag == null) {
      return;
    }
    Key key = Key.of(callId, fromTag, toTag);
    Entry old = expiry.get(key);
    if (old != null) {
      // a retransmitted 2xx
      expiry.put(key, new Entry(nowMillis + lifetimeMillis, old.from(), old.to(), old.since()));
      return;
    }
    if (size.incrementAndGet() > max) {
      size.decrementAndGet();
      uncounted.increment();
      return;
    }
    if (expiry.putIfAbsent(key, new Entry(nowMillis + lifetimeMillis, from, to, nowMillis))
        != null) {
      size.decrementAndGet();
    }
  }

  /** A BYE for the dialog of {@code callId} between {@code fromTag} and {@code toTag} passed. */
  public void ended(String callId, String fromTag, String toTag) {
    if (callId == null || fromTag == null || toTag == null) {
      return;
    }
    if (expiry.remove(Key.of(callId, fromTag, toTag)) != null) {
      size.decrementAndGet();
    }
  }

  /** Forgets the dialogs whose lifetime ended by {@code nowMillis}; returns how many. */
  public int sweep(long nowMillis) {
    int removed = 0;
    for (Map.Entry<Key, Entry> e : expiry.entrySet()) {
      if (e.getValue().expiresAt() <= nowMillis && expiry.remove(e.getKey(), e.getValue())) {
        size.decrementAndGet();
        removed++;
      }
    }
    return removed;
  }

  /**
   * At most {@code max} of the dialogs counted now, oldest first: call-ID, parties (their
   * header text; empty when not kept) and since when (epoch milliseconds). For the admin page;
   * walks the table, so not for a hot path.
   */
  public java.util.List<Listed> list(int max) {
    java.util.List<Listed> out = new java.util.ArrayList<>();
    for (Map.Entry<Key, Entry> e : expiry.entrySet()) {
      Entry v = e.getValue();
      out.add(new Listed(e.getKey().callId(), v.from() == null ? "" : v.from().toString(),
          v.to() == null ? "" : v.to().toString(), v.since()));
    }
    out.sort(java.util.Comparator.comparingLong(Listed::since));
    return out.size() > max ? java.util.List.copyOf(out.subList(0, max)) : out;
  }

  /** A dialog as {@link #list} gives it. */
  public record Listed(String callId, String from, String to, long since) {}

  /** Dialogs counted now. */
  public int active() {
    return size.get();
  }

  /** Dialogs not counted since start because the table was full. */
  public long uncounted() {
    return uncounted.sum();
  }
}
