package dev.parley.media;

import dev.parley.media.internal.RepeatAndFade;
import java.util.Objects;

/**
 * What {@link Pcmu} and {@link Pcma} share: ITU-T G.711 at 8 kHz, one byte per sample, 20 ms
 * payloads of 160 bytes, loss concealed by repeating the last frame and fading it out. The two
 * differ only in the companding law.
 *
 * <p>Not thread-safe (it remembers the last frame decoded); one instance per stream.
 */
abstract sealed class G711Codec implements AudioCodec permits Pcmu, Pcma {
  private final String name;
  private final int payloadType;

  G711Codec(String name, int payloadType) {
    this.name = name;
    this.payloadType = payloadType;
  }

  /** One linear sample to one byte of this law. */
  abstract byte compress(short sample);

  /** One byte of this law to one linear sample. */
  abstract short expand(byte code);

  private static final int FRAME_BYTES = AudioFormat.PCM_8000.samplesPerFrame();

  private final RepeatAndFade concealment = new RepeatAndFade(AudioFormat.PCM_8000);
  private final short[] recent = new short[FRAME_BYTES]; // decodeAny's last 20 ms
  private int recentLength;

  @Override
  public String name() {
    return name;
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
    return payloadType;
  }

  @Override
  public AudioFormat format() {
    return AudioFormat.PCM_8000;
  }

  @Override
  public byte[] encode(AudioFrame frame) {
    Objects.requireNonNull(frame, "frame");
    if (frame.format() != AudioFormat.PCM_8000) {
      throw new IllegalArgumentException("frame must be " + AudioFormat.PCM_8000 + " for " + name
          + ": " + frame.format());
    }
    byte[] out = new byte[FRAME_BYTES];
    for (int i = 0; i < FRAME_BYTES; i++) {
      out[i] = compress(frame.sample(i));
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
      throw new IllegalArgumentException(name + " payload of " + length
          + " bytes is not 20 ms (" + FRAME_BYTES + " bytes)");
    }
    short[] samples = new short[FRAME_BYTES];
    for (int i = 0; i < FRAME_BYTES; i++) {
      samples[i] = expand(payload[offset + i]);
    }
    AudioFrame frame = AudioFrame.of(AudioFormat.PCM_8000, samples);
    concealment.good(frame);
    return frame;
  }

  /**
   * Decodes a payload of any length (one sample a byte: a 10, 30 or 60 ms packet), for a
   * playout of packets that are not 20 ms; the last 20 ms heard, across packets, become what
   * {@link #conceal()} repeats.
   *
   * @throws IllegalArgumentException if the range lies outside {@code payload}
   */
  public short[] decodeAny(byte[] payload, int offset, int length) {
    Objects.requireNonNull(payload, "payload");
    if (offset < 0 || length < 0 || offset > payload.length - length) {
      throw new IllegalArgumentException("offset " + offset + " and length " + length
          + " out of range for a payload of " + payload.length + " bytes");
    }
    short[] samples = new short[length];
    for (int i = 0; i < length; i++) {
      samples[i] = expand(payload[offset + i]);
    }
    // the last 20 ms heard, across packets shorter than that, is what concealment repeats
    int keep = Math.min(length, FRAME_BYTES);
    System.arraycopy(recent, keep, recent, 0, FRAME_BYTES - keep);
    System.arraycopy(samples, length - keep, recent, FRAME_BYTES - keep, keep);
    recentLength = Math.min(FRAME_BYTES, recentLength + keep);
    if (recentLength == FRAME_BYTES) {
      concealment.good(AudioFrame.of(AudioFormat.PCM_8000, recent, 0));
    }
    return samples;
  }

  @Override
  public AudioFrame conceal() {
    return concealment.conceal();
  }

  @Override
  public String toString() {
    return name + "/8000";
  }
}
