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
}
