package dev.parley.sip;

import java.util.Locale;
import java.util.Objects;

/**
 * A MIME media type as in Content-Type (RFC 3261 §20.15): type, subtype and parameters.
 *
 * <p>Type and subtype compare case-insensitively. Immutable and thread-safe.
 */
public final class MediaType {
  /** application/sdp. */
  public static final MediaType APPLICATION_SDP = new MediaType("application", "sdp", Parameters.EMPTY);
  /** text/plain. */
  public static final MediaType TEXT_PLAIN = new MediaType("text", "plain", Parameters.EMPTY);

  private final String type;
  private final String subtype;
  private final Parameters parameters;

  private MediaType(String type, String subtype, Parameters parameters) {
    this.type = type;
    this.subtype = subtype;
    this.parameters = parameters;
  }

  /** A media type; parameter values as written (token or quoted-string). */
  public static MediaType of(String type, String subtype, Parameters parameters) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(subtype, "subtype");
    Objects.requireNonNull(parameters, "parameters");
    return new MediaType(type, subtype, parameters);
  }

  /**
   * Parses {@code "type/subtype;param=value"}.
   *
   * @throws SipParseException if it is not a media-type
   */
  public static MediaType parse(String text) {
    return Header.CONTENT_TYPE.parse(text);
  }

  public String type() {
    return type;
  }

  public String subtype() {
    return subtype;
  }

  public Parameters parameters() {
    return parameters;
  }

  /** Whether type and subtype equal {@code other}'s, ignoring case and parameters. */
  public boolean is(MediaType other) {
    return type.equalsIgnoreCase(other.type) && subtype.equalsIgnoreCase(other.subtype);
  }

  /** Whether this is {@code type/subtype}, ignoring case and parameters. */
  public boolean is(String type, String subtype) {
    return this.type.equalsIgnoreCase(type) && this.subtype.equalsIgnoreCase(subtype);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MediaType m && is(m) && m.parameters.equals(parameters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type.toLowerCase(Locale.ROOT), subtype.toLowerCase(Locale.ROOT), parameters);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(type.length() + subtype.length() + 1);
    sb.append(type).append('/').append(subtype);
    parameters.appendTo(sb);
    return sb.toString();
  }
}
