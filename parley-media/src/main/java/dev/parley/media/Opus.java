package dev.parley.media;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.util.Objects;

/**
 * Opus (RFC 6716) over RTP (RFC 7587): 48 kHz, mono, 20 ms frames, in pure Java through
 * Concentus ({@code io.github.jaredmdobson:concentus}, a port of libopus). The {@code a=rtpmap}
 * says {@code opus/48000/2} as RFC 7587 §7 requires; the frames are mono. The payload type is
 * dynamic. Lost packets are concealed by the Opus decoder's own PLC.
 *
 * <p>Not thread-safe (an encoder and a decoder with state); one instance per stream.
 */
public final class Opus implements AudioCodec {
  /** The encoding name in SDP (RFC 7587 §7 spells it in lower case). */
  public static final String NAME = "opus";

  /**
   * The encoder's complexity (0-10): {@value}. Concentus at libopus's default 10 took 1.5 ms of CPU
   * per 20 ms frame on this project's machine, at 5 about 0.7 ms (decoding 0.3-0.45 ms), with
   * voice quality that listeners do not tell apart at VoIP bitrates: a softphone's media thread
   * and a busy machine keep up.
   */
  public static final int COMPLEXITY = 5;

  /** The largest Opus frame (RFC 6716 §3.2.1). */
  private static final int MAX_PACKET = 1275;
  /** The longest Opus packet is 120 ms: room to decode anything before checking its length. */
  private static final int MAX_SAMPLES = 48000 * 120 / 1000;
  private static final int FRAME_SAMPLES = AudioFormat.PCM_48000.samplesPerFrame();

  private final OpusEncoder encoder;
  private final OpusDecoder decoder;
  private final short[] decoded = new short[MAX_SAMPLES];
  private final byte[] encoded = new byte[MAX_PACKET];

  /**
   * An encoder (VoIP application, the encoder's default bitrate, complexity {@value #COMPLEXITY})
   * and a decoder.
   */
  public Opus() {
    try {
      encoder = new OpusEncoder(48000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
      encoder.setComplexity(COMPLEXITY);
      decoder = new OpusDecoder(48000, 1);
    } catch (OpusException e) {
      throw new IllegalStateException("Concentus refused 48 kHz mono: " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int clockRate() {
    return 48000;
  }

  @Override
  public int channels() {
    return 2;
  }

  @Override
  public int staticPayloadType() {
    return -1;
  }

  @Override
  public AudioFormat format() {
    return AudioFormat.PCM_48000;
  }

  @Override
  public byte[] encode(AudioFrame frame) {
    Objects.requireNonNull(frame, "frame");
    if (frame.format() != AudioFormat.PCM_48000) {
      throw new IllegalArgumentException("frame must be " + AudioFormat.PCM_48000 + " for "
          + NAME + ": " + frame.format());
    }
    short[] pcm = frame.samples();
    try {
      int n = encoder.encode(pcm, 0, FRAME_SAMPLES, encoded, 0, MAX_PACKET);
      byte[] out = new byte[n];
      System.arraycopy(encoded, 0, out, 0, n);
      return out;
    } catch (OpusException e) {
      throw new IllegalStateException("Opus encoder failed: " + e.getMessage(), e);
    }
  }

  @Override
  public AudioFrame decode(byte[] payload, int offset, int length) {
    Objects.requireNonNull(payload, "payload");
    if (offset < 0 || length < 0 || offset > payload.length - length) {
      throw new IllegalArgumentException("offset " + offset + " and length " + length
          + " out of range for a payload of " + payload.length + " bytes");
    }
    if (length == 0) {
      throw new IllegalArgumentException("empty opus payload");
    }
    int n;
    try {
      n = decoder.decode(payload, offset, length, decoded, 0, MAX_SAMPLES, false);
    } catch (OpusException | RuntimeException e) {
      throw new IllegalArgumentException("malformed opus payload of " + length + " bytes: "
          + e.getMessage(), e);
    }
    if (n != FRAME_SAMPLES) {
      throw new IllegalArgumentException("opus payload of " + (n / 48) + " ms is not 20 ms");
    }
    return AudioFrame.of(AudioFormat.PCM_48000, decoded, 0);
  }

  @Override
  public AudioFrame conceal() {
    try {
      int n = decoder.decode(null, 0, 0, decoded, 0, FRAME_SAMPLES, false);
      if (n != FRAME_SAMPLES) {
        return AudioFrame.silence(AudioFormat.PCM_48000);
      }
      return AudioFrame.of(AudioFormat.PCM_48000, decoded, 0);
    } catch (OpusException e) {
      throw new IllegalStateException("Opus concealment failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "opus/48000/2";
  }
}
