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
}
