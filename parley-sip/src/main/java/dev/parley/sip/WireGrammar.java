package dev.parley.sip;

import dev.parley.sip.internal.Chars;
import dev.parley.sip.internal.Rfc3261Rules;
import java.util.ArrayList;
import java.util.List;

/**
 * The fast path of typed header access: the grammars of the headers a proxy reads on every
 * message (Via, From, To, Contact, Route, Record-Route, Call-ID, CSeq, Max-Forwards) and of the
 * SIP URI (RFC 3261 §25.1), read straight from the parsed message's bytes, each octet classified
 * by {@link Chars}' table, with a String created only for each component handed out. The rules
 * it shares with the String grammar (host, port, the URI parameters, callid, token, escapes) are
 * those of {@link Rfc3261Rules}, read over the same octets. The URI rules, host, port and the
 * reader's state are in {@link WireUriGrammar}, which this class extends.
 *
 * <p>It accepts only the usual shape of each rule: ASCII, single separators without surrounding
 * whitespace inside a value, {@code sip:}/{@code sips:} URIs without password, IPv6 reference or
 * headers component, known methods. Anything else, well-formed or not, it <em>declines</em>: a
 * rule returns null (or false) and the caller parses the value with the String grammar of
 * {@link dev.parley.sip.internal.HeaderGrammar} and {@link dev.parley.sip.internal.UriParser},
 * which alone reports errors and {@link Violation}s. The contract, which {@code WireGrammarTest}
 * checks against that grammar on generated and corpus values: whatever this class accepts, the
 * String grammar accepts under every policy, without a violation, as an equal value.
 *
 * <p>One instance reads one header field (or one start line's URI); not thread-safe. The static
 * entry points are.
 */
final class WireGrammar extends WireUriGrammar {
  /**
   * The element rules of the headers with a fast path, each constant with its own {@code read}.
   * The one call {@code rule.read(g)} in {@link #field}, for every element of every field, is
   * megamorphic in any real use (three rules or more): the JIT does not inline across it, so
   * each header's grammar is compiled as a unit of its own (its {@code read} and the rule under
   * it). With one switch over all the rules, the switch's method took every grammar into one
   * compilation, which overran the JIT's inlining budget and left some hot small methods (SWS,
   * a parameter's value, constructors) as calls, whose own compilation level then depended on
   * the timing of each JVM's compilations (Part parse19 of the decisions: the slow parse.sh
   * fork read from its compilation log called a parameter's value rule left in C1 code).
   */
  enum Rule {
    VIA_PARM {
      @Override
      Object read(WireGrammar g) {
        return g.viaParm();
      }
    },
    FROM_TO {
      @Override
      Object read(WireGrammar g) {
        return g.fromTo();
      }
    },
    CONTACT_PARAM {
      @Override
      Object read(WireGrammar g) {
        return g.contactParam();
      }
    },
    ROUTE_PARAM {
      @Override
      Object read(WireGrammar g) {
        return g.routeParam();
      }
    },
    CALLID {
      @Override
      Object read(WireGrammar g) {
        return g.callid();
      }

      @Override
      Object field(byte[] b, int from, int to, boolean list) {
        WireGrammar g = new WireGrammar(b, from, to);
        Object only = g.element() ? g.callid() : null;
        return g.endsAfter(only) ? only : null;
      }
    },
    CSEQ {
      @Override
      Object read(WireGrammar g) {
        return g.cseq();
      }

      @Override
      Object field(byte[] b, int from, int to, boolean list) {
        WireGrammar g = new WireGrammar(b, from, to);
        Object only = g.element() ? g.cseq() : null;
        return g.endsAfter(only) ? only : null;
      }
    },
    MAX_FORWARDS {
      @Override
      Object read(WireGrammar g) {
        return g.maxForwards();
      }

      @Override
      Object field(byte[] b, int from, int to, boolean list) {
        WireGrammar g = new WireGrammar(b, from, to);
        Object only = g.element() ? g.maxForwards() : null;
        return g.endsAfter(only) ? only : null;
      }
    };

    /** One element, or null to decline. */
    abstract Object read(WireGrammar g);

    /**
     * {@link WireGrammar#field} with this rule. The single-valued rules that read no host
     * (Call-ID, CSeq, Max-Forwards; {@link #ownField}) override it with their own three lines,
     * which call the rule directly: every call in them is inlined, so the reader is not allocated
     * (32 B per field read). The other rules hand the reader to rules too big to inline (host,
     * the SIP URI), so it is allocated whichever way they are called; they keep the shared loop.
     */
    Object field(byte[] b, int from, int to, boolean list) {
      return WireGrammar.sharedField(b, from, to, this, list);
    }

    /** Whether this rule reads its fields with its own {@link #field} (the last three). */
    final boolean ownField() {
      return ordinal() >= CALLID.ordinal();
    }
  }

  private WireGrammar(byte[] b, int from, int to) {
    super(b, from, to);
  }

  // --- entry points ---------------------------------------------------------------------------

  /**
   * The elements of one header field {@code b[from, to)} (unfolded and trimmed, as framing leaves
   * it), read with {@code rule} and, for a list header, separated by COMMA: the element itself
   * when there is one, else the list of them; null when declined. Mirrors
   * {@code Header.parseField}.
   */
  static Object field(byte[] b, int from, int to, Rule rule, boolean list) {
    return rule.ownField() ? rule.field(b, from, to, list) : sharedField(b, from, to, rule, list);
  }

  /** {@link #field} with the loop every rule can use (a rule's own {@link Rule#field} or not). */
  private static Object sharedField(byte[] b, int from, int to, Rule rule, boolean list) {
    WireGrammar g = new WireGrammar(b, from, to);
    g.sws();
    if (g.pos == g.end) {
      return null; // empty: an error or an empty list, the String grammar says which
    }
    Object first = null;
    Object second = null;
    List<Object> more = null;
    int count = 0;
    while (true) {
      // The only call of a rule, for every element of every field: see Rule
      Object element = rule.read(g);
      if (element == null) {
        return null;
      }
      g.sws();
      if (count == 0) {
        first = element;
      } else if (count == 1) {
        second = element;
      } else {
        if (more == null) {
          more = new ArrayList<>(4);
          more.add(first);
          more.add(second);
        }
        more.add(element);
      }
      count++;
      if (g.pos == g.end) {
        break;
      }
      if (!list || !g.comma()) {
        return null;
      }
    }
    if (count == 1) {
      return first;
    }
    // The usual list (two Routes) is one object, no ArrayList; a longer one is cached and
    // handed out as it is (unmodifiable)
    return count == 2 ? List.of(first, second) : List.copyOf(more);
  }

  /** SWS, then whether an element follows (an empty field is declined, as {@link #field} does). */
  private boolean element() {
    sws();
    return pos < end;
  }

  /** Whether the field ends (after SWS) with {@code only}, or it was declined (null). */
  private boolean endsAfter(Object only) {
    if (only == null) {
      return true;
    }
    sws();
    return pos == end;
  }

  /**
   * COMMA and the SWS after it, followed by an octet that can start an element; false when
   * declined. At an octet of the field ({@code pos < end}).
   */
  private boolean comma() {
    if (b[pos] != ',') {
      return false;
    }
    pos++;
    sws();
    return pos < end && b[pos] != ',';
  }

  /** A {@code SIP-URI} or {@code SIPS-URI} filling {@code b[from, to)} exactly, or null. */
  static SipUri sipUri(byte[] b, int from, int to) {
    WireGrammar g = new WireGrammar(b, from, to);
    SipUri uri = g.sipUri(from, to);
    return g.pos == to ? uri : null;
  }

  // --- header rules -----------------------------------------------------------------------------

  /**
   * via-parm = sent-protocol LWS sent-by *( SEMI via-params ); sent-protocol =
   * protocol-name SLASH protocol-version SLASH transport, here exactly {@code SIP/2.0/}.
   */
  Via viaParm() {
    String transport = WireTokens.sentProtocol(b, pos, end);
    if (transport != null) {
      pos += 11; // "SIP/2.0/" and a transport of three letters; the LWS after it follows
    } else if (literal("SIP/2.0/")) {
      transport = token(WireTokens.COMMON_TRANSPORTS);
    }
    if (transport == null || !lws()) {
      return null;
    }
    int hostStart = pos;
    if (!host(end)) {
      return null;
    }
    String host = string(hostStart, pos);
    int port = -1;
    if (pos < end && b[pos] == ':') {
      pos++;
      port = port(end);
      if (port < 0) {
        return null;
      }
    }
    Parameters parameters = genericParams(true);
    return parameters == null ? null : new Via("SIP", "2.0", transport, host, port, parameters);
  }

  /** From / To / Refer-To: ( name-addr / addr-spec ) *( SEMI generic-param ). */
  Address fromTo() {
    return address(false, false);
  }

  /** contact-param = ( name-addr / addr-spec ) *( SEMI contact-params ); "*" is declined. */
  Address contactParam() {
    return pos < end && b[pos] == '*' ? null : address(true, false);
  }

  /** route-param / rec-route = name-addr *( SEMI rr-param ). */
  Address routeParam() {
    return address(true, true);
  }

  /** callid = word [ "@" word ] ({@link Rfc3261Rules#callid}). */
  String callid() {
    int start = pos;
    long v = Rfc3261Rules.callid(this, start, end);
    if (Rfc3261Rules.fault(v) != Rfc3261Rules.OK) {
      return null;
    }
    pos = Rfc3261Rules.index(v);
    return string(start, pos);
  }

  /** CSeq = 1*DIGIT LWS Method, the method one Parley knows. */
  CSeq cseq() {
    long n = digits(10);
    if (n < 0 || n > CSeq.MAX_SEQUENCE || !lws()) {
      return null;
    }
    int start = pos;
    pos = Rfc3261Rules.tokenEnd(this, start, end);
    SipMethod method = WireTokens.knownMethod(b, start, pos);
    return method == null ? null : new CSeq(n, method);
  }

  /** Max-Forwards = 1*DIGIT, 0..255. */
  Integer maxForwards() {
    long n = digits(3);
    return n < 0 || n > 255 ? null : (int) n;
  }

  // --- name-addr / addr-spec ----------------------------------------------------------------

  /**
   * ( name-addr / addr-spec ) *( SEMI generic-param ), name-addr = [ display-name ] LAQUOT
   * addr-spec RAQUOT, display-name = *(token LWS) / quoted-string.
   */
  private Address address(boolean list, boolean bracketsRequired) {
    sws();
    String display = null;
    int start = pos;
    int c = pos < end ? b[pos] : -1;
    if (c == '"') {
      if (!quotedString()) {
        return null;
      }
      display = string(start + 1, pos - 1);
      sws();
      if (pos == end || b[pos] != '<') {
        return null;
      }
    } else if (c != '<') {
      int i = Rfc3261Rules.displayNameEnd(this, start, end);
      if (i == start || i == end) {
        return null;
      }
      if (b[i] == '<' && (b[i - 1] == ' ' || b[i - 1] == '\t')) {
        int displayEnd = i;
        while (b[displayEnd - 1] == ' ' || b[displayEnd - 1] == '\t') {
          displayEnd--;
        }
        display = string(start, displayEnd);
        pos = i;
      } else if (b[i] == ':' && !bracketsRequired && !hasSpace(start, i)) {
        return addrSpec(list);
      } else {
        return null;
      }
    }
    Uri uri = bracketedUri();
    if (uri == null) {
      return null;
    }
    Parameters parameters = genericParams(false);
    return parameters == null ? null : new Address(display, uri, parameters);
  }

  /**
   * LAQUOT addr-spec RAQUOT, without whitespace inside the brackets. No octet of a URI this class
   * takes is '>', so the URI read from after '<' ends at the first '>' or is declined.
   */
  private Uri bracketedUri() {
    Uri uri = sipUri(pos + 1, end);
    if (uri == null || pos == end || b[pos] != '>') {
      return null;
    }
    pos++;
    return uri;
  }

  /** addr-spec outside brackets: ends at ';', ',' (in a list) or whitespace; no '?'. */
  private Address addrSpec(boolean list) {
    int start = pos;
    int i = start;
    while (i < end) {
      byte ch = b[i];
      if (ch == ';' || (ch == ',' && list) || ch == ' ' || ch == '\t') {
        break;
      }
      if (ch == '?') {
        return null;
      }
      i++;
    }
    Uri uri = sipUri(start, i);
    if (uri == null || pos != i) {
      return null;
    }
    Parameters parameters = genericParams(false);
    return parameters == null ? null : new Address(null, uri, parameters);
  }

  private boolean hasSpace(int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == ' ' || b[i] == '\t') {
        return true;
      }
    }
    return false;
  }

  // --- generic-param ----------------------------------------------------------------------------

  /**
   * *( SEMI generic-param ), generic-param = token [ EQUAL gen-value ], gen-value = token /
   * host / quoted-string; null when declined.
   *
   * @param hostValues whether values may also hold ':' (Via received with an IPv6 address)
   */
  private Parameters genericParams(boolean hostValues) {
    int save = pos;
    sws();
    boolean none = pos == end || b[pos] != ';';
    pos = save;
    if (none) {
      return Parameters.EMPTY;
    }
    return genericParam(hostValues, 0) ? new Parameters(pairs) : null;
  }

  /** The parameter at {@code index} and those after it. */
  private boolean genericParam(boolean hostValues, int index) {
    int save = pos;
    sws();
    if (pos == end || b[pos] != ';') {
      pos = save;
      pairs = new String[2 * index];
      return true;
    }
    if (index == MAX_PARAMETERS) {
      return false;
    }
    pos++;
    sws();
    String name = token(WireTokens.COMMON_PARAMETERS);
    if (name == null) {
      return false;
    }
    String value = null;
    save = pos;
    sws();
    if (pos < end && b[pos] == '=') {
      pos++;
      sws();
      value = genValue(hostValues);
      if (value == null) {
        return false;
      }
    } else {
      pos = save;
    }
    if (!genericParam(hostValues, index + 1)) {
      return false;
    }
    pairs[2 * index] = name;
    pairs[2 * index + 1] = value;
    return true;
  }

  /** gen-value = token / host / quoted-string; an IPv6 reference ('[') is declined. */
  private String genValue(boolean hostValues) {
    int start = pos;
    if (pos < end && b[pos] == '"') {
      return quotedString() ? string(start, pos) : null;
    }
    int i = start; // a local in the loop, not the field: no store per octet
    while (i < end && (Chars.isOctet(b[i], Chars.TOKEN) || (hostValues && b[i] == ':'))) {
      i++;
    }
    pos = i;
    return i == start ? null : string(start, i);
  }

  /** quoted-string = DQUOTE *qdtext DQUOTE, ASCII and without quoted-pair. */
  private boolean quotedString() {
    int i = pos + 1; // a local in the loop; where it stops matters only when it returns true
    while (i < end) {
      byte c = b[i++];
      if (c == '"') {
        pos = i;
        return true;
      }
      if (c == '\\' || c < 0 || !Chars.isOctet(c, Chars.QDTEXT)) {
        return false;
      }
    }
    return false;
  }

  // --- lexical ----------------------------------------------------------------------------------

  /** SWS = [LWS]; values reach here unfolded, so LWS is a run of SP and HTAB. */
  private void sws() {
    while (pos < end && (b[pos] == ' ' || b[pos] == '\t')) {
      pos++;
    }
  }

  /** LWS: at least one SP or HTAB; false if none. */
  private boolean lws() {
    int start = pos;
    sws();
    return pos > start;
  }

  /** 1*DIGIT of at most {@code maxDigits} digits, or -1. */
  private long digits(int maxDigits) {
    int start = pos;
    long value = 0;
    while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
      if (pos - start == maxDigits) {
        return -1;
      }
      value = value * 10 + b[pos] - '0';
      pos++;
    }
    return pos == start ? -1 : value;
  }

  /** A token, as the matching String of {@code common} when it is one, or null when empty. */
  private String token(String[][] common) {
    int start = pos;
    pos = Rfc3261Rules.tokenEnd(this, start, end);
    return pos == start ? null : common(common, start, pos);
  }

  /** Consumes {@code s} if the input continues with exactly it. */
  private boolean literal(String s) {
    int n = s.length();
    if (end - pos < n || !WireTokens.equalsAscii(b, pos, pos + n, s)) {
      return false;
    }
    pos += n;
    return true;
  }
}
