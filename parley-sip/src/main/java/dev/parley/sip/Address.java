package dev.parley.sip;

import java.util.Objects;

/**
 * A name-addr or addr-spec with header parameters, the value of From, To, Contact, Route,
 * Record-Route, Refer-To, Path and similar headers (RFC 3261 §20.10, §25.1).
 *
 * <p>{@code Contact: *} (RFC 3261 §10.2.2) is the {@link #WILDCARD}. Parameters keep their values
 * as written (quoted strings keep their quotes); {@link #tag()}, {@link #expires()} and
 * {@link #q()} read the common ones. Immutable and thread-safe.
 */
public final class Address {
  /** {@code Contact: *}, which removes all bindings in a REGISTER with Expires: 0. */
  public static final Address WILDCARD = new Address(null, null, Parameters.EMPTY);

  private final String displayName;
  private final Uri uri;
  private final Parameters parameters;

  Address(String displayName, Uri uri, Parameters parameters) {
    this.displayName = displayName;
    this.uri = uri;
    this.parameters = parameters;
  }

  /** An address of {@code uri} with no display name or parameters, written in angle brackets. */
  public static Address of(Uri uri) {
    return builder(uri).build();
  }

  /** A builder for an address of {@code uri}. */
  public static Builder builder(Uri uri) {
    return new Builder(Objects.requireNonNull(uri, "uri"));
  }

  /**
   * Parses one name-addr or addr-spec with parameters, as in a From or To header.
   *
   * @throws SipParseException if it is not one
   */
  public static Address parse(String text) {
    return Header.TO.parse(text);
  }

  /** A builder holding this address. */
  public Builder toBuilder() {
    if (isWildcard()) {
      throw new IllegalStateException("the wildcard contact cannot be rebuilt");
    }
    Builder b = new Builder(uri);
    b.displayName = displayName;
    b.parameters = parameters;
    return b;
  }

  /** Whether this is {@code Contact: *}. */
  public boolean isWildcard() {
    return uri == null;
  }

  /** The display name without quotes and escapes, or null when absent. */
  public String displayName() {
    return displayName;
  }

  /**
   * The URI.
   *
   * @throws IllegalStateException for the {@link #WILDCARD}
   */
  public Uri uri() {
    if (uri == null) {
      throw new IllegalStateException("the wildcard contact has no URI");
    }
    return uri;
  }

  /** The header parameters (not the URI's), values as written. */
  public Parameters parameters() {
    return parameters;
  }

  /** The tag parameter (RFC 3261 §19.3), or null. */
  public String tag() {
    return parameters.get("tag");
  }

  /**
   * The expires parameter of a Contact, or -1 when absent.
   *
   * @throws SipParseException if present but not a number of seconds within 0..2^32-1
   */
  public long expires() {
    String v = parameters.get("expires");
    return v == null ? -1 : Header.parseDeltaSeconds(v);
  }

  /**
   * The q parameter of a Contact (0.0..1.0), or -1 when absent.
   *
   * @throws SipParseException if present but not a qvalue
   */
  public float q() {
    String v = parameters.get("q");
    return v == null ? -1f : Header.parseQvalue(v);
  }

  /** A copy with the tag set. */
  public Address withTag(String tag) {
    return toBuilder().parameter("tag", Objects.requireNonNull(tag, "tag")).build();
  }

  @Override
  public String toString() {
    if (isWildcard()) {
      return "*";
    }
    StringBuilder sb = new StringBuilder(64);
    if (displayName != null) {
      appendQuoted(sb, displayName);
      sb.append(' ');
    }
    sb.append('<').append(uri).append('>');
    parameters.appendTo(sb);
    return sb.toString();
  }

  static void appendQuoted(StringBuilder sb, String text) {
    sb.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    sb.append('"');
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Address a
        && Objects.equals(a.displayName, displayName)
        && Objects.equals(a.uri, uri)
        && a.parameters.equals(parameters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(displayName, uri, parameters);
  }

  /** Builds an {@link Address}; not thread-safe. */
  public static final class Builder {
    private final Uri uri;
    private String displayName;
    /** Either a finished value (set whole) or a builder (edited one by one). */
    private Parameters parameters = Parameters.EMPTY;
    private Parameters.Builder edits;

    private Builder(Uri uri) {
      this.uri = uri;
    }

    /** The display name, unquoted; null for none. */
    public Builder displayName(String displayName) {
      if (displayName != null) {
        for (int i = 0; i < displayName.length(); i++) {
          char c = displayName.charAt(i);
          if (c == '\r' || c == '\n') {
            throw new IllegalArgumentException("displayName contains a line break: " + displayName);
          }
        }
      }
      this.displayName = displayName;
      return this;
    }

    /** Sets a header parameter; {@code value} null for a flag. */
    public Builder parameter(String name, String value) {
      if (edits == null) {
        edits = parameters.toBuilder();
      }
      edits.set(name, value);
      return this;
    }

    /** Replaces all header parameters. */
    public Builder parameters(Parameters parameters) {
      this.parameters = Objects.requireNonNull(parameters, "parameters");
      this.edits = null;
      return this;
    }

    public Builder tag(String tag) {
      return parameter("tag", Objects.requireNonNull(tag, "tag"));
    }

    public Address build() {
      return new Address(displayName, uri, edits != null ? edits.build() : parameters);
    }
  }
}
