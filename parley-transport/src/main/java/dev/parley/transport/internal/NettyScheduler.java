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
 */
public final class NettyScheduler implements Scheduler {
  /** Wheel resolution, ms: {@value}. */
  static final long TICK_MILLIS = 10;
  private static final Logger log = LoggerFactory.getLogger(NettyScheduler.class);
  private static final int SLOTS = 1024;
  private static final int MASK = SLOTS - 1;

  private final EventLoop loop;
  // The wheel; touched only on the loop's thread.
  private final WheelTimer[] heads = new WheelTimer[SLOTS];
  private long processedTick = -1;
  private int pending;
  private boolean ticking;
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
    long millis = unit.toMillis(delay);
    if (millis < TICK_MILLIS || !loop.inEventLoop()) {
      io.netty.util.concurrent.ScheduledFuture<?> f = loop.schedule(task, delay, unit);
      return () -> f.cancel(false);
    }
    long now = currentTick();
    if (!ticking && pending == 0) {
      processedTick = now - 1; // an idle wheel restarts at the present
    }
    // Round up and add the current, partly gone tick, so a timer never fires early.
    long deadline = Math.max(now, processedTick) + (millis + TICK_MILLIS - 1) / TICK_MILLIS + 1;
    WheelTimer t = new WheelTimer(task, deadline);
    link(t);
    pending++;
    if (!ticking) {
      ticking = true;
      loop.schedule(tick, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }
    return t;
  }

  private long currentTick() {
    return System.nanoTime() / (TICK_MILLIS * 1_000_000L);
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

  /** Runs every timer whose tick has come, then re-arms while timers remain. */
  private void tick() {
    long now = currentTick();
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
      for (WheelTimer d = first; d != null; d = d.due) {
        if (!d.cancelled) {
          d.fired = true;
          try {
            d.task.run();
          } catch (RuntimeException e) {
            // a failing task must not stop the wheel (nor the timers after it): a bug, said so
            log.warn("timer task {} failed", d.task, e);
          }
        }
      }
      processedTick = k;
    }
    processedTick = Math.max(processedTick, now);
    if (pending > 0) {
      loop.schedule(tick, TICK_MILLIS, TimeUnit.MILLISECONDS);
    } else {
      ticking = false;
    }
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
