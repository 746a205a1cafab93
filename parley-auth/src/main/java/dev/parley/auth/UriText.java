package dev.parley.auth;

import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;

/**
 * The digest {@code uri} compared with the Request-URI as written (RFC 3261 §22.4) without
 * making the Request-URI's text: a parsed Request-URI has none until asked, and the comparison
 * of every authenticated request would make it (about 150 bytes) for nothing. Stateless.
 */
final class UriText {
  private UriText() {}

  /**
   * Whether {@code text} is {@code uri.toString()}, without making that text for a SIP URI
   * without parameters and headers (the usual Request-URI): its parts compared in the order
   * {@link SipUri#toString()} writes them.
   */
  static boolean is(String text, Uri uri) {
    if (!(uri instanceof SipUri u) || !u.parameters().isEmpty() || !u.headers().isEmpty()) {
      return text.equals(uri.toString());
    }
    int at = u.isSecure() ? 5 : 4;
    if (!text.startsWith(u.isSecure() ? "sips:" : "sip:")) {
      return false;
    }
    String user = u.user();
    if (user != null) {
      if (!text.startsWith(user, at)) {
        return false;
      }
      at += user.length();
      String password = u.password();
      if (password != null) {
        if (!text.startsWith(":", at) || !text.startsWith(password, at + 1)) {
          return false;
        }
        at += 1 + password.length();
      }
      if (!text.startsWith("@", at)) {
        return false;
      }
      at++;
    }
    String host = u.host();
    if (!text.startsWith(host, at)) {
      return false;
    }
    at += host.length();
    int port = u.port();
    if (port < 0) {
      return at == text.length();
    }
    if (!text.startsWith(":", at)) {
      return false;
    }
    return isDecimal(text, at + 1, port);
  }

  /** Whether {@code text} from {@code at} to its end is {@code Integer.toString(n)}, n >= 0. */
  private static boolean isDecimal(String text, int at, int n) {
    int digits = 1;
    for (int v = n; v >= 10; v /= 10) {
      digits++;
    }
    if (text.length() - at != digits) {
      return false;
    }
    for (int i = text.length() - 1; i >= at; i--, n /= 10) {
      if (text.charAt(i) != '0' + n % 10) {
        return false;
      }
    }
    return true;
  }
}
