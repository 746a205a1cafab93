package dev.parley.media.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import dev.parley.media.ToneDetector;
import dev.parley.media.ToneSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearResamplerTest {

  private static List<AudioFrame> convert(AudioFormat from, AudioFormat to, double hz) {
    ToneSource tone = new ToneSource(hz, from, 0.5);
    LinearResampler resampler = new LinearResampler(to);
    List<AudioFrame> out = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      out.add(resampler.convert(tone.next()));
    }
    return out;
  }

  @Test
  void upsamplingKeepsTheTonesFrequency() {
    List<AudioFrame> out = convert(AudioFormat.PCM_8000, AudioFormat.PCM_48000, 1000);
    assertThat(out).allSatisfy(f -> assertThat(f.format()).isEqualTo(AudioFormat.PCM_48000));
    assertThat(ToneDetector.dominantFrequency(out, 100, 3000)).isCloseTo(1000, offset(2.0));
  }

  @Test
  void downsamplingKeepsTheTonesFrequency() {
    List<AudioFrame> out = convert(AudioFormat.PCM_48000, AudioFormat.PCM_8000, 440);
    assertThat(out).allSatisfy(f -> assertThat(f.length()).isEqualTo(160));
    assertThat(ToneDetector.dominantFrequency(out, 100, 3000)).isCloseTo(440, offset(2.0));
  }

  @Test
  void aFrameAlreadyInTheFormatIsReturnedAsItIs() {
    AudioFrame frame = AudioFrame.silence(AudioFormat.PCM_8000);
    assertThat(new LinearResampler(AudioFormat.PCM_8000).convert(frame)).isSameAs(frame);
  }

  @Test
  void interpolationRunsAcrossFrameEdges() {
    // A ramp 0, 1, 2, ... split into frames: upsampled, it stays a ramp (one sample late).
    LinearResampler resampler = new LinearResampler(AudioFormat.PCM_16000);
    short[] a = new short[160];
    short[] b = new short[160];
    for (int i = 0; i < 160; i++) {
      a[i] = (short) (i * 10);
      b[i] = (short) ((160 + i) * 10);
    }
    resampler.convert(AudioFrame.of(AudioFormat.PCM_8000, a));
    AudioFrame second = resampler.convert(AudioFrame.of(AudioFormat.PCM_8000, b));
    for (int i = 0; i < 320; i++) {
      assertThat(second.sample(i)).isEqualTo((short) (1590 + i * 5));
    }
  }

  /** The interpolation done in doubles, as a reference: in[0] is the previous frame's last. */
  private static short[] reference(short[] in, int outLength) {
    int inLength = in.length - 1;
    short[] out = new short[outLength];
    for (int i = 0; i < outLength; i++) {
      double x = (double) i * inLength / outLength;
      int k = (int) x;
      double f = x - k;
      out[i] = (short) Math.round(in[k] + (in[k + 1] - in[k]) * f);
    }
    return out;
  }

  @Test
  void everyRatePairMatchesTheInterpolationInDoublesToOneStepEvenAtFullScale() {
    java.util.Random random = new java.util.Random(13);
    AudioFormat[] formats = {AudioFormat.PCM_8000, AudioFormat.PCM_16000, AudioFormat.PCM_48000};
    for (AudioFormat from : formats) {
      for (AudioFormat to : formats) {
        if (from == to) {
          continue;
        }
        LinearResampler resampler = new LinearResampler(to);
        short previous = 0;
        for (int frame = 0; frame < 20; frame++) {
          short[] samples = new short[from.samplesPerFrame()];
          for (int i = 0; i < samples.length; i++) { // every other frame: full-scale swings
            samples[i] = frame % 2 == 0 ? (i % 2 == 0 ? Short.MIN_VALUE : Short.MAX_VALUE)
                : (short) random.nextInt(Short.MIN_VALUE, Short.MAX_VALUE + 1);
          }
          short[] in = new short[samples.length + 1];
          in[0] = previous;
          System.arraycopy(samples, 0, in, 1, samples.length);
          short[] expected = reference(in, to.samplesPerFrame());
          AudioFrame got = resampler.convert(AudioFrame.of(from, samples));
          for (int i = 0; i < expected.length; i++) {
            assertThat((int) got.sample(i)).as(from + " -> " + to + " sample " + i)
                .isBetween(expected[i] - 1, expected[i] + 1);
          }
          previous = samples[samples.length - 1];
        }
      }
    }
  }
}
