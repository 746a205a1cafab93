package dev.parley.client;

import java.util.Objects;

/**
 * A codec negotiated for a {@link MediaStream}: an RTP payload type and its encoding (from
 * {@code a=rtpmap}, or the RFC 3551 static table).
 *
 * @param payloadType the RTP payload type, 0..127
 * @param name the encoding name, e.g. {@code PCMU}, {@code telephone-event}
 * @param clockRate the clock rate in Hz, e.g. 8000
 * @param channels the number of audio channels (1 when not given)
 */
public record Codec(int payloadType, String name, int clockRate, int channels) {
  /** Validates the parts. */
  public Codec {
    if (payloadType < 0 || payloadType > 127) {
      throw new IllegalArgumentException("payloadType out of range (0..127): " + payloadType);
    }
    Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return payloadType + " " + name + "/" + clockRate + (channels > 1 ? "/" + channels : "");
  }
}
