package dev.parley.media;

import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link MediaClock} on virtual time for tests: time moves only by {@link #advance}, which runs
 * the timers that fall due, in deadline order, on the calling thread. {@link #execute} runs the
 * task at once. Not thread-safe: one test thread drives it.
 */
public final class VirtualMediaClock implements MediaClock {
  private final PriorityQueue<Entry> timers = new PriorityQueue<>();
  private volatile long now;
  private long sequence;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public boolean inClockThread() {
    return true;
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task").run();
  }

  @Override
  public Timer schedule(Runnable task, long delay, TimeUnit unit) {
    return add(task, now + unit.toNanos(Math.max(0, delay)), 0);
  }

  @Override
  public Timer scheduleAtFixedRate(Runnable task, long initialDelay, long period,
      TimeUnit unit) {
    if (period <= 0) {
      throw new IllegalArgumentException("period out of range: " + period);
    }
    return add(task, now + unit.toNanos(Math.max(0, initialDelay)), unit.toNanos(period));
  }

  private Entry add(Runnable task, long deadline, long period) {
    Entry e = new Entry(Objects.requireNonNull(task, "task"), deadline, period, sequence++);
    timers.add(e);
    return e;
  }

  /** Moves the time on by {@code amount}, running every timer that falls due on the way. */
  public void advance(long amount, TimeUnit unit) {
    long end = now + unit.toNanos(amount);
    while (!timers.isEmpty() && timers.peek().deadline <= end) {
      Entry e = timers.poll();
      now = Math.max(now, e.deadline);
      if (e.cancelled) {
        continue;
      }
      if (e.period > 0) {
        e.deadline += e.period;
        timers.add(e);
      } else {
        e.cancelled = true;
      }
      e.task.run();
    }
    now = end;
  }

  /**
   * Moves the time on by {@code amount} WITHOUT running the timers that fall due: the clock's
   * thread was descheduled. The next {@link #advance} runs them back to back at the later time,
   * as a {@link java.util.concurrent.ScheduledExecutorService} catches up a fixed-rate task.
   */
  public void stall(long amount, TimeUnit unit) {
    now += unit.toNanos(amount);
  }

  /** The number of timers still scheduled. */
  public int pendingTimers() {
    return (int) timers.stream().filter(e -> !e.cancelled).count();
  }

  private static final class Entry implements Timer, Comparable<Entry> {
    final Runnable task;
    final long period;
    final long order;
    long deadline;
    boolean cancelled;

    Entry(Runnable task, long deadline, long period, long order) {
      this.task = task;
      this.deadline = deadline;
      this.period = period;
      this.order = order;
    }

    @Override
    public boolean cancel() {
      boolean was = !cancelled;
      cancelled = true;
      return was;
    }

    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(deadline, o.deadline);
      return c != 0 ? c : Long.compare(order, o.order);
    }
  }
}
