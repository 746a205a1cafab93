package dev.parley.auth;

import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import dev.parley.sip.UriTextSink;

/**
 * The digest {@code uri} compared with the Request-URI as written (RFC 3261 §22.4) without
 * making the Request-URI's text: a parsed Request-URI has none until asked, and the comparison
 * of every authenticated request would make it (about 150 bytes) for nothing. Stateless.
 */
final class UriText {
  private UriText() {}

  /**
   * Whether {@code text} is {@code uri.toString()}, without making that text for a SIP URI: its
   * written parts ({@link SipUri#writeTo}) matched against {@code text} in turn.
   */
  static boolean is(String text, Uri uri) {
    if (!(uri instanceof SipUri u)) {
      return text.equals(uri.toString());
    }
    Cursor c = new Cursor(text);
    return u.writeTo(c) && c.at == text.length();
  }

  /** Matches the parts it is given against {@code text}, from the start, each where the last ended. */
  private static final class Cursor implements UriTextSink {
    private final String text;
    private int at;

    Cursor(String text) {
      this.text = text;
    }

    @Override
    public boolean text(String part) {
      if (!text.startsWith(part, at)) {
        return false;
      }
      at += part.length();
      return true;
    }

    /** Whether {@code Integer.toString(n)} (n >= 0) comes next, without making that String. */
    @Override
    public boolean decimal(int n) {
      int digits = 1;
      for (int v = n; v >= 10; v /= 10) {
        digits++;
      }
      int end = at + digits;
      if (end > text.length()) {
        return false;
      }
      for (int i = end - 1; i >= at; i--, n /= 10) {
        if (text.charAt(i) != '0' + n % 10) {
          return false;
        }
      }
      at = end;
      return true;
    }
  }
}
