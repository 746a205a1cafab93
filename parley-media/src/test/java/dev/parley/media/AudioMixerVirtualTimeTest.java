package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The mixer's tick on virtual time, with local participants only (no RTP): exact sample values,
 * the one frame of delay of the mix, mute and removal taking effect at a tick.
 */
class AudioMixerVirtualTimeTest {
  private static final AudioFormat F = AudioFormat.PCM_8000;

  /** A source of frames whose every sample is {@code value}. */
  private static AudioSource constant(int value) {
    short[] s = new short[F.samplesPerFrame()];
    Arrays.fill(s, (short) value);
    AudioFrame frame = AudioFrame.of(F, s);
    return new AudioSource() {
      @Override
      public AudioFormat format() {
        return F;
      }

      @Override
      public AudioFrame next() {
        return frame;
      }
    };
  }

  /** The first sample of the last frame {@code ear} got (the frames are constant). */
  private static int last(QueueSink ear) {
    AudioFrame f = null;
    AudioFrame next;
    while ((next = ear.poll()) != null) {
      f = next;
    }
    assertThat(f).as("a frame").isNotNull();
    return f.sample(0);
  }

  private static void tick(VirtualMediaClock clock) {
    clock.advance(AudioFormat.FRAME_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Test
  void eachLocalParticipantHearsTheSumOfTheOthersOneFrameLater() {
    VirtualMediaClock clock = new VirtualMediaClock();
    AudioMixer mixer = AudioMixer.builder(clock).format(F).build();
    QueueSink earA = new QueueSink();
    QueueSink earB = new QueueSink();
    QueueSink earC = new QueueSink();
    LocalParticipant a = mixer.addLocal(constant(1), earA);
    LocalParticipant b = mixer.addLocal(constant(10), earB);
    LocalParticipant c = mixer.addLocal(constant(100), earC);

    tick(clock); // the first tick: nothing mixed yet is heard
    assertThat(last(earA)).isZero();
    tick(clock);
    assertThat(last(earA)).isEqualTo(110);
    assertThat(last(earB)).isEqualTo(101);
    assertThat(last(earC)).isEqualTo(11);

    b.muted(true); // from the mix of this tick, heard at the next
    tick(clock);
    assertThat(last(earA)).isEqualTo(110);
    tick(clock);
    assertThat(last(earA)).isEqualTo(100);
    assertThat(last(earB)).isEqualTo(101); // muted, still hears
    assertThat(last(earC)).isEqualTo(1);
    assertThat(b.mixedFrames()).isEqualTo(2);

    c.remove();
    clock.advance(0, TimeUnit.MILLISECONDS); // the close task runs
    assertThat(c.closeFuture()).isDone();
    tick(clock);
    tick(clock);
    assertThat(last(earA)).isZero(); // b muted, c gone: nobody else speaks
    assertThat(last(earB)).isEqualTo(1);
    assertThat(mixer.localParticipants()).containsExactly(a, b);
    MixerStats stats = mixer.stats();
    assertThat(stats.ticks()).isEqualTo(6);
    assertThat(stats.participants()).isEqualTo(2);
    assertThat(stats.lateTicks()).isZero();

    mixer.close();
    clock.advance(0, TimeUnit.MILLISECONDS);
    assertThat(mixer.closeFuture()).isDone();
    assertThat(a.isRemoved()).isTrue();
  }

  @Test
  void aSourceAtAnotherRateIsResampledToTheMix() {
    VirtualMediaClock clock = new VirtualMediaClock();
    AudioMixer mixer = AudioMixer.builder(clock).build(); // 16 kHz
    QueueSink ear = new QueueSink(100);
    mixer.addLocal(new ToneSource(500, AudioFormat.PCM_8000, 0.5), new QueueSink());
    mixer.addLocal(new SilenceSource(AudioFormat.PCM_48000), ear);
    for (int i = 0; i < 60; i++) {
      tick(clock);
    }
    java.util.List<AudioFrame> frames = new java.util.ArrayList<>();
    AudioFrame f;
    while ((f = ear.poll()) != null) {
      frames.add(f);
    }
    assertThat(frames.get(0).format()).isEqualTo(AudioFormat.PCM_16000);
    assertThat(ToneDetector.dominantFrequency(frames.subList(10, frames.size()), 100, 3000))
        .isCloseTo(500, org.assertj.core.data.Offset.offset(5.0));
    mixer.close();
  }
}
