package dev.parley.sip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The header fields of a SIP message, in order, as name and raw value.
 *
 * <p>Values are kept as written, with folded lines joined by one space (RFC 3261 §7.3.1) and
 * surrounding whitespace trimmed; typed values are read through {@link SipMessage}. Lookups by
 * {@link HeaderName} match any case and the compact form. Immutable and thread-safe.
 */
public final class Headers {
  /** No header fields. */
  public static final Headers EMPTY = new Headers(new String[0], new HeaderName[0], new String[0], null);

  private final String[] names;
  private final HeaderName[] headerNames;
  private final String[] values;
  /** Per field: line and column (1-based) where the value starts in the parsed text; null if built. */
  private final int[] positions;

  Headers(String[] names, HeaderName[] headerNames, String[] values, int[] positions) {
    this.names = names;
    this.headerNames = headerNames;
    this.values = values;
    this.positions = positions;
  }

  /** Number of header fields. */
  public int size() {
    return names.length;
  }

  /** The field name at {@code index}, as written (possibly a compact form). */
  public String name(int index) {
    return names[index];
  }

  /** The header name at {@code index}, canonical when known. */
  public HeaderName headerName(int index) {
    return headerNames[index];
  }

  /** The raw value at {@code index}. */
  public String value(int index) {
    return values[index];
  }

  /** The 1-based line where the value at {@code index} starts in the parsed text, or 0. */
  public int line(int index) {
    return positions == null ? 0 : positions[index * 2];
  }

  /** The 1-based column where the value at {@code index} starts in the parsed text, or 0. */
  public int column(int index) {
    return positions == null ? 0 : positions[index * 2 + 1];
  }

  /** Whether a field named {@code name} is present. */
  public boolean contains(HeaderName name) {
    return indexOf(name, 0) >= 0;
  }

  /** The raw value of the first field named {@code name}, or null. */
  public String get(HeaderName name) {
    int i = indexOf(name, 0);
    return i < 0 ? null : values[i];
  }

  /** The raw value of the first field named {@code name} (any spelling), or null. */
  public String get(String name) {
    return get(HeaderName.of(name));
  }

  /** The raw values of every field named {@code name}, in order. */
  public List<String> values(HeaderName name) {
    List<String> out = new ArrayList<>(2);
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      out.add(values[i]);
    }
    return out;
  }

  /** How many fields are named {@code name}. */
  public int count(HeaderName name) {
    int n = 0;
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      n++;
    }
    return n;
  }

  /** Index of the first field named {@code name} at or after {@code from}, or -1. */
  public int indexOf(HeaderName name, int from) {
    for (int i = from; i < headerNames.length; i++) {
      HeaderName h = headerNames[i];
      if (h == name || h.equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** A builder holding these fields. */
  public Builder toBuilder() {
    Builder b = new Builder();
    for (int i = 0; i < names.length; i++) {
      b.add(names[i], headerNames[i], values[i]);
    }
    return b;
  }

  /** A new empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  void appendTo(StringBuilder out) {
    for (int i = 0; i < names.length; i++) {
      out.append(names[i]).append(": ").append(values[i]).append("\r\n");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Headers h
        && Arrays.equals(headerNames, h.headerNames)
        && Arrays.equals(values, h.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(headerNames) * 31 + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    appendTo(sb);
    return sb.toString();
  }

  /** Builds {@link Headers}; not thread-safe. */
  public static final class Builder {
    private final List<String> names = new ArrayList<>(16);
    private final List<HeaderName> headerNames = new ArrayList<>(16);
    private final List<String> values = new ArrayList<>(16);
    private int[] positions;

    Builder() {}

    /** Appends a field with the canonical spelling of {@code name}. */
    public Builder add(HeaderName name, String value) {
      return add(name.name(), name, value);
    }

    /** Appends a field, keeping the spelling of {@code name}. */
    public Builder add(String name, String value) {
      return add(name, HeaderName.of(name), value);
    }

    Builder add(String spelling, HeaderName name, String value) {
      Objects.requireNonNull(value, "value");
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\r' || c == '\n') {
          throw new IllegalArgumentException(
              "header value contains a line break: " + name + ": " + value);
        }
      }
      names.add(spelling);
      headerNames.add(name);
      values.add(value.strip());
      return this;
    }

    Builder addParsed(String spelling, HeaderName name, String value, int line, int column) {
      int i = names.size();
      names.add(spelling);
      headerNames.add(name);
      values.add(value);
      if (positions == null) {
        positions = new int[32];
      } else if (positions.length < (i + 1) * 2) {
        positions = Arrays.copyOf(positions, positions.length * 2);
      }
      positions[i * 2] = line;
      positions[i * 2 + 1] = column;
      return this;
    }

    /** Replaces every field named {@code name} by one with {@code value} (at the first one's place). */
    public Builder set(HeaderName name, String value) {
      int first = headerNames.indexOf(name);
      remove(name);
      if (first < 0 || first > names.size()) {
        return add(name, value);
      }
      Objects.requireNonNull(value, "value");
      names.add(first, name.name());
      headerNames.add(first, name);
      values.add(first, value.strip());
      positions = null;
      return this;
    }

    /** Inserts a field before all others (as a proxy does with Via and Record-Route). */
    public Builder addFirst(HeaderName name, String value) {
      Objects.requireNonNull(value, "value");
      names.add(0, name.name());
      headerNames.add(0, name);
      values.add(0, value.strip());
      positions = null;
      return this;
    }

    /** Removes every field named {@code name}. */
    public Builder remove(HeaderName name) {
      for (int i = headerNames.size() - 1; i >= 0; i--) {
        if (headerNames.get(i).equals(name)) {
          names.remove(i);
          headerNames.remove(i);
          values.remove(i);
          positions = null;
        }
      }
      return this;
    }

    /** Whether a field named {@code name} was added. */
    public boolean contains(HeaderName name) {
      return headerNames.contains(name);
    }

    int size() {
      return names.size();
    }

    /** The immutable header fields. */
    public Headers build() {
      int n = names.size();
      int[] pos = positions == null ? null : Arrays.copyOf(positions, n * 2);
      return new Headers(
          names.toArray(new String[n]), headerNames.toArray(new HeaderName[n]),
          values.toArray(new String[n]), pos);
    }
  }
}
