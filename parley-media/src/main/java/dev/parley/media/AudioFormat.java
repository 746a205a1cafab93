package dev.parley.media;

/**
 * The format of Parley's PCM audio: a sample rate of 8000, 16000 or 48000 Hz, one channel,
 * 16-bit signed samples. Frames are always 20 ms ({@link #samplesPerFrame()}: rate / 50).
 *
 * <p>Three constants, no other instances; immutable and thread-safe.
 */
public final class AudioFormat {
  /** 8 kHz narrowband, the format of G.711 (PCMU, PCMA). */
  public static final AudioFormat PCM_8000 = new AudioFormat(8000);
  /** 16 kHz wideband. */
  public static final AudioFormat PCM_16000 = new AudioFormat(16000);
  /** 48 kHz fullband, the format of Opus. */
  public static final AudioFormat PCM_48000 = new AudioFormat(48000);

  /** The length of every frame, in milliseconds. */
  public static final int FRAME_MILLIS = 20;

  private final int sampleRate;

  private AudioFormat(int sampleRate) {
    this.sampleRate = sampleRate;
  }

  /**
   * The format of the given sample rate.
   *
   * @throws IllegalArgumentException if {@code sampleRate} is not 8000, 16000 or 48000
   */
  public static AudioFormat of(int sampleRate) {
    switch (sampleRate) {
      case 8000:
        return PCM_8000;
      case 16000:
        return PCM_16000;
      case 48000:
        return PCM_48000;
      default:
        throw new IllegalArgumentException(
            "sampleRate must be 8000, 16000 or 48000: " + sampleRate);
    }
  }

  /** Samples per second. */
  public int sampleRate() {
    return sampleRate;
  }

  /** Always 1: Parley's audio is mono. */
  public int channels() {
    return 1;
  }

  /** Always 16: samples are 16-bit signed. */
  public int bitsPerSample() {
    return 16;
  }

  /** Samples in one 20 ms frame: {@code sampleRate / 50} (160, 320 or 960). */
  public int samplesPerFrame() {
    return sampleRate / 50;
  }

  @Override
  public String toString() {
    return "PCM " + sampleRate + " Hz mono 16-bit";
  }
}
