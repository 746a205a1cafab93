package dev.parley.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.transport.Scheduler;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The timing wheel: timers fire on the loop, never early, about on time; cancelled ones never. */
class NettySchedulerTest {
  private final MultiThreadIoEventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  @Test
  void timersFireNeverEarlyAndCancelledOnesNever() {
    NettyScheduler scheduler = new NettyScheduler((EventLoop) group.next());
    int n = 2000;
    ConcurrentHashMap<Integer, Long> lateness = new ConcurrentHashMap<>();
    AtomicInteger cancelledFired = new AtomicInteger();
    AtomicInteger offLoop = new AtomicInteger();
    Random random = new Random(7);
    List<Integer> expected = new ArrayList<>();
    scheduler.execute(() -> {
      for (int i = 0; i < n; i++) {
        int id = i;
        long delay = 10 + random.nextInt(600);
        long start = System.nanoTime();
        boolean cancel = i % 3 == 0;
        Scheduler.Timer t = scheduler.schedule(() -> {
          if (!scheduler.inLoop()) {
            offLoop.incrementAndGet();
          }
          if (cancel) {
            cancelledFired.incrementAndGet();
          }
          lateness.put(id, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) - delay);
        }, delay, TimeUnit.MILLISECONDS);
        if (cancel) {
          t.cancel();
        } else {
          expected.add(id);
        }
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> lateness.size() >= expected.size());
    assertThat(cancelledFired).hasValue(0);
    assertThat(offLoop).hasValue(0);
    assertThat(lateness.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(lateness.values()).allSatisfy(late -> assertThat(late).isGreaterThanOrEqualTo(0));
  }

  @Test
  void aTimerMayScheduleAndCancelOthersOfItsOwnSlot() {
    NettyScheduler scheduler = new NettyScheduler((EventLoop) group.next());
    AtomicInteger fired = new AtomicInteger();
    scheduler.execute(() -> {
      Scheduler.Timer[] victim = new Scheduler.Timer[1];
      scheduler.schedule(() -> {
        fired.incrementAndGet();
        victim[0].cancel();
        scheduler.schedule(fired::incrementAndGet, 20, TimeUnit.MILLISECONDS);
      }, 50, TimeUnit.MILLISECONDS);
      victim[0] = scheduler.schedule(() -> fired.addAndGet(100), 50, TimeUnit.MILLISECONDS);
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> fired.get() >= 2);
    assertThat(fired.get()).isIn(2, 101, 102);
  }
}
