package dev.parley.sip;

import dev.parley.sip.internal.CharSource;
import dev.parley.sip.internal.Chars;
import dev.parley.sip.internal.Rfc3261Rules;

/**
 * The SIP URI half of {@link WireGrammar}, the byte-level fast path: the rules of the SIP URI
 * (RFC 3261 §25.1) with the host and port it shares with the Via, and the state and lexical
 * primitives of a reader over a parsed message's octets ({@code b[pos, end)}, one String per
 * component handed out). Its rules decline (null, false, -1) as {@link WireGrammar}'s do, on
 * the same contract; the shared rules are those of {@link Rfc3261Rules}.
 *
 * <p>Abstract, with {@link WireGrammar} its only subclass: one reader class, so the JIT sees one
 * receiver at the call sites of the rules it shares with the String grammar. Not thread-safe.
 */
abstract class WireUriGrammar extends CharSource {
  /** More parameters than this on one value or URI are declined, which bounds the recursion. */
  static final int MAX_PARAMETERS = 16;
  final byte[] b;
  final int end;
  int pos;
  /**
   * The parameter list being read, names and values in turn ({@link Parameters}' form):
   * allocated at its exact size by the last parameter.
   */
  String[] pairs;

  WireUriGrammar(byte[] b, int from, int to) {
    this.b = b;
    this.pos = from;
    this.end = to;
  }

  /** The octet at {@code i}, for the rules of {@link Rfc3261Rules}. */
  @Override
  public final int at(int i) {
    return b[i] & 0xFF;
  }


  // --- SIP URI ----------------------------------------------------------------------------------

  /**
   * SIP-URI = "sip:" [ userinfo ] hostport uri-parameters, SIPS-URI likewise with "sips:", read
   * from {@code from} as far as it goes within {@code to}; the caller checks where it stopped
   * ({@link #pos}): the String grammar reads a slice, which the URI must fill.
   *
   * <p>userinfo = user "@" (no password). The String grammar ends the userinfo at the first '@'
   * of the slice; here the user is the run of user characters before an '@'. Where they differ
   * (an '@' after a character that is not one), no rule below reads the '@', so the URI stops
   * before the end of the slice and is declined.
   */
  final SipUri sipUri(int from, int to) {
    boolean secure;
    if (to - from > 4 && lower(from) == 's' && lower(from + 1) == 'i' && lower(from + 2) == 'p') {
      if (b[from + 3] == ':') {
        secure = false;
        pos = from + 4;
      } else if (lower(from + 3) == 's' && b[from + 4] == ':') {
        secure = true;
        pos = from + 5;
      } else {
        return null;
      }
    } else {
      return null;
    }
    String user = null;
    int userStart = pos;
    if (!escapedRun(to, Chars.USER)) {
      return null;
    }
    if (pos < to && b[pos] == '@') {
      if (pos == userStart) {
        return null;
      }
      user = string(userStart, pos);
      pos++;
    } else {
      pos = userStart;
    }
    int hostStart = pos;
    if (!host(to)) {
      return null;
    }
    String host = string(hostStart, pos);
    int port = -1;
    if (pos < to && b[pos] == ':') {
      pos++;
      port = port(to);
      if (port < 0) {
        return null;
      }
    }
    Parameters parameters = uriParameters(to);
    if (parameters == null) {
      return null;
    }
    return new SipUri(secure, user, null, host, port, parameters, UriHeaders.EMPTY);
  }

  /** uri-parameters = *( ";" uri-parameter ), up to {@code to}. */
  private Parameters uriParameters(int to) {
    if (pos == to || b[pos] != ';') {
      return Parameters.EMPTY;
    }
    if (looseRouteOnly(to)) {
      pos += 3;
      return WireTokens.LOOSE_ROUTE; // what the parameter path makes for ";lr", not made again
    }
    return uriParameter(to, 0) ? new Parameters(pairs) : null;
  }

  /**
   * Whether the uri-parameters at {@code pos} (a ';') are exactly {@code ;lr}: "lr" followed by
   * the limit or an octet that ends the parameter name and the parameters without a decline
   * (not a paramchar, '%', '=', ';' or an unwise character), where {@link #uriParameter} would
   * stop after reading the same single parameter.
   */
  private boolean looseRouteOnly(int to) {
    int after = pos + 3;
    if (after > to || b[pos + 1] != 'l' || b[pos + 2] != 'r') {
      return false;
    }
    if (after == to) {
      return true;
    }
    byte c = b[after];
    return c != ';' && c != '=' && c != '%' && !Chars.isOctet(c, Chars.PARAM | Chars.UNWISE);
  }

  /**
   * uri-parameter = pname [ "=" pvalue ], pname / pvalue = 1*paramchar; the values of ttl,
   * transport, user and method checked against their rules; maddr declined.
   */
  private boolean uriParameter(int to, int index) {
    if (pos == to || b[pos] != ';') {
      pairs = new String[2 * index];
      return true;
    }
    if (index == MAX_PARAMETERS) {
      return false;
    }
    pos++;
    int nameStart = pos;
    if (!escapedRun(to, Chars.PARAM) || pos == nameStart) {
      return false;
    }
    int nameEnd = pos;
    String value = null;
    if (pos < to && b[pos] == '=') {
      pos++;
      int valueStart = pos;
      int kind = Rfc3261Rules.uriParameterKind(this, nameStart, nameEnd);
      if (!escapedRun(to, Chars.PARAM) || pos == valueStart || kind == Rfc3261Rules.MADDR_PARAMETER
          || Rfc3261Rules.fault(Rfc3261Rules.uriParameterValue(kind, this, valueStart, pos))
          != Rfc3261Rules.OK) {
        return false;
      }
      value = string(valueStart, pos);
    }
    String name = common(WireTokens.COMMON_URI_PARAMETERS, nameStart, nameEnd);
    if (!uriParameter(to, index + 1)) {
      return false;
    }
    pairs[2 * index] = name;
    pairs[2 * index + 1] = value;
    return true;
  }

  /**
   * Octets of {@code classes} and escaped = "%" HEXDIG HEXDIG up to {@code limit}; false when an
   * octet that is neither ends the run before an octet the String grammar would question ('%'
   * without two hex digits, a character RFC 3261 §19.1.2 wants escaped).
   */
  private boolean escapedRun(int limit, int classes) {
    pos = Rfc3261Rules.escapedRunEnd(this, pos, limit, classes);
    return pos >= limit || !(b[pos] == '%' || Chars.isOctet(b[pos], Chars.UNWISE));
  }

  // --- host / port --------------------------------------------------------------------------

  /**
   * host = hostname / IPv4address (an IPv6reference is declined), up to {@code limit}; true when
   * one was read ({@link Rfc3261Rules#host}, one pass over the host's octets).
   */
  final boolean host(int limit) {
    long v = Rfc3261Rules.host(this, pos, limit);
    if (Rfc3261Rules.fault(v) != Rfc3261Rules.OK) {
      return false;
    }
    pos = Rfc3261Rules.index(v);
    return true;
  }

  /**
   * port = 1*DIGIT, 0..65535 ({@link Rfc3261Rules#port}), or -1. Declined (-1) too when a hex digit, '.' or ':' follows: the
   * String grammar might then see an unbracketed IPv6 address.
   */
  final int port(int limit) {
    int start = pos;
    while (pos < limit && b[pos] >= '0' && b[pos] <= '9') {
      pos++;
    }
    int value = pos == start ? -1 : Rfc3261Rules.port(this, start, pos);
    if (value < 0) {
      return -1;
    }
    if (pos < limit && (Chars.isOctet(b[pos], Chars.HEX) || b[pos] == '.' || b[pos] == ':')) {
      return -1;
    }
    return value;
  }

  // --- lexical ----------------------------------------------------------------------------------

  /** {@code b[from, to)} as the matching String of {@code byLength}, else a new one. */
  final String common(String[][] byLength, int from, int to) {
    String c = WireTokens.common(byLength, b, from, to);
    return c != null ? c : string(from, to);
  }

  private int lower(int i) {
    int c = b[i];
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
  }

  /**
   * The ASCII octets {@code b[from, to)} as a String. The constructor with a high byte of 0 is
   * the plain copy that ASCII needs (no charset lookup or decoding): about half the time of
   * {@code new String(b, from, len, ISO_8859_1)}, and it is made for many short components.
   */
  @SuppressWarnings("deprecation")
  final String string(int from, int to) {
    return new String(b, 0, from, to - from);
  }
}
