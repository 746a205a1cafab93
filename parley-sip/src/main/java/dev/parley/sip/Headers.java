package dev.parley.sip;

import java.nio.charset.StandardCharsets;
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
  public static final Headers EMPTY =
      new Headers(0, new String[0], new HeaderName[0], new String[0], null, null, 0);

  // The field table is package-private: HeaderEdits splices it, HeaderWire writes it out.

  final int size;
  /** The names as written; null when every one is its header name's canonical spelling. */
  final String[] names;
  final HeaderName[] headerNames;
  /**
   * Values; an entry is null until first read when it is still bytes of {@link #source}, and the
   * array itself null until the first is read (parsed fields none of which was folded).
   */
  String[] values;
  /** The parsed message's bytes (values decoded lazily from them), or null if built. */
  final byte[] source;
  /**
   * Per field, two ints: start and end of the value in {@link #source}; null if built. A start
   * below -1 is a value held as text (folded, or replaced) that started at {@code -2 - start};
   * -1 one whose place is unknown. Lines and columns are counted from these places when asked
   * (error reports only), not stored for every field.
   */
  final int[] meta;
  /** Where the parsed text (its line 1) starts in {@link #source}. */
  final int origin;
  /** The {@link HeaderName#bit() bits} of the known names present, and of those present twice or more. */
  final long present;
  final long repeated;

  Headers(int size, String[] names, HeaderName[] headerNames, String[] values, byte[] source,
      int[] meta, int origin) {
    this.size = size;
    this.origin = origin;
    this.names = names;
    this.headerNames = headerNames;
    this.values = values;
    this.source = source;
    this.meta = meta;
    long seen = 0;
    long twice = 0;
    for (int i = 0; i < size; i++) {
      long bit = headerNames[i].bit();
      twice |= seen & bit;
      seen |= bit;
    }
    this.present = seen;
    this.repeated = twice;
  }

  /** Parsed fields, whose masks {@link ParsedHeaders} computed while adding them. */
  Headers(int size, String[] names, HeaderName[] headerNames, String[] values,
      byte[] source, int[] meta, int origin, long present, long repeated) {
    this.size = size;
    this.origin = origin;
    this.names = names;
    this.headerNames = headerNames;
    this.values = values;
    this.source = source;
    this.meta = meta;
    this.present = present;
    this.repeated = repeated;
  }

  /** Number of header fields. */
  public int size() {
    return size;
  }

  /** The field name at {@code index}, as written (possibly a compact form). */
  public String name(int index) {
    return spelling(Objects.checkIndex(index, size));
  }

  String spelling(int index) {
    return names == null ? headerNames[index].name() : names[index];
  }

  /** The header name at {@code index}, canonical when known. */
  public HeaderName headerName(int index) {
    return headerNames[Objects.checkIndex(index, size)];
  }

  /** The raw value at {@code index}. */
  public String value(int index) {
    Objects.checkIndex(index, size);
    String[] vs = values;
    String v = vs == null ? null : vs[index];
    if (v == null) {
      // Decoded on first read; a race only decodes the same bytes twice (or loses an array).
      if (vs == null) {
        vs = new String[size];
        values = vs;
      }
      int from = meta[index * 2];
      v = new String(source, from, meta[index * 2 + 1] - from, StandardCharsets.UTF_8);
      vs[index] = v;
    }
    return v;
  }

  /**
   * Forgets the values decoded from {@link #source} (not the folded ones, which exist only as
   * text); {@link #value} decodes them again. Nothing to forget in built headers.
   */
  void forgetDecoded() {
    String[] vs = values;
    if (source == null || vs == null) {
      return;
    }
    for (int i = 0; i < size; i++) {
      if (meta[i * 2] >= 0) {
        vs[i] = null;
      }
    }
  }

  /** The parsed message's bytes, or null for built headers. */
  byte[] source() {
    return source;
  }

  /**
   * Where the value at {@code index} starts in {@link #source()}, or -1 when it is not there
   * (built headers, folded values).
   */
  int sourceStart(int index) {
    return meta == null ? -1 : Math.max(meta[index * 2], -1);
  }

  /** Where the value at {@code index} ends in {@link #source()} (with {@link #sourceStart}). */
  int sourceEnd(int index) {
    return meta[index * 2 + 1];
  }

  /** The 1-based line where the value at {@code index} starts in the parsed text, or 0. */
  public int line(int index) {
    int at = place(Objects.checkIndex(index, size));
    if (at < 0) {
      return 0;
    }
    int line = 1;
    for (int i = origin; i < at; i++) {
      if (source[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  /** The 1-based column where the value at {@code index} starts in the parsed text, or 0. */
  public int column(int index) {
    int at = place(Objects.checkIndex(index, size));
    if (at < 0) {
      return 0;
    }
    int lineStart = at;
    while (lineStart > origin && source[lineStart - 1] != '\n') {
      lineStart--;
    }
    return at - lineStart + 1;
  }

  /** Where the value at {@code index} started in {@link #source}, or -1 when unknown. */
  private int place(int index) {
    if (meta == null) {
      return -1;
    }
    int from = meta[index * 2];
    return from >= -1 ? from : -2 - from;
  }

  /** Whether a field named {@code name} is present. */
  public boolean contains(HeaderName name) {
    return indexOf(name, 0) >= 0;
  }

  /** The raw value of the first field named {@code name}, or null. */
  public String get(HeaderName name) {
    int i = indexOf(name, 0);
    return i < 0 ? null : value(i);
  }

  /** The raw value of the first field named {@code name} (any spelling), or null. */
  public String get(String name) {
    return get(HeaderName.of(name));
  }

  /** The raw values of every field named {@code name}, in order. */
  public List<String> values(HeaderName name) {
    List<String> out = new ArrayList<>(2);
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      out.add(value(i));
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
    long bit = name.bit();
    if (bit != 0 && (present & bit) == 0) {
      return -1;
    }
    if (name.isKnown()) {
      // Known names are canonical constants: identity is enough.
      for (int i = from; i < size; i++) {
        if (headerNames[i] == name) {
          return i;
        }
      }
      return -1;
    }
    for (int i = from; i < size; i++) {
      if (!headerNames[i].isKnown() && headerNames[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Index of the next field named {@code name} after {@code index}, the index of a field of that
   * name; -1 at once, without scanning, for a known name that appears only once.
   */
  int nextIndexOf(HeaderName name, int index) {
    long bit = name.bit();
    if (bit != 0 && (repeated & bit) == 0) {
      return -1;
    }
    return indexOf(name, index + 1);
  }

  /** A builder holding these fields. */
  public Builder toBuilder() {
    Builder b = new Builder(size + 4);
    for (int i = 0; i < size; i++) {
      b.add(spelling(i), headerNames[i], value(i));
    }
    return b;
  }

  /** A new empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  void appendTo(StringBuilder out) {
    for (int i = 0; i < size; i++) {
      out.append(spelling(i)).append(": ").append(value(i)).append("\r\n");
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Headers h) || h.size != size) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      if (!headerNames[i].equals(h.headerNames[i]) || !value(i).equals(h.value(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int hash = 1;
    for (int i = 0; i < size; i++) {
      hash = hash * 31 + headerNames[i].hashCode();
      hash = hash * 31 + value(i).hashCode();
    }
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    appendTo(sb);
    return sb.toString();
  }

  /**
   * Builds {@link Headers}; not thread-safe. Keeps the fields in three parallel arrays sized to
   * what it is given (a copy of {@code n} fields starts with room for a few more), not three
   * lists of 16: a proxy builds several messages per request.
   */
  public static final class Builder {
    private String[] names;
    private HeaderName[] headerNames;
    private String[] values;
    private int size;

    Builder() {
      this(8);
    }

    Builder(int capacity) {
      names = new String[capacity];
      headerNames = new HeaderName[capacity];
      values = new String[capacity];
    }

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
      insert(size, spelling, name, value.strip());
      return this;
    }

    /** Replaces every field named {@code name} by one with {@code value} (at the first one's place). */
    public Builder set(HeaderName name, String value) {
      int first = indexOf(name);
      remove(name);
      if (first < 0 || first > size) {
        return add(name, value);
      }
      Objects.requireNonNull(value, "value");
      insert(first, name.name(), name, value.strip());
      return this;
    }

    /** Inserts a field before all others (as a proxy does with Via and Record-Route). */
    public Builder addFirst(HeaderName name, String value) {
      Objects.requireNonNull(value, "value");
      insert(0, name.name(), name, value.strip());
      return this;
    }

    /** Removes every field named {@code name}. */
    public Builder remove(HeaderName name) {
      int kept = 0;
      for (int i = 0; i < size; i++) {
        if (!headerNames[i].equals(name)) {
          names[kept] = names[i];
          headerNames[kept] = headerNames[i];
          values[kept] = values[i];
          kept++;
        }
      }
      Arrays.fill(names, kept, size, null);
      Arrays.fill(headerNames, kept, size, null);
      Arrays.fill(values, kept, size, null);
      size = kept;
      return this;
    }

    /** Whether a field named {@code name} was added. */
    public boolean contains(HeaderName name) {
      return indexOf(name) >= 0;
    }

    private int indexOf(HeaderName name) {
      for (int i = 0; i < size; i++) {
        if (headerNames[i].equals(name)) {
          return i;
        }
      }
      return -1;
    }

    private void insert(int at, String spelling, HeaderName name, String value) {
      if (size == names.length) {
        int n = Math.max(8, size * 2);
        names = Arrays.copyOf(names, n);
        headerNames = Arrays.copyOf(headerNames, n);
        values = Arrays.copyOf(values, n);
      }
      if (at < size) {
        System.arraycopy(names, at, names, at + 1, size - at);
        System.arraycopy(headerNames, at, headerNames, at + 1, size - at);
        System.arraycopy(values, at, values, at + 1, size - at);
      }
      names[at] = spelling;
      headerNames[at] = name;
      values[at] = value;
      size++;
    }

    int size() {
      return size;
    }

    /** The immutable header fields. */
    public Headers build() {
      int n = size;
      return new Headers(n, Arrays.copyOf(names, n), Arrays.copyOf(headerNames, n),
          Arrays.copyOf(values, n), null, null, 0);
    }
  }
}
