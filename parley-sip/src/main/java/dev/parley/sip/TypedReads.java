package dev.parley.sip;

import dev.parley.sip.internal.Leniency;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The typed reads of a message's header fields ({@link SipMessage#header(Header)},
 * {@link SipMessage#headers(Header)}) and their cache, {@link SipMessage#typed}: each field is
 * read on first access, by the fast path of {@link WireGrammar} from the parsed bytes when it
 * accepts the value, else by the header's String grammar under the message's policy (which alone
 * reports errors and violations), and cached by field index. Stateless: the cache is the
 * message's.
 */
final class TypedReads {
  private TypedReads() {}

  /** The first value of {@code header} in {@code m}, or null when absent. */
  @SuppressWarnings("unchecked")
  static <T> T first(SipMessage m, Header<T> header) {
    Headers headers = m.headers();
    int i = headers.indexOf(header.name(), 0);
    if (i < 0) {
      return null;
    }
    Object value = typedValue(m, i, header);
    if (value instanceof List<?> values) {
      return values.isEmpty() ? null : (T) values.get(0);
    }
    return (T) value;
  }

  /** Every value of {@code header} in {@code m}, across all its fields, in order. */
  static <T> List<T> all(SipMessage m, Header<T> header) {
    Headers headers = m.headers();
    int i = headers.indexOf(header.name(), 0);
    if (i < 0) {
      return List.of();
    }
    int next = headers.nextIndexOf(header.name(), i);
    if (next < 0) {
      return field(m, i, header);
    }
    List<T> all = new ArrayList<>(field(m, i, header));
    for (; next >= 0; next = headers.nextIndexOf(header.name(), next)) {
      all.addAll(field(m, next, header));
    }
    return Collections.unmodifiableList(all);
  }

  /** The values of the field at {@code index}, typed with {@code header}'s grammar. */
  @SuppressWarnings("unchecked")
  static <T> List<T> field(SipMessage m, int index, Header<T> header) {
    Object value = typedValue(m, index, header);
    return value instanceof List ? (List<T>) value : List.of((T) value);
  }

  /**
   * The field at {@code index} typed with {@code header}'s grammar and cached: its only value
   * when the fast path read one (no list is made for it), else the list of its values (no
   * header's value is itself a List).
   */
  private static Object typedValue(SipMessage m, int index, Header<?> header) {
    Headers headers = m.headers();
    Object[] cache = m.typed;
    if (cache == null) {
      cache = new Object[headers.size()];
      m.typed = cache;
    }
    Object cached = cache[index];
    if (cached != null) {
      return cached;
    }
    int from = headers.sourceStart(index);
    Object value = from < 0 ? null
        : header.parseWireValue(headers.source(), from, headers.sourceEnd(index));
    if (value != null) {
      cache[index] = value;
      return value;
    }
    Leniency leniency = new Leniency(m.policy());
    List<?> values;
    try {
      values = header.parseField(headers.value(index), leniency);
    } catch (SipParseException e) {
      SipParseException named = new SipParseException(
          header.name() + ": " + e.reason(), e.line(), e.column(), e.statusCode());
      throw named.relocate(headers.line(index), headers.column(index));
    }
    if (!leniency.found().isEmpty()) {
      m.addViolations(leniency.found());
    }
    cache[index] = values;
    return values;
  }
}
