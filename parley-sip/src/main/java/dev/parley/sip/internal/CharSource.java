package dev.parley.sip.internal;

/**
 * The input a rule of {@link Rfc3261Rules} reads: the octets of a parsed message (the byte-level
 * fast path, {@code WireGrammar}) or the characters of a header value (the String grammar,
 * {@link Lexer}, {@link UriParser}), so that both parsers apply the same code.
 *
 * <p>Each parser <em>is</em> the source its rules read (it extends this class with a one-line
 * {@link #at}), so reading costs no object per value parsed, and where a rule is inlined into a
 * parser (as the JIT does on the hot path) the parser's exact class is known and {@link #at}
 * is a plain array or String read. {@link #of(byte[])} and {@link #of(CharSequence)} make
 * stand-alone sources. Octets read as 0..255 (ISO-8859-1), characters as they are. A source over
 * an input nobody changes is thread-safe.
 */
public abstract class CharSource {
  /** For subclasses. */
  protected CharSource() {}

  /** The octets of {@code b}. */
  public static CharSource of(byte[] b) {
    if (b == null) {
      throw new NullPointerException("b");
    }
    return new Octets(b);
  }

  /** The characters of {@code s}. */
  public static CharSource of(CharSequence s) {
    if (s == null) {
      throw new NullPointerException("s");
    }
    return new Text(s);
  }

  /** The character (or octet, 0..255) at {@code i}. */
  public abstract int at(int i);

  /** Whether the character at {@code i} belongs to one of {@code classes} of {@link Chars}. */
  public final boolean is(int i, int classes) {
    return Chars.is(at(i), classes);
  }

  private static final class Octets extends CharSource {
    private final byte[] b;

    Octets(byte[] b) {
      this.b = b;
    }

    @Override
    public int at(int i) {
      return b[i] & 0xFF;
    }
  }

  private static final class Text extends CharSource {
    private final CharSequence s;

    Text(CharSequence s) {
      this.s = s;
    }

    @Override
    public int at(int i) {
      return s.charAt(i);
    }
  }
}
