package dev.parley.media;

import java.util.Objects;

/**
 * A sine tone of one frequency, forever, with its phase continuous across frames. Not
 * thread-safe.
 */
public final class ToneSource implements AudioSource {
  private final AudioFormat format;
  private final double step;
  private final double peak;
  private double phase;

  /**
   * A tone.
   *
   * @param hz the frequency, above 0 and below half the sample rate
   * @param format the frames' format
   * @param amplitude the peak as a fraction of full scale, in (0, 1]
   * @throws IllegalArgumentException naming the argument out of range
   */
  public ToneSource(double hz, AudioFormat format, double amplitude) {
    Objects.requireNonNull(format, "format");
    if (!(hz > 0 && hz < format.sampleRate() / 2.0)) {
      throw new IllegalArgumentException("hz must be above 0 and below "
          + format.sampleRate() / 2 + " (half the sample rate): " + hz);
    }
    if (!(amplitude > 0 && amplitude <= 1)) {
      throw new IllegalArgumentException("amplitude must be in (0, 1]: " + amplitude);
    }
    this.format = format;
    this.step = 2 * Math.PI * hz / format.sampleRate();
    this.peak = amplitude * 32767;
  }

  @Override
  public AudioFormat format() {
    return format;
  }

  @Override
  public AudioFrame next() {
    short[] s = new short[format.samplesPerFrame()];
    for (int i = 0; i < s.length; i++) {
      s[i] = (short) Math.round(peak * Math.sin(phase));
      phase += step;
    }
    phase %= 2 * Math.PI;
    return AudioFrame.of(format, s);
  }
}
