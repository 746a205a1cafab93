package dev.parley.server;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line must be
 * a {@code # HELP}, a {@code # TYPE} (once per family, before its samples) or a sample
 * {@code name{label="value",...} value}; names, label names, escapes and values follow the
 * format's grammar, and no series repeats. Anything else throws {@link IllegalArgumentException}
 * naming the line.
 */
final class PrometheusText {
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary",
      "untyped");
  private static final String[] SUFFIXES = {"_total", "_count", "_sum", "_bucket", "_created"};

  /** Samples by series: {@code name{a="1",b="2"}}, labels sorted by name. */
  private final Map<String, Double> samples = new HashMap<>();
  private final Map<String, String> types = new HashMap<>();

  private PrometheusText() {}

  /** Reads {@code text}. */
  static PrometheusText parse(String text) {
    PrometheusText p = new PrometheusText();
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      try {
        p.line(line);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("line " + n + ": " + e.getMessage() + ": " + line, e);
      }
    }
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("the text does not end with a line feed");
    }
    return p;
  }

  /** The family names declared with {@code # TYPE}, with their types. */
  Map<String, String> types() {
    return types;
  }

  /** Whether a series of the metric {@code name} exists. */
  boolean has(String name) {
    return samples.keySet().stream().anyMatch(k -> k.equals(name) || k.startsWith(name + "{"));
  }

  /**
   * The value of the series {@code name} with exactly these labels ({@code "method", "INVITE"}).
   *
   * @throws AssertionError if there is no such series
   */
  double value(String name, String... labels) {
    Map<String, String> sorted = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      sorted.put(labels[i], labels[i + 1]);
    }
    String key = key(name, sorted);
    Double v = samples.get(key);
    if (v == null) {
      throw new AssertionError("no series " + key + " among " + new TreeMap<>(samples).keySet());
    }
    return v;
  }

  private void line(String line) {
    if (line.isEmpty()) {
      return;
    }
    if (line.startsWith("#")) {
      comment(line);
      return;
    }
    int i = name(line, 0, true);
    String name = line.substring(0, i);
    Map<String, String> labels = new TreeMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i = labels(line, i + 1, labels);
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new IllegalArgumentException("no space before the value");
    }
    String[] rest = line.substring(i + 1).split(" ", -1);
    if (rest.length > 2) {
      throw new IllegalArgumentException("more than a value and a timestamp");
    }
    double value = number(rest[0]);
    if (rest.length == 2) {
      Long.parseLong(rest[1]);
    }
    if (!types.containsKey(family(name))) {
      throw new IllegalArgumentException("a sample of " + name + " before its # TYPE");
    }
    if (samples.put(key(name, labels), value) != null) {
      throw new IllegalArgumentException("series repeated: " + key(name, labels));
    }
  }

  private void comment(String line) {
    String[] parts = line.split(" ", 4);
    if (parts.length >= 3 && parts[1].equals("TYPE")) {
      if (parts.length != 4 || !TYPES.contains(parts[3])) {
        throw new IllegalArgumentException("bad TYPE");
      }
      if (name(parts[2], 0, true) != parts[2].length()) {
        throw new IllegalArgumentException("bad metric name in TYPE");
      }
      if (types.put(parts[2], parts[3]) != null) {
        throw new IllegalArgumentException("TYPE repeated for " + parts[2]);
      }
    } else if (parts.length >= 3 && parts[1].equals("HELP")) {
      if (name(parts[2], 0, true) != parts[2].length()) {
        throw new IllegalArgumentException("bad metric name in HELP");
      }
    }
  }

  private String family(String name) {
    if (types.containsKey(name)) {
      return name;
    }
    for (String suffix : SUFFIXES) {
      if (name.endsWith(suffix)) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  /** The end of the metric name (or label name) starting at {@code from}. */
  private static int name(String s, int from, boolean colons) {
    int i = from;
    while (i < s.length()) {
      char c = s.charAt(i);
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
          || (colons && c == ':');
      if (!letter && !(i > from && c >= '0' && c <= '9')) {
        break;
      }
      i++;
    }
    if (i == from) {
      throw new IllegalArgumentException("a name expected at " + from);
    }
    return i;
  }

  private static int labels(String s, int from, Map<String, String> into) {
    int i = from;
    while (true) {
      if (i < s.length() && s.charAt(i) == '}') {
        return i + 1;
      }
      int end = name(s, i, false);
      String label = s.substring(i, end);
      if (!s.startsWith("=\"", end)) {
        throw new IllegalArgumentException("=\" expected after label " + label);
      }
      StringBuilder value = new StringBuilder();
      i = end + 2;
      while (true) {
        if (i >= s.length()) {
          throw new IllegalArgumentException("unterminated label value");
        }
        char c = s.charAt(i++);
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          char e = s.charAt(i++);
          value.append(switch (e) {
            case '\\' -> '\\';
            case '"' -> '"';
            case 'n' -> '\n';
            default -> throw new IllegalArgumentException("bad escape \\" + e);
          });
        } else {
          value.append(c);
        }
      }
      if (into.put(label, value.toString()) != null) {
        throw new IllegalArgumentException("label repeated: " + label);
      }
      if (i < s.length() && s.charAt(i) == ',') {
        i++;
      } else if (i >= s.length() || s.charAt(i) != '}') {
        throw new IllegalArgumentException(", or } expected after a label");
      }
    }
  }

  private static double number(String s) {
    return switch (s) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        if (s.isEmpty() || !(Character.isDigit(s.charAt(0)) || s.charAt(0) == '-'
            || s.charAt(0) == '+' || s.charAt(0) == '.')) {
          throw new IllegalArgumentException("not a value: " + s);
        }
        yield Double.parseDouble(s);
      }
    };
  }

  private static String key(String name, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return name;
    }
    StringJoiner j = new StringJoiner(",", name + "{", "}");
    labels.forEach((k, v) -> j.add(k + "=\"" + v + "\""));
    return j.toString();
  }
}
