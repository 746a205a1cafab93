package dev.parley.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON text (RFC 8259) into plain Java values: {@code Map<String, Object>}
 * (insertion-ordered), {@code List<Object>}, {@code String}, {@code Long} (integers that fit),
 * {@code Double}, {@code Boolean} and {@code null}. {@code parley status} reads the server's
 * {@code GET /status} with it.
 *
 * <p>Bounded: nesting deeper than {@value #MAX_DEPTH} levels is refused (the caller bounds the
 * text's length). Not a general-purpose library. Stateless and thread-safe: each call of
 * {@link #parse} uses its own parser.
 */
public final class JsonParser {
  /** Deepest nesting {@link #parse} accepts. */
  public static final int MAX_DEPTH = 64;

  private final String text;
  private int pos;

  private JsonParser(String text) {
    this.text = text;
  }

  /**
   * Parses one JSON value (surrounding whitespace allowed).
   *
   * @throws IllegalArgumentException with the character offset, if {@code text} is not JSON
   */
  public static Object parse(String text) {
    JsonParser p = new JsonParser(text);
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
}
