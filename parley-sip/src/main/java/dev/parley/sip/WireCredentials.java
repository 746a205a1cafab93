package dev.parley.sip;

import dev.parley.sip.internal.CharSource;
import dev.parley.sip.internal.Rfc3261Rules;
import java.util.Arrays;

/**
 * The fast path of the Authorization and Proxy-Authorization values (RFC 3261 §20.7, §20.28,
 * §25.1): credentials = auth-scheme LWS auth-param *(COMMA auth-param), auth-param =
 * auth-param-name EQUAL ( token / quoted-string ), read in one pass from the parsed message's
 * bytes into the {@link Credentials} the String grammar ({@code HeaderGrammar.authParams}) makes:
 * the scheme and each parameter as written, quoted values with their quotes, in order
 * (a repeated parameter stays repeated). The token, quoted-string and SWS rules are those of
 * {@link Rfc3261Rules}, which the String grammar's {@code Lexer} applies too.
 *
 * <p>It accepts only the usual shape: ASCII, no auth-param value that is an IPv6 reference, at
 * most {@value #MAX_PARAMETERS} parameters, a comma between parameters. Anything else, well
 * formed or not, it <em>declines</em> (null), and the String grammar, which alone reports errors
 * and {@link Violation}s (a missing comma, an unterminated quoted-string), reads the value. The
 * contract, which {@code WireCredentialsTest} checks against the String grammar: whatever this
 * class accepts, the String grammar accepts under every policy, without a violation, as an equal
 * value.
 *
 * <p>One instance reads one field; not thread-safe. The static entry point is.
 */
final class WireCredentials extends CharSource {
  /** More auth-params than this in one value are declined (Digest has at most eleven). */
  static final int MAX_PARAMETERS = 16;
  /** The auth-param names of RFC 7616 §3.4 and the usual scheme: shared, not copied per field. */
  private static final String[][] COMMON = byLength("username", "realm", "nonce",
      "uri", "response", "algorithm", "cnonce", "opaque", "qop", "nc", "Digest", "MD5", "auth",
      "SHA-256", "userhash", "username*", "auth-int");

  private final byte[] b;
  private final int end;
  private int pos;

  private WireCredentials(byte[] b, int from, int to) {
    this.b = b;
    this.pos = from;
    this.end = to;
  }

  /** The octet at {@code i}, for the rules of {@link Rfc3261Rules}. */
  @Override
  public int at(int i) {
    return b[i] & 0xFF;
  }

  /**
   * The credentials of one header field {@code b[from, to)} (unfolded and trimmed, as framing
   * leaves it), or null when declined. Mirrors {@code Header.parseField} for a header of one
   * value per field.
   */
  static Credentials field(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] < 0) {
        return null; // not ASCII: the String grammar reads the decoded characters
      }
    }
    WireCredentials r = new WireCredentials(b, from, to);
    return r.credentials();
  }

  /** SWS credentials SWS, to the end of the field; null when declined. */
  private Credentials credentials() {
    sws();
    String scheme = token();
    if (scheme == null) {
      return null; // empty, or not a token: the String grammar's error
    }
    Parameters parameters = authParams();
    if (parameters == null) {
      return null;
    }
    sws();
    return pos == end ? new Credentials(scheme, parameters) : null;
  }

  /**
   * LWS auth-param *(COMMA auth-param) after the scheme, or nothing at all; null when declined.
   * As {@code HeaderGrammar.authParams}: a scheme alone ends the value with no parameters.
   */
  private Parameters authParams() {
    int save = pos;
    sws();
    if (pos == save) {
      return pos == end ? Parameters.EMPTY : null;
    }
    String[] pairs = new String[2 * MAX_PARAMETERS];
    int n = 0;
    while (true) {
      if (n == MAX_PARAMETERS) {
        return null;
      }
      String name = token();
      if (name == null || !separator('=')) {
        return null;
      }
      String value = pos < end && b[pos] == '"' ? quotedString() : token();
      if (value == null) {
        return null; // an IPv6 reference, an empty value, a bad quoted-string: declined
      }
      pairs[2 * n] = name;
      pairs[2 * n + 1] = value;
      n++;
      if (!separator(',')) {
        break; // what follows must be the end: the caller checks (a missing comma is declined)
      }
    }
    return new Parameters(Arrays.copyOf(pairs, 2 * n));
  }

  /** SWS c SWS, consumed when the next octet after SWS is {@code c}; else nothing. */
  private boolean separator(char c) {
    int i = Rfc3261Rules.swsEnd(this, pos, end);
    if (i < end && b[i] == c) {
      pos = Rfc3261Rules.swsEnd(this, i + 1, end);
      return true;
    }
    return false;
  }

  /** quoted-string, as written (with its quotes); null when it is not a whole one. */
  private String quotedString() {
    long verdict = Rfc3261Rules.quotedStringEnd(this, pos, end);
    if (Rfc3261Rules.fault(verdict) != Rfc3261Rules.OK) {
      return null;
    }
    int start = pos;
    pos = Rfc3261Rules.index(verdict);
    return string(start, pos);
  }

  /** A token, as the common String when it is one; null when empty. */
  private String token() {
    int start = pos;
    pos = Rfc3261Rules.tokenEnd(this, start, end);
    if (pos == start) {
      return null;
    }
    String c = WireTokens.common(COMMON, b, start, pos);
    return c != null ? c : string(start, pos);
  }

  private void sws() {
    pos = Rfc3261Rules.swsEnd(this, pos, end);
  }

  /** The ASCII octets {@code b[from, to)} as a String (the plain copy, as WireUriGrammar's). */
  @SuppressWarnings("deprecation")
  private String string(int from, int to) {
    return new String(b, 0, from, to - from);
  }

  /** {@code strings} grouped by length, for {@link WireTokens#common}. */
  private static String[][] byLength(String... strings) {
    String[][] table = new String[0][];
    for (String s : strings) {
      if (s.length() >= table.length) {
        table = Arrays.copyOf(table, s.length() + 1);
      }
    }
    for (int i = 0; i < table.length; i++) {
      table[i] = new String[0];
    }
    for (String s : strings) {
      String[] same = Arrays.copyOf(table[s.length()], table[s.length()].length + 1);
      same[same.length - 1] = s;
      table[s.length()] = same;
    }
    return table;
  }
}
