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
  private record Key(String callId, String tagA, String tagB) {
    static Key of(String callId, String tag1, String tag2) {
      return tag1.compareTo(tag2) <= 0 ? new Key(callId, tag1, tag2) : new Key(callId, tag2, tag1);
    }
  }

  private final ConcurrentHashMap<Key, Long> expiry = new ConcurrentHashMap<>();
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
    if (callId == null || fromTag == null || toTag == null) {
      return;
    }
    Key key = Key.of(callId, fromTag, toTag);
    if (expiry.containsKey(key)) {
      expiry.put(key, nowMillis + lifetimeMillis); // a retransmitted 2xx
      return;
    }
    if (size.incrementAndGet() > max) {
      size.decrementAndGet();
      uncounted.increment();
      return;
    }
    if (expiry.putIfAbsent(key, nowMillis + lifetimeMillis) != null) {
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
    for (Map.Entry<Key, Long> e : expiry.entrySet()) {
      if (e.getValue() <= nowMillis && expiry.remove(e.getKey(), e.getValue())) {
        size.decrementAndGet();
        removed++;
      }
    }
    return removed;
  }

  /** Dialogs counted now. */
  public int active() {
    return size.get();
  }

  /** Dialogs not counted since start because the table was full. */
  public long uncounted() {
    return uncounted.sum();
  }
}
