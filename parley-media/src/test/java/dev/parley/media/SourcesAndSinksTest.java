package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SourcesAndSinksTest {
  @Test
  void aToneSourceIsContinuousAcrossFramesAtItsFrequency() {
    ToneSource tone = new ToneSource(1000, AudioFormat.PCM_8000, 0.5);
    List<AudioFrame> frames = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      frames.add(tone.next());
    }
    assertThat(ToneDetector.dominantFrequency(frames, 100, 3900)).isCloseTo(1000, within(1.0));
    int peak = 0;
    for (AudioFrame f : frames) {
      for (int i = 0; i < f.length(); i++) {
        peak = Math.max(peak, Math.abs(f.sample(i)));
      }
    }
    assertThat(peak).isBetween(16000, 16384);
    assertThatThrownBy(() -> new ToneSource(5000, AudioFormat.PCM_8000, 0.5))
        .hasMessageContaining("hz");
    assertThatThrownBy(() -> new ToneSource(440, AudioFormat.PCM_8000, 1.5))
        .hasMessageContaining("amplitude");
  }

  @Test
  void aSilenceSourceGivesSilentFramesOfItsFormat() {
    SilenceSource s = new SilenceSource(AudioFormat.PCM_48000);
    assertThat(s.next().isSilent()).isTrue();
    assertThat(s.next().length()).isEqualTo(960);
    assertThat(s.isFinished()).isFalse();
  }

  @Test
  void aQueueSourcePlaysApplicationFramesInOrderThenSilence() {
    QueueSource q = new QueueSource(AudioFormat.PCM_8000, 2);
    ToneSource tone = new ToneSource(440, AudioFormat.PCM_8000, 0.5);
    AudioFrame a = tone.next();
    AudioFrame b = tone.next();
    AudioFrame c = tone.next();
    assertThat(q.offer(a)).isTrue();
    assertThat(q.offer(b)).isTrue();
    assertThat(q.offer(c)).as("full: the oldest is dropped").isFalse();
    assertThat(q.dropped()).isEqualTo(1);
    assertThat(q.next()).isEqualTo(b);
    assertThat(q.next()).isEqualTo(c);
    assertThat(q.next().isSilent()).isTrue();
    assertThat(q.underruns()).isEqualTo(1);
    assertThatThrownBy(() -> q.offer(AudioFrame.silence(AudioFormat.PCM_16000)))
        .hasMessageContaining("16000");
  }

  @Test
  void aQueueSinkHandsFramesToTheApplicationDroppingTheOldestWhenFull() throws Exception {
    QueueSink sink = new QueueSink(2);
    ToneSource tone = new ToneSource(440, AudioFormat.PCM_8000, 0.5);
    AudioFrame a = tone.next();
    AudioFrame b = tone.next();
    AudioFrame c = tone.next();
    sink.accept(a);
    sink.accept(b);
    sink.accept(c);
    assertThat(sink.dropped()).isEqualTo(1);
    assertThat(sink.accepted()).isEqualTo(3);
    assertThat(sink.poll()).isEqualTo(b);
    assertThat(sink.take(10, TimeUnit.SECONDS)).isEqualTo(c);
    assertThat(sink.poll()).isNull();
    assertThat(sink.take(0, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void aQueueSinkWakesATakerWhenAFrameArrivesAndWhenClosed() throws Exception {
    QueueSink sink = new QueueSink();
    AudioFrame frame = new ToneSource(440, AudioFormat.PCM_8000, 0.5).next();
    Thread producer = new Thread(() -> sink.accept(frame));
    producer.start();
    assertThat(sink.take(30, TimeUnit.SECONDS)).isEqualTo(frame);
    producer.join();
    Thread closer = new Thread(sink::close);
    closer.start();
    assertThat(sink.take(30, TimeUnit.SECONDS)).as("closed and empty").isNull();
    closer.join();
    sink.accept(frame);
    assertThat(sink.size()).as("ignored once closed").isZero();
  }

  @Test
  void framesAreImmutableCopies() {
    short[] s = new short[160];
    AudioFrame f = AudioFrame.of(AudioFormat.PCM_8000, s);
    s[0] = 5;
    assertThat(f.sample(0)).isZero();
    f.samples()[0] = 7;
    assertThat(f.sample(0)).isZero();
    assertThatThrownBy(() -> AudioFrame.of(AudioFormat.PCM_8000, new short[100]))
        .hasMessageContaining("160");
    assertThatThrownBy(() -> AudioFormat.of(44100)).hasMessageContaining("sampleRate");
  }

  @Test
  void theToneDetectorTellsTheTwoTonesOfADtmfDigitFromTheOthers() {
    ToneSource low = new ToneSource(770, AudioFormat.PCM_8000, 0.4);
    ToneSource high = new ToneSource(1336, AudioFormat.PCM_8000, 0.4);
    List<AudioFrame> frames = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      short[] a = low.next().samples();
      short[] b = high.next().samples();
      for (int k = 0; k < a.length; k++) {
        a[k] = (short) (a[k] + b[k]);
      }
      frames.add(AudioFrame.of(AudioFormat.PCM_8000, a));
    }
    double[] p = ToneDetector.power(frames, 697, 770, 852, 941, 1209, 1336, 1477);
    assertThat(p[1]).isGreaterThan(10 * Math.max(Math.max(p[0], p[2]), p[3]));
    assertThat(p[5]).isGreaterThan(10 * Math.max(p[4], p[6]));
    assertThatThrownBy(() -> ToneDetector.power(List.of(), 440)).hasMessageContaining("empty");
  }
}
