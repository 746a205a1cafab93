package dev.parley.sip.internal;

import dev.parley.sip.Address;
import dev.parley.sip.CSeq;
import dev.parley.sip.MediaType;
import dev.parley.sip.Parameters;
import dev.parley.sip.Replaces;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParseException;
import dev.parley.sip.Uri;
import dev.parley.sip.Via;
import dev.parley.sip.Violation;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * The grammars of the typed headers (RFC 3261 §25.1 and the RFCs that define each header), one
 * method per rule, each reading one element from a {@link Lexer}.
 */
public final class HeaderGrammar {
  private HeaderGrammar() {}

  private static final String[] SIP = {"SIP"};
  private static final String[] VERSION = {"2.0"};
  /**
   * The transports of a Via common enough to share their Strings (the fast path shares the
   * same ones).
   */
  public static final List<String> TRANSPORTS = List.of("UDP", "TCP", "TLS", "WS", "WSS", "SCTP");
  /** The methods Parley knows by name (the fast path reads a CSeq of these only). */
  public static final List<String> METHODS = List.of("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS",
      "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE");
  private static final String[] TRANSPORT_ARRAY = TRANSPORTS.toArray(new String[0]);
  private static final String[] METHOD_ARRAY = METHODS.toArray(new String[0]);

  /**
   * via-parm = sent-protocol LWS sent-by *( SEMI via-params );
   * sent-protocol = protocol-name SLASH protocol-version SLASH transport;
   * sent-by = host [ COLON port ].
   */
  public static Via via(Lexer l) {
    String name = l.expectToken("a protocol name (SIP)", SIP);
    l.expectSeparator('/', "between protocol name and version in Via");
    String version = l.expectToken("a protocol version (2.0)", VERSION);
    l.expectSeparator('/', "between protocol version and transport in Via");
    String transport = l.expectToken("a transport (UDP, TCP, TLS, ...)", TRANSPORT_ARRAY);
    if (!l.consumeSWS()) {
      throw l.error("expected whitespace between transport and sent-by in Via" + l.describeHere());
    }
    Via.Builder b = Via.builder(transport, host(l)).protocol(name, version);
    if (l.consumeSeparator(':')) {
      b.port((int) l.expectNumber("Via port", 65535));
    }
    int paramsAt = l.pos();
    Parameters params = l.parameters(true);
    String received = params.get("received");
    if (received != null && received.startsWith("[")) {
      l.leniency().violate(Violation.BRACKETED_RECEIVED, paramsAt);
    }
    return b.parameters(params).build();
  }

  /** host = hostname / IPv4address / IPv6reference: the URI grammar's rule (RFC 3261 §25.1). */
  public static String host(Lexer l) {
    int start = l.pos();
    int end = UriParser.consumeHost(l.text(), start, l.end(), l.leniency());
    l.pos(end);
    return l.text().substring(start, end);
  }

  /** From / To / Refer-To: ( name-addr / addr-spec ) *( SEMI generic-param ). */
  public static Address address(Lexer l) {
    return address(l, false, false);
  }

  /** Contact: "*" / ( contact-param *(COMMA contact-param) ). */
  public static Address contact(Lexer l) {
    if (l.peek() == '*') {
      int save = l.pos();
      l.pos(save + 1);
      l.consumeSWS();
      if (l.atEnd()) {
        return Address.WILDCARD;
      }
      l.pos(save);
    }
    return address(l, true, false);
  }

  /** Route / Record-Route / Path: name-addr *( SEMI rr-param ). */
  public static Address nameAddr(Lexer l) {
    return address(l, true, true);
  }

  /**
   * name-addr = [ display-name ] LAQUOT addr-spec RAQUOT; display-name = *(token LWS) / quoted-string.
   *
   * @param list whether a comma ends the element (list headers)
   * @param bracketsRequired whether addr-spec is refused (Route, Record-Route)
   */
  static Address address(Lexer l, boolean list, boolean bracketsRequired) {
    String s = l.text();
    l.consumeSWS();
    String display = null;
    int start = l.pos();
    int c = l.peek();
    if (c == '"') {
      display = Lexer.unquote(l.expectQuotedString());
      l.consumeSWS();
      if (l.peek() != '<') {
        throw l.error("expected '<' after the display name" + l.describeHere());
      }
    } else if (c != '<') {
      int i = Rfc3261Rules.displayNameEnd(l, start, l.end());
      if (i < l.end() && s.charAt(i) == '<' && i > start) {
        if (!isWsp(s.charAt(i - 1))) {
          l.leniency().violate(Violation.NO_WHITESPACE_BEFORE_LAQUOT, i);
        }
        display = s.substring(start, i).strip();
        l.pos(i);
      } else if (i < l.end() && s.charAt(i) == ':' && i > start && !hasSpace(s, start, i)) {
        if (bracketsRequired) {
          throw l.error("expected '<': this header takes a name-addr");
        }
        return addrSpec(l, list);
      } else {
        int laquot = list ? -1 : s.indexOf('<', start);
        if (laquot < 0 || laquot >= l.end()) {
          throw l.error("expected a display name, '<' or a URI" + l.describeHere());
        }
        l.leniency().violate(Violation.UNQUOTED_DISPLAY_NAME, start);
        display = s.substring(start, laquot).strip();
        l.pos(laquot);
      }
    }
    Uri uri = bracketedUri(l);
    Address.Builder b = Address.builder(uri).displayName(display);
    return b.parameters(l.parameters(false)).build();
  }

  private static boolean hasSpace(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t') {
        return true;
      }
    }
    return false;
  }

  /** LAQUOT addr-spec RAQUOT. */
  static Uri bracketedUri(Lexer l) {
    String s = l.text();
    int open = l.pos();
    int close = s.indexOf('>', open);
    if (close < 0 || close >= l.end()) {
      throw l.error("missing '>' after the URI");
    }
    int a = open + 1;
    int b = close;
    if (a < b && isWsp(s.charAt(a)) || a < b && isWsp(s.charAt(b - 1))) {
      l.leniency().violate(Violation.WHITESPACE_IN_ANGLE_BRACKETS, a);
      while (a < b && isWsp(s.charAt(a))) {
        a++;
      }
      while (b > a && isWsp(s.charAt(b - 1))) {
        b--;
      }
    }
    if (a == b) {
      throw l.error("empty URI in < >", a);
    }
    Uri uri = UriParser.parse(s, a, b, l.leniency());
    l.pos(close + 1);
    return uri;
  }

  /** addr-spec outside brackets: ends at ';', ',' or whitespace; may not hold '?' (RFC 3261 §20.10). */
  static Address addrSpec(Lexer l, boolean list) {
    String s = l.text();
    int start = l.pos();
    int i = start;
    while (i < l.end()) {
      char ch = s.charAt(i);
      if (ch == ';' || (ch == ',' && list) || isWsp(ch)) {
        break;
      }
      if (ch == '?') {
        l.leniency().violate(Violation.UNBRACKETED_URI_WITH_RESERVED, i);
      }
      i++;
    }
    Uri uri = UriParser.parse(s, start, i, l.leniency());
    l.pos(i);
    return Address.builder(uri).parameters(l.parameters(false)).build();
  }

  private static boolean isWsp(char c) {
    return c == ' ' || c == '\t';
  }

  /** callid = word [ "@" word ]: the rule of {@link Rfc3261Rules#callid}. */
  public static String callId(Lexer l) {
    String s = l.text();
    int start = l.pos();
    long v = Rfc3261Rules.callid(l, start, l.end());
    if (Rfc3261Rules.fault(v) == Rfc3261Rules.CALLID_AT) {
      throw l.error("Call-ID must be word [\"@\" word]", Rfc3261Rules.index(v));
    }
    if (Rfc3261Rules.fault(v) != Rfc3261Rules.OK) {
      throw l.error("expected a Call-ID (word [\"@\" word])" + l.describeHere());
    }
    l.pos(Rfc3261Rules.index(v));
    return s.substring(start, l.pos());
  }

  /**
   * Replaces = callid *(SEMI replaces-param) (RFC 3891 §6.1); the tags are tokens and both
   * present.
   */
  public static Replaces replaces(Lexer l) {
    int start = l.pos();
    String callId = callId(l);
    Parameters p = l.parameters(false);
    for (String tag : new String[] {"to-tag", "from-tag"}) {
      String v = p.get(tag);
      if (v == null) {
        throw l.error("Replaces without " + tag, start);
      }
      if (v.isEmpty() || !Chars.all(v, Chars.TOKEN)) {
        throw l.error("Replaces " + tag + " is not a token: " + v, start);
      }
    }
    return new Replaces(callId, p);
  }

  /** CSeq = 1*DIGIT LWS Method. */
  public static CSeq cseq(Lexer l) {
    long n = l.expectNumber("CSeq sequence number", CSeq.MAX_SEQUENCE);
    if (!l.consumeSWS()) {
      throw l.error("expected whitespace between CSeq number and method" + l.describeHere());
    }
    return new CSeq(n, SipMethod.of(l.expectToken("a method in CSeq", METHOD_ARRAY)));
  }

  /** media-type = m-type SLASH m-subtype *(SEMI m-parameter). */
  public static MediaType mediaType(Lexer l) {
    String type = l.expectToken("a media type");
    l.expectSeparator('/', "between media type and subtype");
    String subtype = l.expectToken("a media subtype");
    return MediaType.of(type, subtype, l.parameters(false));
  }

  /**
   * auth-param *(COMMA auth-param), auth-param = auth-param-name EQUAL ( token / quoted-string ),
   * after the auth-scheme and its LWS. Whitespace alone between parameters is
   * {@link Violation#MISSING_COMMA_IN_AUTH_PARAMS}.
   */
  public static Parameters authParams(Lexer l) {
    if (!l.consumeSWS()) {
      if (l.atEnd()) {
        return Parameters.EMPTY;
      }
      throw l.error("expected whitespace after the auth scheme" + l.describeHere());
    }
    Parameters.Builder b = Parameters.builder();
    while (true) {
      String name = l.expectToken("an auth-param name");
      if (!l.consumeSeparator('=')) { // expectSeparator's error, its text made only on failure
        throw l.error("expected '=' after auth-param " + name + l.describeHere());
      }
      b.add(name, l.peek() == '"' ? l.expectQuotedString() : l.genValue(false));
      if (l.consumeSeparator(',')) {
        continue;
      }
      int save = l.pos();
      if (l.consumeSWS() && !l.atEnd() && Chars.is(l.peek(), Chars.TOKEN)) {
        l.leniency().violate(Violation.MISSING_COMMA_IN_AUTH_PARAMS, save);
        continue;
      }
      l.pos(save);
      return b.build();
    }
  }

  private static final DateTimeFormatter RFC1123 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss", Locale.ROOT);

  /**
   * rfc1123-date = wkday "," SP date1 SP time SP "GMT". A date in another zone is
   * {@link Violation#BAD_DATE}; when tolerated, a known zone is applied, else the date is ignored
   * (null).
   */
  public static Instant date(Lexer l) {
    String s = l.text();
    int start = l.pos();
    int lastSpace = s.lastIndexOf(' ', l.end() - 1);
    if (lastSpace <= start) {
      throw l.error("Date is not an RFC 1123 date (e.g. Sat, 13 Nov 2010 23:29:00 GMT)");
    }
    String zone = s.substring(lastSpace + 1, l.end());
    LocalDateTime local;
    try {
      local = LocalDateTime.parse(s.substring(start, lastSpace), RFC1123);
    } catch (DateTimeParseException e) {
      throw l.error("Date is not an RFC 1123 date (e.g. Sat, 13 Nov 2010 23:29:00 GMT)");
    }
    l.pos(l.end());
    if (zone.equals("GMT")) {
      return local.toInstant(ZoneOffset.UTC);
    }
    l.leniency().violate(Violation.BAD_DATE, lastSpace + 1);
    String id = ZoneId.SHORT_IDS.get(zone);
    try {
      return id == null ? null : local.atZone(ZoneId.of(id)).toInstant();
    } catch (DateTimeException e) {
      return null;
    }
  }

}
