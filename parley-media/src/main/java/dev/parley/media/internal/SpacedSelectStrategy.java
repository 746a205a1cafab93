package dev.parley.media.internal;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * A select strategy that spaces a media loop's waits: when the loop comes back to wait for I/O
 * sooner than {@code spacingNanos} after it last went to wait (packets keep coming), it first
 * sleeps the rest of that time, so that the next wait returns every packet that arrived meanwhile
 * at once. At a high packet rate a loop then wakes at most once per spacing instead of about once
 * per packet (each wake-up is a context switch and an {@code epoll_wait}); at a low rate (packets
 * further apart than the spacing) nothing changes. The cost: up to {@code spacingNanos} more delay
 * for a packet, and for a task handed to the loop from another thread. With pending tasks the
 * loop never sleeps. One instance per loop (its state is the loop's own).
 */
final class SpacedSelectStrategy implements SelectStrategy {
  private final long spacingNanos;
  private long lastWait = System.nanoTime() - Long.MAX_VALUE / 2;

  SpacedSelectStrategy(long spacingNanos) {
    this.spacingNanos = spacingNanos;
  }

  @Override
  public int calculateStrategy(IntSupplier selectSupplier, boolean hasTasks) throws Exception {
    if (hasTasks) {
      return selectSupplier.get();
    }
    long since = System.nanoTime() - lastWait;
    if (since < spacingNanos) {
      LockSupport.parkNanos(spacingNanos - since);
    }
    lastWait = System.nanoTime();
    return SelectStrategy.SELECT;
  }
}
