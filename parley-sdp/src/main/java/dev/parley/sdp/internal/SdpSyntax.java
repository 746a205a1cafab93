package dev.parley.sdp.internal;

/**
 * Character classes of the RFC 8866 §9 grammar, as a 256-entry table built once, plus the checks
 * that builders use to validate values.
 *
 * <p>Characters above U+00FF (which only appear after UTF-8 decoding) count as the {@code %x80-FF}
 * octets of {@code non-ws-string} and {@code byte-string}. Stateless and thread-safe.
 */
public final class SdpSyntax {
  private static final int TOKEN = 1;
  private static final int VISIBLE = 2; // VCHAR / %x80-FF: non-ws-string

  private static final byte[] CLASSES = new byte[256];

  static {
    for (int c = 0; c < 256; c++) {
      int k = 0;
      if ((c >= 0x21 && c <= 0x7E) || c >= 0x80) {
        k |= VISIBLE;
      }
      // token-char = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "."
      //              / "^" / "_" / "`" / "{" / "|" / "}" / "~"
      if (c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2A || c == 0x2B || c == 0x2D
          || c == 0x2E || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A)
          || (c >= 0x5E && c <= 0x7E)) {
        k |= TOKEN;
      }
      CLASSES[c] = (byte) k;
    }
  }

  private SdpSyntax() {}

  /** {@code token-char} of RFC 8866 §9. */
  public static boolean isTokenChar(char c) {
    return c <= 0xFF && (CLASSES[c] & TOKEN) != 0;
  }

  /** A character of {@code non-ws-string} (VCHAR or a non-ASCII character). */
  public static boolean isVisible(char c) {
    return c > 0xFF || (CLASSES[c] & VISIBLE) != 0;
  }

  /** A character of {@code byte-string}: anything but NUL, CR and LF. */
  public static boolean isText(char c) {
    return c != 0 && c != '\r' && c != '\n';
  }

  /** An ASCII digit. */
  public static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Whether {@code s} is a non-empty {@code token}. */
  public static boolean isToken(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isTokenChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} is a non-empty {@code non-ws-string}. */
  public static boolean isNonWsString(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isVisible(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} is a {@code byte-string} (possibly empty when {@code allowEmpty}). */
  public static boolean isText(String s, boolean allowEmpty) {
    if (s == null || (s.isEmpty() && !allowEmpty)) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isText(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} is {@code 1*DIGIT}. */
  public static boolean isDigits(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} is {@code token *("/" token)}, the media-field {@code proto}. */
  public static boolean isProto(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    boolean needToken = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '/') {
        if (needToken) {
          return false;
        }
        needToken = true;
      } else if (isTokenChar(c)) {
        needToken = false;
      } else {
        return false;
      }
    }
    return !needToken;
  }

  /** Quotes a value for an error message, shortening it when long. */
  public static String quote(String s) {
    if (s == null) {
      return "null";
    }
    String shown = s.length() > 60 ? s.substring(0, 57) + "..." : s;
    StringBuilder b = new StringBuilder(shown.length() + 2).append('"');
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        b.append(String.format("\\x%02X", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** Throws unless {@code value} is a token. */
  public static String requireToken(String field, String value) {
    if (!isToken(value)) {
      throw new IllegalArgumentException(field + " is not a token: " + quote(value));
    }
    return value;
  }

  /** Throws unless {@code value} is a non-ws-string. */
  public static String requireNonWs(String field, String value) {
    if (!isNonWsString(value)) {
      throw new IllegalArgumentException(
          field + " must be non-empty without whitespace: " + quote(value));
    }
    return value;
  }

  /** Throws unless {@code value} is non-empty text without NUL, CR or LF. */
  public static String requireText(String field, String value) {
    if (!isText(value, false)) {
      throw new IllegalArgumentException(
          field + " must be non-empty text without NUL, CR or LF: " + quote(value));
    }
    return value;
  }
}
