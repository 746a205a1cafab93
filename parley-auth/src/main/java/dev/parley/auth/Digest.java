package dev.parley.auth;

import java.util.Objects;

/**
 * The digest computations of RFC 7616 §3.4 (and RFC 3261 §22.4, RFC 2617 §3.2.2), shared by the
 * client and the server, plus quoted-string writing. Stateless.
 */
final class Digest {
  /** qop value for authentication only. */
  static final String AUTH = "auth";
  /** qop value for authentication with integrity protection of the body. */
  static final String AUTH_INT = "auth-int";

  private Digest() {}

  /**
   * The request-digest ({@code response} auth-param).
   *
   * <pre>
   *   qop present: KD(HA1, nonce ":" nc ":" cnonce ":" qop ":" HA2)   (RFC 7616 §3.4.1)
   *   qop absent:  KD(HA1, nonce ":" HA2)                             (RFC 2069 compatibility)
   *   HA1 for -sess: H(H(user:realm:password) ":" nonce ":" cnonce)  (RFC 7616 §3.4.2)
   *   HA2: H(method ":" uri), or H(method ":" uri ":" H(body)) for auth-int (RFC 7616 §3.4.3)
   * </pre>
   *
   * @param storedHa1 H(username:realm:password) under {@code algorithm.base()}, lower-case hex
   * @param qop null, "auth" or "auth-int"
   * @param nc the 8-hex-digit nonce count (ignored without qop)
   * @param cnonce the client nonce (required with qop or a -sess algorithm)
   * @param body the body for auth-int (ignored otherwise)
   */
  static String response(DigestAlgorithm algorithm, String storedHa1, String nonce, String nc,
      String cnonce, String qop, String method, String uri, byte[] body) {
    String ha1 = storedHa1;
    if (algorithm.isSession()) {
      ha1 = algorithm.hash(storedHa1 + ":" + nonce + ":" + cnonce);
    }
    String a2 = AUTH_INT.equalsIgnoreCase(qop)
        ? method + ":" + uri + ":" + algorithm.hash(body == null ? new byte[0] : body)
        : method + ":" + uri;
    String ha2 = algorithm.hash(a2);
    if (qop == null) {
      return algorithm.hash(ha1 + ":" + nonce + ":" + ha2);
    }
    return algorithm.hash(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
  }

  /**
   * {@code value} as a quoted-string (RFC 3261 §25.1): DQUOTE, with {@code "} and {@code \}
   * escaped by a backslash, DQUOTE.
   *
   * @throws IllegalArgumentException if {@code value} holds CR, LF or another control character
   *     that a quoted-string cannot carry
   */
  static String quote(String name, String value) {
    Objects.requireNonNull(value, name);
    StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7F) {
        throw new IllegalArgumentException(name + " holds control character 0x"
            + Integer.toHexString(c) + " at index " + i);
      }
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').toString();
  }

  /** Whether {@code value} (an {@code qop} auth-param, quoted or not) lists {@code option}. */
  static boolean listsQop(String value, String option) {
    if (value == null) {
      return false;
    }
    int start = 0;
    int n = value.length();
    while (start <= n) {
      int comma = value.indexOf(',', start);
      int end = comma < 0 ? n : comma;
      if (value.substring(start, end).trim().equalsIgnoreCase(option)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  /** Whether {@code s} is non-empty lower- or upper-case hex of exactly {@code length} digits. */
  static boolean isHex(String s, int length) {
    if (s == null || s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
