package dev.parley.sip.internal;

/**
 * The input a rule of {@link Rfc3261Rules} reads: the octets of a parsed message (the byte-level
 * fast path, {@code WireGrammar}) or the characters of a header value (the String grammar,
 * {@link Lexer}, {@link UriParser}), so that both parsers apply the same code.
 *
 * <p>One final class with a branch rather than two subclasses: a rule's loop stays free of
 * virtual calls, whichever parser calls it. Octets read as 0..255 (ISO-8859-1), characters as
 * they are. Immutable over an input the caller does not change; thread-safe as that input is.
 */
public final class CharSource {
  private final byte[] octets;
  private final CharSequence text;

  private CharSource(byte[] octets, CharSequence text) {
    this.octets = octets;
    this.text = text;
  }

  /** The octets of {@code b}. */
  public static CharSource of(byte[] b) {
    if (b == null) {
      throw new NullPointerException("b");
    }
    return new CharSource(b, null);
  }

  /** The characters of {@code s}. */
  public static CharSource of(CharSequence s) {
    if (s == null) {
      throw new NullPointerException("s");
    }
    return new CharSource(null, s);
  }

  /** The character (or octet, 0..255) at {@code i}. */
  public int at(int i) {
    return octets != null ? octets[i] & 0xFF : text.charAt(i);
  }

  /** Whether the character at {@code i} belongs to one of {@code classes} of {@link Chars}. */
  public boolean is(int i, int classes) {
    return Chars.is(at(i), classes);
  }
}
