package dev.parley.media.internal;

import dev.parley.media.MediaClock;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MediaClock} over one Netty event loop: tasks and timers run on the loop's thread, the
 * time is {@link System#nanoTime()}. Thread-safe.
 */
public final class EventLoopMediaClock implements MediaClock {
  private static final Logger log = LoggerFactory.getLogger(EventLoopMediaClock.class);

  private final EventLoop loop;

  /** A clock running on {@code loop}. */
  public EventLoopMediaClock(EventLoop loop) {
    this.loop = Objects.requireNonNull(loop, "loop");
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public boolean inClockThread() {
    return loop.inEventLoop();
  }

  @Override
  public void execute(Runnable task) {
    loop.execute(Objects.requireNonNull(task, "task"));
  }

  @Override
  public Timer schedule(Runnable task, long delay, TimeUnit unit) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(unit, "unit");
    ScheduledFuture<?> f = loop.schedule(task, delay, unit);
    return () -> f.cancel(false);
  }

  @Override
  public Timer scheduleAtFixedRate(Runnable task, long initialDelay, long period,
      TimeUnit unit) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(unit, "unit");
    if (period <= 0) {
      throw new IllegalArgumentException("period out of range: " + period);
    }
    // Netty stops a periodic task that throws; a stream's tick must go on, so the failure is
    // logged here and the schedule kept.
    // Logged at WARN the first time, at DEBUG after, not 50 warnings a second.
    Runnable guarded = new Runnable() {
      private long failures;

      @Override
      public void run() {
        try {
          task.run();
        } catch (RuntimeException e) {
          if (failures++ == 0) {
            log.warn("Media timer task {} failed; it keeps its schedule", task, e);
          } else {
            log.debug("Media timer task {} failed again ({} failures)", task, failures, e);
          }
        }
      }
    };
    ScheduledFuture<?> f = loop.scheduleAtFixedRate(guarded, initialDelay, period, unit);
    return () -> f.cancel(false);
  }

  @Override
  public String toString() {
    return "EventLoopMediaClock{" + loop + "}";
  }
}
