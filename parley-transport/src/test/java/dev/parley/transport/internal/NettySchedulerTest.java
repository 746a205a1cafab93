package dev.parley.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.transport.Scheduler;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
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

  @Test
  void aDistantTimerWakesTheLoopWhenItIsDueNotAtEveryTick() throws Exception {
    NettyScheduler scheduler = new NettyScheduler((EventLoop) group.next());
    CountDownLatch fired = new CountDownLatch(1);
    scheduler.execute(() -> scheduler.schedule(fired::countDown, 1500, TimeUnit.MILLISECONDS));
    assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
    // 1.5 s is 150 ticks of 10 ms: the wheel ran once, when the timer was due (a late loop
    // may run it twice)
    assertThat(scheduler.loop().submit(scheduler::runs).get()).isBetween(1L, 2L);
  }

  @Test
  void coarseTimersDueWithinOneGrainFireInOneWakeUpNeverEarlyAndCancelledOnesNever()
      throws Exception {
    NettyScheduler scheduler = new NettyScheduler((EventLoop) group.next());
    int n = 100;
    CountDownLatch fired = new CountDownLatch(n / 2);
    ConcurrentHashMap<Integer, Long> lateness = new ConcurrentHashMap<>();
    ConcurrentHashMap<Long, Boolean> wheelRuns = new ConcurrentHashMap<>();
    AtomicInteger cancelledFired = new AtomicInteger();
    scheduler.execute(() -> {
      for (int i = 0; i < n; i++) {
        int id = i;
        // 300-498 ms: twenty ticks of 10 ms apart, less than one grain of 25 ticks, so at
        // most two wake-ups where exact timers would take twenty
        long delay = 300 + 2 * i;
        long start = System.nanoTime();
        Scheduler.Timer t = scheduler.scheduleCoarse(() -> {
          if (id % 2 == 1) {
            cancelledFired.incrementAndGet();
          }
          wheelRuns.put(scheduler.runs(), true);
          lateness.put(id, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) - delay);
          fired.countDown();
        }, delay, TimeUnit.MILLISECONDS);
        if (id % 2 == 1) {
          t.cancel();
        }
      }
    });
    assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(lateness).hasSize(n / 2);
    assertThat(lateness.values()).allSatisfy(late -> assertThat(late).isGreaterThanOrEqualTo(0));
    assertThat(cancelledFired).hasValue(0);
    assertThat(wheelRuns.keySet()).as("the wheel's runs that fired them").hasSizeBetween(1, 2);
  }

  @Test
  void aSoonerTimerBringsTheWheelsWakeUpForward() {
    NettyScheduler scheduler = new NettyScheduler((EventLoop) group.next());
    List<String> order = new CopyOnWriteArrayList<>();
    scheduler.execute(() -> {
      scheduler.schedule(() -> order.add("late"), 60, TimeUnit.SECONDS);
      scheduler.schedule(() -> order.add("soon"), 50, TimeUnit.MILLISECONDS);
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> !order.isEmpty());
    assertThat(order).containsExactly("soon");
  }

  @Test
  void timersBeyondOneTurnOfTheWheelFireInOrder() {
    NettyScheduler scheduler = new NettyScheduler((EventLoop) group.next());
    List<Integer> order = new CopyOnWriteArrayList<>();
    // one turn of the wheel is 1,024 ticks (10.24 s): schedule across it, sparse, shuffled
    scheduler.execute(() -> {
      scheduler.schedule(() -> order.add(3), 10_400, TimeUnit.MILLISECONDS);
      scheduler.schedule(() -> order.add(1), 120, TimeUnit.MILLISECONDS);
      scheduler.schedule(() -> order.add(2), 10_300, TimeUnit.MILLISECONDS);
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> order.size() == 3);
    assertThat(order).containsExactly(1, 2, 3);
  }

  @Test
  void aFiredTimerHeldBySomeoneDoesNotKeepTheTimersFiredWithItReachable() throws Exception {
    // the two orders: whichever of the two the wheel runs first, holding either one of them
    // must not keep the other one's task (and what it captured) alive
    for (boolean holdFirst : new boolean[] {true, false}) {
      NettyScheduler scheduler = new NettyScheduler((EventLoop) group.next());
      CountDownLatch fired = new CountDownLatch(2);
      AtomicInteger seen = new AtomicInteger();
      Scheduler.Timer[] held = new Scheduler.Timer[1];
      WeakReference<byte[]> payload = scheduler.loop().submit(() -> {
        byte[] big = new byte[1 << 20];
        Runnable plain = fired::countDown;
        Runnable capturing = () -> {
          seen.set(big.length);
          fired.countDown();
        };
        // the same delay: both land in one tick and fire one after the other
        Scheduler.Timer a = scheduler.schedule(holdFirst ? plain : capturing, 50,
            TimeUnit.MILLISECONDS);
        Scheduler.Timer b = scheduler.schedule(holdFirst ? capturing : plain, 50,
            TimeUnit.MILLISECONDS);
        held[0] = holdFirst ? a : b; // as a transaction holds its timers
        return new WeakReference<>(big);
      }).get();
      assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        System.gc();
        return payload.get() == null;
      });
      assertThat(held[0]).isNotNull();
      assertThat(seen).hasValue(1 << 20);
    }
  }
}
