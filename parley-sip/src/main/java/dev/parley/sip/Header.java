package dev.parley.sip;

import dev.parley.sip.internal.Chars;
import dev.parley.sip.internal.Leniency;
import dev.parley.sip.internal.Lexer;
import dev.parley.sip.internal.HeaderGrammar;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A header Parley reads as a typed value: its name, whether its value is a comma-separated list
 * (RFC 3261 §7.3.1), whether it may appear only once, and the grammar that turns its text into a
 * {@code T}.
 *
 * <p>Use the constants with {@link SipMessage#header(Header)} and {@link SipMessage#headers(Header)}.
 * For a list header, {@code T} is the type of one element. Immutable and thread-safe.
 *
 * @param <T> the typed value of one element
 */
public final class Header<T> {
  /** Via (RFC 3261 §20.42): list. */
  public static final Header<Via> VIA = list(HeaderName.VIA, HeaderGrammar::via, false)
      .wire(WireGrammar.Rule.VIA_PARM);
  /** From (RFC 3261 §20.20). */
  public static final Header<Address> FROM =
      single(HeaderName.FROM, HeaderGrammar::address).wire(WireGrammar.Rule.FROM_TO);
  /** To (RFC 3261 §20.39). */
  public static final Header<Address> TO =
      single(HeaderName.TO, HeaderGrammar::address).wire(WireGrammar.Rule.FROM_TO);
  /** Call-ID (RFC 3261 §20.8): word ["@" word]. */
  public static final Header<String> CALL_ID = single(HeaderName.CALL_ID, HeaderGrammar::callId)
      .wire(WireGrammar.Rule.CALLID);
  /** CSeq (RFC 3261 §20.16). */
  public static final Header<CSeq> CSEQ = single(HeaderName.CSEQ, HeaderGrammar::cseq)
      .wire(WireGrammar.Rule.CSEQ);
  /** Contact (RFC 3261 §20.10): list, or the {@link Address#WILDCARD}. */
  public static final Header<Address> CONTACT = list(HeaderName.CONTACT, HeaderGrammar::contact, false)
      .wire(WireGrammar.Rule.CONTACT_PARAM);
  /** Max-Forwards (RFC 3261 §20.22): 0..255. */
  public static final Header<Integer> MAX_FORWARDS =
      single(HeaderName.MAX_FORWARDS, l -> (int) l.expectNumber("Max-Forwards", 255))
          .wire(WireGrammar.Rule.MAX_FORWARDS);
  /** Route (RFC 3261 §20.34): list. */
  public static final Header<Address> ROUTE = list(HeaderName.ROUTE, HeaderGrammar::nameAddr, false)
      .wire(WireGrammar.Rule.ROUTE_PARAM);
  /** Record-Route (RFC 3261 §20.30): list. */
  public static final Header<Address> RECORD_ROUTE =
      list(HeaderName.RECORD_ROUTE, HeaderGrammar::nameAddr, false).wire(WireGrammar.Rule.ROUTE_PARAM);
  /** Path (RFC 3327): list. */
  public static final Header<Address> PATH = list(HeaderName.PATH, HeaderGrammar::nameAddr, false)
      .wire(WireGrammar.Rule.ROUTE_PARAM);
  /** Content-Type (RFC 3261 §20.15). */
  public static final Header<MediaType> CONTENT_TYPE =
      single(HeaderName.CONTENT_TYPE, HeaderGrammar::mediaType);
  /** Content-Length (RFC 3261 §20.14). */
  public static final Header<Integer> CONTENT_LENGTH =
      single(HeaderName.CONTENT_LENGTH, l -> (int) l.expectNumber("Content-Length", Integer.MAX_VALUE));
  /** Expires (RFC 3261 §20.19): delta-seconds. */
  public static final Header<Long> EXPIRES =
      single(HeaderName.EXPIRES, l -> l.expectNumber("Expires", CSeq.MAX_SEQUENCE));
  /** Min-Expires (RFC 3261 §20.23): delta-seconds. */
  public static final Header<Long> MIN_EXPIRES =
      single(HeaderName.MIN_EXPIRES, l -> l.expectNumber("Min-Expires", CSeq.MAX_SEQUENCE));
  /** Allow (RFC 3261 §20.5): list of methods, may be empty. */
  public static final Header<String> ALLOW = list(HeaderName.ALLOW, l -> l.expectToken("a method"), true);
  /** Supported (RFC 3261 §20.37): list of option tags, may be empty. */
  public static final Header<String> SUPPORTED =
      list(HeaderName.SUPPORTED, l -> l.expectToken("an option tag"), true);
  /** Require (RFC 3261 §20.32): list of option tags. */
  public static final Header<String> REQUIRE =
      list(HeaderName.REQUIRE, l -> l.expectToken("an option tag"), false);
  /** Proxy-Require (RFC 3261 §20.29): list of option tags. */
  public static final Header<String> PROXY_REQUIRE =
      list(HeaderName.PROXY_REQUIRE, l -> l.expectToken("an option tag"), false);
  /** Unsupported (RFC 3261 §20.40): list of option tags. */
  public static final Header<String> UNSUPPORTED =
      list(HeaderName.UNSUPPORTED, l -> l.expectToken("an option tag"), false);
  /** Authorization (RFC 3261 §20.7); may appear several times. */
  public static final Header<Credentials> AUTHORIZATION = repeated(HeaderName.AUTHORIZATION,
      l -> new Credentials(l.expectToken("an auth scheme"), HeaderGrammar.authParams(l)))
      .credentialsWire();
  /** Proxy-Authorization (RFC 3261 §20.28); may appear several times. */
  public static final Header<Credentials> PROXY_AUTHORIZATION = repeated(HeaderName.PROXY_AUTHORIZATION,
      l -> new Credentials(l.expectToken("an auth scheme"), HeaderGrammar.authParams(l)))
      .credentialsWire();
  /** WWW-Authenticate (RFC 3261 §20.44); may appear several times (one per algorithm). */
  public static final Header<Challenge> WWW_AUTHENTICATE = repeated(HeaderName.WWW_AUTHENTICATE,
      l -> new Challenge(l.expectToken("an auth scheme"), HeaderGrammar.authParams(l)));
  /** Proxy-Authenticate (RFC 3261 §20.27); may appear several times. */
  public static final Header<Challenge> PROXY_AUTHENTICATE = repeated(HeaderName.PROXY_AUTHENTICATE,
      l -> new Challenge(l.expectToken("an auth scheme"), HeaderGrammar.authParams(l)));
  /** Event (RFC 6665 §8.2.1). */
  public static final Header<Event> EVENT = single(HeaderName.EVENT,
      l -> new Event(l.expectToken("an event type"), l.parameters(false)));
  /** Subscription-State (RFC 6665 §8.2.3). */
  public static final Header<SubscriptionState> SUBSCRIPTION_STATE = single(HeaderName.SUBSCRIPTION_STATE,
      l -> new SubscriptionState(l.expectToken("a subscription state"), l.parameters(false)));
  /** Refer-To (RFC 3515 §2.1). */
  public static final Header<Address> REFER_TO = single(HeaderName.REFER_TO, HeaderGrammar::address)
      .wire(WireGrammar.Rule.FROM_TO);
  /** Referred-By (RFC 3892 §3): a name-addr or addr-spec; the {@code cid} parameter as written. */
  public static final Header<Address> REFERRED_BY =
      single(HeaderName.REFERRED_BY, HeaderGrammar::address);
  /** Replaces (RFC 3891 §6.1): callid and replaces-params. */
  public static final Header<Replaces> REPLACES = single(HeaderName.REPLACES, HeaderGrammar::replaces);
  /** Reason (RFC 3326): list. */
  public static final Header<Reason> REASON = list(HeaderName.REASON,
      l -> new Reason(l.expectToken("a reason protocol"), l.parameters(false)), false);
  /** Date (RFC 3261 §20.17): an RFC 1123 date in GMT. Null when a tolerated bad date is ignored. */
  public static final Header<Instant> DATE = single(HeaderName.DATE, HeaderGrammar::date);

  /** Every header above, in RFC order of interest. */
  static final List<Header<?>> ALL = List.of(VIA, FROM, TO, CALL_ID, CSEQ, CONTACT, MAX_FORWARDS,
      ROUTE, RECORD_ROUTE, PATH, CONTENT_TYPE, CONTENT_LENGTH, EXPIRES, MIN_EXPIRES, ALLOW,
      SUPPORTED, REQUIRE, PROXY_REQUIRE, UNSUPPORTED, AUTHORIZATION, PROXY_AUTHORIZATION,
      WWW_AUTHENTICATE, PROXY_AUTHENTICATE, EVENT, SUBSCRIPTION_STATE, REFER_TO, REFERRED_BY,
      REPLACES, REASON, DATE);

  private final HeaderName name;
  private final boolean list;
  private final boolean emptyAllowed;
  private final boolean singleton;
  private final Function<Lexer, T> element;
  /**
   * The same grammar read from the message's bytes (fast path, may decline), or null; its
   * elements are {@code T}s.
   */
  private final WireGrammar.Rule wire;
  /** Whether the fast path is {@link WireCredentials} (Authorization, Proxy-Authorization). */
  private final boolean credentialsWire;
  /** "NAME value", what {@link Lexer#expectEnd} names: made once, not per field parsed. */
  private final String valueWhat;

  private Header(HeaderName name, boolean list, boolean emptyAllowed, boolean singleton,
      Function<Lexer, T> element, WireGrammar.Rule wire) {
    this(name, list, emptyAllowed, singleton, element, wire, false);
  }

  private Header(HeaderName name, boolean list, boolean emptyAllowed, boolean singleton,
      Function<Lexer, T> element, WireGrammar.Rule wire, boolean credentialsWire) {
    this.name = name;
    this.list = list;
    this.emptyAllowed = emptyAllowed;
    this.singleton = singleton;
    this.element = element;
    this.wire = wire;
    this.credentialsWire = credentialsWire;
    this.valueWhat = name + " value";
  }

  /** This header with a fast path for its element rule. */
  private Header<T> wire(WireGrammar.Rule rule) {
    return new Header<>(name, list, emptyAllowed, singleton, element, rule);
  }

  /** This header (credentials, one per field) with the fast path of {@link WireCredentials}. */
  private Header<T> credentialsWire() {
    return new Header<>(name, list, emptyAllowed, singleton, element, null, true);
  }

  private static <T> Header<T> single(HeaderName name, Function<Lexer, T> element) {
    return new Header<>(name, false, false, true, element, null);
  }

  private static <T> Header<T> repeated(HeaderName name, Function<Lexer, T> element) {
    return new Header<>(name, false, false, false, element, null);
  }

  private static <T> Header<T> list(HeaderName name, Function<Lexer, T> element, boolean emptyAllowed) {
    return new Header<>(name, true, emptyAllowed, false, element, null);
  }

  /** The header's name. */
  public HeaderName name() {
    return name;
  }

  /** Whether one field may hold several comma-separated values. */
  public boolean isList() {
    return list;
  }

  /** Whether a message may carry at most one field of this header (RFC 3261 §7.3.1). */
  public boolean isSingleton() {
    return singleton;
  }

  /**
   * Parses one field value holding exactly one element, under the STRICT policy.
   *
   * @throws SipParseException if it does not match the header's grammar
   */
  public T parse(String value) {
    Objects.requireNonNull(value, "value");
    List<T> all = parseField(value, Leniency.strict());
    if (all.size() != 1) {
      throw SipParseException.at(name + " holds " + all.size() + " values, expected one", 0);
    }
    return all.get(0);
  }

  /**
   * Parses one field value into its elements.
   *
   * @throws SipParseException at the 0-based index of the problem in {@code value}
   */
  List<T> parseField(String value, Leniency leniency) {
    Lexer l = new Lexer(value, leniency);
    l.consumeSWS();
    if (l.atEnd()) {
      if (list && emptyAllowed) {
        return List.of();
      }
      throw l.error(name + " is empty");
    }
    T first = element.apply(l);
    l.consumeSWS();
    if (!list || l.atEnd()) {
      l.expectEnd(valueWhat);
      return first == null ? List.of() : List.of(first);
    }
    List<T> out = new ArrayList<>(4);
    out.add(first);
    while (l.consumeSeparator(',')) {
      if (l.atEnd() || l.peek() == ',') {
        throw l.error("empty element in " + name + " list");
      }
      out.add(element.apply(l));
    }
    l.expectEnd(valueWhat);
    return Collections.unmodifiableList(out); // cached in the message and handed out as it is
  }

  /**
   * The elements of the field {@code source[from, to)} read by the fast path, or null when it has
   * none for this header or declines the value (then {@link #parseField} decides).
   */
  @SuppressWarnings("unchecked")
  List<T> parseWire(byte[] source, int from, int to) {
    Object value = parseWireValue(source, from, to);
    return value == null ? null : value instanceof List ? (List<T>) value : List.of((T) value);
  }

  /**
   * As {@link #parseWire}, but a field of one value is that value itself, not a list of it
   * (what {@link SipMessage} caches); a field of several values is their list.
   */
  Object parseWireValue(byte[] source, int from, int to) {
    if (credentialsWire) {
      return WireCredentials.field(source, from, to);
    }
    return wire == null ? null : WireGrammar.field(source, from, to, wire, list);
  }

  /**
   * Parses delta-seconds (RFC 3261 §25.1): 1*DIGIT within 0..2^32-1.
   *
   * @throws SipParseException otherwise
   */
  static long parseDeltaSeconds(String v) {
    Lexer l = new Lexer(v, Leniency.strict());
    long n = l.expectNumber("delta-seconds", CSeq.MAX_SEQUENCE);
    l.expectEnd("delta-seconds");
    return n;
  }

  /**
   * Parses a qvalue (RFC 3261 §25.1): ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ).
   *
   * @throws SipParseException otherwise
   */
  static float parseQvalue(String v) {
    int n = v.length();
    boolean ok = n >= 1 && (v.charAt(0) == '0' || v.charAt(0) == '1') && n <= 5
        && (n == 1 || v.charAt(1) == '.');
    for (int i = 2; ok && i < n; i++) {
      char c = v.charAt(i);
      ok = v.charAt(0) == '0' ? Chars.is(c, Chars.DIGIT) : c == '0';
    }
    if (!ok) {
      throw SipParseException.at("q is not a qvalue between 0 and 1: " + v, 0);
    }
    return Float.parseFloat(v);
  }

  @Override
  public String toString() {
    return name.toString();
  }
}
