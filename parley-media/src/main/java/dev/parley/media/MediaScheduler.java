package dev.parley.media;

import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media worker threads: where audio streams run their 20 ms ticks (pulling sources, encoding,
 * decoding, pushing sinks), off the Netty event loops (DESIGN.md section 7).
 *
 * <p>A {@link java.util.concurrent.ScheduledExecutorService} of daemon threads named
 * {@code parley-media-worker-1}, {@code parley-media-worker-2}, ...; one scheduler is created by
 * the application and shared by many streams. A stream's ticks never run concurrently with each
 * other (a fixed-rate task does not overlap itself), but two streams' ticks may run at once on
 * two threads.
 *
 * <p>Thread-safe. {@link #close()} stops the threads; streams still using it stop ticking.
 */
public final class MediaScheduler implements AutoCloseable {
  /** The prefix of the worker threads' names: {@value}. */
  public static final String THREAD_PREFIX = "parley-media-worker-";

  private static final Logger log = LoggerFactory.getLogger(MediaScheduler.class);
  private static final AtomicInteger nextThread = new AtomicInteger(1);

  private final ScheduledExecutorService executor;
  private final ThreadGroup group = new ThreadGroup("parley-media-workers");
  private final MediaClock clock = new WorkerClock();

  /**
   * Starts a scheduler with {@code threads} worker threads.
   *
   * @throws IllegalArgumentException if threads is not positive
   */
  public MediaScheduler(int threads) {
    if (threads <= 0) {
      throw new IllegalArgumentException("threads out of range: " + threads);
    }
    ThreadFactory factory = r -> {
      Thread t = new Thread(group, r, THREAD_PREFIX + nextThread.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
    this.executor = Executors.newScheduledThreadPool(threads, factory);
  }

  /** Starts a scheduler with one worker thread (enough for dozens of G.711 streams). */
  public MediaScheduler() {
    this(1);
  }

  /**
   * The scheduler as a {@link MediaClock}: system nano time, tasks on the worker threads. Unlike
   * an event loop's clock it is not serial across tasks: a stream serialises its own work.
   */
  public MediaClock clock() {
    return clock;
  }

  /** Stops the worker threads (running ticks finish); idempotent. */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  private final class WorkerClock implements MediaClock {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public boolean inClockThread() {
      return Thread.currentThread().getThreadGroup() == group;
    }

    @Override
    public void execute(Runnable task) {
      executor.execute(Objects.requireNonNull(task, "task"));
    }

    @Override
    public Timer schedule(Runnable task, long delay, TimeUnit unit) {
      return timer(executor.schedule(Objects.requireNonNull(task, "task"), delay, unit));
    }

    @Override
    public Timer scheduleAtFixedRate(Runnable task, long initialDelay, long period,
        TimeUnit unit) {
      Objects.requireNonNull(task, "task");
      if (period <= 0) {
        throw new IllegalArgumentException("period out of range: " + period);
      }
      AtomicBoolean warned = new AtomicBoolean();
      Runnable guarded = () -> {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          // An executor stops a periodic task that throws; MediaClock keeps its schedule.
          if (warned.compareAndSet(false, true)) {
            log.warn("media worker task failed (it keeps its schedule)", e);
          } else {
            log.debug("media worker task failed again", e);
          }
        }
      };
      return timer(executor.scheduleAtFixedRate(guarded, initialDelay, period, unit));
    }

    private Timer timer(ScheduledFuture<?> future) {
      return () -> future.cancel(false);
    }
  }
}
