package dev.parley.sip.internal;

import dev.parley.sip.Parameters;
import dev.parley.sip.SipParseException;
import dev.parley.sip.Violation;

/**
 * A cursor over one header value, with a method per RFC 3261 §25.1 rule that header grammars share
 * (SWS, token, quoted-string, generic-param, the separators SEMI, COMMA, SLASH, EQUAL).
 *
 * <p>Values reach it unfolded (RFC 3261 §7.3.1), so LWS is a run of SP and HTAB. Every failure is a
 * {@link SipParseException} at the 0-based index of the problem in the value. Not thread-safe.
 */
public final class Lexer extends CharSource {
  private final String s;
  private final int end;
  private final Leniency leniency;
  private int pos;

  public Lexer(String s, Leniency leniency) {
    this(s, 0, s.length(), leniency);
  }

  public Lexer(String s, int start, int end, Leniency leniency) {
    this.s = s;
    this.pos = start;
    this.end = end;
    this.leniency = leniency;
  }

  /** The character at {@code i}, for the rules of {@link Rfc3261Rules}. */
  @Override
  public int at(int i) {
    return s.charAt(i);
  }

  public String text() {
    return s;
  }

  public int pos() {
    return pos;
  }

  public void pos(int pos) {
    this.pos = pos;
  }

  public int end() {
    return end;
  }

  public Leniency leniency() {
    return leniency;
  }

  public boolean atEnd() {
    return pos >= end;
  }

  /** The character at the cursor, or -1 at the end. */
  public int peek() {
    return pos < end ? s.charAt(pos) : -1;
  }

  public SipParseException error(String reason) {
    return SipParseException.at(reason, pos);
  }

  public SipParseException error(String reason, int at) {
    return SipParseException.at(reason, at);
  }

  /** Reports a violation at the cursor (throws unless tolerated). */
  public void violate(Violation v) {
    leniency.violate(v, pos);
  }

  /** SWS = [LWS]: skips spaces and tabs; returns whether any were skipped. */
  public boolean consumeSWS() {
    int start = pos;
    pos = Rfc3261Rules.swsEnd(this, start, end);
    return pos > start;
  }

  /** Whether the next non-space character is {@code c}; if so consumes SWS c SWS. */
  public boolean consumeSeparator(char c) {
    int save = pos;
    consumeSWS();
    if (pos < end && s.charAt(pos) == c) {
      pos++;
      consumeSWS();
      return true;
    }
    pos = save;
    return false;
  }

  /** SEMI / COMMA / SLASH / EQUAL / COLON: SWS c SWS, or an error naming {@code what}. */
  public void expectSeparator(char c, String what) {
    if (!consumeSeparator(c)) {
      throw error("expected '" + c + "' " + what + describeHere());
    }
  }

  /** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"). */
  public String expectToken(String what) {
    return expectToken(what, NO_COMMON);
  }

  private static final String[] NO_COMMON = {};

  /**
   * A token, returned as the matching string of {@code common} when it equals one of them (no
   * allocation for the usual values), else as a new string.
   */
  public String expectToken(String what, String[] common) {
    int start = pos;
    pos = Rfc3261Rules.tokenEnd(this, pos, end);
    if (pos == start) {
      throw error("expected " + what + describeHere());
    }
    int len = pos - start;
    for (String c : common) {
      if (c.length() == len && s.regionMatches(start, c, 0, len)) {
        return c;
      }
    }
    return s.substring(start, pos);
  }

  /** Parameter names common enough to be worth sharing. */
  public static final String[] COMMON_PARAMETERS = {
      "branch", "tag", "lr", "rport", "received", "transport", "maddr", "ttl", "user", "expires",
      "q", "method", "ob", "reg-id", "+sip.instance", "isfocus", "cause", "text", "id"};

  /** 1*DIGIT as a long, refusing more than {@code maxDigits} significant digits or a value above {@code max}. */
  public long expectNumber(String what, long max) {
    int start = pos;
    while (pos < end && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
      pos++;
    }
    if (pos == start) {
      throw error("expected " + what + " (digits)" + describeHere());
    }
    long value = parseDigits(s, start, pos);
    if (value < 0 || value > max) {
      throw error(what + " out of range (0.." + max + "): " + s.substring(start, pos), start);
    }
    return value;
  }

  /** The value of a run of digits, or -1 when it exceeds 2^53 (so callers report it as too large). */
  public static long parseDigits(CharSequence s, int start, int end) {
    long v = 0;
    for (int i = start; i < end; i++) {
      v = v * 10 + (s.charAt(i) - '0');
      if (v > (1L << 53)) {
        return -1;
      }
    }
    return v;
  }

  /**
   * quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE, returned as written (with quotes).
   * An unterminated string is {@link Violation#UNTERMINATED_QUOTED_STRING}, repaired by ending it
   * before the next {@code <} or at the end of the value.
   */
  public String expectQuotedString() {
    int start = pos;
    if (peek() != '"') {
      throw error("expected '\"'" + describeHere());
    }
    long verdict = Rfc3261Rules.quotedStringEnd(this, start, end);
    int fault = Rfc3261Rules.fault(verdict);
    if (fault == Rfc3261Rules.OK) {
      pos = Rfc3261Rules.index(verdict);
      return s.substring(start, pos);
    }
    if (fault == Rfc3261Rules.BAD_QUOTED_PAIR) {
      pos = Rfc3261Rules.index(verdict);
      throw error("invalid quoted-pair");
    }
    if (fault == Rfc3261Rules.NOT_QDTEXT) {
      pos = Rfc3261Rules.index(verdict);
      throw error("invalid character " + describe(s.charAt(pos)) + " in quoted string");
    }
    leniency.violate(Violation.UNTERMINATED_QUOTED_STRING, start);
    int laquot = s.indexOf('<', start);
    int stop = laquot >= 0 && laquot < end ? laquot : end;
    pos = stop;
    return s.substring(start, stop).stripTrailing() + "\"";
  }

  /**
   * generic-param list: *( SEMI generic-param ), generic-param = token [ EQUAL gen-value ],
   * gen-value = token / host / quoted-string.
   *
   * @param hostValues whether values may also be unbracketed IPv6 addresses (Via received, maddr)
   */
  public Parameters parameters(boolean hostValues) {
    Parameters.Builder b = null;
    while (consumeSeparator(';')) {
      String name = expectToken("a parameter name after ';'", COMMON_PARAMETERS);
      String value = null;
      if (consumeSeparator('=')) {
        value = genValue(hostValues);
      }
      if (b == null) {
        b = Parameters.builder();
      }
      b.add(name, value);
    }
    return b == null ? Parameters.EMPTY : b.build();
  }

  /** gen-value = token / host / quoted-string. */
  public String genValue(boolean hostValues) {
    int c = peek();
    if (c == '"') {
      return expectQuotedString();
    }
    int start = pos;
    if (c == '[') {
      int close = s.indexOf(']', pos);
      if (close < 0 || close >= end) {
        throw error("unterminated IPv6 reference");
      }
      pos = close + 1;
      return s.substring(start, pos);
    }
    while (pos < end) {
      char ch = s.charAt(pos);
      if (Chars.is(ch, Chars.TOKEN) || (hostValues && ch == ':')) {
        pos++;
      } else {
        break;
      }
    }
    if (pos == start) {
      throw error("expected a parameter value" + describeHere());
    }
    return s.substring(start, pos);
  }

  /** Fails unless the cursor is at the end (after SWS). */
  public void expectEnd(String what) {
    consumeSWS();
    if (pos < end) {
      throw error("unexpected " + describe(s.charAt(pos)) + " after " + what);
    }
  }

  /** Text describing the character at the cursor, for error messages. */
  public String describeHere() {
    return pos < end ? ", found " + describe(s.charAt(pos)) : ", found end of value";
  }

  public static String describe(char c) {
    if (c < 0x20 || c == 0x7F) {
      return String.format("control character 0x%02X", (int) c);
    }
    return "'" + c + "'";
  }

  /**
   * The content of a quoted-string without quotes and with quoted-pairs resolved; other values
   * unchanged; null stays null.
   */
  public static String unquote(String raw) {
    if (raw == null || raw.length() < 2 || raw.charAt(0) != '"' || raw.charAt(raw.length() - 1) != '"') {
      return raw;
    }
    if (raw.indexOf('\\') < 0) {
      return raw.substring(1, raw.length() - 1);
    }
    StringBuilder sb = new StringBuilder(raw.length());
    for (int i = 1; i < raw.length() - 1; i++) {
      char c = raw.charAt(i);
      if (c == '\\' && i + 1 < raw.length() - 1) {
        c = raw.charAt(++i);
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
