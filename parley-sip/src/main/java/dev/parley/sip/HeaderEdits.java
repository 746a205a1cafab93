package dev.parley.sip;

import java.util.Arrays;
import java.util.Objects;

/**
 * The header-field edits behind {@link SipMessage#withTopVia}, {@link SipMessage#withFirstHeader},
 * {@link SipMessage#withHeaderValue} and {@link SipResponse#withoutTopVia}: each splices one value
 * into the fields' text and returns new {@link Headers}, every other field kept as it came
 * (spelling, place, value; a parsed message's values not read yet stay bytes), nothing parsed
 * again. The splices themselves ({@link #replaced}, {@link #removed}, {@link #inserted}) copy the
 * field table once and check nothing. Stateless.
 */
final class HeaderEdits {
  private HeaderEdits() {}

  /** {@code headers} with a field named {@code name} inserted before all others. */
  static Headers withFirst(Headers headers, HeaderName name, String value) {
    return inserted(headers, 0, name, editable(name, value));
  }

  /** {@code headers} with the value of the field at {@code index} replaced. */
  static Headers withValue(Headers headers, int index, String value) {
    return replaced(headers, index, editable(headers.headerName(index), value));
  }

  /**
   * {@code value} checked and stripped as a builder keeps it, for a field named {@code name}.
   *
   * @throws IllegalArgumentException if {@code value} contains a line break, or {@code name} is
   *     Content-Length (it follows the body)
   */
  static String editable(HeaderName name, String value) {
    if (name.equals(HeaderName.CONTENT_LENGTH)) { // NullPointerException for a null name
      throw new IllegalArgumentException("Content-Length follows the body");
    }
    Objects.requireNonNull(value, "value");
    if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("header value contains a line break: " + name + ": " + value);
    }
    return value.strip();
  }

  /** {@code headers} with the first Via value replaced by {@code via} (see {@link SipMessage#withTopVia}). */
  static Headers withTopVia(Headers headers, Via via) {
    Objects.requireNonNull(via, "via");
    int first = headers.indexOf(HeaderName.VIA, 0);
    if (first < 0) {
      throw new IllegalStateException("message has no Via");
    }
    String value = headers.value(first);
    return replaced(headers, first, via + value.substring(firstElementEnd(value)));
  }

  /**
   * {@code headers} without the top Via value: the first Via field loses its first value, up to
   * its first comma outside quotes, or goes when that was its only value; the same fields when
   * there is no Via.
   */
  static Headers withoutTopVia(Headers headers) {
    int first = headers.indexOf(HeaderName.VIA, 0);
    if (first < 0) {
      return headers;
    }
    if (commaFreeBytes(headers, first)) {
      return removed(headers, first); // one value: the field goes, its bytes never decoded
    }
    String value = headers.value(first);
    int end = firstElementEnd(value);
    String rest = end >= value.length() ? "" : value.substring(end + 1).strip();
    return rest.isEmpty() ? removed(headers, first) : replaced(headers, first, rest);
  }

  /**
   * {@code h} with the value at {@code index} replaced by {@code value}: the field keeps its name
   * as written, its place and its line and column; every other value stays as it was (bytes of the
   * parsed message not decoded yet stay bytes). Nothing is parsed or checked.
   */
  static Headers replaced(Headers h, int index, String value) {
    int size = h.size;
    Objects.checkIndex(index, size);
    Objects.requireNonNull(value, "value");
    String[] v = h.values == null ? new String[size] : Arrays.copyOf(h.values, size);
    v[index] = value;
    int[] m = null;
    if (h.meta != null) {
      m = Arrays.copyOf(h.meta, size * 2);
      int from = m[index * 2];
      m[index * 2] = from >= 0 ? -2 - from : from; // text now, at the same place: forgetDecoded keeps it
    }
    return new Headers(size, h.names, h.headerNames, v, h.source, m, h.origin);
  }

  /** {@code h} without the field at {@code index}; the others as {@link #replaced} keeps them. */
  static Headers removed(Headers h, int index) {
    Objects.checkIndex(index, h.size);
    int n = h.size - 1;
    String[] nm = h.names == null ? null : new String[n];
    HeaderName[] hn = new HeaderName[n];
    String[] read = h.values; // read once: another thread may decode a value meanwhile
    String[] v = read == null ? null : new String[n]; // none read yet (parsed): none to keep
    if (nm != null) {
      System.arraycopy(h.names, 0, nm, 0, index);
      System.arraycopy(h.names, index + 1, nm, index, n - index);
    }
    System.arraycopy(h.headerNames, 0, hn, 0, index);
    System.arraycopy(h.headerNames, index + 1, hn, index, n - index);
    if (read != null) {
      System.arraycopy(read, 0, v, 0, index);
      System.arraycopy(read, index + 1, v, index, n - index);
    }
    int[] m = null;
    if (h.meta != null) {
      m = new int[n * 2];
      System.arraycopy(h.meta, 0, m, 0, index * 2);
      System.arraycopy(h.meta, (index + 1) * 2, m, index * 2, (n - index) * 2);
    }
    return new Headers(n, nm, hn, v, h.source, m, h.origin);
  }

  /**
   * {@code h} with a field named {@code name} (its canonical spelling) and {@code value} inserted
   * at {@code at} (0 to {@link Headers#size()}: before the field there, or last); the others as
   * {@link #replaced} keeps them. One copy of the field table, where
   * {@code toBuilder().addFirst(...).build()} copies it twice and decodes every value.
   */
  static Headers inserted(Headers h, int at, HeaderName name, String value) {
    int size = h.size;
    Objects.checkIndex(at, size + 1);
    int n = size + 1;
    String[] nm = null;
    if (h.names != null) {
      nm = new String[n];
      System.arraycopy(h.names, 0, nm, 0, at);
      nm[at] = name.name();
      System.arraycopy(h.names, at, nm, at + 1, size - at);
    }
    HeaderName[] hn = new HeaderName[n];
    System.arraycopy(h.headerNames, 0, hn, 0, at);
    hn[at] = name;
    System.arraycopy(h.headerNames, at, hn, at + 1, size - at);
    String[] v = new String[n];
    if (h.values != null) {
      System.arraycopy(h.values, 0, v, 0, at);
      System.arraycopy(h.values, at, v, at + 1, size - at);
    }
    v[at] = value;
    int[] m = null;
    if (h.meta != null) {
      m = new int[n * 2];
      System.arraycopy(h.meta, 0, m, 0, at * 2);
      m[at * 2] = -1; // text, no place in the parsed bytes
      System.arraycopy(h.meta, at * 2, m, at * 2 + 2, (size - at) * 2);
    }
    long bit = name.bit();
    return new Headers(n, nm, hn, v, h.source, m, h.origin, h.present | bit,
        h.repeated | (h.present & bit));
  }

  /**
   * The fields of the ACK {@link SipRequest#ackFor} makes from an INVITE's fields {@code h}: Via
   * {@code via}, Max-Forwards 70, h's first From, To {@code to}, h's first Call-ID, CSeq {@code
   * cseq}, every Route of h, Content-Length 0, each in its canonical spelling. A field copied from
   * h keeps its place in h's source when it has one (bytes not decoded stay bytes), else its text.
   */
  static Headers ackFields(Headers h, String via, String to, String cseq) {
    int from = h.indexOf(HeaderName.FROM, 0);
    int callId = h.indexOf(HeaderName.CALL_ID, 0);
    int n = 5 + (from >= 0 ? 1 : 0) + (callId >= 0 ? 1 : 0) + h.count(HeaderName.ROUTE);
    HeaderName[] hn = new HeaderName[n];
    String[] v = new String[n];
    int[] m = h.source == null ? null : new int[2 * n];
    int k = text(hn, v, m, 0, HeaderName.VIA, via);
    k = text(hn, v, m, k, HeaderName.MAX_FORWARDS, "70");
    if (from >= 0) {
      k = copied(h, from, hn, v, m, k);
    }
    k = text(hn, v, m, k, HeaderName.TO, to);
    if (callId >= 0) {
      k = copied(h, callId, hn, v, m, k);
    }
    k = text(hn, v, m, k, HeaderName.CSEQ, cseq);
    for (int i = h.indexOf(HeaderName.ROUTE, 0); i >= 0; i = h.nextIndexOf(HeaderName.ROUTE, i)) {
      k = copied(h, i, hn, v, m, k);
    }
    text(hn, v, m, k, HeaderName.CONTENT_LENGTH, "0");
    return new Headers(n, null, hn, v, h.source, m, h.origin);
  }

  /** Puts a field held as text at {@code k} of a new field table; the next index. */
  private static int text(HeaderName[] hn, String[] v, int[] m, int k, HeaderName name,
      String value) {
    hn[k] = name;
    v[k] = value;
    if (m != null) {
      m[2 * k] = -1; // text, no place in the parsed bytes
    }
    return k + 1;
  }

  /** Puts h's field {@code i} at {@code k} of a new table sharing h's source; the next index. */
  private static int copied(Headers h, int i, HeaderName[] hn, String[] v, int[] m, int k) {
    hn[k] = h.headerNames[i];
    int start = h.sourceStart(i);
    if (start >= 0) {
      m[2 * k] = start;
      m[2 * k + 1] = h.sourceEnd(i);
      String[] read = h.values;
      v[k] = read == null ? null : read[i]; // decoded already, or null: stays bytes
    } else {
      text(hn, v, m, k, h.headerNames[i], h.value(i));
    }
    return k + 1;
  }

  /**
   * Whether the value at {@code index} is still bytes of the parsed source, not decoded yet, and
   * holds no comma: a single list element, known without decoding it ({@link #firstElementEnd}
   * would find its end at its length; no byte of a multi-byte UTF-8 character is a comma).
   */
  private static boolean commaFreeBytes(Headers h, int index) {
    String[] vs = h.values;
    int from = h.sourceStart(index);
    if (from < 0 || vs != null && vs[index] != null) {
      return false;
    }
    byte[] source = h.source;
    for (int i = from, end = h.sourceEnd(index); i < end; i++) {
      if (source[i] == ',') {
        return false;
      }
    }
    return true;
  }

  /** Where the first element of a list value ends: its top-level comma, or the end. */
  private static int firstElementEnd(String value) {
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        return i;
      }
    }
    return value.length();
  }
}
