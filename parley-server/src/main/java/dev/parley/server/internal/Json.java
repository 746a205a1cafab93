package dev.parley.server.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small JSON (RFC 8259) the server's status needs, with no dependency: a {@link Writer} that
 * appends in order without whitespace, and {@link #parse}, which reads a document into
 * {@code Map<String, Object>} (insertion-ordered), {@code List<Object>}, {@code String},
 * {@code Long} (integers that fit), {@code Double}, {@code Boolean} and {@code null}.
 *
 * <p>The parser is bounded: nesting deeper than {@value #MAX_DEPTH} levels is refused (the caller
 * bounds the text's length). Not a general-purpose library; not thread-safe per instance.
 */
public final class Json {
  /** Deepest nesting {@link #parse} accepts. */
  public static final int MAX_DEPTH = 64;

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /**
   * Parses one JSON value (surrounding whitespace allowed).
   *
   * @throws IllegalArgumentException with the character offset, if {@code text} is not JSON
   */
  public static Object parse(String text) {
    Json p = new Json(text);
    p.skipWhitespace();
    Object v = p.value(0);
    p.skipWhitespace();
    if (p.pos != text.length()) {
      throw p.error("unexpected text after the value");
    }
    return v;
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{' -> {
        pos++;
        Map<String, Object> out = new LinkedHashMap<>();
        skipWhitespace();
        if (peek('}')) {
          pos++;
          return out;
        }
        while (true) {
          skipWhitespace();
          if (!peek('"')) {
            throw error("expected a member name");
          }
          String name = string();
          skipWhitespace();
          expect(':');
          skipWhitespace();
          out.put(name, value(depth + 1));
          skipWhitespace();
          if (peek(',')) {
            pos++;
          } else {
            expect('}');
            return out;
          }
        }
      }
      case '[' -> {
        pos++;
        List<Object> out = new ArrayList<>();
        skipWhitespace();
        if (peek(']')) {
          pos++;
          return out;
        }
        while (true) {
          skipWhitespace();
          out.add(value(depth + 1));
          skipWhitespace();
          if (peek(',')) {
            pos++;
          } else {
            expect(']');
            return out;
          }
        }
      }
      case '"' -> {
        return string();
      }
      case 't' -> {
        literal("true");
        return Boolean.TRUE;
      }
      case 'f' -> {
        literal("false");
        return Boolean.FALSE;
      }
      case 'n' -> {
        literal("null");
        return null;
      }
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character '" + c + "'");
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw error("bad \\u escape");
          }
          int v = 0;
          for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos++), 16);
            if (d < 0) {
              throw error("bad \\u escape");
            }
            v = v << 4 | d;
          }
          sb.append((char) v);
        }
        default -> throw error("bad escape '\\" + e + "'");
      }
    }
  }

  private Object number() {
    int start = pos;
    if (peek('-')) {
      pos++;
    }
    boolean integral = true;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c >= '0' && c <= '9') {
        pos++;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        integral = false;
        pos++;
      } else {
        break;
      }
    }
    String n = text.substring(start, pos);
    try {
      if (integral && n.length() <= 18) {
        return Long.parseLong(n);
      }
      return Double.parseDouble(n);
    } catch (NumberFormatException e) {
      pos = start;
      throw error("bad number '" + n + "'");
    }
  }

  private void literal(String word) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected text");
    }
    pos += word.length();
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("not JSON: " + what + " at offset " + pos);
  }

  /** Appends JSON text in order, adding the commas; not thread-safe. */
  public static final class Writer {
    private final StringBuilder out = new StringBuilder(512);
    private boolean needComma;

    /** Starts an object (as a value, or after {@link #name}). */
    public Writer beginObject() {
      comma();
      out.append('{');
      needComma = false;
      return this;
    }

    /** Ends the current object. */
    public Writer endObject() {
      out.append('}');
      needComma = true;
      return this;
    }

    /** Starts an array. */
    public Writer beginArray() {
      comma();
      out.append('[');
      needComma = false;
      return this;
    }

    /** Ends the current array. */
    public Writer endArray() {
      out.append(']');
      needComma = true;
      return this;
    }

    /** A member name; the next call writes its value. */
    public Writer name(String name) {
      comma();
      string(name);
      out.append(':');
      needComma = false;
      return this;
    }

    /** A string value, or null. */
    public Writer value(String value) {
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
    public Writer value(long value) {
      comma();
      out.append(value);
      needComma = true;
      return this;
    }

    /** A boolean value. */
    public Writer value(boolean value) {
      comma();
      out.append(value);
      needComma = true;
      return this;
    }

    /** {@code name} and a string value. */
    public Writer field(String name, String value) {
      return name(name).value(value);
    }

    /** {@code name} and a number value. */
    public Writer field(String name, long value) {
      return name(name).value(value);
    }

    /** {@code name} and a boolean value. */
    public Writer field(String name, boolean value) {
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
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      out.append('"');
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
}
