package dev.parley.sip;

import dev.parley.sip.internal.Chars;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Finds the known {@link HeaderName} a header line's bytes start with, without allocating: the
 * canonical spelling followed by ':' compared eight masked octets at a time (the usual case), then
 * the canonical spelling alone, then any case or a compact form. Used by {@link SipParser}'s
 * framing; the tables are built once from {@link HeaderName}'s constants. Thread-safe.
 */
final class HeaderNameMatcher {
  /**
   * Known names and compact forms by length (up to 31) and lower-case first letter: a few
   * candidates each, compared without allocating. Every known name fits.
   */
  private static final HeaderName[][][] BY_SHAPE = new HeaderName[32][26][];
  private static final String[][][] SPELLING_BY_SHAPE = new String[32][26][];
  /**
   * Per first octet (ASCII) and length (up to 31), at {@code first << 5 | length}, the known names
   * of that shape (usually one): each as its canonical spelling followed by ':', in little-endian
   * words of eight octets, and the masks of the octets that count in each word
   * ({@link #matchWithColon}).
   */
  private static final HeaderName[][] COLON_NAMES = new HeaderName[128 << 5][0];
  /**
   * The first name of each shape again, flat (one load per word instead of four): its name, and at
   * {@code shape << 3} its four words, then their four masks.
   */
  private static final HeaderName[] FIRST_NAME = new HeaderName[128 << 5];
  private static final long[] FIRST_WORDS = new long[(128 << 5) << 3];
  private static final long[][][] COLON_WORDS = new long[128 << 5][0][];
  private static final long[][][] COLON_MASKS = new long[128 << 5][0][];
  private static final VarHandle OCTETS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  /** One-character strings for compact header names, so framing them allocates nothing. */
  private static final String[] ONE_CHAR = new String[128];

  static {
    for (int c = 0; c < ONE_CHAR.length; c++) {
      ONE_CHAR[c] = String.valueOf((char) c);
    }
    // HeaderName's initialisation does not touch this class: no cycle, whichever loads first.
    for (HeaderName h : HeaderName.knownNames()) {
      byFirstOctet(h);
      index(h.name(), h);
      if (h.compactForm() != 0) {
        index(String.valueOf(h.compactForm()), h);
      }
    }
  }

  private HeaderNameMatcher() {}

  private static void index(String spelling, HeaderName h) {
    String lower = spelling.toLowerCase(Locale.ROOT);
    int len = lower.length();
    int first = lower.charAt(0) - 'a';
    if (len < 32 && first >= 0 && first < 26) {
      HeaderName[] hs = BY_SHAPE[len][first];
      String[] ss = SPELLING_BY_SHAPE[len][first];
      int n = hs == null ? 0 : hs.length;
      HeaderName[] nh = new HeaderName[n + 1];
      String[] ns = new String[n + 1];
      if (n > 0) {
        System.arraycopy(hs, 0, nh, 0, n);
        System.arraycopy(ss, 0, ns, 0, n);
      }
      nh[n] = h;
      ns[n] = lower;
      BY_SHAPE[len][first] = nh;
      SPELLING_BY_SHAPE[len][first] = ns;
    }
  }

  /** Adds {@code h}'s canonical spelling and ':' to the words compared by {@link #matchWithColon}. */
  private static void byFirstOctet(HeaderName h) {
    byte[] spelling = (h.name() + ":").getBytes(StandardCharsets.US_ASCII);
    if (spelling.length > 32 || spelling[0] < 0) {
      return; // left to lookupCanonical
    }
    int words = (spelling.length + 7) / 8;
    long[] word = new long[words];
    long[] mask = new long[words];
    for (int k = 0; k < spelling.length; k++) {
      word[k / 8] |= (spelling[k] & 0xFFL) << (8 * (k % 8));
      mask[k / 8] |= 0xFFL << (8 * (k % 8));
    }
    int shape = spelling[0] << 5 | (spelling.length - 1);
    int n = COLON_NAMES[shape].length;
    COLON_NAMES[shape] = Arrays.copyOf(COLON_NAMES[shape], n + 1);
    COLON_WORDS[shape] = Arrays.copyOf(COLON_WORDS[shape], n + 1);
    COLON_MASKS[shape] = Arrays.copyOf(COLON_MASKS[shape], n + 1);
    COLON_NAMES[shape][n] = h;
    COLON_WORDS[shape][n] = word;
    COLON_MASKS[shape][n] = mask;
    if (n == 0) {
      FIRST_NAME[shape] = h;
      System.arraycopy(word, 0, FIRST_WORDS, shape << 3, words);
      System.arraycopy(mask, 0, FIRST_WORDS, (shape << 3) + 4, words);
    }
  }

  /**
   * The known name whose canonical spelling, followed at once by ':', starts {@code b} at
   * {@code from} and ends before {@code limit}; null for anything else (other spellings, a space
   * before the colon, unknown names), which {@link #lookupCanonical} and {@link #lookup} then
   * read. Compares eight octets at a time; octets past {@code limit} (but inside {@code b}) may be
   * read and are masked out.
   */
  static HeaderName matchWithColon(byte[] b, int from, int limit) {
    int first = b[from];
    int len = colonOffset(b, from, limit);
    if (first < 0 || len <= 0) {
      return null;
    }
    int shape = first << 5 | len;
    HeaderName h = FIRST_NAME[shape];
    int words = (len + 8) >>> 3; // the name and its ':', as every name of this shape
    if (h == null || from + words * 8 > b.length) {
      return null;
    }
    int k = shape << 3;
    boolean same = true;
    for (int w = 0; w < words && same; w++) {
      same = ((long) OCTETS.get(b, from + 8 * w) & FIRST_WORDS[k + 4 + w]) == FIRST_WORDS[k + w];
    }
    return same ? h : others(b, from, shape);
  }

  /** As {@link #matchWithColon}, the names of {@code shape} after its first. */
  private static HeaderName others(byte[] b, int from, int shape) {
    HeaderName[] names = COLON_NAMES[shape];
    candidates:
    for (int c = 1; c < names.length; c++) {
      long[] word = COLON_WORDS[shape][c];
      long[] mask = COLON_MASKS[shape][c];
      if (from + word.length * 8 > b.length) {
        continue;
      }
      for (int w = 0; w < word.length; w++) {
        if (((long) OCTETS.get(b, from + 8 * w) & mask[w]) != word[w]) {
          continue candidates;
        }
      }
      return names[c];
    }
    return null;
  }

  /**
   * Where the first ':' of {@code b[from, limit)} is, counted from {@code from}, when it is
   * within the first 32 octets (the longest known name is shorter); else -1. Eight octets at a
   * time with the "has zero byte" test on the octets XOR ':', whose lowest flagged octet is exact.
   */
  private static int colonOffset(byte[] b, int from, int limit) {
    int stop = Math.min(limit, from + 32);
    int i = from;
    for (; i + 8 <= stop; i += 8) {
      long x = (long) OCTETS.get(b, i) ^ 0x3A3A_3A3A_3A3A_3A3AL;
      long found = (x - 0x0101_0101_0101_0101L) & ~x & 0x8080_8080_8080_8080L;
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3) - from;
      }
    }
    for (; i < stop; i++) {
      if (b[i] == ':') {
        return i - from;
      }
    }
    return -1;
  }

  /**
   * The known header whose canonical spelling ({@code "Call-ID"}, not {@code "call-id"} or
   * {@code "i"}) is exactly {@code b[from, to)}, or null: the usual case, in one pass.
   */
  static HeaderName lookupCanonical(byte[] b, int from, int to) {
    int len = to - from;
    if (len > 1 && len < 32) {
      int first = Chars.lower((char) (b[from] & 0xFF)) - 'a';
      if (first >= 0 && first < 26) {
        HeaderName[] hs = BY_SHAPE[len][first];
        if (hs == null) {
          return null;
        }
        candidates:
        for (HeaderName h : hs) {
          String canonical = h.name();
          if (canonical.length() != len) {
            continue;
          }
          for (int i = 0; i < len; i++) {
            if (canonical.charAt(i) != b[from + i]) {
              continue candidates;
            }
          }
          return h;
        }
      }
    }
    return null;
  }

  /**
   * The known header spelled by the ASCII bytes {@code b[from, to)} in any case or as a compact
   * form, or null. Allocates nothing.
   */
  static HeaderName lookup(byte[] b, int from, int to) {
    int len = to - from;
    if (len > 0 && len < 32) {
      int first = Chars.lower((char) (b[from] & 0xFF)) - 'a';
      if (first >= 0 && first < 26) {
        HeaderName[] hs = BY_SHAPE[len][first];
        if (hs == null) {
          return null;
        }
        String[] ss = SPELLING_BY_SHAPE[len][first];
        for (int k = 0; k < hs.length; k++) {
          if (equalsIgnoreCase(ss[k], b, from)) {
            return hs[k];
          }
        }
        return null;
      }
    }
    return null;
  }

  private static boolean equalsIgnoreCase(String lower, byte[] b, int from) {
    for (int i = 0; i < lower.length(); i++) {
      if (lower.charAt(i) != Chars.lower((char) (b[from + i] & 0xFF))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The name {@code b[from, to)} as written, reusing the constant's spelling (or a cached letter)
   * when it matches.
   */
  static String spelling(HeaderName known, byte[] b, int from, int to) {
    int len = to - from;
    if (len == 1 && b[from] >= 0) {
      return ONE_CHAR[b[from]];
    }
    if (known != null && known.name().length() == len) {
      String canonical = known.name();
      boolean same = true;
      for (int k = 0; k < len && same; k++) {
        same = canonical.charAt(k) == b[from + k];
      }
      if (same) {
        return canonical;
      }
    }
    return new String(b, from, len, StandardCharsets.ISO_8859_1);
  }
}
