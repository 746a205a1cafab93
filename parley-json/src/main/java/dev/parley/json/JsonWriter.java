package dev.parley.json;

/**
 * Writes JSON text (RFC 8259) in the order of the calls, with no whitespace, adding the commas:
 * the one writer of the CLI's JSON events ({@code docs/cli.md}) and of the server's
 * {@code GET /status} ({@code docs/server.md}), whose bytes are a stable interface.
 *
 * <p>Strings escape {@code "} and {@code \} as {@code \"} and {@code \\}; newline, carriage return
 * and tab as {@code \n}, {@code \r}, {@code \t}; every other control character (below U+0020),
 * DEL (U+007F) and a surrogate that is not half of a pair as {@code \}{@code u} and four
 * lower-case hex digits. Everything else, non-ASCII included, is written as it is. Numbers are
 * in decimal: whole ({@code long}), or fractional ({@code double}) in plain notation with no
 * exponent and no trailing zeros ({@code 0.25}, {@code 3}), a NaN or infinity as {@code null}
 * (JSON has neither).
 *
 * <p>The caller keeps the structure right (a {@link #name} before each member's value, ends
 * matching begins); the writer does not check it. Not thread-safe.
 */
public final class JsonWriter {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final StringBuilder out = new StringBuilder(256);
  private boolean needComma;

  /** An empty writer. */
  public JsonWriter() {}

  /** Starts an object (as a value, or after {@link #name}). */
  public JsonWriter beginObject() {
    comma();
    out.append('{');
    needComma = false;
    return this;
  }

  /** Ends the current object. */
  public JsonWriter endObject() {
    out.append('}');
    needComma = true;
    return this;
  }

  /** Starts an array. */
  public JsonWriter beginArray() {
    comma();
    out.append('[');
    needComma = false;
    return this;
  }

  /** Ends the current array. */
  public JsonWriter endArray() {
    out.append(']');
    needComma = true;
    return this;
  }

  /** A member name; the next call writes its value. */
  public JsonWriter name(String name) {
    comma();
    string(name);
    out.append(':');
    needComma = false;
    return this;
  }

  /** A string value, or {@code null}. */
  public JsonWriter value(String value) {
    comma();
    if (value == null) {
      out.append("null");
    } else {
      string(value);
    }
    needComma = true;
    return this;
  }

  /** A number value. */
  public JsonWriter value(long value) {
    comma();
    out.append(value);
    needComma = true;
    return this;
  }

  /**
   * A fractional number in plain decimal notation, as short as the double allows
   * ({@code 0.1}, {@code 12.5}, {@code 3}); {@code null} for NaN and the infinities.
   */
  public JsonWriter value(double value) {
    comma();
    if (Double.isFinite(value)) {
      java.math.BigDecimal d = java.math.BigDecimal.valueOf(value).stripTrailingZeros();
      out.append(d.signum() == 0 ? "0" : d.toPlainString());
    } else {
      out.append("null");
    }
    needComma = true;
    return this;
  }

  /** A boolean value. */
  public JsonWriter value(boolean value) {
    comma();
    out.append(value);
    needComma = true;
    return this;
  }

  /** {@code name} and a string value (or {@code null}). */
  public JsonWriter field(String name, String value) {
    return name(name).value(value);
  }

  /** {@code name} and a number value. */
  public JsonWriter field(String name, long value) {
    return name(name).value(value);
  }

  /** {@code name} and a fractional number value (see {@link #value(double)}). */
  public JsonWriter field(String name, double value) {
    return name(name).value(value);
  }

  /** {@code name} and a boolean value. */
  public JsonWriter field(String name, boolean value) {
    return name(name).value(value);
  }

  private void comma() {
    if (needComma) {
      out.append(',');
    }
  }

  private void string(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7F || Character.isSurrogate(c) && !pairedSurrogate(s, i)) {
            unicodeEscape(c);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** {@code \\u} and the four lower-case hex digits of {@code c}: no formatter per character. */
  private void unicodeEscape(char c) {
    out.append('\\').append('u').append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
        .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
  }

  private static boolean pairedSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  /** The text written so far. */
  @Override
  public String toString() {
    return out.toString();
  }
}
