package dev.parley.server.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one normalisation of host spellings used wherever the server decides "is this ours"
 * (the proxy's domain and Route checks, the registrar's Request-URI and To checks): a host may
 * be written in many ways that name the same thing, and a check that knows only one spelling
 * lets the others through ({@code From: <sip:bob@127.000.000.001>} must be bob of a domain
 * served on 127.0.0.1, and be asked to authenticate).
 *
 * <ul>
 *   <li>names: lower case, IPv6 brackets and one trailing dot removed ({@code Example.COM.} is
 *       {@code example.com}, RFC 1034 §3.1);
 *   <li>IPv6 literals: the JDK's compressed form, without zone; an IPv4-mapped or
 *       IPv4-compatible address ({@code ::ffff:127.0.0.1}, {@code ::ffff:7f00:1}) is its IPv4
 *       address;
 *   <li>IPv4 literals in every form {@code inet_aton(3)} accepts (one to four parts, each
 *       decimal, octal with a leading {@code 0} or hex with {@code 0x}: {@code 127.1},
 *       {@code 0x7f.0.0.1}, {@code 2130706433}) and, where that differs, the reading of
 *       leading zeros as decimal ({@code 010.0.0.1} is 8.0.0.1 to {@code inet_aton} and
 *       10.0.0.1 to others). A host is ours when any reading is: a false "ours" only asks for
 *       credentials or refuses a relay, a false "foreign" would skip them.
 * </ul>
 *
 * <p>Never does a DNS lookup. Stateless and thread-safe.
 */
public final class Hosts {
  private Hosts() {}

  /**
   * The canonical readings of {@code host} (one for a name or an unambiguous address, two when
   * leading zeros make an IPv4 literal ambiguous); never empty.
   */
  public static List<String> readings(String host) {
    if (isCanonical(host)) {
      return List.of(host); // the usual spelling: every check of every request asks
    }
    return parsedReadings(host);
  }

  /** {@link #readings} by parsing {@code host}, whatever its spelling. */
  static List<String> parsedReadings(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".") && h.length() > 1) {
      h = h.substring(0, h.length() - 1);
    }
    int zone = h.indexOf('%');
    if (h.indexOf(':') >= 0) {
      String ip = zone < 0 ? h : h.substring(0, zone);
      return List.of(ipv6(ip));
    }
    List<String> out = new ArrayList<>(2);
    long aton = parseIpv4(h, false);
    long decimal = parseIpv4(h, true);
    if (aton >= 0) {
      out.add(dotted(aton));
    }
    if (decimal >= 0 && decimal != aton) {
      out.add(dotted(decimal));
    }
    if (!out.isEmpty()) {
      return out;
    }
    out.add(h);
    return out;
  }

  /**
   * Whether {@code h} is its own only reading, told without parsing it: a lower-case name
   * (letters, digits, {@code -} and dots, no trailing dot, no part that {@code inet_aton} could
   * read as hex, which needs {@code 0x}), or a dotted quad of decimal parts 0-255 without leading
   * zeros.
   */
  static boolean isCanonical(String h) {
    int n = h.length();
    if (n == 0 || n > 253 || h.charAt(n - 1) == '.' || h.charAt(0) == '.') {
      return false;
    }
    boolean name = false;
    for (int i = 0; i < n; i++) {
      char c = h.charAt(i);
      if ((c >= 'a' && c <= 'z') || c == '-') {
        name = true;
      } else if ((c < '0' || c > '9') && c != '.') {
        return false;
      }
    }
    if (name) {
      return !h.contains("0x");
    }
    int parts = 0;
    int i = 0;
    while (i < n) {
      int start = i;
      int value = 0;
      while (i < n && h.charAt(i) != '.') {
        value = value * 10 + (h.charAt(i) - '0');
        i++;
        if (i - start > 3) {
          return false;
        }
      }
      int len = i - start;
      if (len == 0 || value > 255 || (len > 1 && h.charAt(start) == '0')) {
        return false;
      }
      parts++;
      i++; // the dot
    }
    return parts == 4;
  }

  /** The first of {@link #readings}: the spelling to store and compare a host by. */
  public static String canonical(String host) {
    return readings(host).get(0);
  }

  /** Whether {@code host} is an IP literal in any form {@link #readings} understands. */
  public static boolean isIpLiteral(String host) {
    String h = host.startsWith("[") ? host : host.toLowerCase(Locale.ROOT);
    if (h.indexOf(':') >= 0) {
      return true;
    }
    if (h.endsWith(".") && h.length() > 1) {
      h = h.substring(0, h.length() - 1);
    }
    return parseIpv4(h, false) >= 0 || parseIpv4(h, true) >= 0;
  }

  private static String ipv6(String ip) {
    for (int i = 0; i < ip.length(); i++) {
      char c = ip.charAt(i);
      if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
        return ip; // not an address: compared as written
      }
    }
    try {
      InetAddress a = InetAddress.getByName(ip); // a literal: no lookup
      if (a instanceof Inet4Address) {
        return a.getHostAddress(); // the JDK maps ::ffff:a.b.c.d to IPv4
      }
      byte[] b = a.getAddress();
      boolean v4Compatible = true;
      for (int i = 0; i < 10; i++) {
        v4Compatible &= b[i] == 0;
      }
      if (v4Compatible && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff)
          || (b[10] == 0 && b[11] == 0 && (b[12] | b[13]) != 0))) {
        return ((b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff));
      }
      String s = a.getHostAddress();
      int z = s.indexOf('%');
      return z < 0 ? s : s.substring(0, z);
    } catch (UnknownHostException | RuntimeException e) {
      return ip;
    }
  }

  /**
   * An IPv4 address as {@code inet_aton} reads it (or with every part decimal), as an unsigned
   * 32-bit value; -1 when {@code h} is not one.
   */
  static long parseIpv4(String h, boolean decimalOnly) {
    if (h.isEmpty() || h.length() > 64) {
      return -1;
    }
    long[] parts = new long[4];
    int n = 0;
    int i = 0;
    while (true) {
      if (n == 4 || i >= h.length()) {
        return -1;
      }
      int radix = 10;
      int start = i;
      if (!decimalOnly && h.charAt(i) == '0' && i + 1 < h.length()) {
        char next = h.charAt(i + 1);
        if (next == 'x') {
          radix = 16;
          i += 2;
          start = i;
        } else if (next != '.') {
          radix = 8;
        }
      }
      long v = 0;
      while (i < h.length() && h.charAt(i) != '.') {
        int d = Character.digit(h.charAt(i), radix);
        if (d < 0) {
          return -1;
        }
        v = v * radix + d;
        if (v > 0xffffffffL) {
          return -1;
        }
        i++;
      }
      if (i == start && radix != 8) {
        return -1; // an empty part ("1..2", "0x")
      }
      parts[n++] = v;
      if (i == h.length()) {
        break;
      }
      i++; // the dot
    }
    long[] max = {0xffffffffL, 0xffffffL, 0xffffL, 0xffL};
    long value = 0;
    for (int k = 0; k < n - 1; k++) {
      if (parts[k] > 0xff) {
        return -1;
      }
      value |= parts[k] << (24 - 8 * k);
    }
    if (parts[n - 1] > max[n - 1]) {
      return -1;
    }
    return value | parts[n - 1];
  }

  private static String dotted(long v) {
    return ((v >>> 24) & 0xff) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
  }
}
