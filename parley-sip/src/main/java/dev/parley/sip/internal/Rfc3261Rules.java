package dev.parley.sip.internal;

/**
 * The rules of the RFC 3261 §25.1 grammar that both parsers of {@code parley-sip} apply, written
 * once: the byte-level fast path ({@code dev.parley.sip.WireGrammar}), which declines a value that
 * fails one, and the String grammar ({@link Lexer}, {@link HeaderGrammar}, {@link UriParser}),
 * which reports the failure at the index a rule gives. The characters themselves are the classes
 * of {@link Chars}; a rule here reads a {@link CharSource}, so the same code runs over octets and
 * over characters, and a grammar fix lands in both parsers at once.
 *
 * <p>A rule that can fail answers a <em>verdict</em>, a long made of a fault ({@link #fault}:
 * {@link #OK} or one of the constants below) and an index ({@link #index}: where the rule ended
 * when it passed, else where the fault is). The fast path tests the fault; the String grammar
 * turns it into its message. A rule reads only within the bounds it is given, and never throws
 * on any character. Stateless and thread-safe.
 */
public final class Rfc3261Rules {
  /** The rule passed; the index is where it ended. */
  public static final int OK = 0;
  /** hostname: a label is empty (index: its '.'), or the host is. */
  public static final int EMPTY_LABEL = 1;
  /** hostname: a label starts with '-' (index: the '-'). */
  public static final int LABEL_STARTS_WITH_HYPHEN = 2;
  /** hostname: a label ends with '-' (index: the '-'). */
  public static final int LABEL_ENDS_WITH_HYPHEN = 3;
  /** hostname: the toplabel does not start with ALPHA (index: its start). */
  public static final int TOPLABEL_NOT_ALPHA = 4;
  /** IPv4address: fewer than four parts (index: where a '.' was expected). */
  public static final int IPV4_TOO_FEW_PARTS = 5;
  /** IPv4address: a part of more than three digits (index: its start). */
  public static final int IPV4_LONG_PART = 6;
  /** IPv4address: an empty part (index: where it should be). */
  public static final int IPV4_EMPTY_PART = 7;
  /** IPv4address: a part above 255 (index: its start). */
  public static final int IPV4_PART_OUT_OF_RANGE = 8;
  /** host: digits and dots that go on after a whole IPv4address (index: the first extra). */
  public static final int IPV4_TRAILING = 9;
  /** ttl: not 1*3DIGIT (index: the offending character). */
  public static final int TTL_NOT_DIGITS = 10;
  /** ttl: above 255 (index: its start). */
  public static final int TTL_OUT_OF_RANGE = 11;
  /** A value that must be a token holds another character (index: that character). */
  public static final int NOT_A_TOKEN = 12;
  /** callid: an '@' first or a second '@' (index: that '@'). */
  public static final int CALLID_AT = 13;
  /** callid: empty, or ending with its '@' (index: its start). */
  public static final int CALLID_EMPTY = 14;
  /** quoted-string: no closing DQUOTE, or a '\' last (index: the opening DQUOTE). */
  public static final int UNTERMINATED_QUOTED_STRING = 15;
  /** quoted-string: a quoted-pair escaping CR or LF (index: the '\'). */
  public static final int BAD_QUOTED_PAIR = 16;
  /** quoted-string: a character neither qdtext nor in a quoted-pair (index: that character). */
  public static final int NOT_QDTEXT = 17;

  /** A uri-parameter of no rule of its own: other-param (and lr-param). */
  public static final int OTHER_PARAMETER = 0;
  /** ttl-param = "ttl=" ttl. */
  public static final int TTL_PARAMETER = 1;
  /** maddr-param = "maddr=" host. */
  public static final int MADDR_PARAMETER = 2;
  /** transport-param, user-param, method-param: a token value (other-transport, other-user, Method). */
  public static final int TOKEN_PARAMETER = 3;

  private Rfc3261Rules() {}

  // --- verdicts -------------------------------------------------------------------------------

  /** The verdict of {@code fault} at {@code index}. */
  public static long verdict(int fault, int index) {
    return (long) index << 8 | fault;
  }

  /** The fault of a verdict: {@link #OK} or one of the fault constants. */
  public static int fault(long verdict) {
    return (int) (verdict & 0xFF);
  }

  /** The index of a verdict: where the rule ended ({@link #OK}), else where the fault is. */
  public static int index(long verdict) {
    return (int) (verdict >>> 8);
  }

  private static long ok(int end) {
    return verdict(OK, end);
  }

  // --- runs ---------------------------------------------------------------------------------

  /**
   * token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"): where the
   * run of token characters from {@code from} ends, at most {@code limit} ({@code from} when
   * there is none).
   */
  public static int tokenEnd(CharSource s, int from, int limit) {
    int i = from;
    while (i < limit && s.is(i, Chars.TOKEN)) {
      i++;
    }
    return i;
  }

  /**
   * The characters of hostname and IPv4address (alphanum / "-" / "."): where their run from
   * {@code from} ends, at most {@code limit}.
   */
  public static int hostEnd(CharSource s, int from, int limit) {
    int i = from;
    while (i < limit && s.is(i, Chars.HOST)) {
      i++;
    }
    return i;
  }

  /**
   * *( classes / escaped ), escaped = "%" HEXDIG HEXDIG: where the run from {@code from} ends, at
   * most {@code limit}. It stops at the first character neither of {@code classes} nor starting
   * a whole escape; the caller judges that character (a '%' without two hex digits, a
   * {@link Chars#UNWISE} one, or simply the end of the component).
   */
  public static int escapedRunEnd(CharSource s, int from, int limit, int classes) {
    int i = from;
    while (i < limit) {
      int c = s.at(i);
      if (Chars.is(c, classes)) {
        i++;
      } else if (c == '%' && i + 2 < limit && s.is(i + 1, Chars.HEX) && s.is(i + 2, Chars.HEX)) {
        i += 3;
      } else {
        break;
      }
    }
    return i;
  }

  /**
   * display-name = *(token LWS), the unquoted form: where the run of token characters and
   * whitespace from {@code from} ends, at most {@code limit}. What stops it tells the caller
   * what the value is: a '<' (a name-addr; whitespace just before it is LWS, else RFC 4475's
   * missing space), a ':' (an addr-spec's scheme, when the run holds no whitespace), or neither.
   */
  public static int displayNameEnd(CharSource s, int from, int limit) {
    int i = from;
    while (i < limit) {
      int c = s.at(i);
      if (!Chars.is(c, Chars.TOKEN) && c != ' ' && c != '\t') {
        break;
      }
      i++;
    }
    return i;
  }

  /**
   * SWS = [LWS], over a header value that framing has unfolded (LWS is then a run of SP and
   * HTAB): where the run of SP and HTAB from {@code from} ends, at most {@code limit}.
   */
  public static int swsEnd(CharSource s, int from, int limit) {
    int i = from;
    while (i < limit) {
      int c = s.at(i);
      if (c != ' ' && c != '\t') {
        break;
      }
      i++;
    }
    return i;
  }

  /**
   * quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE, qdtext = LWS / %x21 / %x23-5B /
   * %x5D-7E / UTF8-NONASCII, quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F), read from the
   * opening DQUOTE at {@code from} and not beyond {@code limit}: {@link #OK} with the index after
   * the closing DQUOTE, else {@link #UNTERMINATED_QUOTED_STRING}, {@link #BAD_QUOTED_PAIR} or
   * {@link #NOT_QDTEXT}. Octets and characters from 0x80 up count as UTF8-NONASCII (the String
   * grammar reads decoded characters; the byte-level reader judges the octets' encoding itself);
   * a quoted-pair escapes any other character, as the String grammar has always read it.
   */
  public static long quotedStringEnd(CharSource s, int from, int limit) {
    int i = from + 1;
    while (i < limit) {
      int c = s.at(i);
      if (c == '"') {
        return ok(i + 1);
      }
      if (c == '\\') {
        if (i + 1 >= limit) {
          break;
        }
        int q = s.at(i + 1);
        if (q == '\n' || q == '\r') {
          return verdict(BAD_QUOTED_PAIR, i);
        }
        i += 2;
        continue;
      }
      if (c < 0x80 && !Chars.is(c, Chars.QDTEXT)) {
        return verdict(NOT_QDTEXT, i);
      }
      i++;
    }
    return verdict(UNTERMINATED_QUOTED_STRING, from);
  }

  // --- host ---------------------------------------------------------------------------------

  /**
   * host = hostname / IPv4address, for a run of host characters {@code s[from, to)} (see
   * {@link #hostEnd}): an IPv4address when it is all digits and dots, else a hostname. The same
   * verdict as {@link #host} over that run.
   */
  public static long hostnameOrIPv4address(CharSource s, int from, int to) {
    return host(s, from, to);
  }

  /**
   * host = hostname / IPv4address (an IPv6reference is the caller's), in one pass: the run of
   * host characters from {@code from} (at most {@code limit}, where {@link #hostEnd} would stop)
   * judged as an IPv4address when it is all digits and dots, else as a {@link #hostname}. The
   * verdict is theirs: when it passes, the index is the end of the run; a hostname fault is the
   * first one {@link #hostname} would report. An empty run is {@link #IPV4_EMPTY_PART}, as an
   * IPv4address.
   */
  public static long host(CharSource s, int from, int limit) {
    int labelStart = from;
    int topStart = from;
    boolean numeric = true;
    long fault = -1; // the first hostname fault, judged only if the run is not numeric
    // While numeric: whether the run so far is a plain IPv4address (parts of 1-3 digits, each
    // 0..255, at most four); anything else numeric goes to ipv4address for its exact fault.
    boolean plainIPv4 = true;
    int dots = 0;
    int partLength = 0;
    int part = 0;
    int i = from;
    for (; i < limit; i++) {
      int c = s.at(i);
      if (!Chars.is(c, Chars.HOST)) {
        break;
      }
      if (c == '.') {
        if (fault < 0) {
          if (i == labelStart) {
            fault = verdict(EMPTY_LABEL, i);
          } else if (s.at(i - 1) == '-') {
            fault = verdict(LABEL_ENDS_WITH_HYPHEN, i - 1);
          }
        }
        topStart = labelStart;
        labelStart = i + 1;
        plainIPv4 &= partLength > 0 && part <= 255 && ++dots <= 3;
        partLength = 0;
        part = 0;
      } else if (c >= '0' && c <= '9') {
        plainIPv4 &= ++partLength <= 3;
        part = part * 10 + c - '0';
      } else {
        numeric = false;
        if (c == '-' && i == labelStart && fault < 0) {
          fault = verdict(LABEL_STARTS_WITH_HYPHEN, i);
        }
      }
    }
    if (numeric) {
      if (plainIPv4 && dots == 3 && partLength > 0 && part <= 255) {
        return ok(i);
      }
      long v = ipv4address(s, from, i);
      return fault(v) == OK && index(v) != i ? verdict(IPV4_TRAILING, index(v)) : v;
    }
    if (fault >= 0) {
      return fault;
    }
    if (labelStart < i) {
      if (s.at(i - 1) == '-') {
        return verdict(LABEL_ENDS_WITH_HYPHEN, i - 1);
      }
      topStart = labelStart;
    }
    return s.is(topStart, Chars.ALPHA) ? ok(i) : verdict(TOPLABEL_NOT_ALPHA, topStart);
  }

  /**
   * hostname = *( domainlabel "." ) toplabel [ "." ],
   * domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum,
   * toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum; for {@code s[from, to)} made of host
   * characters only.
   */
  public static long hostname(CharSource s, int from, int to) {
    if (from >= to) {
      return verdict(EMPTY_LABEL, from);
    }
    int labelStart = from;
    int topStart = from;
    for (int i = from; i < to; i++) {
      int c = s.at(i);
      if (c == '.') {
        if (i == labelStart) {
          return verdict(EMPTY_LABEL, i);
        }
        if (s.at(i - 1) == '-') {
          return verdict(LABEL_ENDS_WITH_HYPHEN, i - 1);
        }
        topStart = labelStart;
        labelStart = i + 1;
      } else if (c == '-' && i == labelStart) {
        return verdict(LABEL_STARTS_WITH_HYPHEN, i);
      }
    }
    if (labelStart < to) {
      if (s.at(to - 1) == '-') {
        return verdict(LABEL_ENDS_WITH_HYPHEN, to - 1);
      }
      topStart = labelStart;
    }
    return s.is(topStart, Chars.ALPHA) ? ok(to) : verdict(TOPLABEL_NOT_ALPHA, topStart);
  }

  /**
   * IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT, each part 0..255 as RFC 3986
   * §3.2.2 {@code dec-octet} requires (leading zeros accepted), read from {@code from} and not
   * beyond {@code limit}; when it passes, the index is where the fourth part ends.
   */
  public static long ipv4address(CharSource s, int from, int limit) {
    int i = from;
    for (int part = 0; part < 4; part++) {
      if (part > 0) {
        if (i >= limit || s.at(i) != '.') {
          return verdict(IPV4_TOO_FEW_PARTS, i);
        }
        i++;
      }
      int start = i;
      int value = 0;
      while (i < limit && s.is(i, Chars.DIGIT)) {
        if (i - start == 3) {
          return verdict(IPV4_LONG_PART, start);
        }
        value = value * 10 + s.at(i) - '0';
        i++;
      }
      if (i == start) {
        return verdict(IPV4_EMPTY_PART, i);
      }
      if (value > 255) {
        return verdict(IPV4_PART_OUT_OF_RANGE, start);
      }
    }
    return ok(i);
  }

  /** The address {@code s[from, to)}, which {@link #ipv4address} passed, as an unsigned 32-bit value. */
  public static long ipv4Value(CharSource s, int from, int to) {
    long address = 0;
    int part = 0;
    for (int i = from; i < to; i++) {
      int c = s.at(i);
      if (c == '.') {
        address = address << 8 | part;
        part = 0;
      } else {
        part = part * 10 + c - '0';
      }
    }
    return address << 8 | part;
  }

  /**
   * port = 1*DIGIT, 0..65535: the value of the digits {@code s[from, to)} (at least one), or -1
   * when it is above 65535.
   */
  public static int port(CharSource s, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      value = Math.min(100_000, value * 10 + s.at(i) - '0');
    }
    return value > 65535 ? -1 : value;
  }

  // --- uri-parameter ------------------------------------------------------------------------

  /**
   * Which rule the value of the uri-parameter named {@code s[from, to)} follows (names compare
   * ignoring case): {@link #TTL_PARAMETER}, {@link #MADDR_PARAMETER}, {@link #TOKEN_PARAMETER}
   * (transport, user, method) or {@link #OTHER_PARAMETER}.
   */
  public static int uriParameterKind(CharSource s, int from, int to) {
    if (equalsIgnoreCase(s, from, to, "ttl")) {
      return TTL_PARAMETER;
    }
    if (equalsIgnoreCase(s, from, to, "maddr")) {
      return MADDR_PARAMETER;
    }
    if (equalsIgnoreCase(s, from, to, "transport") || equalsIgnoreCase(s, from, to, "user")
        || equalsIgnoreCase(s, from, to, "method")) {
      return TOKEN_PARAMETER;
    }
    return OTHER_PARAMETER;
  }

  /**
   * The value {@code s[from, to)} (not empty) of a uri-parameter of {@code kind} against its
   * rule: ttl = 1*3DIGIT, 0..255; a token for {@link #TOKEN_PARAMETER}; any paramchar run for
   * the others. A maddr value's host is the caller's to read.
   */
  public static long uriParameterValue(int kind, CharSource s, int from, int to) {
    if (kind == TTL_PARAMETER) {
      int v = 0;
      for (int i = from; i < to; i++) {
        if (!s.is(i, Chars.DIGIT) || i - from == 3) {
          return verdict(TTL_NOT_DIGITS, i);
        }
        v = v * 10 + s.at(i) - '0';
      }
      return v > 255 ? verdict(TTL_OUT_OF_RANGE, from) : ok(to);
    }
    if (kind == TOKEN_PARAMETER) {
      int end = tokenEnd(s, from, to);
      return end == to ? ok(to) : verdict(NOT_A_TOKEN, end);
    }
    return ok(to);
  }

  // --- callid -------------------------------------------------------------------------------

  /** callid = word [ "@" word ], read from {@code from} and not beyond {@code limit}. */
  public static long callid(CharSource s, int from, int limit) {
    int i = from;
    int ats = 0;
    while (i < limit) {
      int c = s.at(i);
      if (c == '@') {
        if (++ats > 1 || i == from) {
          return verdict(CALLID_AT, i);
        }
      } else if (!Chars.is(c, Chars.WORD)) {
        break;
      }
      i++;
    }
    if (i == from || s.at(i - 1) == '@') {
      return verdict(CALLID_EMPTY, from);
    }
    return ok(i);
  }

  private static boolean equalsIgnoreCase(CharSource s, int from, int to, String lower) {
    if (to - from != lower.length()) {
      return false;
    }
    for (int i = 0; i < lower.length(); i++) {
      int c = s.at(from + i);
      if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
