package dev.parley.sip;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The To tags a UAS or a proxy gives the responses it makes ({@link SipRequest#response(int,
 * String)}; RFC 3261 §8.2.6.2, §19.3): a random one, or, for a stateless answer (a challenge, a
 * rejection) whose ACK must be recognized again without state, one derived from the request.
 *
 * <p>Thread-safe; never blocks.
 */
public final class Tags {
  /** Keys {@link #stateless}: drawn once per process, so tags are stable here, unguessable elsewhere. */
  private static final long STATELESS_TAG_KEY = new SecureRandom().nextLong();

  private Tags() {}

  /** A random tag (or Call-ID part): 16 hex digits. */
  public static String random() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }

  /**
   * The To tag a stateless UAS (RFC 3261 §8.2.7) gives its answer to {@code request}: the same
   * for every copy of the request, and for the ACK of a non-2xx answer to an INVITE (which
   * repeats the INVITE's Call-ID, From tag, CSeq number and top Via branch, §17.1.1.3), so
   * {@link #isStateless} can recognize that ACK without any state. 16 hex digits, a keyed hash
   * of those four values with a key drawn once per process (§19.3).
   */
  public static String stateless(SipRequest request) {
    long h = STATELESS_TAG_KEY;
    h = mix(h, request.callId());
    h = mix(h, request.from() == null ? null : request.from().tag());
    h = mix(h, request.cseq() == null ? null : Long.toString(request.cseq().sequence()));
    Via via = request.topVia();
    h = mix(h, via == null ? null : via.branch());
    // MurmurHash3's 64-bit finalizer: every input bit reaches every output bit
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return Long.toHexString(h | Long.MIN_VALUE);
  }

  /**
   * Whether {@code request}'s To tag is the one {@link #stateless} gives it: for an ACK, that it
   * acknowledges a stateless answer of this process (and has nowhere else to go).
   */
  public static boolean isStateless(SipRequest request) {
    String tag = request.to() == null ? null : request.to().tag();
    return tag != null && tag.length() == 16 && tag.equals(stateless(request));
  }

  /** FNV-1a over {@code s}'s chars, then a separator, so ("ab","c") and ("a","bc") differ. */
  private static long mix(long h, String s) {
    if (s != null) {
      for (int i = 0; i < s.length(); i++) {
        h = (h ^ s.charAt(i)) * 0x100000001b3L;
      }
    }
    return (h ^ 0x1f) * 0x100000001b3L;
  }
}
