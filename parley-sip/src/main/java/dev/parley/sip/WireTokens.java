package dev.parley.sip;

import dev.parley.sip.internal.HeaderGrammar;
import dev.parley.sip.internal.Lexer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The known tokens of the byte-level fast path ({@link WireGrammar}, and {@link SipParser}'s
 * usual start line), as tables built once: the methods Parley knows by name, and the transports
 * and parameter names common enough that a parsed value shares the String grammar's Strings for
 * them instead of copying its octets. Stateless and thread-safe.
 */
final class WireTokens {
  /** Transports common enough to share their Strings (the String grammar's), by length. */
  static final String[][] COMMON_TRANSPORTS =
      byLength(HeaderGrammar.TRANSPORTS.toArray(new String[0]));
  /** Header parameter names shared with the String grammar, by length. */
  static final String[][] COMMON_PARAMETERS = byLength(Lexer.COMMON_PARAMETERS);
  /** URI parameter names common enough to share their Strings, by length. */
  static final String[][] COMMON_URI_PARAMETERS =
      byLength("lr", "transport", "user", "maddr", "ttl", "method", "ob", "gr", "ftag");
  /**
   * The methods the String grammar knows by name, by shape: at {@code length << 5 | (first octet
   * & 31)}, the methods of that length and first letter (one each today).
   */
  private static final SipMethod[][] METHODS = byShape(HeaderGrammar.METHODS);

  /** Eight (and four) octets of a byte array as one long (int), little-endian. */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  /** "SIP/2.0/" as {@link #LONGS} reads it. */
  private static final long SIP_2_0_SLASH = (long) LONGS.get(ascii("SIP/2.0/"), 0);
  /** The three-letter transports followed by a space, as {@link #INTS} reads them. */
  private static final int UDP_SP = (int) INTS.get(ascii("UDP "), 0);
  private static final int TCP_SP = (int) INTS.get(ascii("TCP "), 0);
  private static final int TLS_SP = (int) INTS.get(ascii("TLS "), 0);
  private static final String UDP = common(COMMON_TRANSPORTS, ascii("UDP"), 0, 3);
  private static final String TCP = common(COMMON_TRANSPORTS, ascii("TCP"), 0, 3);
  private static final String TLS = common(COMMON_TRANSPORTS, ascii("TLS"), 0, 3);
  /**
   * The parameters of a URI whose only parameter is {@code lr} without a value (a loose router's
   * Route and Record-Route), with the name String the parameter path shares: one immutable
   * instance for every such URI.
   */
  static final Parameters LOOSE_ROUTE =
      new Parameters(new String[] {common(COMMON_URI_PARAMETERS, ascii("lr"), 0, 2), null});

  private WireTokens() {}

  /**
   * The usual start of a via-parm at {@code b[from]}: exactly {@code SIP/2.0/} and UDP, TCP or
   * TLS followed by a space, read as one long and one int; the transport (the String the token
   * path would share), or null for anything else (then the octets are read one by one).
   */
  static String sentProtocol(byte[] b, int from, int to) {
    if (to - from < 12 || (long) LONGS.get(b, from) != SIP_2_0_SLASH) {
      return null;
    }
    int t = (int) INTS.get(b, from + 8);
    return t == UDP_SP ? UDP : t == TCP_SP ? TCP : t == TLS_SP ? TLS : null;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The method spelled by {@code b[from, to)} when it is one Parley knows (methods are
   * case-sensitive, RFC 3261 §7.1), else null: one candidate by length and first letter.
   */
  static SipMethod knownMethod(byte[] b, int from, int to) {
    int len = to - from;
    if (len <= 0 || len >= 16) {
      return null;
    }
    for (SipMethod m : METHODS[len << 5 | (b[from] & 31)]) {
      if (equalsAscii(b, from, to, m.name())) {
        return m;
      }
    }
    return null;
  }

  /** The String of {@code byLength} spelled exactly by {@code b[from, to)}, or null. */
  static String common(String[][] byLength, byte[] b, int from, int to) {
    int len = to - from;
    if (len < byLength.length) {
      for (String c : byLength[len]) {
        if (equalsAscii(b, from, to, c)) {
          return c;
        }
      }
    }
    return null;
  }

  /** Whether {@code b[from, to)} spells exactly {@code s} (ASCII). */
  static boolean equalsAscii(byte[] b, int from, int to, String s) {
    if (to - from != s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (b[from + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static SipMethod[][] byShape(List<String> names) {
    SipMethod[][] table = new SipMethod[16 << 5][0];
    for (String name : names) {
      int shape = name.length() << 5 | (name.charAt(0) & 31);
      table[shape] = Arrays.copyOf(table[shape], table[shape].length + 1);
      table[shape][table[shape].length - 1] = SipMethod.of(name);
    }
    return table;
  }

  /** {@code strings} grouped by length: a table built once for {@link #common}. */
  private static String[][] byLength(String... strings) {
    int max = 0;
    for (String s : strings) {
      max = Math.max(max, s.length());
    }
    String[][] table = new String[max + 1][0];
    for (String s : strings) {
      String[] same = Arrays.copyOf(table[s.length()], table[s.length()].length + 1);
      same[same.length - 1] = s;
      table[s.length()] = same;
    }
    return table;
  }
}
