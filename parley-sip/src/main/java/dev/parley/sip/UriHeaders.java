package dev.parley.sip;

import dev.parley.sip.internal.UriEscapes;
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
  public static final UriHeaders EMPTY = new UriHeaders(Parameters.EMPTY);

  /** The same ordered, case-insensitive name/value list as URI and header parameters. */
  private final Parameters entries;

  private UriHeaders(Parameters entries) {
    this.entries = entries;
  }

  /** Number of headers. */
  public int size() {
    return entries.size();
  }

  /** Whether there are none. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The name at {@code index}, as written. */
  public String name(int index) {
    return entries.name(index);
  }

  /** The value at {@code index}, as written (escaped). */
  public String value(int index) {
    return entries.value(index);
  }

  /** The value at {@code index} with escapes decoded as UTF-8. */
  public String decodedValue(int index) {
    return UriEscapes.decode(entries.value(index));
  }

  /** The value of the first header named {@code name} (case-insensitive), as written, or null. */
  public String get(String name) {
    Objects.requireNonNull(name, "name");
    return entries.get(name);
  }

  /** The names in order, as written. */
  public List<String> names() {
    return entries.names();
  }

  /** A builder holding these headers. */
  public Builder toBuilder() {
    return new Builder(entries.toBuilder());
  }

  /** A new empty builder. */
  public static Builder builder() {
    return new Builder(Parameters.builder());
  }

  /** Appends {@code ?name=value&name=value} (nothing when empty). */
  public void appendTo(StringBuilder out) {
    for (int i = 0; i < entries.size(); i++) {
      out.append(i == 0 ? '?' : '&').append(entries.name(i)).append('=').append(entries.value(i));
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    appendTo(sb);
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UriHeaders h && entries.equals(h.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  /** Builds {@link UriHeaders}; not thread-safe. */
  public static final class Builder {
    private final Parameters.Builder entries;

    private Builder(Parameters.Builder entries) {
      this.entries = entries;
    }

    /**
     * Appends a header; {@code value} is written as given (escape it first) and may be empty.
     *
     * @throws IllegalArgumentException if {@code name} is empty
     */
    public Builder add(String name, String value) {
      Objects.requireNonNull(value, "value");
      entries.add(name, value);
      return this;
    }

    /** Removes every header of this name (case-insensitive). */
    public Builder remove(String name) {
      entries.remove(name);
      return this;
    }

    /** The immutable headers. */
    public UriHeaders build() {
      Parameters p = entries.build();
      return p.isEmpty() ? EMPTY : new UriHeaders(p);
    }
  }
}
