package dev.parley.sip;

import dev.parley.sip.internal.UriEscapes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The headers component of a SIP URI: the ordered {@code ?hname=hvalue&hname=hvalue} list of
 * RFC 3261 §19.1.1 ("headers" in §25.1), which asks the recipient of a URI to put those header
 * fields in the request it builds from it.
 *
 * <p>Names and values are kept exactly as written, escaped ({@code Route=%3Csip:x%3E}); use
 * {@link #decodedValue(int)} for the unescaped text. Names match case-insensitively. A value may
 * be empty ({@code ?Subject=}) but is never null. Immutable and thread-safe.
 */
public final class UriHeaders {
  /** No headers. */
  public static final UriHeaders EMPTY = new UriHeaders(List.of(), List.of());

  private final List<String> names;
  private final List<String> values;

  private UriHeaders(List<String> names, List<String> values) {
    this.names = names;
    this.values = values;
  }

  /** Number of headers. */
  public int size() {
    return names.size();
  }

  /** Whether there are none. */
  public boolean isEmpty() {
    return names.isEmpty();
  }

  /** The name of the header at {@code index}, as written (escaped). */
  public String name(int index) {
    return names.get(index);
  }

  /** The value of the header at {@code index}, as written (escaped); never null. */
  public String value(int index) {
    return values.get(index);
  }

  /**
   * The value of the header at {@code index} with its {@code %HH} escapes decoded as UTF-8
   * (malformed sequences become U+FFFD).
   */
  public String decodedValue(int index) {
    return UriEscapes.decode(values.get(index));
  }

  /** The value of the first header of this name (case-insensitive), as written, or null. */
  public String get(String name) {
    Objects.requireNonNull(name, "name");
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return values.get(i);
      }
    }
    return null;
  }

  /** The names in order, as written. */
  public List<String> names() {
    return names;
  }

  /** A builder holding these headers. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.names.addAll(names);
    b.values.addAll(values);
    return b;
  }

  /** A new empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Appends {@code ?name=value&name=value} to {@code out}, or nothing when empty. */
  public void appendTo(StringBuilder out) {
    for (int i = 0; i < names.size(); i++) {
      out.append(i == 0 ? '?' : '&').append(names.get(i)).append('=').append(values.get(i));
    }
  }

  /** The wire form, {@code ?name=value&...}, or the empty string. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    appendTo(sb);
    return sb.toString();
  }

  /** Structural equality: same names and values, as written, in the same order. */
  @Override
  public boolean equals(Object o) {
    return o instanceof UriHeaders h && names.equals(h.names) && values.equals(h.values);
  }

  @Override
  public int hashCode() {
    return names.hashCode() * 31 + values.hashCode();
  }

  /**
   * Builds {@link UriHeaders}; not thread-safe. Names and values are taken as escaped wire text;
   * {@link SipUri.Builder#build()} checks them against the grammar.
   */
  public static final class Builder {
    private final List<String> names = new ArrayList<>(2);
    private final List<String> values = new ArrayList<>(2);

    private Builder() {}

    /** Appends a header, even if one of this name exists. */
    public Builder add(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("name is empty");
      }
      names.add(name);
      values.add(value);
      return this;
    }

    /** Removes every header of this name (case-insensitive). */
    public Builder remove(String name) {
      for (int i = names.size() - 1; i >= 0; i--) {
        if (names.get(i).equalsIgnoreCase(name)) {
          names.remove(i);
          values.remove(i);
        }
      }
      return this;
    }

    /** The immutable headers. */
    public UriHeaders build() {
      if (names.isEmpty()) {
        return EMPTY;
      }
      return new UriHeaders(
          Collections.unmodifiableList(new ArrayList<>(names)),
          Collections.unmodifiableList(new ArrayList<>(values)));
    }
  }
}
