package dev.parley.sip.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The {@code escaped = "%" HEXDIG HEXDIG} mechanism of URIs (RFC 3261 §19.1.2 and §25.1,
 * RFC 3986 §2.1): decoding for display, encoding for builders, and the normal form that
 * RFC 3261 §19.1.4 comparison works on.
 *
 * <p>Every method accepts any text, well-formed or not, and never throws on bad escapes: a
 * {@code %} not followed by two hex digits is kept as a literal {@code %}. Stateless and
 * thread-safe.
 */
public final class UriEscapes {
  private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();

  private UriEscapes() {}

  /**
   * {@code text} with every {@code %HH} escape decoded, the octets read as UTF-8 (malformed
   * sequences become U+FFFD). {@code %00} becomes U+0000 and does not end the text.
   */
  public static String decode(CharSequence text) {
    int n = text.length();
    int firstEscape = -1;
    for (int i = 0; i < n; i++) {
      if (isEscape(text, i)) {
        firstEscape = i;
        break;
      }
    }
    if (firstEscape < 0) {
      return text.toString();
    }
    ByteBuffer bytes = ByteBuffer.allocate(n * 3);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (isEscape(text, i)) {
        bytes.put((byte) (Chars.hexValue(text.charAt(i + 1)) * 16 + Chars.hexValue(text.charAt(i + 2))));
        i += 2;
      } else if (c < 0x80) {
        bytes.put((byte) c);
      } else {
        bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    bytes.flip();
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    try {
      CharBuffer chars = decoder.decode(bytes);
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new AssertionError("REPLACE decoder failed", e);
    }
  }

  /**
   * {@code raw} made fit for a URI component: every character outside {@code allowed} (a set of
   * {@link Chars} classes) becomes {@code %HH} escapes of its UTF-8 octets. {@code %} is always
   * escaped.
   */
  public static String encode(CharSequence raw, int allowed) {
    StringBuilder out = new StringBuilder(raw.length() + 8);
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%' && Chars.is(c, allowed) && c < 0x80) {
        out.append(c);
      } else {
        int cp = Character.codePointAt(raw, i);
        if (Character.charCount(cp) == 2) {
          i++;
        }
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          appendEscape(out, b & 0xFF);
        }
      }
    }
    return out.toString();
  }

  /**
   * The comparison form of a SIP URI component under RFC 3261 §19.1.4: "Characters other than
   * those in the 'reserved' set (see RFC 2396) are equivalent to their '%' HEX HEX encoding."
   *
   * <p>An escape of a character outside the reserved set is decoded; an escape of a reserved
   * character (and of {@code %} itself, so that no decoded text can imitate an escape) is kept
   * with upper-case hex digits. So {@code %61lice} and {@code alice} have the same form, while
   * {@code a%3Bb} and {@code a;b} do not, nor do {@code value%2541} and {@code valueA}. With
   * {@code ignoreCase}, ASCII letters are lower-cased after decoding.
   */
  public static String comparisonForm(CharSequence text, boolean ignoreCase) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isEscape(text, i)) {
        int v = Chars.hexValue(text.charAt(i + 1)) * 16 + Chars.hexValue(text.charAt(i + 2));
        i += 2;
        if (v == '%' || Chars.is(v, Chars.RESERVED)) {
          appendEscape(out, v);
        } else {
          out.append(ignoreCase ? Chars.lower((char) v) : (char) v);
        }
      } else if (c == '%') {
        appendEscape(out, '%'); // a stray % (tolerated input): keep it apart from decoded text
      } else {
        out.append(ignoreCase ? Chars.lower(c) : c);
      }
    }
    return out.toString();
  }

  /**
   * The comparison form of a generic URI under RFC 3986 §6.2.2: hex digits of escapes in upper
   * case, escapes of RFC 3986 unreserved characters ({@code ALPHA DIGIT - . _ ~}) decoded.
   */
  public static String genericComparisonForm(CharSequence text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isEscape(text, i)) {
        int v = Chars.hexValue(text.charAt(i + 1)) * 16 + Chars.hexValue(text.charAt(i + 2));
        i += 2;
        if (Chars.is(v, Chars.ALPHANUM) || v == '-' || v == '.' || v == '_' || v == '~') {
          out.append((char) v);
        } else {
          appendEscape(out, v);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Whether {@code text} has a well-formed {@code %HH} escape at {@code i}. */
  public static boolean isEscape(CharSequence text, int i) {
    return text.charAt(i) == '%'
        && i + 2 < text.length()
        && Chars.is(text.charAt(i + 1), Chars.HEX)
        && Chars.is(text.charAt(i + 2), Chars.HEX);
  }

  private static void appendEscape(StringBuilder out, int octet) {
    out.append('%').append(HEX_UPPER[octet >> 4]).append(HEX_UPPER[octet & 0xF]);
  }
}
