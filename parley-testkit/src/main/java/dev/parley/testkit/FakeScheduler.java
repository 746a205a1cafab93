package dev.parley.testkit;

import dev.parley.transport.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} on virtual time for tests: tasks run on the calling thread, timers fire only
 * when the test advances the clock with {@link #advance(Duration)}, in deadline order (ties in the
 * order they were scheduled).
 *
 * <p>Every call is treated as "in the loop". Tasks queued from inside a running task run after it,
 * before control returns to the test, so a test sees a settled state after each call. Drive it
 * ({@link #execute}, {@link #advance}) from the test thread only; {@link #schedule}, a timer's
 * {@code cancel} and {@link #nowMillis} may also be called from other threads (a server's store
 * thread or event loops, say), and a timer they schedule fires on the test thread when it
 * advances the clock.
 */
public final class FakeScheduler implements Scheduler {
  /** Guards {@link #timers}, {@link #sequence} and each entry's flags. */
  private final Object lock = new Object();
  private final PriorityQueue<Entry> timers = new PriorityQueue<>();
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private volatile long now;
  private long sequence;
  private boolean draining;
  private final long coarseGrainMillis;

  /** A scheduler whose clock starts at 0 ms; its coarse timers are exact. */
  public FakeScheduler() {
    this(1);
  }

  /**
   * A scheduler whose clock starts at 0 ms and whose {@linkplain #scheduleCoarse coarse timers}
   * have their deadlines rounded up to a multiple of {@code coarseGrainMillis}, as an event
   * loop's are: for tests of what a coarse timer's lateness does.
   */
  public FakeScheduler(long coarseGrainMillis) {
    if (coarseGrainMillis < 1) {
      throw new IllegalArgumentException("coarseGrainMillis must be >= 1: " + coarseGrainMillis);
    }
    this.coarseGrainMillis = coarseGrainMillis;
  }

  @Override
  public boolean inLoop() {
    return true;
  }

  @Override
  public void execute(Runnable task) {
    queue.add(task);
    drain();
  }

  @Override
  public Timer schedule(Runnable task, long delay, TimeUnit unit) {
    synchronized (lock) {
      Entry e = new Entry(now + Math.max(0, unit.toMillis(delay)), sequence++, task, lock);
      timers.add(e);
      return e;
    }
  }

  @Override
  public Timer scheduleCoarse(Runnable task, long delay, TimeUnit unit) {
    synchronized (lock) {
      long deadline = now + Math.max(0, unit.toMillis(delay));
      deadline = (deadline + coarseGrainMillis - 1) / coarseGrainMillis * coarseGrainMillis;
      return schedule(task, deadline - now, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public long nowMillis() {
    return now;
  }

  /**
   * A wall clock (UTC) that reads {@code start} now and moves with this scheduler's virtual time,
   * for code that takes a {@link Clock} beside its timers: one {@link #advance} moves both.
   */
  public Clock clock(Instant start) {
    Objects.requireNonNull(start, "start");
    long base = start.toEpochMilli() - now;
    return new Clock() {
      @Override
      public long millis() {
        return base + now;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(millis());
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        if (!ZoneOffset.UTC.normalized().equals(zone.normalized())) {
          throw new UnsupportedOperationException("a FakeScheduler clock is UTC: " + zone);
        }
        return this;
      }
    };
  }

  /** Moves the clock forward, firing every timer that falls due on the way, in order. */
  public void advance(Duration duration) {
    long target = now + duration.toMillis();
    while (true) {
      Entry next;
      synchronized (lock) {
        next = timers.peek();
        while (next != null && next.cancelled) {
          timers.poll();
          next = timers.peek();
        }
        if (next == null || next.deadline > target) {
          break;
        }
        timers.poll();
        next.fired = true;
        now = next.deadline;
      }
      queue.add(next.task);
      drain();
    }
    now = target;
  }

  /** Moves the clock forward by {@code millis}. */
  public void advanceMillis(long millis) {
    advance(Duration.ofMillis(millis));
  }

  /** Timers scheduled and neither fired nor cancelled. */
  public int pendingTimers() {
    synchronized (lock) {
      int n = 0;
      for (Entry e : timers) {
        if (!e.cancelled) {
          n++;
        }
      }
      return n;
    }
  }

  /** The deadline of the next live timer in ms, or -1 when none. */
  public long nextDeadline() {
    synchronized (lock) {
      long best = -1;
      for (Entry e : timers) {
        if (!e.cancelled && (best < 0 || e.deadline < best)) {
          best = e.deadline;
        }
      }
      return best;
    }
  }

  private void drain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      Runnable r;
      while ((r = queue.poll()) != null) {
        r.run();
      }
    } finally {
      draining = false;
    }
  }

  private static final class Entry implements Comparable<Entry>, Timer {
    final long deadline;
    final long seq;
    final Runnable task;
    final Object lock;
    boolean cancelled;
    boolean fired;

    Entry(long deadline, long seq, Runnable task, Object lock) {
      this.deadline = deadline;
      this.seq = seq;
      this.task = task;
      this.lock = lock;
    }

    @Override
    public boolean cancel() {
      synchronized (lock) {
        if (cancelled || fired) {
          return false;
        }
        cancelled = true;
        return true;
      }
    }

    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(deadline, o.deadline);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
