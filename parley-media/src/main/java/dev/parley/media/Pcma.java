package dev.parley.media;

import dev.parley.media.internal.G711;
import dev.parley.media.internal.RepeatAndFade;
import java.util.Objects;

/**
 * PCMA: ITU-T G.711 A-law at 8 kHz (RFC 3551 §4.5.14, static payload type 8), bit-exact with the
 * ITU-T G.191 reference code. One byte per sample: a 20 ms payload is 160 bytes. Lost packets are
 * concealed by repeating the last frame and fading it out ({@link #conceal()}).
 *
 * <p>Not thread-safe (it remembers the last frame decoded); one instance per stream.
 */
public final class Pcma implements AudioCodec {
  /** The encoding name in SDP. */
  public static final String NAME = "PCMA";
  /** The static payload type of RFC 3551. */
  public static final int PAYLOAD_TYPE = 8;

  private static final int FRAME_BYTES = AudioFormat.PCM_8000.samplesPerFrame();

  private final RepeatAndFade concealment = new RepeatAndFade(AudioFormat.PCM_8000);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int clockRate() {
    return 8000;
  }

  @Override
  public int channels() {
    return 1;
  }

  @Override
  public int staticPayloadType() {
    return PAYLOAD_TYPE;
  }

  @Override
  public AudioFormat format() {
    return AudioFormat.PCM_8000;
  }

  @Override
  public byte[] encode(AudioFrame frame) {
    Objects.requireNonNull(frame, "frame");
    if (frame.format() != AudioFormat.PCM_8000) {
      throw new IllegalArgumentException("frame must be " + AudioFormat.PCM_8000 + " for " + NAME
          + ": " + frame.format());
    }
    byte[] out = new byte[FRAME_BYTES];
    for (int i = 0; i < FRAME_BYTES; i++) {
      out[i] = G711.linearToAlaw(frame.sample(i));
    }
    return out;
  }

  @Override
  public AudioFrame decode(byte[] payload, int offset, int length) {
    Objects.requireNonNull(payload, "payload");
    if (offset < 0 || length < 0 || offset > payload.length - length) {
      throw new IllegalArgumentException("offset " + offset + " and length " + length
          + " out of range for a payload of " + payload.length + " bytes");
    }
    if (length != FRAME_BYTES) {
      throw new IllegalArgumentException(NAME + " payload of " + length
          + " bytes is not 20 ms (" + FRAME_BYTES + " bytes)");
    }
    short[] samples = new short[FRAME_BYTES];
    for (int i = 0; i < FRAME_BYTES; i++) {
      samples[i] = G711.alawToLinear(payload[offset + i]);
    }
    AudioFrame frame = AudioFrame.of(AudioFormat.PCM_8000, samples);
    concealment.good(frame);
    return frame;
  }

  @Override
  public AudioFrame conceal() {
    return concealment.conceal();
  }

  @Override
  public String toString() {
    return NAME + "/8000";
  }
}
