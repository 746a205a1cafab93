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

  /**
   * What the cache holds for a field of a single-valued header whose grammar gave no element
   * (so that such a field is read once, as a list-valued one is): never handed out.
   */
  private static final Object NONE = new Object();

  /**
   * The first value of {@code header} in {@code m}, or null when absent. The cache hit is checked
   * here, before any call; a single-valued header's cached value is its element itself (never a
   * list), so only a list header's value is tested for being a list.
   */
  @SuppressWarnings("unchecked")
  static <T> T first(SipMessage m, Header<T> header) {
    int i = m.headers().indexOf(header.name(), 0);
    if (i < 0) {
      return null;
    }
    Object[] cache = m.typed;
    Object value = cache == null ? null : cache[i];
    if (value == null) {
      value = read(m, i, header);
    }
    if (!header.isList()) {
      return value == NONE ? null : (T) value;
    }
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
    Object[] cache = m.typed;
    Object value = cache == null ? null : cache[index];
    if (value == null) {
      value = read(m, index, header);
    }
    if (value == NONE) {
      return List.of();
    }
    return header.isList() && value instanceof List ? (List<T>) value : List.of((T) value);
  }

  /**
   * Reads the field at {@code index} with {@code header}'s grammar and caches it (making the
   * message's cache on its first read): a list header's field as its only value when the fast
   * path read one (no list is made for it), else as the list of its values (no header's value is
   * itself a List); a single-valued header's as its element, or {@link #NONE}.
   */
  private static Object read(SipMessage m, int index, Header<?> header) {
    Headers headers = m.headers();
    Object[] cache = m.typed;
    if (cache == null) {
      cache = new Object[headers.size()];
      m.typed = cache;
    }
    int from = headers.sourceStart(index);
    Object value = from < 0 ? null
        : header.parseWireValue(headers.source(), from, headers.sourceEnd(index));
    if (value == null) {
      value = parseText(m, index, header);
    }
    cache[index] = value;
    return value;
  }

  /** The field at {@code index} read by the String grammar, as {@link #read} caches it. */
  private static Object parseText(SipMessage m, int index, Header<?> header) {
    Headers headers = m.headers();
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
    if (header.isList()) {
      return values;
    }
    return values.isEmpty() ? NONE : values.get(0);
  }
}
