package dev.parley.sdp.internal;

import dev.parley.sdp.SdpViolation;

/**
 * A cursor over one field value (the text after {@code <type>=}), with a method per terminal of
 * the RFC 8866 §9 grammar. Errors are {@link ValueSyntaxException}s at the 0-based index where the
 * input went wrong. Not thread-safe; not part of the API.
 */
public final class ValueReader {
  private final String s;
  private final boolean allowExtraSpaces;
  private int pos;
  private boolean sawExtraSpaces;

  /**
   * A reader over {@code value}; {@code allowExtraSpaces} tolerates runs of spaces where the
   * grammar has one {@code SP}, and spaces before the first and after the last subfield.
   */
  public ValueReader(String value, boolean allowExtraSpaces) {
    this.s = value;
    this.allowExtraSpaces = allowExtraSpaces;
    if (allowExtraSpaces) {
      while (pos < s.length() && s.charAt(pos) == ' ') {
        pos++;
        sawExtraSpaces = true;
      }
    }
  }

  /** Whether extra spaces were skipped ({@link SdpViolation#EXTRA_WHITESPACE}). */
  public boolean sawExtraSpaces() {
    return sawExtraSpaces;
  }

  /** The current 0-based index. */
  public int position() {
    return pos;
  }

  /** Whether the whole value has been read. */
  public boolean atEnd() {
    return pos >= s.length();
  }

  /** Whether the next character is {@code c}. */
  public boolean peek(char c) {
    return pos < s.length() && s.charAt(pos) == c;
  }

  /** Consumes {@code c} if it is next. */
  public boolean consume(char c) {
    if (peek(c)) {
      pos++;
      return true;
    }
    return false;
  }

  /** Consumes {@code c}, or fails saying what was {@code expected}. */
  public void expect(char c, String expected) {
    if (!consume(c)) {
      throw error("expected " + expected + ", found " + describeNext());
    }
  }

  /** {@code SP}: one space between subfields. */
  public void sp(String before) {
    if (!peek(' ')) {
      throw error("expected a space before " + before + ", found " + describeNext());
    }
    pos++;
    if (peek(' ')) {
      if (!allowExtraSpaces) {
        throw new ValueSyntaxException("more than one space before " + before, pos,
            SdpViolation.EXTRA_WHITESPACE);
      }
      sawExtraSpaces = true;
      while (peek(' ')) {
        pos++;
      }
    }
  }

  /** Whether a space follows (the start of another optional subfield). */
  public boolean atSp() {
    return peek(' ');
  }

  /** The end of the value, after optional trailing spaces when they are tolerated. */
  public void end(String after) {
    if (peek(' ') && allowExtraSpaces) {
      int p = pos;
      while (p < s.length() && s.charAt(p) == ' ') {
        p++;
      }
      if (p == s.length()) {
        pos = p;
        sawExtraSpaces = true;
        return;
      }
    }
    if (!atEnd()) {
      throw error("unexpected " + describeNext() + " after " + after);
    }
  }

  /** Whether only tolerated trailing spaces remain. */
  public boolean atEndIgnoringTrailingSpaces() {
    if (!allowExtraSpaces) {
      return atEnd();
    }
    for (int p = pos; p < s.length(); p++) {
      if (s.charAt(p) != ' ') {
        return false;
      }
    }
    return true;
  }

  /** {@code token = 1*token-char}. */
  public String token(String what) {
    int start = pos;
    while (pos < s.length() && SdpSyntax.isTokenChar(s.charAt(pos))) {
      pos++;
    }
    if (pos == start) {
      throw error("expected " + what + " (a token), found " + describeNext());
    }
    return s.substring(start, pos);
  }

  /** {@code non-ws-string = 1*(VCHAR / %x80-FF)}. */
  public String nonWs(String what) {
    int start = pos;
    while (pos < s.length() && SdpSyntax.isVisible(s.charAt(pos))) {
      pos++;
    }
    if (pos == start) {
      throw error("expected " + what + ", found " + describeNext());
    }
    return s.substring(start, pos);
  }

  /** {@code 1*DIGIT} kept as a string. */
  public String digitString(String what) {
    int start = pos;
    while (pos < s.length() && SdpSyntax.isDigit(s.charAt(pos))) {
      pos++;
    }
    if (pos == start) {
      throw error("expected " + what + " (digits), found " + describeNext());
    }
    return s.substring(start, pos);
  }

  /** {@code 1*DIGIT} as a number no larger than {@code max}. */
  public long number(String what, long max) {
    int start = pos;
    long value = 0;
    while (pos < s.length() && SdpSyntax.isDigit(s.charAt(pos))) {
      int d = s.charAt(pos) - '0';
      if (value > (max - d) / 10) {
        throw new ValueSyntaxException(what + " too large (at most " + max + ")", start, null);
      }
      value = value * 10 + d;
      pos++;
    }
    if (pos == start) {
      throw error("expected " + what + " (a number), found " + describeNext());
    }
    return value;
  }

  /** Everything left, verbatim. */
  public String rest() {
    String r = s.substring(pos);
    pos = s.length();
    return r;
  }

  /** An error at the current position. */
  public ValueSyntaxException error(String reason) {
    return new ValueSyntaxException(reason, pos, null);
  }

  /** An error at {@code index}. */
  public ValueSyntaxException errorAt(String reason, int index) {
    return new ValueSyntaxException(reason, index, null);
  }

  private String describeNext() {
    if (pos >= s.length()) {
      return "end of line";
    }
    char c = s.charAt(pos);
    if (c == ' ') {
      return "a space";
    }
    if (c < 0x20 || c == 0x7F) {
      return String.format("control character 0x%02X", (int) c);
    }
    return "'" + c + "'";
  }
}
