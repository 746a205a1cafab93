package dev.parley.media.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.SelectStrategy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SpacedSelectStrategyTest {

  @Test
  void withTasksWaitingTheLoopPollsWithoutWaiting() throws Exception {
    SpacedSelectStrategy s = new SpacedSelectStrategy(1_000_000);
    AtomicInteger polls = new AtomicInteger();

    assertThat(s.calculateStrategy(() -> {
      polls.incrementAndGet();
      return 3;
    }, true)).isEqualTo(3);
    assertThat(polls).hasValue(1);
  }

  @Test
  void withoutTasksTheLoopWaitsForIoEveryTimeEvenRightAfterTheLastWait() throws Exception {
    SpacedSelectStrategy s = new SpacedSelectStrategy(200_000);
    AtomicInteger polls = new AtomicInteger();

    for (int i = 0; i < 5; i++) { // back to back: each after sleeping the rest of the spacing
      assertThat(s.calculateStrategy(polls::incrementAndGet, false))
          .isEqualTo(SelectStrategy.SELECT);
    }
    assertThat(polls).hasValue(0);
  }

  @Test
  void adaptiveSpacingMovesTowardsTheTimeABatchTakesAtTheLastCycleRate() {
    long max = 1_000_000; // 1 ms
    // 24 packets in a 1 ms cycle: 12 take 0.5 ms; a quarter of the way from 1 ms
    assertThat(SpacedSelectStrategy.nextSpacing(max, 1_000_000, 24, 12, max)).isEqualTo(875_000);
    // at a steady rate it settles on the batch's time
    long s = max;
    for (int i = 0; i < 100; i++) {
      s = SpacedSelectStrategy.nextSpacing(s, 1_000_000, 24, 12, max);
    }
    assertThat(s).isBetween(499_000L, 501_000L);
  }

  @Test
  void adaptiveSpacingNeverExceedsTheMostAndGoesBackToItWhenNothingCame() {
    long max = 500_000;
    // a slow rate asks for more than the most: the most
    assertThat(SpacedSelectStrategy.nextSpacing(max, 1_000_000, 2, 12, max)).isEqualTo(max);
    // nothing read, or an idle wait of over a second: back towards the most
    assertThat(SpacedSelectStrategy.nextSpacing(100_000, 600_000, 0, 12, max))
        .isEqualTo(200_000);
    assertThat(SpacedSelectStrategy.nextSpacing(100_000, 2_000_000_000L, 50, 12, max))
        .isEqualTo(200_000);
  }

  @Test
  void reportsFromAThreadThatIsNoAdaptiveLoopAreIgnored() throws Exception {
    SpacedSelectStrategy.received(1000); // this test's thread is no loop: nothing to tell
    SpacedSelectStrategy s = new SpacedSelectStrategy(200_000, 8);
    AtomicInteger polls = new AtomicInteger();

    for (int i = 0; i < 3; i++) {
      assertThat(s.calculateStrategy(polls::incrementAndGet, false))
          .isEqualTo(SelectStrategy.SELECT);
      SpacedSelectStrategy.received(100); // now this thread's strategy counts them
    }
    assertThat(polls).hasValue(0);
  }
}
