package dev.parley.media;

import java.util.List;
import java.util.Objects;

/**
 * Finds tones in audio with the Goertzel algorithm: the power at given frequencies, and the
 * dominant frequency of a sequence of frames over a range. Used by tests and bots to check what a
 * stream carried (a 440 Hz tone, a DTMF pair).
 *
 * <p>The frames are joined and weighted by a Hann window before analysis, so a tone between two
 * analysis frequencies does not leak far. The resolution is about the sample rate divided by the
 * number of samples (1 Hz for one second of audio); {@link #dominantFrequency} scans the range in
 * steps of {@value #COARSE_STEP_HZ} Hz and then refines around the best step to 0.1 Hz.
 * Stateless and thread-safe.
 */
public final class ToneDetector {
  /** The coarse scan step of {@link #dominantFrequency}. */
  public static final double COARSE_STEP_HZ = 5;

  private ToneDetector() {}

  /**
   * The power at each of {@code hz} over the joined {@code frames}, normalised so that a full
   * scale sine at that frequency has a power of about 1 (0.25 with the window's loss: compare
   * powers with one another, not with a fixed level).
   *
   * @throws IllegalArgumentException if there are no frames, their formats differ, or a
   *     frequency is not in (0, sample rate / 2)
   */
  public static double[] power(List<AudioFrame> frames, double... hz) {
    Objects.requireNonNull(hz, "hz");
    double[] x = windowed(frames);
    int rate = frames.get(0).format().sampleRate();
    double[] out = new double[hz.length];
    for (int i = 0; i < hz.length; i++) {
      checkFrequency("hz", hz[i], rate);
      out[i] = goertzel(x, hz[i] / rate);
    }
    return out;
  }

  /**
   * The frequency in {@code [fromHz, toHz]} with the most power in the joined {@code frames}.
   *
   * @throws IllegalArgumentException if there are no frames, their formats differ, or the range
   *     is empty or not within (0, sample rate / 2)
   */
  public static double dominantFrequency(List<AudioFrame> frames, double fromHz, double toHz) {
    double[] x = windowed(frames);
    int rate = frames.get(0).format().sampleRate();
    checkFrequency("fromHz", fromHz, rate);
    checkFrequency("toHz", toHz, rate);
    if (toHz < fromHz) {
      throw new IllegalArgumentException("toHz below fromHz: " + toHz + " < " + fromHz);
    }
    double best = fromHz;
    double bestPower = -1;
    for (double f = fromHz; f <= toHz; f += COARSE_STEP_HZ) {
      double p = goertzel(x, f / rate);
      if (p > bestPower) {
        bestPower = p;
        best = f;
      }
    }
    double lo = Math.max(fromHz, best - COARSE_STEP_HZ);
    double hi = Math.min(toHz, best + COARSE_STEP_HZ);
    for (double f = lo; f <= hi; f += 0.1) {
      double p = goertzel(x, f / rate);
      if (p > bestPower) {
        bestPower = p;
        best = f;
      }
    }
    return best;
  }

  private static void checkFrequency(String name, double hz, int rate) {
    if (!(hz > 0 && hz < rate / 2.0)) {
      throw new IllegalArgumentException(name + " must be in (0, " + rate / 2 + "): " + hz);
    }
  }

  private static double[] windowed(List<AudioFrame> frames) {
    Objects.requireNonNull(frames, "frames");
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("frames is empty");
    }
    AudioFormat format = frames.get(0).format();
    int n = format.samplesPerFrame();
    double[] x = new double[frames.size() * n];
    int k = 0;
    for (AudioFrame f : frames) {
      if (f.format() != format) {
        throw new IllegalArgumentException("frames mix formats: " + format + " and "
            + f.format());
      }
      for (int i = 0; i < n; i++) {
        x[k++] = f.sample(i) / 32768.0;
      }
    }
    for (int i = 0; i < x.length; i++) {
      x[i] *= 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (x.length - 1));
    }
    return x;
  }

  /** Goertzel at a normalised frequency (cycles per sample): |X(f)|^2, scaled by (2/N)^2. */
  private static double goertzel(double[] x, double cyclesPerSample) {
    double w = 2 * Math.PI * cyclesPerSample;
    double coeff = 2 * Math.cos(w);
    double s1 = 0;
    double s2 = 0;
    for (double v : x) {
      double s = v + coeff * s1 - s2;
      s2 = s1;
      s1 = s;
    }
    double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    double scale = 2.0 / x.length;
    return power * scale * scale;
  }
}
