package dev.parley.sip;

import java.util.Objects;

/**
 * The header-field edits behind {@link SipMessage#withTopVia}, {@link SipMessage#withFirstHeader},
 * {@link SipMessage#withHeaderValue} and {@link SipResponse#withoutTopVia}: each splices one value
 * into the fields' text and returns new {@link Headers}, every other field kept as it came
 * (spelling, place, value; a parsed message's values not read yet stay bytes), nothing parsed
 * again. Stateless.
 */
final class HeaderEdits {
  private HeaderEdits() {}

  /** {@code headers} with a field named {@code name} inserted before all others. */
  static Headers withFirst(Headers headers, HeaderName name, String value) {
    return headers.withFirst(name, editable(name, value));
  }

  /** {@code headers} with the value of the field at {@code index} replaced. */
  static Headers withValue(Headers headers, int index, String value) {
    return headers.withValue(index, editable(headers.headerName(index), value));
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
    return Headers.checkedValue(name, value);
  }

  /** {@code headers} with the first Via value replaced by {@code via} (see {@link SipMessage#withTopVia}). */
  static Headers withTopVia(Headers headers, Via via) {
    Objects.requireNonNull(via, "via");
    int first = headers.indexOf(HeaderName.VIA, 0);
    if (first < 0) {
      throw new IllegalStateException("message has no Via");
    }
    String value = headers.value(first);
    return headers.withValue(first, via + value.substring(firstElementEnd(value)));
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
    String value = headers.value(first);
    int end = firstElementEnd(value);
    String rest = end >= value.length() ? "" : value.substring(end + 1).strip();
    return rest.isEmpty() ? headers.without(first) : headers.withValue(first, rest);
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
