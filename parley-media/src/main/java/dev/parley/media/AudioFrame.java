package dev.parley.media;

import java.util.Arrays;
import java.util.Objects;

/**
 * 20 ms of mono 16-bit PCM audio: exactly {@link AudioFormat#samplesPerFrame()} samples of its
 * {@link #format()}.
 *
 * <p>Immutable and thread-safe: {@link #of} copies the samples it is given and {@link #samples()}
 * returns a copy, so a frame may be passed between threads and kept.
 */
public final class AudioFrame {
  private final AudioFormat format;
  private final short[] samples;

  private AudioFrame(AudioFormat format, short[] samples) {
    this.format = format;
    this.samples = samples;
  }

  /**
   * A frame holding a copy of {@code samples}.
   *
   * @throws IllegalArgumentException if {@code samples} does not hold exactly one frame of
   *     {@code format}
   */
  public static AudioFrame of(AudioFormat format, short[] samples) {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(samples, "samples");
    if (samples.length != format.samplesPerFrame()) {
      throw new IllegalArgumentException("samples must hold " + format.samplesPerFrame()
          + " samples (20 ms of " + format + "): " + samples.length);
    }
    return new AudioFrame(format, samples.clone());
  }

  /**
   * A frame of samples {@code offset .. offset + samplesPerFrame - 1} of {@code samples}, copied.
   *
   * @throws IllegalArgumentException if the array is too short from {@code offset}
   */
  public static AudioFrame of(AudioFormat format, short[] samples, int offset) {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(samples, "samples");
    int n = format.samplesPerFrame();
    if (offset < 0 || offset > samples.length - n) {
      throw new IllegalArgumentException("offset out of range for " + n + " samples in "
          + samples.length + ": " + offset);
    }
    return new AudioFrame(format, Arrays.copyOfRange(samples, offset, offset + n));
  }

  /** A frame of silence (all samples 0). */
  public static AudioFrame silence(AudioFormat format) {
    Objects.requireNonNull(format, "format");
    return new AudioFrame(format, new short[format.samplesPerFrame()]);
  }

  /** The frame's format. */
  public AudioFormat format() {
    return format;
  }

  /** The number of samples, {@code format().samplesPerFrame()}. */
  public int length() {
    return samples.length;
  }

  /** Sample {@code index}, from 0. */
  public short sample(int index) {
    return samples[index];
  }

  /** A copy of the samples. */
  public short[] samples() {
    return samples.clone();
  }

  /** Copies the samples into {@code target} from {@code offset}. */
  public void copyTo(short[] target, int offset) {
    System.arraycopy(samples, 0, target, offset, samples.length);
  }

  /** True if every sample is 0. */
  public boolean isSilent() {
    for (short s : samples) {
      if (s != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AudioFrame && ((AudioFrame) o).format == format
        && Arrays.equals(((AudioFrame) o).samples, samples);
  }

  @Override
  public int hashCode() {
    return 31 * format.sampleRate() + Arrays.hashCode(samples);
  }

  @Override
  public String toString() {
    return "AudioFrame[" + format.sampleRate() + " Hz, " + samples.length + " samples]";
  }
}
