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

  private final int size;
  /** The names as written; null when every one is its header name's canonical spelling. */
  private final String[] names;
  private final HeaderName[] headerNames;
  /**
   * Values; an entry is null until first read when it is still bytes of {@link #source}, and the
   * array itself null until the first is read (parsed fields none of which was folded).
   */
  private String[] values;
  /** The parsed message's bytes (values decoded lazily from them), or null if built. */
  private final byte[] source;
  /**
   * Per field, two ints: start and end of the value in {@link #source}; null if built. A start
   * below -1 is a value held as text (folded, or replaced) that started at {@code -2 - start};
   * -1 one whose place is unknown. Lines and columns are counted from these places when asked
   * (error reports only), not stored for every field.
   */
  private final int[] meta;
  /** Where the parsed text (its line 1) starts in {@link #source}. */
  private final int origin;
  /** The {@link HeaderName#bit() bits} of the known names present, and of those present twice or more. */
  private final long present;
  private final long repeated;

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

  private String spelling(int index) {
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

  /**
   * These fields with the value at {@code index} replaced by {@code value}: the field keeps its
   * name as written, its place and its line and column; every other value stays as it was (bytes
   * of the parsed message not decoded yet stay bytes). Nothing is parsed.
   */
  Headers withValue(int index, String value) {
    Objects.checkIndex(index, size);
    Objects.requireNonNull(value, "value");
    String[] v = values == null ? new String[size] : Arrays.copyOf(values, size);
    v[index] = value;
    int[] m = null;
    if (meta != null) {
      m = Arrays.copyOf(meta, size * 2);
      int from = m[index * 2];
      m[index * 2] = from >= 0 ? -2 - from : from; // text now, at the same place: forgetDecoded keeps it
    }
    return new Headers(size, names, headerNames, v, source, m, origin);
  }

  /** These fields without the one at {@code index}; the others as {@link #withValue} keeps them. */
  Headers without(int index) {
    Objects.checkIndex(index, size);
    int n = size - 1;
    String[] nm = names == null ? null : new String[n];
    HeaderName[] hn = new HeaderName[n];
    String[] v = new String[n];
    if (nm != null) {
      System.arraycopy(names, 0, nm, 0, index);
      System.arraycopy(names, index + 1, nm, index, n - index);
    }
    System.arraycopy(headerNames, 0, hn, 0, index);
    System.arraycopy(headerNames, index + 1, hn, index, n - index);
    if (values != null) {
      System.arraycopy(values, 0, v, 0, index);
      System.arraycopy(values, index + 1, v, index, n - index);
    }
    int[] m = null;
    if (meta != null) {
      m = new int[n * 2];
      System.arraycopy(meta, 0, m, 0, index * 2);
      System.arraycopy(meta, (index + 1) * 2, m, index * 2, (n - index) * 2);
    }
    return new Headers(n, nm, hn, v, source, m, origin);
  }

  /**
   * These fields with one named {@code name} (its canonical spelling) and {@code value} inserted
   * before all others; the others as {@link #withValue} keeps them: one copy of the field table,
   * where {@code toBuilder().addFirst(...).build()} copies it twice and decodes every value.
   */
  Headers withFirst(HeaderName name, String value) {
    return withInserted(0, name, value);
  }

  /**
   * These fields with one named {@code name} (its canonical spelling) and {@code value} inserted
   * at {@code at} (0 to {@link #size()}: before the field there, or last); the others as
   * {@link #withValue} keeps them. One copy of the field table.
   */
  Headers withInserted(int at, HeaderName name, String value) {
    Objects.checkIndex(at, size + 1);
    int n = size + 1;
    String[] nm = null;
    if (names != null) {
      nm = new String[n];
      System.arraycopy(names, 0, nm, 0, at);
      nm[at] = name.name();
      System.arraycopy(names, at, nm, at + 1, size - at);
    }
    HeaderName[] hn = new HeaderName[n];
    System.arraycopy(headerNames, 0, hn, 0, at);
    hn[at] = name;
    System.arraycopy(headerNames, at, hn, at + 1, size - at);
    String[] v = new String[n];
    if (values != null) {
      System.arraycopy(values, 0, v, 0, at);
      System.arraycopy(values, at, v, at + 1, size - at);
    }
    v[at] = value;
    int[] m = null;
    if (meta != null) {
      m = new int[n * 2];
      System.arraycopy(meta, 0, m, 0, at * 2);
      m[at * 2] = -1; // text, no place in the parsed bytes
      System.arraycopy(meta, at * 2, m, at * 2 + 2, (size - at) * 2);
    }
    long bit = name.bit();
    return new Headers(n, nm, hn, v, source, m, origin, present | bit, repeated | (present & bit));
  }

  /**
   * {@code value} as a builder keeps it (surrounding whitespace stripped), for an edit of a
   * message's fields that bypasses the builder.
   *
   * @throws IllegalArgumentException if it contains a line break
   */
  static String checkedValue(HeaderName name, String value) {
    Objects.requireNonNull(value, "value");
    if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("header value contains a line break: " + name + ": " + value);
    }
    return value.strip();
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

  /**
   * The length of the fields in wire form ({@code name: value CRLF} each) when every character is
   * ASCII; {@link #writeAscii(byte[], int)} tells whether they are.
   */
  int asciiLength() {
    int n = 0;
    for (int i = 0; i < size; i++) {
      String v = values == null ? null : values[i];
      n += spelling(i).length() + 4 + (v != null ? v.length() : meta[i * 2 + 1] - meta[i * 2]);
    }
    return n;
  }

  /**
   * Writes the fields in wire form into {@code out} from {@code p}, copying values not decoded yet
   * straight from the parsed bytes; returns the position after them, or -1 at the first character
   * that is not ASCII (the caller then encodes the text as UTF-8).
   */
  int writeAscii(byte[] out, int p) {
    for (int i = 0; i < size && p >= 0; i++) {
      p = writeAscii(spelling(i), out, p);
      if (p < 0) {
        return -1;
      }
      out[p++] = ':';
      out[p++] = ' ';
      String v = values == null ? null : values[i];
      if (v != null) {
        p = writeAscii(v, out, p);
      } else {
        int from = meta[i * 2];
        int to = meta[i * 2 + 1];
        for (int j = from; j < to; j++) {
          byte b = source[j];
          if (b < 0) {
            return -1;
          }
          out[p++] = b;
        }
      }
      if (p >= 0) {
        out[p++] = '\r';
        out[p++] = '\n';
      }
    }
    return p;
  }

  /** Writes {@code s} as ASCII into {@code out} from {@code p}; -1 if a character is not ASCII. */
  static int writeAscii(String s, byte[] out, int p) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return -1;
      }
      out[p + i] = (byte) c;
    }
    return p + n;
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
