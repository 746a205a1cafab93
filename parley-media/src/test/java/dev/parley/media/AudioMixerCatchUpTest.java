package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A mixer that falls behind (its worker stalled) on virtual time: a short stall is caught up by
 * running the missed ticks, a long one is skipped and the clock realigned; every participant's
 * frame of every tick is accounted for.
 */
class AudioMixerCatchUpTest {
  private static final AudioFormat F = AudioFormat.PCM_8000;
  private static final long FRAME = AudioFormat.FRAME_MILLIS;

  /** A constant source that counts the frames pulled from it. */
  private static final class Counting implements AudioSource {
    final AtomicInteger pulled = new AtomicInteger();
    final AudioFrame frame;

    Counting(int value) {
      short[] s = new short[F.samplesPerFrame()];
      Arrays.fill(s, (short) value);
      frame = AudioFrame.of(F, s);
    }

    @Override
    public AudioFormat format() {
      return F;
    }

    @Override
    public AudioFrame next() {
      pulled.incrementAndGet();
      return frame;
    }
  }

  private static void ticks(VirtualMediaClock clock, int n) {
    for (int i = 0; i < n; i++) {
      clock.advance(FRAME, TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void aStallOfOneSecondIsSkippedNotRunBackToBack() {
    VirtualMediaClock clock = new VirtualMediaClock();
    AudioMixer mixer = AudioMixer.builder(clock).format(F).build();
    Counting a = new Counting(1);
    mixer.addLocal(a, new QueueSink(1000));
    mixer.addLocal(new Counting(10), new QueueSink(1000));
    ticks(clock, 10);

    clock.stall(1000, TimeUnit.MILLISECONDS); // 50 slots pass without a tick
    clock.advance(0, TimeUnit.MILLISECONDS); // the timer's backlog runs back to back

    MixerStats s = mixer.stats();
    assertThat(s.ticks()).as("ticks run").isEqualTo(11);
    assertThat(s.skippedTicks()).isEqualTo(49);
    assertThat(s.lateTicks()).isEqualTo(1);
    assertThat(a.pulled).hasValue(11);

    ticks(clock, 5); // realigned: one tick per 20 ms again, on time
    s = mixer.stats();
    assertThat(s.ticks()).isEqualTo(16);
    assertThat(s.skippedTicks()).isEqualTo(49);
    assertThat(s.lateTicks()).isEqualTo(1);
    assertThat(s.frames().total()).isEqualTo(16 * 2);
    assertThat(s.frames().mixed()).isEqualTo(16 * 2);
    mixer.close();
  }

  @Test
  void aStallOfAFewTicksIsCaughtUpTickByTick() {
    VirtualMediaClock clock = new VirtualMediaClock();
    AudioMixer mixer = AudioMixer.builder(clock).format(F).build();
    Counting a = new Counting(1);
    mixer.addLocal(a, new QueueSink(1000));
    ticks(clock, 10);

    clock.stall(AudioMixer.DEFAULT_MAX_CATCH_UP_TICKS * FRAME, TimeUnit.MILLISECONDS);
    clock.advance(0, TimeUnit.MILLISECONDS);

    MixerStats s = mixer.stats();
    assertThat(s.ticks()).isEqualTo(10 + AudioMixer.DEFAULT_MAX_CATCH_UP_TICKS);
    assertThat(s.skippedTicks()).isZero();
    assertThat(a.pulled).hasValue(10 + AudioMixer.DEFAULT_MAX_CATCH_UP_TICKS);
    mixer.close();
  }

  @Test
  void withNoCatchUpAnyMissedTickIsSkipped() {
    VirtualMediaClock clock = new VirtualMediaClock();
    AudioMixer mixer = AudioMixer.builder(clock).format(F).maxCatchUpTicks(0).build();
    mixer.addLocal(new Counting(1), new QueueSink(1000));
    ticks(clock, 3);

    clock.stall(2 * FRAME, TimeUnit.MILLISECONDS); // one slot missed, the next one due now
    clock.advance(0, TimeUnit.MILLISECONDS);
    ticks(clock, 1);

    MixerStats s = mixer.stats();
    assertThat(s.ticks()).isEqualTo(5);
    assertThat(s.skippedTicks()).isEqualTo(1);
    mixer.close();
  }

  @Test
  void aMutedParticipantsFramesAreCountedLeftOutAndEveryFrameIsCounted() {
    VirtualMediaClock clock = new VirtualMediaClock();
    AudioMixer mixer = AudioMixer.builder(clock).format(F).build();
    mixer.addLocal(new Counting(1), new QueueSink(1000));
    LocalParticipant muted = mixer.addLocal(new Counting(10), new QueueSink(1000));
    mixer.addLocal(new Counting(0), new QueueSink(1000));
    muted.muted(true);
    ticks(clock, 20);

    MixerStats.Frames f = mixer.stats().frames();
    assertThat(f).isEqualTo(new MixerStats.Frames(20, 0, 20, 0, 0, 0, 20, 0));
    assertThat(f.total()).isEqualTo(3 * 20);
    assertThat(mixer.stats().mixedFrames()).isEqualTo(20);
    mixer.close();
  }

  @Test
  void aCatchUpLimitOutOfRangeIsRefusedByName() {
    VirtualMediaClock clock = new VirtualMediaClock();
    assertThatThrownBy(() -> AudioMixer.builder(clock).maxCatchUpTicks(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxCatchUpTicks");
    assertThatThrownBy(() -> AudioMixer.builder(clock).maxCatchUpTicks(1001))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxCatchUpTicks");
  }
}
