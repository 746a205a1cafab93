package dev.parley.sip;

import java.util.Arrays;

/**
 * Collects the fields of one parsed message without copying their values: each value stays a
 * range of the message's bytes until read. Used by {@link SipParser}; not thread-safe.
 */
final class ParsedHeaders {
  private final byte[] source;
  private int size;
  /** Created at the first name not in its canonical spelling (compact forms, other cases). */
  private String[] names;
  private HeaderName[] headerNames = new HeaderName[16];
  /** Created at the first folded value. */
  private String[] values;
  private int[] meta = new int[32];
  /** Where the parsed text (line 1) starts in {@link #source}. */
  private final int origin;
  private long present;
  private long repeated;

  ParsedHeaders(byte[] source, int origin) {
    this.source = source;
    this.origin = origin;
  }

  int size() {
    return size;
  }

  /**
   * Appends a field whose value is {@code source[from, to)}, or {@code text} when not null
   * (folded; its start is then recorded as {@code -2 - from}: there are no bytes to decode it
   * from again, but its place is known).
   */
  void add(String spelling, HeaderName name, int from, int to, String text) {
    if (size == headerNames.length) {
      grow();
    }
    if (names == null && !spelling.equals(name.name())) {
      names = canonicalSpellings();
    }
    if (names != null) {
      names[size] = spelling;
    }
    if (text != null && values == null) {
      values = new String[headerNames.length];
    }
    headerNames[size] = name;
    long bit = name.bit();
    repeated |= present & bit;
    present |= bit;
    if (values != null) {
      values[size] = text;
    }
    int m = size * 2;
    meta[m] = text == null ? from : -2 - from;
    meta[m + 1] = to;
    size++;
  }

  // The rare steps of add live apart, so that add stays small enough to be inlined into the
  // parser's loop (and this collector, not escaping, is not allocated at all).

  /** Doubles the room for fields. */
  private void grow() {
    int n = size * 2;
    headerNames = Arrays.copyOf(headerNames, n);
    meta = Arrays.copyOf(meta, n * 2);
    if (names != null) {
      names = Arrays.copyOf(names, n);
    }
    if (values != null) {
      values = Arrays.copyOf(values, n);
    }
  }

  /** The names array for the fields so far, each in its canonical spelling. */
  private String[] canonicalSpellings() {
    String[] spellings = new String[headerNames.length];
    for (int i = 0; i < size; i++) {
      spellings[i] = headerNames[i].name();
    }
    return spellings;
  }

  Headers build() {
    return new Headers(size, names, headerNames, values, source, meta, origin, present, repeated);
  }
}
