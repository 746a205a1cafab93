package dev.parley.sip.internal;

import dev.parley.sip.Violation;

/**
 * The host rules of RFC 3261 §25.1 ({@code hostport}: {@code hostname}, {@code IPv4address},
 * {@code IPv6reference}, {@code port}), which the SIP URI, the tel URI's {@code phone-context}
 * and the Via's {@code sent-by} read. IPv6 follows RFC 4291 §2.2 as RFC 5954 corrected RFC 3261;
 * see {@link UriParser}.
 */
abstract class HostRules extends UriCursor {
  HostRules(CharSequence text, int start, int end, Leniency leniency) {
    super(text, start, end, leniency);
  }

  /** {@code hostport = host [ ":" port ]}: the host part; see {@link #consumePort()}. */
  String consumeHost() {
    int start = pos;
    if (peek() == '[') {
      return consumeIPv6reference();
    }
    pos = Rfc3261Rules.hostEnd(this, pos, end);
    if (peek() == ':' && looksLikeUnbracketedIPv6(start)) {
      throw error("an IPv6 address in a URI must be enclosed in [ ] (RFC 3261 §25.1, RFC 5118 §4.2)",
          start);
    }
    if (pos == start) {
      throw error(peek() < 0 ? "missing host" : "expected a host, found " + describe(peek()), pos);
    }
    check(Rfc3261Rules.hostnameOrIPv4address(this, start, pos));
    return text.subSequence(start, pos).toString();
  }

  boolean looksLikeUnbracketedIPv6(int start) {
    int colons = 0;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c == ':') {
        colons++;
      } else if (!Chars.is(c, Chars.HEX) && c != '.') {
        break;
      }
    }
    return colons >= 2;
  }

  /**
   * {@code hostname = *( domainlabel "." ) toplabel [ "." ]},
   * {@code domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum},
   * {@code toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum}.
   */
  void consumeHostname(int limit) {
    check(Rfc3261Rules.hostname(this, pos, limit));
    pos = limit;
  }

  /**
   * {@code IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT}, each part 0..255 as
   * RFC 3986 §3.2.2 {@code dec-octet} requires (leading zeros accepted).
   *
   * @return the address as an unsigned 32-bit value
   */
  long consumeIPv4address(int limit) {
    int start = pos;
    pos = Rfc3261Rules.index(check(Rfc3261Rules.ipv4address(this, start, limit)));
    return Rfc3261Rules.ipv4Value(this, start, pos);
  }

  /** {@code IPv6reference = "[" IPv6address "]"}. */
  String consumeIPv6reference() {
    int start = pos;
    pos++;
    int close = indexOf(']', pos);
    if (close < 0) {
      throw error("IPv6 reference without its closing ']'", start);
    }
    consumeIPv6address(close);
    if (pos != close) {
      throw error("unexpected " + describe(text.charAt(pos)) + " in IPv6 address", pos);
    }
    pos++;
    return text.subSequence(start, pos).toString();
  }

  /**
   * {@code IPv6address} per RFC 4291 §2.2 (as RFC 5954 corrects RFC 3261's {@code hexpart [ ":"
   * IPv4address ]}): {@code hex4 = 1*4HEXDIG} groups separated by {@code ":"}, eight of them or
   * fewer with one {@code "::"}, the last two optionally written as an IPv4 address. The three
   * colons that RFC 3261's ABNF admits before an IPv4 part (RFC 5118 §4.10) are reported.
   *
   * @return the eight 16-bit groups
   */
  int[] consumeIPv6address(int limit) {
    int start = pos;
    int[] groups = new int[8];
    int n = 0;
    int gap = -1;
    if (at(limit, pos) == ':') {
      if (at(limit, pos + 1) != ':') {
        throw error("IPv6 address cannot start with a single ':'", pos);
      }
      gap = 0;
      pos += 2;
      consumeExtraColon(limit);
    }
    while (pos < limit) {
      int groupStart = pos;
      if (isIPv4Ahead(limit, pos)) {
        long v4 = consumeIPv4address(limit);
        if (n + 2 > (gap >= 0 ? 7 : 8)) {
          throw error("too many groups in IPv6 address", groupStart);
        }
        groups[n++] = (int) (v4 >>> 16);
        groups[n++] = (int) (v4 & 0xFFFF);
        if (pos < limit) {
          throw error("the IPv4 part must end an IPv6 address", pos);
        }
        break;
      }
      int value = 0;
      while (pos < limit && Chars.is(text.charAt(pos), Chars.HEX)) {
        if (pos - groupStart == 4) {
          throw error("more than four hex digits in an IPv6 address group", groupStart);
        }
        value = value * 16 + Chars.hexValue(text.charAt(pos));
        pos++;
      }
      if (pos == groupStart) {
        throw error("unexpected " + describe(text.charAt(pos)) + " in IPv6 address", pos);
      }
      if (n == (gap >= 0 ? 7 : 8)) {
        throw error("too many groups in IPv6 address", groupStart);
      }
      groups[n++] = value;
      if (at(limit, pos) == ':') {
        if (at(limit, pos + 1) == ':') {
          if (gap >= 0) {
            throw error("'::' may appear only once in an IPv6 address", pos);
          }
          gap = n;
          pos += 2;
          consumeExtraColon(limit);
        } else {
          pos++;
          if (pos == limit) {
            throw error("IPv6 address cannot end with a single ':'", pos - 1);
          }
        }
      } else if (pos < limit) {
        throw error("unexpected " + describe(text.charAt(pos)) + " in IPv6 address", pos);
      }
    }
    if (n == 0 && gap < 0) {
      throw error("empty IPv6 address", start);
    }
    if (gap >= 0 && n > 7) {
      throw error("'::' must stand for at least one group in an IPv6 address", start);
    }
    if (gap < 0 && n != 8) {
      throw error("IPv6 address needs eight groups or one '::'", start);
    }
    if (gap < 0) {
      return groups;
    }
    int[] expanded = new int[8];
    System.arraycopy(groups, 0, expanded, 0, gap);
    System.arraycopy(groups, gap, expanded, 8 - (n - gap), n - gap);
    return expanded;
  }

  /** After {@code "::"}: a third colon before an IPv4 part is RFC 5118 §4.10's ABNF bug. */
  void consumeExtraColon(int limit) {
    if (at(limit, pos) != ':') {
      return;
    }
    if (!isIPv4Ahead(limit, pos + 1)) {
      throw error("':::' in IPv6 address", pos - 2);
    }
    leniency.violate(Violation.IPV6_EXTRA_COLON, pos);
    pos++;
  }

  boolean isIPv4Ahead(int limit, int p) {
    int i = p;
    while (i < limit && i - p < 4 && Chars.is(text.charAt(i), Chars.DIGIT)) {
      i++;
    }
    return i > p && i < limit && text.charAt(i) == '.';
  }

  /** {@code hostport = host [ ":" port ]}, {@code port = 1*DIGIT}, 0..65535. */
  int consumePort() {
    pos++;
    int start = pos;
    while (Chars.is(peek(), Chars.DIGIT)) {
      pos++;
    }
    if (pos == start) {
      throw error(peek() < 0 ? "empty port after ':'" : "expected a port, found " + describe(peek()),
          pos);
    }
    int value = Rfc3261Rules.port(this, start, pos);
    if (value < 0) {
      throw error("port out of range: " + text.subSequence(start, pos), start);
    }
    return value;
  }
}
