package dev.parley.media;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The clock and serial executor a media stream runs on: its timers (the 20 ms send tick, RTCP
 * intervals) and its tasks run one at a time on one thread, so a stream's state needs no locks.
 *
 * <p>In production it is the Netty event loop of the stream's {@link RtpSocket}
 * ({@link RtpSocket#clock()}): a stream's receive path and its timers share that one thread.
 * Tests inject a virtual clock whose time moves only when the test advances it, so a stream's
 * timing is tested without waiting. Nothing run here may block.
 *
 * <p>Thread-safe: every method may be called from any thread; tasks run on the clock's thread.
 */
public interface MediaClock extends Executor {
  /** The clock's time in nanoseconds (monotonic, arbitrary origin), as {@link System#nanoTime()}. */
  long nanoTime();

  /** Whether the calling thread is the clock's thread (the one its tasks and timers run on). */
  boolean inClockThread();

  /** Runs {@code task} once after {@code delay}; the timer can cancel it. */
  Timer schedule(Runnable task, long delay, TimeUnit unit);

  /**
   * Runs {@code task} every {@code period} after {@code initialDelay}, at a fixed rate (the
   * deadlines do not drift when one run is late). A task that throws is logged and keeps its
   * schedule; only {@link Timer#cancel()} stops it.
   */
  Timer scheduleAtFixedRate(Runnable task, long initialDelay, long period, TimeUnit unit);

  /** A scheduled task that can be cancelled. */
  interface Timer {
    /** Cancels the task's future runs; returns whether it was still scheduled. */
    boolean cancel();
  }
}
