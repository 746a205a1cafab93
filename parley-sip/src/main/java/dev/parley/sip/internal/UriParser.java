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
 * <p>The host rules are in {@link HostRules}, the tel URI's in {@link TelUriRules}, the cursor,
 * escapes and errors they share in {@link UriCursor}.
 *
 * <p>One instance per parse; not thread-safe. The static entry points are thread-safe.
 */
public final class UriParser extends HostRules {
  private UriParser(CharSequence text, int start, int end, Leniency leniency) {
    super(text, start, end, leniency);
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
      TelUriRules tel = new TelUriRules(text, pos, end, leniency);
      TelUri uri = tel.consumeTelephoneSubscriber();
      pos = tel.pos;
      return uri;
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
}
