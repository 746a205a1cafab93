package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The media worker threads. */
class MediaSchedulerTest {

  @Test
  void tasksRunOnNamedDaemonWorkerThreads() throws Exception {
    try (MediaScheduler scheduler = new MediaScheduler(2)) {
      AtomicReference<Thread> thread = new AtomicReference<>();
      AtomicReference<Boolean> inClock = new AtomicReference<>();
      CountDownLatch ran = new CountDownLatch(1);
      scheduler.clock().schedule(() -> {
        thread.set(Thread.currentThread());
        inClock.set(scheduler.clock().inClockThread());
        ran.countDown();
      }, 1, TimeUnit.MILLISECONDS);

      assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(thread.get().getName()).startsWith("parley-media-worker-");
      assertThat(thread.get().isDaemon()).isTrue();
      assertThat(inClock.get()).isTrue();
      assertThat(scheduler.clock().inClockThread()).isFalse();
    }
  }

  @Test
  void aPeriodicTaskThatThrowsKeepsItsSchedule() throws Exception {
    try (MediaScheduler scheduler = new MediaScheduler(1)) {
      AtomicInteger runs = new AtomicInteger();
      CountDownLatch three = new CountDownLatch(3);
      MediaClock.Timer timer = scheduler.clock().scheduleAtFixedRate(() -> {
        runs.incrementAndGet();
        three.countDown();
        throw new IllegalStateException("a failing tick");
      }, 0, 1, TimeUnit.MILLISECONDS);

      assertThat(three.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(timer.cancel()).isTrue();
      assertThat(runs.get()).isGreaterThanOrEqualTo(3);
    }
  }
}
