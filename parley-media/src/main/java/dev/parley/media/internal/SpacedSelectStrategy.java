package dev.parley.media.internal;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.locks.LockSupport;

/**
 * A select strategy that spaces a media loop's waits: when the loop comes back to wait for I/O
 * sooner than the spacing after it last went to wait (packets keep coming), it first sleeps the
 * rest of that time, so that the next wait returns every packet that arrived meanwhile at once.
 * At a high packet rate a loop then wakes at most once per spacing instead of about once per
 * packet (each wake-up is a context switch and an {@code epoll_wait}); at a low rate (packets
 * further apart than the spacing) nothing changes. The cost: up to the spacing more delay for a
 * packet, and for a task handed to the loop from another thread. With pending tasks the loop
 * never sleeps. One instance per loop (its state is the loop's own).
 *
 * <p>Fixed (batch 0): the spacing is always {@code maxSpacingNanos}. Adaptive (batch
 * {@code > 0}): the handlers of the loop's channels report the packets they read
 * ({@link #received(int)}); from the packets of each cycle between two waits the loop estimates
 * its packet rate (smoothed over a few cycles) and spaces its waits by the time {@code batch}
 * packets take to come at that rate, never more than {@code maxSpacingNanos}: at a low rate the
 * whole spacing (a wake-up per few packets costs the most there), at a high rate only as long as
 * it takes to gather a batch, so the delay a packet may wait shrinks as the rate grows. A loop
 * whose handlers report nothing uses the whole spacing.
 */
final class SpacedSelectStrategy implements SelectStrategy {
  /**
   * The strategy of the current thread's loop, once it has waited once; null elsewhere. Read for
   * every packet a handler reads: the media loops are {@code FastThreadLocalThread}s, where this
   * is an indexed read instead of a ThreadLocal's hash lookup.
   */
  private static final FastThreadLocal<SpacedSelectStrategy> CURRENT = new FastThreadLocal<>();

  private final long maxSpacingNanos;
  private final int batch;
  private long lastWait = System.nanoTime() - Long.MAX_VALUE / 2;
  /** When the adaptive mode last measured a cycle (one pass of the loop back to its wait). */
  private long lastCycle = System.nanoTime();
  /** Packets reported since the last cycle; the loop's own. */
  private long packets;
  /** The smoothed spacing of the adaptive mode, in nanoseconds. */
  private long spacingNanos;
  private boolean registered;

  SpacedSelectStrategy(long maxSpacingNanos) {
    this(maxSpacingNanos, 0);
  }

  SpacedSelectStrategy(long maxSpacingNanos, int batch) {
    this.maxSpacingNanos = maxSpacingNanos;
    this.batch = batch;
    this.spacingNanos = maxSpacingNanos;
  }

  /**
   * Tells the strategy of the calling thread's loop (if it is a loop with an adaptive spacing)
   * that its channels read {@code n} packets. Cheap; a no-op on any other thread.
   */
  static void received(int n) {
    SpacedSelectStrategy s = CURRENT.get();
    if (s != null) {
      s.packets += n;
    }
  }

  @Override
  public int calculateStrategy(IntSupplier selectSupplier, boolean hasTasks) throws Exception {
    if (hasTasks) {
      return selectSupplier.get();
    }
    long now = System.nanoTime();
    long since = now - lastWait;
    long spacing = maxSpacingNanos;
    if (batch > 0) {
      // a cycle: the last sleep, wait and handling; its packets came during about as long
      spacing = adapt(now - lastCycle);
      lastCycle = now;
    }
    if (since < spacing) {
      LockSupport.parkNanos(spacing - since);
    }
    lastWait = System.nanoTime();
    return SelectStrategy.SELECT;
  }

  /** The adaptive spacing after a cycle of {@code cycleNanos} that read {@link #packets}. */
  private long adapt(long cycleNanos) {
    if (!registered) {
      registered = true;
      CURRENT.set(this);
    }
    long n = packets;
    packets = 0;
    spacingNanos = nextSpacing(spacingNanos, cycleNanos, n, batch, maxSpacingNanos);
    return spacingNanos;
  }

  /**
   * The next smoothed spacing: the time {@code batch} packets took in the last cycle (the whole
   * {@code maxSpacingNanos} when it read none, or for a cycle longer than a second: an idle
   * wait), moved a quarter of the way from {@code previous}, at most {@code maxSpacingNanos}.
   */
  static long nextSpacing(long previous, long cycleNanos, long packets, int batch,
      long maxSpacingNanos) {
    long target;
    if (packets <= 0 || cycleNanos <= 0 || cycleNanos > 1_000_000_000L) {
      target = maxSpacingNanos;
    } else {
      target = Math.min(maxSpacingNanos, cycleNanos * batch / packets);
    }
    long next = previous + (target - previous) / 4;
    return Math.max(0, Math.min(maxSpacingNanos, next));
  }
}
