package dev.parley.server.internal;

import dev.parley.transport.Scheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server task run every {@code interval}: the {@link Scheduler} times it (an event loop in
 * production, a {@code FakeScheduler} in tests), and the {@code worker} runs it (the server's
 * store thread), so that its work, which may block, never runs on an event loop. The timer only
 * hands the task over. A run still queued or running when the next falls due is not queued a
 * second time. A failing run is logged and the next one comes as usual.
 *
 * <p>Thread-safe.
 */
public final class PeriodicTask implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

  private final Scheduler timers;
  private final Executor worker;
  private final long intervalMillis;
  private final Runnable task;
  private final AtomicBoolean queued = new AtomicBoolean();
  private volatile Scheduler.Timer timer;
  private volatile boolean closed;

  private PeriodicTask(Scheduler timers, Executor worker, Duration interval, Runnable task) {
    this.timers = Objects.requireNonNull(timers, "timers");
    this.worker = Objects.requireNonNull(worker, "worker");
    this.task = Objects.requireNonNull(task, "task");
    this.intervalMillis = Objects.requireNonNull(interval, "interval").toMillis();
    if (intervalMillis <= 0) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
  }

  /**
   * Runs {@code task} on {@code worker} every {@code interval} from now, timed by
   * {@code timers}, until closed.
   *
   * @throws IllegalArgumentException if {@code interval} is under a millisecond
   */
  public static PeriodicTask start(Scheduler timers, Executor worker, Duration interval,
      Runnable task) {
    PeriodicTask p = new PeriodicTask(timers, worker, interval, task);
    p.arm();
    return p;
  }

  private void arm() {
    if (!closed) {
      timer = timers.schedule(this::due, intervalMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** On the scheduler: re-arms, and hands the task to the worker unless it is still there. */
  private void due() {
    if (closed) {
      return;
    }
    arm();
    if (!queued.compareAndSet(false, true)) {
      return;
    }
    try {
      worker.execute(this::run);
    } catch (RejectedExecutionException e) { // the server is stopping
      queued.set(false);
    }
  }

  private void run() {
    try {
      if (!closed) {
        task.run();
      }
    } catch (RuntimeException e) {
      log.warn("background task failed: {}", e.toString());
    } finally {
      queued.set(false);
    }
  }

  /** Cancels the timer; a run already handed to the worker is skipped if it has not started. */
  @Override
  public void close() {
    closed = true;
    Scheduler.Timer t = timer;
    if (t != null) {
      t.cancel();
    }
  }
}
