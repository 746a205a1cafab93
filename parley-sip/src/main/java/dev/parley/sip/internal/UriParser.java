package dev.parley.sip.internal;

import dev.parley.sip.AbsoluteUri;
import dev.parley.sip.CompliancePolicy;
import dev.parley.sip.Parameters;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipUri;
import dev.parley.sip.TelUri;
import dev.parley.sip.Uri;
import dev.parley.sip.UriHeaders;
import dev.parley.sip.Violation;
import java.util.Locale;

/**
 * The URI grammar of RFC 3261 §25.1 ({@code SIP-URI}, {@code SIPS-URI}, {@code absoluteURI}) and
 * of RFC 3966 §3 ({@code telephone-uri}), one method per rule, each named after its rule and
 * quoting it.
 *
 * <p>A parser reads one slice {@code [start, end)} of a text; every error is a
 * {@link SipParseException} whose index is 0-based in the whole text, so a header parser can hand
 * over a slice of a header value and relocate the error as it does its own. No other exception
 * escapes, whatever the characters. Tolerated departures are reported to the {@link Leniency}.
 *
 * <p>IPv6 references follow RFC 4291 §2.2 as RFC 5954 corrected the RFC 3261 ABNF (eight groups,
 * or fewer with one {@code ::}; an embedded IPv4 address last), except that the extra colon of
 * RFC 5118 §4.10 ({@code [2001:db8:::192.0.2.1]}) is reported as
 * {@link Violation#IPV6_EXTRA_COLON} and, when tolerated, kept as written. IPv4 parts are
 * RFC 3261's {@code 1*3DIGIT} with values 0..255 (as RFC 3986 §3.2.2 {@code dec-octet}, though
 * leading zeros are accepted).
 *
 * <p>One instance per parse; not thread-safe. The static entry points are thread-safe.
 */
public final class UriParser extends CharSource {
  private final CharSequence text;
  private final int end;
  private final Leniency leniency;
  private int pos;

  private UriParser(CharSequence text, int start, int end, Leniency leniency) {
    this.text = text;
    this.pos = start;
    this.end = end;
    this.leniency = leniency;
  }

  /** The character at {@code i}, for the rules of {@link Rfc3261Rules}. */
  @Override
  public int at(int i) {
    return text.charAt(i);
  }

  // --- entry points ---------------------------------------------------------------------------

  /**
   * Parses the URI that fills {@code text[start, end)} exactly: a {@link SipUri} for
   * {@code sip:}/{@code sips:}, a {@link TelUri} for {@code tel:}, an {@link AbsoluteUri} for any
   * other scheme.
   *
   * @throws SipParseException when the slice is not one URI; the index is into {@code text}
   */
  public static Uri parse(CharSequence text, int start, int end, Leniency leniency) {
    UriParser p = of(text, start, end, leniency);
    Uri uri = p.consumeUri();
    p.expectEnd("URI");
    return uri;
  }

  /**
   * Parses a SIP or SIPS URI filling {@code text[start, end)}.
   *
   * @throws SipParseException when the slice is not a SIP or SIPS URI
   */
  public static SipUri parseSipUri(CharSequence text, int start, int end, Leniency leniency) {
    Uri uri = parse(text, start, end, leniency);
    if (uri instanceof SipUri sip) {
      return sip;
    }
    throw SipParseException.at("not a sip: or sips: URI: " + uri.scheme() + ":", start);
  }

  /**
   * Parses a tel URI filling {@code text[start, end)}.
   *
   * @throws SipParseException when the slice is not a tel URI
   */
  public static TelUri parseTelUri(CharSequence text, int start, int end, Leniency leniency) {
    Uri uri = parse(text, start, end, leniency);
    if (uri instanceof TelUri tel) {
      return tel;
    }
    throw SipParseException.at("not a tel: URI: " + uri.scheme() + ":", start);
  }

  /**
   * Reads a {@code host} (hostname / IPv4address / IPv6reference) starting at {@code start} and
   * returns where it ends; for Via {@code sent-by}, {@code maddr} and the like.
   *
   * @throws SipParseException when no valid host starts at {@code start}
   */
  public static int consumeHost(CharSequence text, int start, int end, Leniency leniency) {
    UriParser p = of(text, start, end, leniency);
    p.consumeHost();
    return p.pos;
  }

  /**
   * The 16 octets of an {@code IPv6reference} ({@code [..]}) or bare {@code IPv6address}, the
   * extra colon of RFC 5118 §4.10 ignored; null when {@code text} is not one.
   */
  public static byte[] ipv6Octets(CharSequence text) {
    int start = 0;
    int end = text.length();
    if (end >= 2 && text.charAt(0) == '[' && text.charAt(end - 1) == ']') {
      start = 1;
    }
    UriParser p = new UriParser(text, start, end, new Leniency(CompliancePolicy.LENIENT));
    try {
      int[] groups = p.consumeIPv6address(start == 1 ? end - 1 : end);
      if (p.pos != (start == 1 ? end - 1 : end)) {
        return null;
      }
      byte[] octets = new byte[16];
      for (int i = 0; i < 8; i++) {
        octets[2 * i] = (byte) (groups[i] >> 8);
        octets[2 * i + 1] = (byte) groups[i];
      }
      return octets;
    } catch (SipParseException e) {
      return null;
    }
  }

  /** Checks a user part as written (escaped). @throws SipParseException when it is not one */
  public static void checkUser(CharSequence user) {
    UriParser p = of(user, 0, user.length(), Leniency.strict());
    p.consumeUser(user.length());
  }

  /** Checks a password as written (escaped). @throws SipParseException when it is not one */
  public static void checkPassword(CharSequence password) {
    UriParser p = of(password, 0, password.length(), Leniency.strict());
    p.consumePassword(password.length());
  }

  /** Checks a whole host. @throws SipParseException when it is not one */
  public static void checkHost(CharSequence host) {
    UriParser p = of(host, 0, host.length(), Leniency.strict());
    p.consumeHost();
    p.expectEnd("host");
  }

  /** Checks one uri-parameter ({@code value} may be null). @throws SipParseException if bad */
  public static void checkUriParameter(String name, String value) {
    String written = value == null ? name : name + "=" + value;
    UriParser p = of(written, 0, written.length(), Leniency.strict());
    p.consumeUriParameter(Parameters.builder());
    p.expectEnd("URI parameter");
  }

  /** Checks one URI header ({@code hname=hvalue}). @throws SipParseException if bad */
  public static void checkUriHeader(String name, String value) {
    String written = name + "=" + value;
    UriParser p = of(written, 0, written.length(), Leniency.strict());
    p.consumeHeader(UriHeaders.builder());
    p.expectEnd("URI header");
  }

  private static UriParser of(CharSequence text, int start, int end, Leniency leniency) {
    if (text == null) {
      throw new NullPointerException("text");
    }
    if (leniency == null) {
      throw new NullPointerException("leniency");
    }
    if (start < 0 || end > text.length() || start > end) {
      throw new IndexOutOfBoundsException(
          "slice [" + start + ", " + end + ") of a text of length " + text.length());
    }
    return new UriParser(text, start, end, leniency);
  }

  // --- URI ------------------------------------------------------------------------------------

  /**
   * Request-URI / addr-spec:
   * {@code SIP-URI / SIPS-URI / absoluteURI}, with {@code telephone-uri} (RFC 3966) recognised.
   */
  private Uri consumeUri() {
    // Fast path for the schemes of nearly every URI: no substring for them.
    if (startsWithIgnoreCase("sip:")) {
      pos += 4;
      return consumeSipUri(false);
    }
    if (startsWithIgnoreCase("sips:")) {
      pos += 5;
      return consumeSipUri(true);
    }
    String scheme = consumeScheme();
    if (scheme.equalsIgnoreCase("tel")) {
      return consumeTelephoneSubscriber();
    }
    return consumeAbsoluteUri(scheme);
  }

  private boolean startsWithIgnoreCase(String prefix) {
    if (end - pos < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (Chars.lower(text.charAt(pos + i)) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** {@code scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )}, then the {@code ":"}. */
  private String consumeScheme() {
    int start = pos;
    if (!Chars.is(peek(), Chars.ALPHA)) {
      throw error(peek() < 0 ? "empty URI" : "a URI starts with a scheme, not " + describe(peek()),
          pos);
    }
    pos++;
    while (true) {
      int c = peek();
      if (Chars.is(c, Chars.ALPHANUM) || c == '+' || c == '-' || c == '.') {
        pos++;
      } else {
        break;
      }
    }
    if (peek() != ':') {
      throw error("expected ':' after the URI scheme, found " + describe(peek()), pos);
    }
    String scheme = text.subSequence(start, pos).toString();
    pos++;
    return scheme;
  }

  /**
   * {@code SIP-URI = "sip:" [ userinfo ] hostport uri-parameters [ headers ]}, and
   * {@code SIPS-URI = "sips:" [ userinfo ] hostport uri-parameters [ headers ]}.
   *
   * <p>{@code @} may appear in no other component, not even escaped-free in headers, so the first
   * {@code @} of the slice ends the userinfo; this is how {@code sip:user;par=u%40example.net@example.com}
   * (RFC 4475 §3.1.1.9) gets its {@code ;} into the user part.
   */
  private SipUri consumeSipUri(boolean secure) {
    String user = null;
    String password = null;
    int at = indexOf('@', pos);
    if (at >= 0) {
      String[] userinfo = consumeUserinfo(at);
      user = userinfo[0];
      password = userinfo[1];
    }
    String host = consumeHost();
    int port = -1;
    if (peek() == ':') {
      port = consumePort();
    }
    Parameters parameters = consumeUriParameters();
    UriHeaders headers = peek() == '?' ? consumeHeaders() : UriHeaders.EMPTY;
    return UriAccess.get().newSipUri(secure, user, password, host, port, parameters, headers);
  }

  /**
   * {@code userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"}. A
   * telephone-subscriber is read by the {@code user} rule, whose characters cover it.
   *
   * @return user and password (null when absent)
   */
  private String[] consumeUserinfo(int at) {
    int colon = -1;
    for (int i = pos; i < at; i++) {
      if (text.charAt(i) == ':') {
        colon = i;
        break;
      }
    }
    String user = consumeUser(colon >= 0 ? colon : at);
    String password = null;
    if (colon >= 0) {
      pos = colon + 1;
      password = consumePassword(at);
    }
    pos = at + 1;
    return new String[] {user, password};
  }

  /**
   * {@code user = 1*( unreserved / escaped / user-unreserved )},
   * {@code user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"}.
   */
  private String consumeUser(int limit) {
    int start = pos;
    consumeEscapedRun(limit, Chars.USER, "user part");
    if (pos < limit) {
      throw error(describe(text.charAt(pos)) + " not allowed in the user part of a URI", pos);
    }
    if (pos == start) {
      throw error("empty user part before '@'", start);
    }
    return text.subSequence(start, pos).toString();
  }

  /** {@code password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," )}. */
  private String consumePassword(int limit) {
    int start = pos;
    consumeEscapedRun(limit, Chars.PASSWORD, "password");
    if (pos < limit) {
      throw error(describe(text.charAt(pos)) + " not allowed in the password of a URI", pos);
    }
    return text.subSequence(start, pos).toString();
  }

  /**
   * Consumes characters of {@code classes} and {@code escaped = "%" HEXDIG HEXDIG} up to
   * {@code limit}, stopping at the first other character. Raw characters that must be escaped
   * are tolerated as {@link Violation#UNESCAPED_URI_CHARACTER}.
   */
  private void consumeEscapedRun(int limit, int classes, String what) {
    while (true) {
      pos = Rfc3261Rules.escapedRunEnd(this, pos, limit, classes);
      if (pos >= limit) {
        return;
      }
      char c = text.charAt(pos);
      if (c == '%') {
        unescaped(c, "'%' not followed by two hex digits in the " + what);
      } else if (Chars.is(c, Chars.UNWISE)) {
        unescaped(c, describe(c) + " must be escaped in the " + what);
      } else {
        return;
      }
    }
  }

  private void unescaped(char c, String strictReason) {
    if (!leniency.tolerates(Violation.UNESCAPED_URI_CHARACTER)) {
      throw error(strictReason + " (RFC 3261 §19.1.2)", pos);
    }
    leniency.violate(Violation.UNESCAPED_URI_CHARACTER, pos);
    pos++;
  }

  /** {@code hostport = host [ ":" port ]}: the host part; see {@link #consumePort()}. */
  private String consumeHost() {
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

  private boolean looksLikeUnbracketedIPv6(int start) {
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
  private void consumeHostname(int limit) {
    check(Rfc3261Rules.hostname(this, pos, limit));
    pos = limit;
  }

  /**
   * {@code IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT}, each part 0..255 as
   * RFC 3986 §3.2.2 {@code dec-octet} requires (leading zeros accepted).
   *
   * @return the address as an unsigned 32-bit value
   */
  private long consumeIPv4address(int limit) {
    int start = pos;
    pos = Rfc3261Rules.index(check(Rfc3261Rules.ipv4address(this, start, limit)));
    return Rfc3261Rules.ipv4Value(this, start, pos);
  }

  /** {@code IPv6reference = "[" IPv6address "]"}. */
  private String consumeIPv6reference() {
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
  private int[] consumeIPv6address(int limit) {
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
  private void consumeExtraColon(int limit) {
    if (at(limit, pos) != ':') {
      return;
    }
    if (!isIPv4Ahead(limit, pos + 1)) {
      throw error("':::' in IPv6 address", pos - 2);
    }
    leniency.violate(Violation.IPV6_EXTRA_COLON, pos);
    pos++;
  }

  private boolean isIPv4Ahead(int limit, int p) {
    int i = p;
    while (i < limit && i - p < 4 && Chars.is(text.charAt(i), Chars.DIGIT)) {
      i++;
    }
    return i > p && i < limit && text.charAt(i) == '.';
  }

  /** {@code hostport = host [ ":" port ]}, {@code port = 1*DIGIT}, 0..65535. */
  private int consumePort() {
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

  /** {@code uri-parameters = *( ";" uri-parameter )}. */
  private Parameters consumeUriParameters() {
    if (peek() != ';') {
      return Parameters.EMPTY;
    }
    Parameters.Builder parameters = Parameters.builder();
    while (peek() == ';') {
      pos++;
      consumeUriParameter(parameters);
    }
    return parameters.build();
  }

  /**
   * {@code uri-parameter = transport-param / user-param / method-param / ttl-param / maddr-param
   * / lr-param / other-param}, {@code other-param = pname [ "=" pvalue ]},
   * {@code pname = 1*paramchar}, {@code pvalue = 1*paramchar},
   * {@code paramchar = param-unreserved / unreserved / escaped}.
   *
   * <p>The values of the known parameters are checked against their rules:
   * {@code transport-param = "transport=" ( "udp" / "tcp" / "sctp" / "tls" / other-transport )}
   * with {@code other-transport = token}, likewise {@code user-param} and {@code method-param}
   * ({@code token}), {@code ttl-param = "ttl=" ttl} ({@code 1*3DIGIT}, 0..255) and
   * {@code maddr-param = "maddr=" host}.
   */
  private void consumeUriParameter(Parameters.Builder parameters) {
    int nameStart = pos;
    consumeEscapedRun(end, Chars.PARAM, "URI parameter name");
    if (pos == nameStart) {
      throw error(peek() < 0 ? "empty URI parameter after ';'"
          : "expected a URI parameter name, found " + describe(peek()), pos);
    }
    String name = text.subSequence(nameStart, pos).toString();
    String value = null;
    if (peek() == '=') {
      pos++;
      int valueStart = pos;
      consumeEscapedRun(end, Chars.PARAM, "URI parameter value");
      if (pos == valueStart) {
        throw error("empty value of URI parameter " + name, pos);
      }
      value = text.subSequence(valueStart, pos).toString();
      checkKnownParameter(nameStart, name, valueStart, pos);
    }
    parameters.add(name, value);
  }

  private void checkKnownParameter(int nameStart, String name, int valueStart, int valueEnd) {
    int kind = Rfc3261Rules.uriParameterKind(this, nameStart, nameStart + name.length());
    if (kind == Rfc3261Rules.MADDR_PARAMETER) {
      UriParser host = new UriParser(text, valueStart, valueEnd, leniency);
      host.consumeHost();
      host.expectEnd("maddr host");
    } else {
      check(Rfc3261Rules.uriParameterValue(kind, this, valueStart, valueEnd), name);
    }
  }

  /** {@code headers = "?" header *( "&" header )}. */
  private UriHeaders consumeHeaders() {
    UriHeaders.Builder headers = UriHeaders.builder();
    do {
      pos++;
      consumeHeader(headers);
    } while (peek() == '&');
    return headers.build();
  }

  /**
   * {@code header = hname "=" hvalue}, {@code hname = 1*( hnv-unreserved / unreserved / escaped )},
   * {@code hvalue = *( hnv-unreserved / unreserved / escaped )}.
   */
  private void consumeHeader(UriHeaders.Builder headers) {
    int nameStart = pos;
    consumeEscapedRun(end, Chars.HNV, "URI header name");
    if (pos == nameStart) {
      throw error(peek() < 0 ? "empty URI header" : "expected a URI header name, found "
          + describe(peek()), pos);
    }
    String name = text.subSequence(nameStart, pos).toString();
    if (peek() != '=') {
      throw error("expected '=' after URI header name " + name + ", found " + describe(peek()),
          pos);
    }
    pos++;
    int valueStart = pos;
    consumeEscapedRun(end, Chars.HNV, "URI header value");
    headers.add(name, text.subSequence(valueStart, pos).toString());
  }

  // --- tel (RFC 3966) ---------------------------------------------------------------------------

  /**
   * {@code telephone-subscriber = global-number / local-number},
   * {@code global-number = global-number-digits *par},
   * {@code local-number = local-number-digits *par context *par}.
   */
  private TelUri consumeTelephoneSubscriber() {
    int start = pos;
    boolean global = peek() == '+';
    if (global) {
      consumeGlobalNumberDigits(end);
    } else {
      consumeLocalNumberDigits();
    }
    String number = text.subSequence(start, pos).toString();
    Parameters parameters = Parameters.EMPTY;
    if (peek() == ';') {
      Parameters.Builder b = Parameters.builder();
      while (peek() == ';') {
        pos++;
        consumePar(b);
      }
      parameters = b.build();
    }
    if (!global && !parameters.contains("phone-context")) {
      if (!leniency.tolerates(Violation.TEL_LOCAL_NUMBER_WITHOUT_CONTEXT)) {
        throw error("a local tel number needs a phone-context parameter (RFC 3966 §5.1.5)",
            start);
      }
      leniency.violate(Violation.TEL_LOCAL_NUMBER_WITHOUT_CONTEXT, start);
    }
    return UriAccess.get().newTelUri(number, parameters);
  }

  /**
   * {@code global-number-digits = "+" *phonedigit DIGIT *phonedigit},
   * {@code phonedigit = DIGIT / [ visual-separator ]},
   * {@code visual-separator = "-" / "." / "(" / ")"}.
   */
  private void consumeGlobalNumberDigits(int limit) {
    int start = pos;
    pos++;
    int digits = 0;
    while (pos < limit) {
      char c = text.charAt(pos);
      if (Chars.is(c, Chars.DIGIT)) {
        digits++;
      } else if (!isVisualSeparator(c)) {
        break;
      }
      pos++;
    }
    if (digits == 0) {
      throw error("a global number has at least one digit after '+'", start);
    }
  }

  /**
   * {@code local-number-digits = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex},
   * {@code phonedigit-hex = HEXDIG / "*" / "#" / [ visual-separator ]}.
   */
  private void consumeLocalNumberDigits() {
    int start = pos;
    int digits = 0;
    while (pos < end) {
      char c = text.charAt(pos);
      if (Chars.is(c, Chars.HEX) || c == '*' || c == '#') {
        digits++;
      } else if (!isVisualSeparator(c)) {
        break;
      }
      pos++;
    }
    if (digits == 0) {
      throw error(peek() < 0 ? "empty tel number" : "expected a tel number, found "
          + describe(peek()), start);
    }
  }

  private static boolean isVisualSeparator(char c) {
    return c == '-' || c == '.' || c == '(' || c == ')';
  }

  /**
   * {@code par = parameter / extension / isdn-subaddress},
   * {@code parameter = ";" pname ["=" pvalue ]}, {@code pname = 1*( alphanum / "-" )},
   * {@code pvalue = 1*paramchar}, {@code extension = ";ext=" 1*phonedigit},
   * {@code isdn-subaddress = ";isub=" 1*uric},
   * {@code context = ";phone-context=" descriptor},
   * {@code descriptor = domainname / global-number-digits}.
   *
   * <p>{@code uric} includes {@code ;}, which would swallow the following parameters; an
   * {@code isub} value is read up to the next {@code ;}.
   */
  private void consumePar(Parameters.Builder parameters) {
    int nameStart = pos;
    while (Chars.is(peek(), Chars.ALPHANUM) || peek() == '-') {
      pos++;
    }
    if (pos == nameStart) {
      throw error(peek() < 0 ? "empty tel parameter after ';'"
          : "expected a tel parameter name, found " + describe(peek()), pos);
    }
    String name = text.subSequence(nameStart, pos).toString();
    String value = null;
    if (peek() == '=') {
      pos++;
      int valueStart = pos;
      if (name.equalsIgnoreCase("isub")) {
        consumeEscapedRun(end, (Chars.RESERVED | Chars.UNRESERVED), "isub value");
        // RESERVED includes ';' and so the run above would take the next parameter: cut it.
        for (int i = valueStart; i < pos; i++) {
          if (text.charAt(i) == ';') {
            pos = i;
            break;
          }
        }
      } else if (name.equalsIgnoreCase("ext")) {
        while (pos < end && (Chars.is(text.charAt(pos), Chars.DIGIT)
            || isVisualSeparator(text.charAt(pos)))) {
          pos++;
        }
      } else if (name.equalsIgnoreCase("phone-context")) {
        consumeDescriptor();
      } else {
        consumeEscapedRun(end, Chars.PARAM, "tel parameter value");
      }
      if (pos == valueStart) {
        throw error("empty value of tel parameter " + name
            + (peek() < 0 ? "" : ", found " + describe(peek())), pos);
      }
      value = text.subSequence(valueStart, pos).toString();
    }
    parameters.add(name, value);
  }

  /** {@code descriptor = domainname / global-number-digits}. */
  private void consumeDescriptor() {
    if (peek() == '+') {
      consumeGlobalNumberDigits(end);
      return;
    }
    int start = pos;
    while (Chars.is(peek(), Chars.ALPHANUM) || peek() == '-' || peek() == '.') {
      pos++;
    }
    if (pos > start) {
      int limit = pos;
      pos = start;
      consumeHostname(limit);
    }
  }

  // --- other schemes ------------------------------------------------------------------------

  /**
   * {@code absoluteURI = scheme ":" ( hier-part / opaque-part )} (RFC 3261 §25.1), read with the
   * characters of RFC 3986 §2: unreserved, reserved ({@code gen-delims} and {@code sub-delims})
   * and {@code pct-encoded}. The text after the colon is kept verbatim.
   */
  private AbsoluteUri consumeAbsoluteUri(String scheme) {
    int start = pos;
    while (pos < end) {
      char c = text.charAt(pos);
      if (Chars.is(c, Chars.UNRESERVED | Chars.RESERVED) || c == '[' || c == ']' || c == '#') {
        pos++;
      } else if (c == '%' && pos + 2 < end && UriEscapes.isEscape(text, pos)) {
        pos += 3;
      } else {
        break;
      }
    }
    if (pos == start) {
      throw error(peek() < 0 ? "nothing after " + scheme + ":"
          : describe(peek()) + " not allowed in a URI", pos);
    }
    return UriAccess.get().newAbsoluteUri(scheme, text.subSequence(start, pos).toString());
  }

  // --- helpers --------------------------------------------------------------------------------

  /** {@code verdict} of a rule of {@link Rfc3261Rules} when it passed; else its error. */
  private long check(long verdict) {
    return check(verdict, null);
  }

  /** As {@link #check(long)}, naming the URI parameter {@code parameter} if the rule is of one. */
  private long check(long verdict, String parameter) {
    int at = Rfc3261Rules.index(verdict);
    String reason = switch (Rfc3261Rules.fault(verdict)) {
      case Rfc3261Rules.OK -> null;
      case Rfc3261Rules.EMPTY_LABEL -> "empty label in host name";
      case Rfc3261Rules.LABEL_STARTS_WITH_HYPHEN -> "host name label starts with '-'";
      case Rfc3261Rules.LABEL_ENDS_WITH_HYPHEN -> "host name label ends with '-'";
      case Rfc3261Rules.TOPLABEL_NOT_ALPHA -> "the last label of a host name starts with a letter"
          + " (or it is not a valid IPv4 address)";
      case Rfc3261Rules.IPV4_TOO_FEW_PARTS -> "IPv4 address needs four parts";
      case Rfc3261Rules.IPV4_LONG_PART -> "more than three digits in an IPv4 address part";
      case Rfc3261Rules.IPV4_EMPTY_PART -> "IPv4 address part is empty";
      case Rfc3261Rules.IPV4_PART_OUT_OF_RANGE -> "IPv4 address part out of range: "
          + digitsAt(at);
      case Rfc3261Rules.IPV4_TRAILING -> "not an IPv4 address: unexpected "
          + describe(text.charAt(at));
      case Rfc3261Rules.TTL_NOT_DIGITS -> "ttl is 1 to 3 digits";
      case Rfc3261Rules.TTL_OUT_OF_RANGE -> "ttl out of range: " + Integer.parseInt(digitsAt(at));
      case Rfc3261Rules.NOT_A_TOKEN -> describe(text.charAt(at)) + " not allowed in the "
          + parameter.toLowerCase(Locale.ROOT) + " parameter (a token)";
      default -> "not a valid URI (rule fault " + Rfc3261Rules.fault(verdict) + ")";
    };
    if (reason != null) {
      throw error(reason, at);
    }
    return verdict;
  }

  /** The run of digits at {@code at}. */
  private String digitsAt(int at) {
    int e = at;
    while (e < end && Chars.is(text.charAt(e), Chars.DIGIT)) {
      e++;
    }
    return text.subSequence(at, e).toString();
  }

  private void expectEnd(String what) {
    if (pos < end) {
      throw error("unexpected " + describe(text.charAt(pos)) + " in " + what, pos);
    }
  }

  private int peek() {
    return pos < end ? text.charAt(pos) : -1;
  }

  private int at(int limit, int p) {
    return p < limit ? text.charAt(p) : -1;
  }

  private int indexOf(char c, int from) {
    for (int i = from; i < end; i++) {
      if (text.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  private static SipParseException error(String reason, int index) {
    return SipParseException.at(reason, index);
  }

  private static String describe(int c) {
    if (c < 0) {
      return "end of URI";
    }
    if (c > 0x20 && c < 0x7F) {
      return "'" + (char) c + "'";
    }
    return String.format("U+%04X", c);
  }
}
