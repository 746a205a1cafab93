package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VirtualMediaClockTest {

  @Test
  void aTwentyMillisecondTickRunsFiftyTimesInAVirtualSecond() {
    VirtualMediaClock clock = new VirtualMediaClock();
    List<Long> ticks = new ArrayList<>();
    clock.scheduleAtFixedRate(() -> ticks.add(clock.nanoTime()), 20, 20, TimeUnit.MILLISECONDS);

    clock.advance(1, TimeUnit.SECONDS);

    assertThat(ticks).hasSize(50);
    assertThat(ticks.get(0)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
    assertThat(ticks.get(49)).isEqualTo(TimeUnit.SECONDS.toNanos(1));
  }

  @Test
  void aCancelledTimerNeverRunsAgain() {
    VirtualMediaClock clock = new VirtualMediaClock();
    List<String> runs = new ArrayList<>();
    MediaClock.Timer tick = clock.scheduleAtFixedRate(() -> runs.add("tick"), 0, 20,
        TimeUnit.MILLISECONDS);
    MediaClock.Timer once = clock.schedule(() -> runs.add("once"), 100, TimeUnit.MILLISECONDS);

    clock.advance(30, TimeUnit.MILLISECONDS);
    assertThat(tick.cancel()).isTrue();
    assertThat(once.cancel()).isTrue();
    clock.advance(1, TimeUnit.SECONDS);

    assertThat(runs).containsExactly("tick", "tick");
    assertThat(clock.pendingTimers()).isZero();
  }
}
