package dev.parley.media.internal.stream;

import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import java.util.Objects;

/**
 * Converts a stream of 20 ms frames from one sample rate to another by linear interpolation,
 * without an anti-alias filter (fine for speech and tones). It keeps the last sample of the
 * previous frame, so the interpolation runs across frame edges with a delay of one input sample.
 * Not thread-safe: one stream direction uses one instance.
 */
public final class LinearResampler {
  private final AudioFormat to;
  private short previous;

  /** A resampler producing frames in {@code to}. */
  public LinearResampler(AudioFormat to) {
    this.to = Objects.requireNonNull(to, "to");
  }

  /** The format of the frames produced. */
  public AudioFormat format() {
    return to;
  }

  /** The frame in this resampler's format: the same frame when it already is. */
  public AudioFrame convert(AudioFrame frame) {
    Objects.requireNonNull(frame, "frame");
    if (frame.format() == to) {
      previous = frame.sample(frame.length() - 1);
      return frame;
    }
    int inLength = frame.length();
    short[] in = new short[inLength + 1];
    in[0] = previous;
    frame.copyTo(in, 1);
    int outLength = to.samplesPerFrame();
    short[] out = new short[outLength];
    double step = (double) inLength / outLength;
    for (int i = 0; i < outLength; i++) {
      double x = i * step; // position in in[], where in[0] is the previous frame's last sample
      int k = (int) x;
      double f = x - k;
      out[i] = (short) Math.round(in[k] + (in[k + 1] - in[k]) * f);
    }
    previous = in[inLength];
    return AudioFrame.of(to, out);
  }
}
