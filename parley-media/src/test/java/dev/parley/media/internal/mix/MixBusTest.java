package dev.parley.media.internal.mix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The arithmetic of the N-1 mix: total minus own, clipping, shared frames. */
class MixBusTest {
  private static final AudioFormat F = AudioFormat.PCM_8000;

  private static short[] constant(int v) {
    short[] s = new short[F.samplesPerFrame()];
    Arrays.fill(s, (short) v);
    return s;
  }

  @Test
  void eachOutputIsTheTotalMinusItsOwnInput() {
    MixBus bus = new MixBus(F);
    short[] a = constant(100);
    short[] b = constant(-30);
    short[] c = constant(7);
    bus.begin();
    bus.add(a);
    bus.add(b);
    bus.add(c);

    assertThat(bus.output(a).sample(0)).isEqualTo((short) -23);
    assertThat(bus.output(b).sample(5)).isEqualTo((short) 107);
    assertThat(bus.output(c).sample(159)).isEqualTo((short) 70);
    AudioFrame listener = bus.output(null);
    assertThat(listener.sample(0)).isEqualTo((short) 77);
    assertThat(bus.output(null)).isSameAs(listener); // computed once for every silent leg
    assertThat(bus.contributors()).isEqualTo(3);
  }

  @Test
  void sumsBeyondSixteenBitsAreClipped() {
    MixBus bus = new MixBus(F);
    short[] loud = constant(30000);
    short[] low = constant(-30000);
    bus.begin();
    bus.add(loud);
    bus.add(loud);
    bus.add(constant(30000));
    assertThat(bus.output(loud).sample(0)).isEqualTo(Short.MAX_VALUE);
    assertThat(bus.output(null).sample(0)).isEqualTo(Short.MAX_VALUE);

    bus.begin();
    bus.add(low);
    bus.add(low);
    assertThat(bus.output(null).sample(0)).isEqualTo(Short.MIN_VALUE);
    assertThat(bus.output(low).sample(0)).isEqualTo((short) -30000);
  }

  @Test
  void aLoneSpeakerHearsSilenceAndNobodySpeakingIsSilenceForAll() {
    MixBus bus = new MixBus(F);
    short[] a = constant(1234);
    bus.begin();
    bus.add(a);
    assertThat(bus.output(a).isSilent()).isTrue();
    assertThat(bus.output(null).sample(3)).isEqualTo((short) 1234);

    bus.begin(); // the next tick: the total starts from zero again
    assertThat(bus.contributors()).isZero();
    assertThat(bus.output(null).isSilent()).isTrue();
  }
}
