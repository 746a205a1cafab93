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
 *
 * <p>A nonce is kept as two longs, not as its text: the 120 bits of the last
 * {@value #KEY_CHARS} base64url characters of a nonce of {@link NonceCodec}'s format, all of them
 * bits of its MAC (HMAC-SHA256, keyed with the server's secret, over the issue time, random bytes,
 * client and realm), so two nonces the server issued have the same key with probability
 * 2<sup>-120</sup>, and without the secret nobody can make a valid nonce with another's key. Any
 * other text (of another length, or not base64url: tests) is keyed by its length and two hashes
 * of its characters. Either way it must be a nonce whose MAC was checked, as {@link #advance}
 * requires: the key is not the whole text. About 90 bytes kept per nonce (an entry of two keys,
 * the issue time and the count, and the map's node) instead of about 160 with the nonce's String
 * (117 and 177 measured with the map's table).
 */
public final class NonceCounters {
  static final int SEGMENTS = 16;
  /** The characters of a nonce that make its key: 10 per long, 6 bits each. */
  static final int KEY_CHARS = 20;
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
   * Records a use of {@code nonce}, which must be one the server issued (its MAC checked: the
   * table keys nonces by bits of it).
   *
   * @param issuedAt the nonce's issue time
   * @param nc the nonce count, or 0 when the request had no qop (single use)
   * @param expiredBefore issue times before this are expired and may be purged
   */
  public Verdict advance(String nonce, long issuedAt, long nc, long expiredBefore) {
    int len = nonce.length();
    boolean format = len == NonceCodec.NONCE_CHARS && key(nonce, 0, 10) >= 0
        && key(nonce, 10, 20) >= 0 && key(nonce, 20, len - KEY_CHARS) >= 0;
    long k0 = format ? key(nonce, len - KEY_CHARS, len - KEY_CHARS / 2) : -1;
    long k1 = format ? key(nonce, len - KEY_CHARS / 2, len) : -1;
    if (k0 < 0 || k1 < 0) { // not of NonceCodec's format
      k0 = fallback(nonce, 0);
      k1 = fallback(nonce, 1);
    }
    Segment s = segments[(int) (k1 & (SEGMENTS - 1))];
    synchronized (s) {
      s.expiredBefore = expiredBefore;
      Entry probe = s.probe;
      probe.k0 = k0;
      probe.k1 = k1;
      Entry e = s.get(probe);
      if (e == null) {
        if (issuedAt <= s.watermark) {
          return Verdict.FORGOTTEN;
        }
        Entry n = new Entry(k0, k1, issuedAt, nc == 0 ? SINGLE_USE : nc);
        s.put(n, n);
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

  /**
   * The 6-bit values of the base64url characters {@code from..to} (at most 10) of {@code s},
   * packed; -1 if one is not base64url.
   */
  static long key(String s, int from, int to) {
    long k = 0;
    for (int i = from; i < to; i++) {
      int v = value(s.charAt(i));
      if (v < 0) {
        return -1;
      }
      k = k << 6 | v;
    }
    return k;
  }

  /**
   * The key of a text that is not a nonce of NonceCodec's format: negative (so it never equals a
   * packed key); for word 0 its length and its hash, for word 1 a second hash of its characters.
   */
  private static long fallback(String s, int word) {
    if (word == 0) {
      return Long.MIN_VALUE | (long) s.length() << 32 | (s.hashCode() & 0xFFFF_FFFFL);
    }
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h | Long.MIN_VALUE;
  }

  private static int value(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '-' ? 62 : c == '_' ? 63 : -1;
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

  /** A nonce's key, its issue time and the highest count accepted; also the segment's probe. */
  private static final class Entry {
    long k0;
    long k1;
    final long issuedAt;
    long highest;

    Entry(long k0, long k1, long issuedAt, long highest) {
      this.k0 = k0;
      this.k1 = k1;
      this.issuedAt = issuedAt;
      this.highest = highest;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && e.k0 == k0 && e.k1 == k1;
    }

    @Override
    public int hashCode() {
      return (int) (k0 ^ (k0 >>> 32));
    }
  }

  /** One LRU segment; guarded by its own monitor. */
  private static final class Segment extends LinkedHashMap<Entry, Entry> {
    private final int capacity;
    /** The key looked up (guarded by this segment's monitor; never put in the map). */
    final Entry probe = new Entry(0, 0, 0, 0);
    long watermark = Long.MIN_VALUE;
    long expiredBefore = Long.MIN_VALUE;

    Segment(int capacity) {
      super(16, 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<Entry, Entry> eldest) {
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
