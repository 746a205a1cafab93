package dev.parley.sdp;

import dev.parley.sdp.internal.SdpSyntax;
import dev.parley.sdp.internal.ValueReader;
import dev.parley.sdp.internal.ValueSyntaxException;
import java.util.Objects;
import java.util.Optional;

/**
 * The value of an {@code a=rtpmap} attribute (RFC 8866 §6.6): {@code <payload type> <encoding
 * name>/<clock rate>[/<encoding parameters>]}, such as {@code 0 PCMU/8000} or {@code 97
 * opus/48000/2}.
 *
 * <p>A clock rate of 0 means the attribute had none ({@link SdpViolation#RTPMAP_WITHOUT_CLOCK_RATE},
 * as in RFC 4475's {@code a=rtpmap:31 LPC}). The static payload types of RFC 3551 §6 are known to
 * {@link #ofStaticPayloadType(int)}. Immutable and thread-safe.
 */
public final class Rtpmap {
  private static final Rtpmap[] STATIC = new Rtpmap[35];

  static {
    defineStatic(0, "PCMU", 8000, "1");
    defineStatic(3, "GSM", 8000, "1");
    defineStatic(4, "G723", 8000, "1");
    defineStatic(5, "DVI4", 8000, "1");
    defineStatic(6, "DVI4", 16000, "1");
    defineStatic(7, "LPC", 8000, "1");
    defineStatic(8, "PCMA", 8000, "1");
    defineStatic(9, "G722", 8000, "1");
    defineStatic(10, "L16", 44100, "2");
    defineStatic(11, "L16", 44100, "1");
    defineStatic(12, "QCELP", 8000, "1");
    defineStatic(13, "CN", 8000, "1");
    defineStatic(14, "MPA", 90000, null);
    defineStatic(15, "G728", 8000, "1");
    defineStatic(16, "DVI4", 11025, "1");
    defineStatic(17, "DVI4", 22050, "1");
    defineStatic(18, "G729", 8000, "1");
    defineStatic(25, "CelB", 90000, null);
    defineStatic(26, "JPEG", 90000, null);
    defineStatic(28, "nv", 90000, null);
    defineStatic(31, "H261", 90000, null);
    defineStatic(32, "MPV", 90000, null);
    defineStatic(33, "MP2T", 90000, null);
    defineStatic(34, "H263", 90000, null);
  }

  private static void defineStatic(int pt, String name, int clockRate, String params) {
    STATIC[pt] = new Rtpmap(pt, name, clockRate, params);
  }

  private final int payloadType;
  private final String encodingName;
  private final int clockRate;
  private final String encodingParameters;

  private Rtpmap(int payloadType, String encodingName, int clockRate, String encodingParameters) {
    this.payloadType = payloadType;
    this.encodingName = encodingName;
    this.clockRate = clockRate;
    this.encodingParameters = encodingParameters;
  }

  /** An rtpmap without encoding parameters. */
  public static Rtpmap of(int payloadType, String encodingName, int clockRate) {
    return of(payloadType, encodingName, clockRate, null);
  }

  /**
   * An rtpmap.
   *
   * @param payloadType 0..127
   * @param encodingName a token, such as {@code PCMU}
   * @param clockRate in Hz; 0 writes none (a tolerated violation)
   * @param encodingParameters such as the number of audio channels, or {@code null}
   * @throws IllegalArgumentException if a value is out of range or malformed
   */
  public static Rtpmap of(
      int payloadType, String encodingName, int clockRate, String encodingParameters) {
    if (payloadType < 0 || payloadType > 127) {
      throw new IllegalArgumentException("rtpmap payloadType out of range: " + payloadType);
    }
    SdpSyntax.requireToken("rtpmap encodingName", encodingName);
    if (clockRate < 0) {
      throw new IllegalArgumentException("rtpmap clockRate out of range: " + clockRate);
    }
    if (encodingParameters != null) {
      SdpSyntax.requireNonWs("rtpmap encodingParameters", encodingParameters);
      if (clockRate == 0) {
        throw new IllegalArgumentException(
            "rtpmap encodingParameters need a clock rate: " + encodingParameters);
      }
    }
    return new Rtpmap(payloadType, encodingName, clockRate, encodingParameters);
  }

  /**
   * Parses an rtpmap value (the text after {@code a=rtpmap:}), tolerating extra spaces and a
   * missing clock rate.
   *
   * @throws SdpParseException at line 1 and the column of the problem in {@code value}
   */
  public static Rtpmap parse(String value) {
    Objects.requireNonNull(value, "value");
    try {
      return AttributeGrammar.rtpmap(new ValueReader(value, true));
    } catch (ValueSyntaxException e) {
      throw new SdpParseException(e.getMessage(), 1, e.index() + 1, e.violation());
    }
  }

  /** The RFC 3551 §6 mapping of a static payload type, if it has one. */
  public static Optional<Rtpmap> ofStaticPayloadType(int payloadType) {
    return payloadType >= 0 && payloadType < STATIC.length
        ? Optional.ofNullable(STATIC[payloadType])
        : Optional.empty();
  }

  /** The payload type, 0..127. */
  public int payloadType() {
    return payloadType;
  }

  /** The encoding name as written, such as {@code PCMU} or {@code telephone-event}. */
  public String encodingName() {
    return encodingName;
  }

  /** The clock rate in Hz, or 0 if the attribute had none. */
  public int clockRate() {
    return clockRate;
  }

  /** Whether a clock rate was given. */
  public boolean hasClockRate() {
    return clockRate > 0;
  }

  /** The encoding parameters (for audio, the number of channels), or {@code null}. */
  public String encodingParameters() {
    return encodingParameters;
  }

  /** The number of audio channels: the encoding parameters as a number, else 1. */
  public int channels() {
    if (encodingParameters == null || !SdpSyntax.isDigits(encodingParameters)
        || encodingParameters.length() > 4) {
      return 1;
    }
    int n = Integer.parseInt(encodingParameters);
    return n == 0 ? 1 : n;
  }

  /** Whether this names the same codec as {@code other}: encoding name (ignoring case), clock rate and channels. */
  public boolean sameCodecAs(Rtpmap other) {
    return encodingName.equalsIgnoreCase(other.encodingName) && clockRate == other.clockRate
        && channels() == other.channels();
  }

  /** The attribute {@code a=rtpmap:<this>}. */
  public Attribute toAttribute() {
    return Attribute.of(Attribute.RTPMAP, toString());
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Rtpmap)) {
      return false;
    }
    Rtpmap that = (Rtpmap) o;
    return payloadType == that.payloadType && clockRate == that.clockRate
        && encodingName.equals(that.encodingName)
        && Objects.equals(encodingParameters, that.encodingParameters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(payloadType, encodingName, clockRate, encodingParameters);
  }

  /** The attribute value, such as {@code 0 PCMU/8000}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder().append(payloadType).append(' ').append(encodingName);
    if (clockRate > 0) {
      b.append('/').append(clockRate);
      if (encodingParameters != null) {
        b.append('/').append(encodingParameters);
      }
    }
    return b.toString();
  }
}
