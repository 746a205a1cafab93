package dev.parley.sip;

import dev.parley.sip.internal.UriParser;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * IP address literals as a Via's {@code sent-by} and {@code received} write them (RFC 3261
 * §18.2.1, RFC 5118): comparison with a packet's source address, and the text of that address.
 * Never resolves a name. Stateless.
 */
final class IpLiterals {
  private IpLiterals() {}

  /** A source address with the texts a stamp writes of it: {@link #text} of its IP, its port. */
  record SourceText(InetSocketAddress source, String ip, String port) {}

  /**
   * The texts of the last sources seen, by a hash of the source: a transport receives from few
   * peers, each request stamped with the same texts (not made again for every request). Elements
   * written without a lock: they are immutable, and a race only makes one twice.
   */
  private static final SourceText[] RECENT = new SourceText[16];

  /** The texts of {@code source}'s IP and port, kept for the next request from it. */
  static SourceText sourceText(InetSocketAddress source) {
    int slot = source.hashCode() & (RECENT.length - 1);
    SourceText t = RECENT[slot];
    if (t != null && (t.source() == source || t.source().equals(source))) {
      return t;
    }
    t = new SourceText(source, text(source.getAddress()), Integer.toString(source.getPort()));
    RECENT[slot] = t;
    return t;
  }

  /**
   * Whether {@code host} (an IPv4 address, or an IPv6 address with or without its brackets) is the
   * literal of {@code ip}; false for a host name.
   */
  static boolean isLiteralOf(String host, InetAddress ip) {
    String literal = host.length() >= 2 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']'
        ? host.substring(1, host.length() - 1) : host;
    byte[] octets = literal.indexOf(':') >= 0 ? UriParser.ipv6Octets(literal) : ipv4Octets(literal);
    return octets != null && Arrays.equals(octets, ip.getAddress());
  }

  /** IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT, each at most 255; else null. */
  static byte[] ipv4Octets(String text) {
    byte[] octets = new byte[4];
    int part = 0;
    int i = 0;
    int n = text.length();
    while (part < 4) {
      int start = i;
      int value = 0;
      while (i < n && i - start < 3 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        value = value * 10 + (text.charAt(i) - '0');
        i++;
      }
      if (i == start || value > 255) {
        return null;
      }
      octets[part++] = (byte) value;
      if (part < 4) {
        if (i >= n || text.charAt(i) != '.') {
          return null;
        }
        i++;
      }
    }
    return i == n ? octets : null;
  }

  /**
   * The address as a {@code received} parameter writes it: IPv4 dotted, IPv6 without brackets or
   * scope in the canonical text of RFC 5952 §4 (lower case, no leading zeros, the longest run of
   * two or more zero groups, the first of equal runs, as {@code ::}).
   */
  static String text(InetAddress ip) {
    if (!(ip instanceof Inet6Address)) {
      return ip.getHostAddress();
    }
    byte[] b = ip.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is not shortened (RFC 5952 §4.2.2)
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && groups[i] == 0) {
        i++;
      }
      if (i - start > bestLength) {
        bestStart = start;
        bestLength = i - start;
      }
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }
}
