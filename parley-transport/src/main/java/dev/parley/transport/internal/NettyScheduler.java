package dev.parley.transport.internal;

import dev.parley.transport.Scheduler;
import io.netty.channel.EventLoop;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} over one Netty {@link EventLoop}: tasks and timers run on the loop's thread,
 * and the clock is {@link System#nanoTime()} in milliseconds. Thread-safe.
 *
 * <p>Protocol timers (hundreds of thousands under load: retransmissions, Timers B, F, J, L...) go
 * into a hashed timing wheel with {@value #TICK_MILLIS} ms ticks owned by the loop: scheduling and
 * cancelling are O(1), where the loop's own scheduled-task heap costs O(log n) per operation. A
 * timer may fire up to one tick late, which SIP's timers (T1 = 500 ms) do not notice. Timers
 * scheduled from another thread, or shorter than a tick, use the loop's heap.
 *
 * <p>The wheel wakes its loop only at ticks that have a timer due: after each tick it looks ahead
 * (at most one turn of the wheel) for the next due timer and sleeps until then, so a loop with a
 * few distant timers (a registration refresh, calls' Timer L) is not woken every tick; a timer
 * scheduled sooner than that wake-up brings it forward.
 *
 * <p>{@linkplain #scheduleCoarse Coarse timers} (the ends of lingering transactions: 1,000 a
 * second under load, each due at its own tick) have their deadlines rounded up to a 250 ms grain:
 * the loop wakes four times a second for them instead of at every tick, and each wake-up ends a
 * batch.
 */
public final class NettyScheduler implements Scheduler {
  /** Wheel resolution, ms: {@value}. */
  static final long TICK_MILLIS = 10;
  private static final long TICK_NANOS = TICK_MILLIS * 1_000_000L;
  /** The coarse timers' grain, in ticks ({@value} ticks = 250 ms): see {@link #scheduleCoarse}. */
  static final long COARSE_TICKS = 25;
  private static final Logger log = LoggerFactory.getLogger(NettyScheduler.class);
  private static final int SLOTS = 1024;
  private static final int MASK = SLOTS - 1;

  private final EventLoop loop;
  // The wheel; touched only on the loop's thread.
  private final WheelTimer[] heads = new WheelTimer[SLOTS];
  private long processedTick = -1;
  private int pending;
  /** The loop's pending wake-up of the wheel, or null; and the tick it is set for. */
  private io.netty.util.concurrent.ScheduledFuture<?> wakeUp;
  private long wakeUpTick = Long.MAX_VALUE;
  /** Whether the wheel's timers are running now (they set its next wake-up when they are done). */
  private boolean running;
  /** How many times the wheel has run (tests: the loop is not woken at every tick). */
  private long runs;
  private final Runnable tick = this::tick;

  public NettyScheduler(EventLoop loop) {
    this.loop = Objects.requireNonNull(loop, "loop");
  }

  /** The event loop. */
  public EventLoop loop() {
    return loop;
  }

  @Override
  public void execute(Runnable task) {
    loop.execute(task);
  }

  @Override
  public boolean inLoop() {
    return loop.inEventLoop();
  }

  @Override
  public Timer schedule(Runnable task, long delay, TimeUnit unit) {
    return schedule(task, delay, unit, 1);
  }

  /**
   * In the wheel, the deadline rounded up to a multiple of {@value #COARSE_TICKS} ticks (the
   * same ticks for every loop and every coarse timer), so that the coarse timers due within one
   * grain fire in one wake-up.
   */
  @Override
  public Timer scheduleCoarse(Runnable task, long delay, TimeUnit unit) {
    return schedule(task, delay, unit, COARSE_TICKS);
  }

  private Timer schedule(Runnable task, long delay, TimeUnit unit, long grainTicks) {
    long millis = unit.toMillis(delay);
    if (millis < TICK_MILLIS || !loop.inEventLoop()) {
      io.netty.util.concurrent.ScheduledFuture<?> f = loop.schedule(task, delay, unit);
      return () -> f.cancel(false);
    }
    long now = currentTick();
    if (wakeUp == null && !running && pending == 0) {
      processedTick = now - 1; // an idle wheel restarts at the present
    }
    // Round up and add the current, partly gone tick, so a timer never fires early.
    long deadline = Math.max(now, processedTick) + (millis + TICK_MILLIS - 1) / TICK_MILLIS + 1;
    deadline = (deadline + grainTicks - 1) / grainTicks * grainTicks; // never earlier
    WheelTimer t = new WheelTimer(task, deadline);
    link(t);
    pending++;
    if (!running) {
      wakeUpAt(deadline);
    }
    return t;
  }

  /** Makes the loop run the wheel at {@code tickNumber} unless it is to run at or before it. */
  private void wakeUpAt(long tickNumber) {
    if (wakeUp != null) {
      if (wakeUpTick <= tickNumber) {
        return;
      }
      wakeUp.cancel(false);
    }
    long delay = Math.max(0, tickNumber * TICK_NANOS - System.nanoTime());
    wakeUp = loop.schedule(tick, delay, TimeUnit.NANOSECONDS);
    wakeUpTick = tickNumber;
  }

  /**
   * The first tick after {@code processedTick} that has a timer due, looking one turn of the
   * wheel ahead at most (the tick one turn ahead when none is due before it). Every timer left
   * has its deadline after {@code processedTick}, so the first due one is in the slot of its own
   * deadline.
   */
  private long nextDueTick() {
    for (long k = processedTick + 1; k <= processedTick + SLOTS; k++) {
      for (WheelTimer t = heads[(int) (k & MASK)]; t != null; t = t.next) {
        if (t.deadline <= k) {
          return k;
        }
      }
    }
    return processedTick + SLOTS;
  }

  private long currentTick() {
    return System.nanoTime() / TICK_NANOS;
  }

  private void link(WheelTimer t) {
    int slot = (int) (t.deadline & MASK);
    t.next = heads[slot];
    if (t.next != null) {
      t.next.prev = t;
    }
    heads[slot] = t;
    t.slot = slot;
  }

  private void unlink(WheelTimer t) {
    if (t.prev != null) {
      t.prev.next = t.next;
    } else if (heads[t.slot] == t) {
      heads[t.slot] = t.next;
    }
    if (t.next != null) {
      t.next.prev = t.prev;
    }
    t.prev = null;
    t.next = null;
    t.slot = -1;
  }

  /** Runs every timer whose tick has come, then sleeps until the next one is due. */
  private void tick() {
    wakeUp = null;
    wakeUpTick = Long.MAX_VALUE;
    runs++;
    running = true;
    try {
      runDue(currentTick());
    } finally {
      running = false;
    }
    if (pending > 0) {
      wakeUpAt(nextDueTick());
    }
  }

  private void runDue(long now) {
    for (long k = processedTick + 1; k <= now && pending > 0; k++) {
      // Take the slot's due timers out first, then run them: a task may schedule or cancel
      // timers of this very slot.
      WheelTimer t = heads[(int) (k & MASK)];
      WheelTimer first = null;
      WheelTimer last = null;
      while (t != null) {
        WheelTimer next = t.next;
        if (t.deadline <= k) {
          unlink(t);
          pending--;
          if (last == null) {
            first = t;
          } else {
            last.due = t;
          }
          last = t;
        }
        t = next;
      }
      WheelTimer d = first;
      while (d != null) {
        // unlinked before it runs: a fired timer that something still holds (its transaction)
        // must not keep the timers fired after it, and all they hold, reachable
        WheelTimer following = d.due;
        d.due = null;
        if (!d.cancelled) {
          d.fired = true;
          try {
            d.task.run();
          } catch (RuntimeException e) {
            // a failing task must not stop the wheel (nor the timers after it): a bug, said so
            log.warn("timer task {} failed", d.task, e);
          }
        }
        d = following;
      }
      processedTick = k;
    }
    processedTick = Math.max(processedTick, now);
  }

  /** How many times the wheel has run so far; read it on the loop. */
  long runs() {
    return runs;
  }

  @Override
  public long nowMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NettyScheduler s && s.loop == loop;
  }

  @Override
  public int hashCode() {
    return loop.hashCode();
  }

  @Override
  public String toString() {
    return "NettyScheduler{" + loop + "}";
  }

  /** One timer in the wheel: a node of its slot's doubly linked list. */
  private final class WheelTimer implements Timer {
    final Runnable task;
    final long deadline;
    WheelTimer prev;
    WheelTimer next;
    WheelTimer due;
    int slot = -1;
    boolean fired;
    boolean cancelled;

    WheelTimer(Runnable task, long deadline) {
      this.task = task;
      this.deadline = deadline;
    }

    @Override
    public boolean cancel() {
      if (fired || cancelled) {
        return false;
      }
      cancelled = true;
      if (loop.inEventLoop()) {
        remove();
      } else {
        loop.execute(this::remove);
      }
      return true;
    }

    private void remove() {
      if (slot >= 0) {
        unlink(this);
        pending--;
      }
    }
  }
}
