package dev.parley.media.internal.stream;

import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Decoded samples waiting to be played in 20 ms frames, for packets of another length (a G.711
 * sender's 30 ms packet is one and a half frames). Holds at most what one jitter-buffer frame
 * (60 ms at most) and one 20 ms frame make; a chunk in
 * another format than the samples held (a codec change) replaces them. Used by one thread at a
 * time (the stream's tick).
 */
public final class PendingSamples {
  /** Samples of one format: what one jitter-buffer frame decoded to. */
  public record Chunk(AudioFormat format, short[] samples) {
    /** Checks the parts. */
    public Chunk {
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(samples, "samples");
    }

    /** A 20 ms frame as a chunk. */
    public static Chunk of(AudioFrame frame) {
      return new Chunk(frame.format(), frame.samples());
    }

    /** {@code length} samples taken from frames of {@code frames} (concealment, say). */
    public static Chunk repeat(AudioFormat format, Supplier<AudioFrame> frames, int length) {
      short[] out = new short[length];
      int filled = 0;
      while (filled < length) {
        AudioFrame f = frames.get();
        short[] s = f.samples();
        int n = Math.min(s.length, length - filled);
        System.arraycopy(s, 0, out, filled, n);
        filled += n;
      }
      return new Chunk(format, out);
    }
  }

  private AudioFormat format;
  private short[] buffer = new short[0];
  private int length;

  /** Whether no samples wait. */
  public boolean isEmpty() {
    return length == 0;
  }

  /** Whether a whole 20 ms frame waits. */
  public boolean hasFrame() {
    return format != null && length >= format.samplesPerFrame();
  }

  /** Adds a chunk after what waits (or instead of it, when its format differs). */
  public void add(Chunk chunk) {
    if (format != chunk.format()) {
      format = chunk.format();
      length = 0;
    }
    int n = chunk.samples().length;
    if (buffer.length < length + n) {
      short[] bigger = new short[length + n];
      System.arraycopy(buffer, 0, bigger, 0, length);
      buffer = bigger;
    }
    System.arraycopy(chunk.samples(), 0, buffer, length, n);
    length += n;
  }

  /**
   * Takes the next 20 ms.
   *
   * @throws IllegalStateException if less than a frame waits
   */
  public AudioFrame takeFrame() {
    if (!hasFrame()) {
      throw new IllegalStateException("less than a frame waits: " + length + " samples");
    }
    int n = format.samplesPerFrame();
    AudioFrame frame = AudioFrame.of(format, buffer, 0);
    System.arraycopy(buffer, n, buffer, 0, length - n);
    length -= n;
    return frame;
  }
}
