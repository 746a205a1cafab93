package dev.parley.transaction.internal;

import dev.parley.sip.Via;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Fresh Via branches (RFC 3261 §8.1.1.7) and tags (§19.3) from a fast, thread-local random source. */
final class Identifiers {
  /** The most base-36 digits of an unsigned long ({@code Long.toUnsignedString(-1, 36)}). */
  private static final int MAX_DIGITS = 13;
  private static final byte[] COOKIE = Via.MAGIC_COOKIE.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DIGITS =
      "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
  /**
   * Where this thread writes an identifier's text before it becomes a String: the String is then
   * the only allocation (no builder, no String per number).
   */
  private static final ThreadLocal<byte[]> TEXT =
      ThreadLocal.withInitial(() -> new byte[COOKIE.length + 2 * MAX_DIGITS]);

  private Identifiers() {}

  /** A branch starting with the magic cookie, with 128 random bits: unique in space and time. */
  static String newBranch() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    byte[] text = TEXT.get();
    System.arraycopy(COOKIE, 0, text, 0, COOKIE.length);
    int n = writeBase36(text, COOKIE.length, r.nextLong());
    n = writeBase36(text, n, r.nextLong());
    return new String(text, 0, n, StandardCharsets.ISO_8859_1);
  }

  /** A tag with 64 random bits. */
  static String newTag() {
    byte[] text = TEXT.get();
    int n = writeBase36(text, 0, ThreadLocalRandom.current().nextLong());
    return new String(text, 0, n, StandardCharsets.ISO_8859_1);
  }

  /**
   * Writes {@code v} as an unsigned base-36 number, the text {@code Long.toUnsignedString(v, 36)}
   * gives, into {@code out} from {@code at} (room for {@value #MAX_DIGITS} digits); returns where
   * it ends. A negative {@code v} has its last digit split off by an unsigned division, the rest
   * is a non-negative long.
   */
  static int writeBase36(byte[] out, int at, long v) {
    int end = at + digitCount(v);
    int i = end;
    if (v < 0) {
      long quotient = Long.divideUnsigned(v, 36);
      out[--i] = DIGITS[(int) (v - quotient * 36)];
      v = quotient;
    }
    do {
      out[--i] = DIGITS[(int) (v % 36)];
      v /= 36;
    } while (v != 0);
    return end;
  }

  /** How many base-36 digits the unsigned value {@code v} has. */
  private static int digitCount(long v) {
    int n = 1;
    if (v < 0) {
      v = Long.divideUnsigned(v, 36);
      n++;
    }
    while (v >= 36) {
      v /= 36;
      n++;
    }
    return n;
  }
}
