package dev.parley.transaction.internal;

import dev.parley.sip.Via;
import java.util.concurrent.ThreadLocalRandom;

/** Fresh Via branches (RFC 3261 §8.1.1.7) and tags (§19.3) from a fast, thread-local random source. */
final class Identifiers {
  private Identifiers() {}

  /** A branch starting with the magic cookie, with 128 random bits: unique in space and time. */
  static String newBranch() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    StringBuilder sb = new StringBuilder(7 + 26).append(Via.MAGIC_COOKIE);
    appendBase36(sb, r.nextLong());
    appendBase36(sb, r.nextLong());
    return sb.toString();
  }

  /** A tag with 64 random bits. */
  static String newTag() {
    StringBuilder sb = new StringBuilder(13);
    appendBase36(sb, ThreadLocalRandom.current().nextLong());
    return sb.toString();
  }

  /**
   * {@code v} as an unsigned base-36 number, the text {@code Long.toUnsignedString(v, 36)} gives,
   * without the BigInteger that method makes for half of all values (a negative {@code v}): the
   * last digit is split off by an unsigned division, the rest is a non-negative long.
   */
  static void appendBase36(StringBuilder sb, long v) {
    if (v >= 0) {
      sb.append(Long.toString(v, 36));
      return;
    }
    long quotient = Long.divideUnsigned(v, 36);
    sb.append(Long.toString(quotient, 36))
        .append(Character.forDigit((int) (v - quotient * 36), 36));
  }
}
