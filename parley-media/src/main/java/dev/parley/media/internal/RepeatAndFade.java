package dev.parley.media.internal;

import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;

/**
 * Packet-loss concealment for codecs without their own (G.711): the last good frame is repeated,
 * its gain falling linearly by {@value #FADE_FRAMES}ths of full scale per lost frame, so that the
 * fifth consecutive loss is silent (a simplification of ITU-T G.711 Appendix I, which also
 * pitch-matches the repetition). Not thread-safe; one per stream.
 */
public final class RepeatAndFade {
  /** Consecutive losses after which concealment is silence (100 ms at 20 ms frames). */
  public static final int FADE_FRAMES = 5;

  private final AudioFormat format;
  private short[] last;
  private int lost;

  public RepeatAndFade(AudioFormat format) {
    this.format = format;
  }

  /** Remembers a good frame and ends any run of losses. */
  public void good(AudioFrame frame) {
    if (last == null) {
      last = new short[format.samplesPerFrame()];
    }
    frame.copyTo(last, 0);
    lost = 0;
  }

  /** The frame to play for the next lost packet. */
  public AudioFrame conceal() {
    if (last == null || lost >= FADE_FRAMES) {
      lost = FADE_FRAMES;
      return AudioFrame.silence(format);
    }
    int n = last.length;
    double from = 1.0 - (double) lost / FADE_FRAMES;
    double to = 1.0 - (double) (lost + 1) / FADE_FRAMES;
    short[] out = new short[n];
    for (int i = 0; i < n; i++) {
      double gain = from + (to - from) * i / n;
      out[i] = (short) Math.round(last[i] * gain);
    }
    lost++;
    return AudioFrame.of(format, out);
  }
}
