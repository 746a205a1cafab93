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
  private final short[] out;
  private static final int FRACTION_BITS = 31; // the weights' precision, in 64-bit products
  private static final long HALF = 1L << (FRACTION_BITS - 1); // rounds half up, as Math.round

  private short[] in; // the input with the previous frame's last sample first; reused
  private int[] index;
  private int[] weight;
  private short previous;

  /** A resampler producing frames in {@code to}. */
  public LinearResampler(AudioFormat to) {
    this.to = Objects.requireNonNull(to, "to");
    this.out = new short[to.samplesPerFrame()];
  }

  /** The format of the frames produced. */
  public AudioFormat format() {
    return to;
  }

  /**
   * For input frames of {@code inLength} samples: output sample i sits at i * inLength /
   * outLength in in[], between in[index[i]] and the next one, weight[i] / 2^31 of the way
   * (the exact fraction to within 2^-31: the result is that of exact arithmetic but at ties).
   */
  private void plan(int inLength) {
    int outLength = out.length;
    in = new short[inLength + 1];
    index = new int[outLength];
    weight = new int[outLength];
    for (int i = 0; i < outLength; i++) {
      long position = (long) i * inLength; // in units of 1 / outLength: exact
      index[i] = (int) (position / outLength);
      weight[i] = (int) (((position % outLength) << FRACTION_BITS) / outLength);
    }
  }

  /** The frame in this resampler's format: the same frame when it already is. */
  public AudioFrame convert(AudioFrame frame) {
    Objects.requireNonNull(frame, "frame");
    if (frame.format() == to) {
      previous = frame.sample(frame.length() - 1);
      return frame;
    }
    int inLength = frame.length();
    if (in == null || in.length != inLength + 1) {
      plan(inLength);
    }
    in[0] = previous; // in[0] is the previous frame's last sample
    frame.copyTo(in, 1);
    short[] o = out;
    int[] k = index;
    int[] w = weight;
    for (int i = 0; i < o.length; i++) {
      int a = in[k[i]];
      o[i] = (short) (a + (((long) (in[k[i] + 1] - a) * w[i] + HALF) >> FRACTION_BITS));
    }
    previous = in[inLength];
    return AudioFrame.of(to, o);
  }
}
