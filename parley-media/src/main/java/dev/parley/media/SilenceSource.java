package dev.parley.media;

import java.util.Objects;

/** A source of silence, forever. Immutable and thread-safe. */
public final class SilenceSource implements AudioSource {
  private final AudioFrame silence;

  /** Silence in {@code format}. */
  public SilenceSource(AudioFormat format) {
    this.silence = AudioFrame.silence(Objects.requireNonNull(format, "format"));
  }

  @Override
  public AudioFormat format() {
    return silence.format();
  }

  @Override
  public AudioFrame next() {
    return silence;
  }
}
