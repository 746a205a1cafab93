package dev.parley.dialog;

import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipStatus;
import dev.parley.sip.Via;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Tags for responses: random ones, and the keyed one a stateless UAS gives (RFC 3261 §8.2.7). The
 * response itself the request makes ({@link SipRequest#response(int, String)}); the builders
 * left here only delegate to it, until the server stops calling them.
 */
public final class Responses {
  /** Keys {@link #statelessTag}: drawn once per process, so tags are stable here, unguessable elsewhere. */
  private static final long STATELESS_TAG_KEY = new SecureRandom().nextLong();

  private Responses() {}

  /**
   * A response builder for {@code request} with {@code status}; {@code toTag} is used if To has
   * no tag.
   *
   * @deprecated the request makes its own response: {@link SipRequest#response(int, String)}
   */
  @Deprecated
  public static SipResponse.Builder to(SipRequest request, int status, String toTag) {
    return request.response(status, toTag);
  }

  /**
   * A response with the standard reason phrase and no To tag change beyond {@code toTag}.
   *
   * @deprecated use {@code request.response(status, toTag).build()}
   */
  @Deprecated
  public static SipResponse simple(SipRequest request, int status, String toTag) {
    return request.response(status, toTag).build();
  }

  /**
   * A response with a status from {@link SipStatus}.
   *
   * @deprecated use {@code request.response(status.code(), toTag).build()}
   */
  @Deprecated
  public static SipResponse simple(SipRequest request, SipStatus status, String toTag) {
    return request.response(status.code(), toTag).build();
  }

  /** A random tag, branch suffix or Call-ID part: 16 hex digits. */
  public static String randomToken() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }

  /**
   * The To tag a stateless UAS (RFC 3261 §8.2.7) gives its answer to {@code request}: the same
   * for every copy of the request, and for the ACK of a non-2xx answer to an INVITE (which
   * repeats the INVITE's Call-ID, From tag, CSeq number and top Via branch, §17.1.1.3), so
   * {@link #hasStatelessTag} can recognize that ACK without any state. 16 hex digits, a keyed
   * hash of those four values with a key drawn once per process (§19.3).
   */
  public static String statelessTag(SipRequest request) {
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
   * Whether {@code request}'s To tag is the one {@link #statelessTag} gives it: for an ACK, that
   * it acknowledges a stateless answer of this process (and has nowhere else to go).
   */
  public static boolean hasStatelessTag(SipRequest request) {
    String tag = request.to() == null ? null : request.to().tag();
    return tag != null && tag.length() == 16 && tag.equals(statelessTag(request));
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
