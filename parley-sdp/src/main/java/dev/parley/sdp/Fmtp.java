package dev.parley.sdp;

import dev.parley.sdp.internal.SdpSyntax;
import dev.parley.sdp.internal.ValueReader;
import dev.parley.sdp.internal.ValueSyntaxException;
import java.util.Objects;
import java.util.Optional;

/**
 * The value of an {@code a=fmtp} attribute (RFC 8866 §6.15): {@code <format> <format specific
 * parameters>}, such as {@code 101 0-15} or {@code 97 profile-level-id=42e01f;packetization-mode=1}.
 *
 * <p>The parameters are kept verbatim; {@link #parameter(String)} reads the common
 * {@code name=value;name=value} form. Immutable and thread-safe.
 */
public final class Fmtp {
  private final String format;
  private final String parameters;

  private Fmtp(String format, String parameters) {
    this.format = format;
    this.parameters = parameters;
  }

  /**
   * An fmtp for {@code format} (a payload type for RTP).
   *
   * @throws IllegalArgumentException if {@code format} has whitespace or {@code parameters} is not
   *     non-empty text
   */
  public static Fmtp of(String format, String parameters) {
    SdpSyntax.requireNonWs("fmtp format", format);
    SdpSyntax.requireText("fmtp parameters", parameters);
    return new Fmtp(format, parameters);
  }

  /** An fmtp for an RTP payload type. */
  public static Fmtp of(int payloadType, String parameters) {
    return of(Integer.toString(payloadType), parameters);
  }

  /**
   * Parses an fmtp value (the text after {@code a=fmtp:}).
   *
   * @throws SdpParseException at line 1 and the column of the problem in {@code value}
   */
  public static Fmtp parse(String value) {
    Objects.requireNonNull(value, "value");
    try {
      return AttributeGrammar.fmtp(new ValueReader(value, true));
    } catch (ValueSyntaxException e) {
      throw new SdpParseException(e.getMessage(), 1, e.index() + 1, e.violation());
    }
  }

  /** The format the parameters apply to. */
  public String format() {
    return format;
  }

  /** The format as an RTP payload type, or -1 if it is not a number 0..127. */
  public int payloadType() {
    return MediaDescription.payloadTypeOf(format);
  }

  /** The parameters, verbatim. */
  public String parameters() {
    return parameters;
  }

  /**
   * The value of {@code name} in {@code name=value} pairs separated by {@code ;} (spaces around
   * them ignored, name compared ignoring case), or empty; a bare {@code name} gives {@code ""}.
   */
  public Optional<String> parameter(String name) {
    int i = 0;
    int n = parameters.length();
    while (i <= n) {
      int end = parameters.indexOf(';', i);
      if (end < 0) {
        end = n;
      }
      int eq = parameters.indexOf('=', i);
      int nameEnd = eq >= 0 && eq < end ? eq : end;
      String key = parameters.substring(i, nameEnd).trim();
      if (key.equalsIgnoreCase(name)) {
        return Optional.of(nameEnd == end ? "" : parameters.substring(nameEnd + 1, end).trim());
      }
      i = end + 1;
    }
    return Optional.empty();
  }

  /** The attribute {@code a=fmtp:<this>}. */
  public Attribute toAttribute() {
    return Attribute.of(Attribute.FMTP, toString());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fmtp && ((Fmtp) o).format.equals(format)
        && ((Fmtp) o).parameters.equals(parameters);
  }

  @Override
  public int hashCode() {
    return format.hashCode() * 31 + parameters.hashCode();
  }

  /** The attribute value, such as {@code 101 0-15}. */
  @Override
  public String toString() {
    return format + ' ' + parameters;
  }
}
