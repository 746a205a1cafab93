package dev.parley.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small JSON reader for the tests: one JSON value per call, objects as ordered maps. */
final class JsonLines {
  private final String s;
  private int i;

  private JsonLines(String s) {
    this.s = s;
  }

  /** Parses one JSON object line. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> object(String line) {
    JsonLines p = new JsonLines(line.strip());
    Object v = p.value();
    if (p.i != p.s.length() || !(v instanceof Map)) {
      throw new IllegalArgumentException("not one JSON object: " + line);
    }
    return (Map<String, Object>) v;
  }

  private Object value() {
    char c = s.charAt(i);
    switch (c) {
      case '{' -> {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        if (s.charAt(i) == '}') {
          i++;
          return m;
        }
        while (true) {
          String k = string();
          expect(':');
          m.put(k, value());
          if (s.charAt(i) == ',') {
            i++;
          } else {
            expect('}');
            return m;
          }
        }
      }
      case '[' -> {
        List<Object> l = new ArrayList<>();
        i++;
        if (s.charAt(i) == ']') {
          i++;
          return l;
        }
        while (true) {
          l.add(value());
          if (s.charAt(i) == ',') {
            i++;
          } else {
            expect(']');
            return l;
          }
        }
      }
      case '"' -> {
        return string();
      }
      default -> {
        int start = i;
        while (i < s.length() && ",}]".indexOf(s.charAt(i)) < 0) {
          i++;
        }
        String t = s.substring(start, i);
        return switch (t) {
          case "null" -> null;
          case "true" -> true;
          case "false" -> false;
          default -> t.indexOf('.') >= 0 || t.indexOf('e') >= 0 || t.indexOf('E') >= 0
              ? (Object) Double.parseDouble(t) : (Object) Long.parseLong(t);
        };
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder b = new StringBuilder();
    while (s.charAt(i) != '"') {
      char c = s.charAt(i++);
      if (c == '\\') {
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> b.append(e);
        }
      } else {
        b.append(c);
      }
    }
    i++;
    return b.toString();
  }

  private void expect(char c) {
    if (s.charAt(i) != c) {
      throw new IllegalArgumentException("expected " + c + " at " + i + " in " + s);
    }
    i++;
  }
}
