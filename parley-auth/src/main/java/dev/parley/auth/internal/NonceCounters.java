package dev.parley.auth.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Replay protection: per nonce, the highest nonce count accepted (RFC 7616 §3.4, §5.12), in a
 * bounded map.
 *
 * <p>The map is split into {@value #SEGMENTS} segments, each a least-recently-used map behind its
 * own lock, so verifications of different nonces rarely contend. When a segment is full its least
 * recently used entry is dropped; a still-valid nonce dropped that way can no longer be checked,
 * so the segment remembers the latest issue time it has dropped (its watermark) and answers
 * {@link Verdict#FORGOTTEN} for any unknown nonce issued no later: the server re-challenges with
 * {@code stale=true} rather than risk accepting a replay. Expired entries are purged as they reach
 * the old end. Thread-safe.
 */
public final class NonceCounters {
  static final int SEGMENTS = 16;
  /** The count recorded for a nonce used without qop: any later use is a replay. */
  private static final long SINGLE_USE = Long.MAX_VALUE;

  /** What {@link #advance} concluded. */
  public enum Verdict {
    /** First use of the nonce, or a higher count than before: recorded. */
    FRESH,
    /** A count not above the highest seen, or a second use of a nonce without qop. */
    REPLAY,
    /** The nonce may have been tracked and dropped: its use cannot be checked. */
    FORGOTTEN
  }

  private final Segment[] segments = new Segment[SEGMENTS];

  public NonceCounters(int maxEntries) {
    int perSegment = Math.max(1, maxEntries / SEGMENTS);
    for (int i = 0; i < SEGMENTS; i++) {
      segments[i] = new Segment(perSegment);
    }
  }

  /**
   * Records a use of {@code nonce}.
   *
   * @param issuedAt the nonce's issue time
   * @param nc the nonce count, or 0 when the request had no qop (single use)
   * @param expiredBefore issue times before this are expired and may be purged
   */
  public Verdict advance(String nonce, long issuedAt, long nc, long expiredBefore) {
    Segment s = segments[(nonce.hashCode() & 0x7FFF_FFFF) % SEGMENTS];
    synchronized (s) {
      s.expiredBefore = expiredBefore;
      Entry e = s.get(nonce);
      if (e == null) {
        if (issuedAt <= s.watermark) {
          return Verdict.FORGOTTEN;
        }
        s.put(nonce, new Entry(issuedAt, nc == 0 ? SINGLE_USE : nc));
        s.purgeExpired();
        return Verdict.FRESH;
      }
      if (nc == 0 || nc <= e.highest) {
        return Verdict.REPLAY;
      }
      e.highest = nc;
      return Verdict.FRESH;
    }
  }

  /** Number of nonces tracked (for tests and metrics). */
  public int size() {
    int n = 0;
    for (Segment s : segments) {
      synchronized (s) {
        n += s.size();
      }
    }
    return n;
  }

  private static final class Entry {
    final long issuedAt;
    long highest;

    Entry(long issuedAt, long highest) {
      this.issuedAt = issuedAt;
      this.highest = highest;
    }
  }

  /** One LRU segment; guarded by its own monitor. */
  private static final class Segment extends LinkedHashMap<String, Entry> {
    private final int capacity;
    long watermark = Long.MIN_VALUE;
    long expiredBefore = Long.MIN_VALUE;

    Segment(int capacity) {
      super(16, 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      if (size() <= capacity) {
        return false;
      }
      long t = eldest.getValue().issuedAt;
      if (t >= expiredBefore && t > watermark) {
        watermark = t;
      }
      return true;
    }

    /** Drops a few expired entries from the least recently used end. */
    void purgeExpired() {
      Iterator<Entry> it = values().iterator();
      for (int i = 0; i < 4 && it.hasNext(); i++) {
        if (it.next().issuedAt >= expiredBefore) {
          return;
        }
        it.remove();
      }
    }
  }
}
