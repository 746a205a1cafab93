package dev.parley.media;

import dev.parley.media.internal.G711;

/**
 * PCMA: ITU-T G.711 A-law at 8 kHz (RFC 3551 §4.5.14, static payload type 8), bit-exact with the
 * ITU-T G.191 reference code. One byte per sample: a 20 ms payload is 160 bytes. Lost packets are
 * concealed by repeating the last frame and fading it out ({@link #conceal()}).
 *
 * <p>Not thread-safe (it remembers the last frame decoded); one instance per stream.
 */
public final class Pcma extends G711Codec {
  /** The encoding name in SDP. */
  public static final String NAME = "PCMA";
  /** The static payload type of RFC 3551. */
  public static final int PAYLOAD_TYPE = 8;

  /** A codec with no history. */
  public Pcma() {
    super(NAME, PAYLOAD_TYPE);
  }

  @Override
  byte compress(short sample) {
    return G711.linearToAlaw(sample);
  }

  @Override
  short expand(byte code) {
    return G711.alawToLinear(code);
  }
}
