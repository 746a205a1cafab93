package dev.parley.sdp;

import dev.parley.sdp.internal.SdpSyntax;
import java.util.Objects;

/**
 * A {@code b=} field (RFC 8866 §5.8): {@code <bwtype>:<bandwidth>}, such as {@code AS:64} or
 * {@code TIAS:64000}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Bandwidth {
  /** Conference total, kbit/s (RFC 8866 §5.8). */
  public static final String CT = "CT";
  /** Application specific maximum, kbit/s (RFC 8866 §5.8). */
  public static final String AS = "AS";
  /** Transport-independent application specific maximum, bit/s (RFC 3890). */
  public static final String TIAS = "TIAS";

  private final String type;
  private final long value;

  private Bandwidth(String type, long value) {
    this.type = type;
    this.value = value;
  }

  /**
   * A bandwidth of {@code type} (a token) and {@code value}.
   *
   * @throws IllegalArgumentException if {@code type} is not a token or {@code value} is negative
   */
  public static Bandwidth of(String type, long value) {
    SdpSyntax.requireToken("bandwidth type", type);
    if (value < 0) {
      throw new IllegalArgumentException("bandwidth value out of range: " + value);
    }
    return new Bandwidth(type, value);
  }

  /** The bandwidth type, such as {@code AS}. */
  public String type() {
    return type;
  }

  /** The bandwidth, in the unit of its type. */
  public long value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bandwidth && ((Bandwidth) o).type.equals(type)
        && ((Bandwidth) o).value == value;
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, value);
  }

  /** The field value as written after {@code b=}. */
  @Override
  public String toString() {
    return type + ':' + value;
  }
}
