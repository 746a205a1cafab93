package dev.parley.server.proxy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A set of IP addresses written as a list of literal addresses and CIDR prefixes, such as
 * {@code "127.0.0.1, 10.0.0.0/8, ::1, 2001:db8::/32"}: the server's {@code trusted} sources
 * (gateways, load generators) that are neither challenged nor rate-limited.
 *
 * <p>Only IP literals are accepted, never host names: parsing does no DNS lookup, so a config
 * file cannot make start-up wait for (or be fooled by) the resolver. A prefix must not have host
 * bits set ({@code 10.0.0.1/8} is refused, naming {@code 10.0.0.0/8}): such an entry is
 * usually a typo, and silently widening it would trust more than was meant. An IPv4 entry
 * matches IPv4 sources (the JDK reports an IPv4-mapped IPv6 source {@code ::ffff:a.b.c.d} as
 * IPv4 too); an IPv6 entry matches IPv6 sources.
 *
 * <p>Immutable and thread-safe; {@link #matches} is allocation-free and cheap enough to call
 * for every request on an event loop.
 */
public final class AddressMatcher {
  /** Matches nothing. */
  public static final AddressMatcher NONE = new AddressMatcher(List.of(), new int[0], new int[0],
      new long[0], new long[0], new long[0], new long[0]);

  private final List<String> entries;
  private final int[] v4Network;
  private final int[] v4Mask;
  private final long[] v6NetworkHigh;
  private final long[] v6NetworkLow;
  private final long[] v6MaskHigh;
  private final long[] v6MaskLow;

  private AddressMatcher(List<String> entries, int[] v4Network, int[] v4Mask,
      long[] v6NetworkHigh, long[] v6NetworkLow, long[] v6MaskHigh, long[] v6MaskLow) {
    this.entries = entries;
    this.v4Network = v4Network;
    this.v4Mask = v4Mask;
    this.v6NetworkHigh = v6NetworkHigh;
    this.v6NetworkLow = v6NetworkLow;
    this.v6MaskHigh = v6MaskHigh;
    this.v6MaskLow = v6MaskLow;
  }

  /**
   * Parses a comma-separated list of IP addresses and {@code address/prefix-length} entries.
   * Whitespace around entries is ignored; an empty or blank text gives {@link #NONE}. IPv6
   * literals may be written in brackets ({@code [::1]}).
   *
   * @throws IllegalArgumentException naming the first bad entry and why, e.g.
   *     {@code "bad address entry '10.0.0.1/8': host bits set (did you mean 10.0.0.0/8?)"}
   * @throws NullPointerException if {@code text} is null
   */
  public static AddressMatcher parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isBlank()) {
      return NONE;
    }
    List<String> parts = new ArrayList<>();
    int start = 0;
    while (true) {
      int comma = text.indexOf(',', start);
      String part = (comma < 0 ? text.substring(start) : text.substring(start, comma)).strip();
      if (part.isEmpty()) {
        throw new IllegalArgumentException("empty address entry in '" + text.strip() + "'");
      }
      parts.add(part);
      if (comma < 0) {
        break;
      }
      start = comma + 1;
    }
    return of(parts);
  }

  /**
   * The matcher of the given entries, each an IP address or {@code address/prefix-length}.
   *
   * @throws IllegalArgumentException naming the first bad entry and why
   */
  public static AddressMatcher of(List<String> entries) {
    List<int[]> v4 = new ArrayList<>();
    List<long[]> v6 = new ArrayList<>();
    List<String> canonical = new ArrayList<>();
    for (String raw : entries) {
      Objects.requireNonNull(raw, "entry");
      String entry = raw.strip();
      try {
        parseEntry(entry, v4, v6, canonical);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bad address entry '" + entry + "': " + e.getMessage());
      }
    }
    if (canonical.isEmpty()) {
      return NONE;
    }
    int[] n4 = new int[v4.size()];
    int[] m4 = new int[v4.size()];
    for (int i = 0; i < v4.size(); i++) {
      n4[i] = v4.get(i)[0];
      m4[i] = v4.get(i)[1];
    }
    long[] nh = new long[v6.size()];
    long[] nl = new long[v6.size()];
    long[] mh = new long[v6.size()];
    long[] ml = new long[v6.size()];
    for (int i = 0; i < v6.size(); i++) {
      nh[i] = v6.get(i)[0];
      nl[i] = v6.get(i)[1];
      mh[i] = v6.get(i)[2];
      ml[i] = v6.get(i)[3];
    }
    return new AddressMatcher(List.copyOf(canonical), n4, m4, nh, nl, mh, ml);
  }

  private static void parseEntry(String entry, List<int[]> v4, List<long[]> v6,
      List<String> canonical) {
    if (entry.isEmpty()) {
      throw new IllegalArgumentException("empty");
    }
    int slash = entry.indexOf('/');
    String addressText = slash < 0 ? entry : entry.substring(0, slash);
    InetAddress address = literal(addressText);
    int bits = address instanceof Inet4Address ? 32 : 128;
    int prefix = bits;
    if (slash >= 0) {
      String p = entry.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("prefix length is not a number: '" + p + "'");
      }
      prefix = Integer.parseInt(p);
      if (prefix > bits) {
        throw new IllegalArgumentException("prefix length out of range 0.." + bits + ": " + prefix);
      }
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int a = toInt(b, 0);
      int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
      if ((a & ~mask) != 0) {
        throw new IllegalArgumentException("host bits set (did you mean "
            + v4Text(a & mask) + "/" + prefix + "?)");
      }
      v4.add(new int[] {a, mask});
      canonical.add(slash < 0 ? v4Text(a) : v4Text(a) + "/" + prefix);
    } else {
      long hi = toLong(b, 0);
      long lo = toLong(b, 8);
      long maskHi = prefix == 0 ? 0 : prefix >= 64 ? -1L : -1L << (64 - prefix);
      long maskLo = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
      if ((hi & ~maskHi) != 0 || (lo & ~maskLo) != 0) {
        throw new IllegalArgumentException("host bits set (did you mean "
            + v6Text(hi & maskHi, lo & maskLo) + "/" + prefix + "?)");
      }
      v6.add(new long[] {hi, lo, maskHi, maskLo});
      canonical.add(slash < 0 ? v6Text(hi, lo) : v6Text(hi, lo) + "/" + prefix);
    }
  }

  /** An IP literal, parsed without any DNS lookup. */
  private static InetAddress literal(String text) {
    String t = text;
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    if (t.indexOf(':') >= 0) {
      for (int i = 0; i < t.length(); i++) {
        char c = t.charAt(i);
        boolean ok = c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
            || (c >= 'A' && c <= 'F');
        if (!ok) {
          throw new IllegalArgumentException("not an IP address: '" + text + "'");
        }
      }
      try {
        // a string with ':' is only ever taken as an IPv6 literal: no resolver is asked
        InetAddress a = InetAddress.getByName(t);
        if (a instanceof Inet6Address || a instanceof Inet4Address) {
          return a;
        }
      } catch (UnknownHostException e) {
        // fall through
      }
      throw new IllegalArgumentException("not an IP address: '" + text + "'");
    }
    byte[] out = new byte[4];
    int octet = 0;
    int value = -1;
    int digits = 0;
    for (int i = 0; i <= t.length(); i++) {
      char c = i < t.length() ? t.charAt(i) : '.';
      if (c >= '0' && c <= '9') {
        if (digits > 0 && value == 0) {
          throw new IllegalArgumentException("leading zero in IPv4 address: '" + text + "'");
        }
        value = (value < 0 ? 0 : value * 10) + (c - '0');
        if (++digits > 3 || value > 255) {
          throw new IllegalArgumentException("not an IP address: '" + text + "'");
        }
      } else if (c == '.' && value >= 0 && octet < 4) {
        out[octet++] = (byte) value;
        value = -1;
        digits = 0;
      } else {
        throw new IllegalArgumentException("not an IP address: '" + text + "'");
      }
    }
    if (octet != 4) {
      throw new IllegalArgumentException("not an IP address: '" + text + "'");
    }
    try {
      return InetAddress.getByAddress(out);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: '" + text + "'");
    }
  }

  /** Whether {@code address} falls in one of the entries; false for null. */
  public boolean matches(InetAddress address) {
    if (address instanceof Inet4Address) {
      if (v4Network.length == 0) {
        return false;
      }
      int a = toInt(address.getAddress(), 0);
      for (int i = 0; i < v4Network.length; i++) {
        if ((a & v4Mask[i]) == v4Network[i]) {
          return true;
        }
      }
      return false;
    }
    if (address instanceof Inet6Address) {
      if (v6NetworkHigh.length == 0) {
        return false;
      }
      byte[] b = address.getAddress();
      long hi = toLong(b, 0);
      long lo = toLong(b, 8);
      for (int i = 0; i < v6NetworkHigh.length; i++) {
        if ((hi & v6MaskHigh[i]) == v6NetworkHigh[i] && (lo & v6MaskLow[i]) == v6NetworkLow[i]) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether no address matches. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The entries in canonical form ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, RFC 5952). */
  public List<String> entries() {
    return entries;
  }

  /** The entries in canonical form, comma-separated: {@link #parse} reads it back. */
  @Override
  public String toString() {
    return String.join(", ", entries);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AddressMatcher m && m.entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  private static int toInt(byte[] b, int at) {
    return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8
        | (b[at + 3] & 0xFF);
  }

  private static long toLong(byte[] b, int at) {
    return (toInt(b, at) & 0xFFFF_FFFFL) << 32 | (toInt(b, at + 4) & 0xFFFF_FFFFL);
  }

  private static String v4Text(int a) {
    return (a >>> 24) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF);
  }

  /** RFC 5952 text: lower-case hex, the longest run of two or more zero words as "::". */
  private static String v6Text(long hi, long lo) {
    int[] w = new int[8];
    for (int i = 0; i < 8; i++) {
      long word = i < 4 ? hi >>> (48 - 16 * i) : lo >>> (48 - 16 * (i - 4));
      w[i] = (int) (word & 0xFFFF);
    }
    int bestAt = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (w[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && w[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestAt = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestAt) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(w[i]));
    }
    return sb.toString();
  }
}
