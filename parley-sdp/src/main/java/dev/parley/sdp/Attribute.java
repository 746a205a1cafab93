package dev.parley.sdp;

import dev.parley.sdp.internal.SdpSyntax;
import java.util.Objects;

/**
 * An {@code a=} field (RFC 8866 §5.13): a property attribute {@code a=<name>} or a value attribute
 * {@code a=<name>:<value>}, kept verbatim.
 *
 * <p>Typed views of well-known attributes are {@link Rtpmap}, {@link Fmtp}, {@link Rtcp} and
 * {@link Direction}. Immutable and thread-safe.
 */
public final class Attribute {
  /** {@code a=rtpmap} (RFC 8866 §6.6). */
  public static final String RTPMAP = "rtpmap";
  /** {@code a=fmtp} (RFC 8866 §6.15). */
  public static final String FMTP = "fmtp";
  /** {@code a=ptime} (RFC 8866 §6.4). */
  public static final String PTIME = "ptime";
  /** {@code a=maxptime} (RFC 8866 §6.5). */
  public static final String MAXPTIME = "maxptime";
  /** {@code a=rtcp} (RFC 3605). */
  public static final String RTCP = "rtcp";

  private final String name;
  private final String value;

  private Attribute(String name, String value) {
    this.name = name;
    this.value = value;
  }

  /**
   * A value attribute {@code a=name:value}.
   *
   * @throws IllegalArgumentException if {@code name} is not a token or {@code value} holds NUL, CR
   *     or LF
   */
  public static Attribute of(String name, String value) {
    SdpSyntax.requireToken("attribute name", name);
    if (!SdpSyntax.isText(value, true)) {
      throw new IllegalArgumentException(
          "attribute value must be text without NUL, CR or LF: " + SdpSyntax.quote(value));
    }
    return new Attribute(name, value);
  }

  /**
   * A property attribute {@code a=name}.
   *
   * @throws IllegalArgumentException if {@code name} is not a token
   */
  public static Attribute property(String name) {
    SdpSyntax.requireToken("attribute name", name);
    return new Attribute(name, null);
  }

  /** The attribute name (case-sensitive). */
  public String name() {
    return name;
  }

  /** The value after the colon, or {@code null} for a property attribute. */
  public String value() {
    return value;
  }

  /** Whether this is a value attribute. */
  public boolean hasValue() {
    return value != null;
  }

  /** Whether this attribute is called {@code name}. */
  public boolean is(String name) {
    return this.name.equals(name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attribute && ((Attribute) o).name.equals(name)
        && Objects.equals(((Attribute) o).value, value);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Objects.hashCode(value);
  }

  /** The field value as written after {@code a=}. */
  @Override
  public String toString() {
    return value == null ? name : name + ':' + value;
  }
}
