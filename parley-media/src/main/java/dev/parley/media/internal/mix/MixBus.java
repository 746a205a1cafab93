package dev.parley.media.internal.mix;

import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import java.util.Objects;

/**
 * The arithmetic of one conference's N-1 mix, at one sample rate: the inputs of one 20 ms tick
 * are summed once into a 32-bit total, and each leg's output is that total minus its own input,
 * clipped to 16 bits. A leg that put nothing in (silent, muted, on hold, no packet) costs one
 * shared output: every such leg hears the same frame, computed once.
 *
 * <p>Not thread-safe: one mixer's tick uses it, one tick at a time.
 */
public final class MixBus {
  private final AudioFormat format;
  private final int[] total;
  private final short[] scratch;
  private final AudioFrame silence;
  private int contributors;
  private AudioFrame shared;

  /** A bus mixing frames of {@code format}. */
  public MixBus(AudioFormat format) {
    this.format = Objects.requireNonNull(format, "format");
    this.total = new int[format.samplesPerFrame()];
    this.scratch = new short[format.samplesPerFrame()];
    this.silence = AudioFrame.silence(format);
  }

  /** The format of every frame in and out. */
  public AudioFormat format() {
    return format;
  }

  /** Starts a tick: nothing summed yet. */
  public void begin() {
    if (contributors > 0) {
      java.util.Arrays.fill(total, 0);
    }
    contributors = 0;
    shared = null;
  }

  /** Adds one leg's input samples (exactly one frame of the bus's format) to the total. */
  public void add(short[] samples) {
    int[] t = total;
    for (int i = 0; i < t.length; i++) {
      t[i] += samples[i];
    }
    contributors++;
  }

  /** The number of inputs added this tick. */
  public int contributors() {
    return contributors;
  }

  /**
   * The output of a leg whose input was {@code own} (null: it added nothing): the total minus
   * {@code own}, clipped. Legs that added nothing share one frame.
   */
  public AudioFrame output(short[] own) {
    if (own == null) {
      if (shared == null) {
        shared = contributors == 0 ? silence : clip(null);
      }
      return shared;
    }
    if (contributors == 1) {
      return silence; // only itself was there
    }
    return clip(own);
  }

  private AudioFrame clip(short[] own) {
    int[] t = total;
    short[] out = scratch;
    for (int i = 0; i < t.length; i++) {
      int v = own == null ? t[i] : t[i] - own[i];
      out[i] = (short) (v > Short.MAX_VALUE ? Short.MAX_VALUE
          : v < Short.MIN_VALUE ? Short.MIN_VALUE : v);
    }
    return AudioFrame.of(format, out);
  }
}
