package dev.parley.sip.body;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON (RFC 8259) {@link DeliveryResults} needs: a reader into maps, lists, strings,
 * longs, doubles, booleans and null, nesting bounded to {@value #MAX_DEPTH}, and string quoting.
 * parley-sip depends on no other module, so it does not use parley-json. Stateless API.
 */
final class SmallJson {
  static final int MAX_DEPTH = 16;

  private final String text;
  private final String what;
  private int pos;

  private SmallJson(String text, String what) {
    this.text = text;
    this.what = what;
  }

  /** One JSON value, surrounding whitespace allowed; {@code what} names the format in errors. */
  static Object parse(String text, String what) {
    SmallJson p = new SmallJson(text, what);
    p.skipWhitespace();
    Object v = p.value(0);
    p.skipWhitespace();
    if (p.pos != text.length()) {
      throw p.error("text after the value");
    }
    return v;
  }

  /** Appends {@code s} as a JSON string. */
  static void quote(StringBuilder out, String s) {
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
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
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
          return out;
        }
        do {
          skipWhitespace();
          if (pos >= text.length() || text.charAt(pos) != '"') {
            throw error("expected a member name");
          }
          String name = string();
          skipWhitespace();
          expect(':');
          skipWhitespace();
          out.put(name, value(depth + 1));
          skipWhitespace();
        } while (peek(','));
        expect('}');
        return out;
      }
      case '[' -> {
        pos++;
        List<Object> out = new ArrayList<>();
        skipWhitespace();
        if (peek(']')) {
          return out;
        }
        do {
          skipWhitespace();
          out.add(value(depth + 1));
          skipWhitespace();
        } while (peek(','));
        expect(']');
        return out;
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
        return number();
      }
    }
  }

  private String string() {
    pos++; // the opening quote
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
        throw error("control character in a string");
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
          try {
            sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw error("bad \\u escape");
          }
          pos += 4;
        }
        default -> throw error("bad escape \\" + e);
      }
    }
  }

  private Object number() {
    int start = pos;
    peek('-'); // an optional sign
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
    if (n.isEmpty() || n.equals("-")) {
      throw error("unexpected character");
    }
    try {
      if (integral && n.length() <= 18) {
        return Long.parseLong(n);
      }
      return Double.parseDouble(n);
    } catch (NumberFormatException e) {
      throw error("bad number " + n);
    }
  }

  private void literal(String word) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected character");
    }
    pos += word.length();
  }

  private boolean peek(char c) {
    if (pos < text.length() && text.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
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

  private BodyFormatException error(String reason) {
    return new BodyFormatException(what + ": not JSON at offset " + pos + ": " + reason);
  }
}
