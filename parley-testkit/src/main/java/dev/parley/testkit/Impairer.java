package dev.parley.testkit;

import java.util.Random;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The decisions and the clock of an {@link ImpairmentRelay}: one seeded {@link Random}, the
 * impairment of each direction, the counters, and one scheduler thread on which every delayed
 * packet is sent (so that packets due at the same time leave in the order they were scheduled).
 *
 * <p>Thread-safe: the random source is used under this object's lock.
 */
final class Impairer {
  /** A direction of traffic. */
  enum Direction { TO_TARGET, TO_CLIENTS }

  /** What to do with one datagram: drop it, or send copies after these delays (nanoseconds). */
  record Fate(long[] delaysNanos) {
    boolean dropped() {
      return delaysNanos.length == 0;
    }
  }

  private final long seed;
  private final Random random;
  private final int maxPending;
  private final AtomicInteger pending = new AtomicInteger();
  private final ScheduledThreadPoolExecutor scheduler;
  private final Counter toTarget = new Counter();
  private final Counter toClients = new Counter();
  private volatile Impairment toTargetImpairment;
  private volatile Impairment toClientsImpairment;

  Impairer(ImpairmentRelay.Builder b, String name) {
    this.seed = b.seed;
    this.random = new Random(b.seed);
    this.maxPending = b.maxPending;
    this.toTargetImpairment = b.toTarget;
    this.toClientsImpairment = b.toClients;
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, name + "-sender");
      t.setDaemon(true);
      return t;
    };
    this.scheduler = new ScheduledThreadPoolExecutor(1, threads);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    scheduler.setRemoveOnCancelPolicy(true);
  }

  long seed() {
    return seed;
  }

  Impairment impairment(Direction d) {
    return d == Direction.TO_TARGET ? toTargetImpairment : toClientsImpairment;
  }

  void impair(Impairment toTarget, Impairment toClients) {
    this.toTargetImpairment = java.util.Objects.requireNonNull(toTarget, "toTarget");
    this.toClientsImpairment = java.util.Objects.requireNonNull(toClients, "toClients");
  }

  Counter counter(Direction d) {
    return d == Direction.TO_TARGET ? toTarget : toClients;
  }

  /** Decides the fate of one datagram going {@code d}, and counts it. */
  Fate datagram(Direction d) {
    Impairment i = impairment(d);
    Counter c = counter(d);
    c.received.incrementAndGet();
    long[] delays;
    synchronized (this) {
      if (hit(i.loss())) {
        c.dropped.incrementAndGet();
        return new Fate(new long[0]);
      }
      int copies = hit(i.duplicate()) ? 2 : 1;
      if (copies == 2) {
        c.duplicated.incrementAndGet();
      }
      delays = new long[copies];
      for (int k = 0; k < copies; k++) {
        long delay = i.delay().toNanos() + jitter(i);
        if (hit(i.reorder())) {
          c.reordered.incrementAndGet();
          delay += i.reorderDelay().toNanos();
        }
        delays[k] = delay;
      }
    }
    return new Fate(delays);
  }

  /** The delay of one TCP chunk going {@code d} (a "lost" one waits a retransmission), counted. */
  long chunk(Direction d) {
    Impairment i = impairment(d);
    Counter c = counter(d);
    c.received.incrementAndGet();
    synchronized (this) {
      // loss first, as for a datagram: a seed decides the first packet's loss the same way
      boolean lost = hit(i.loss());
      long delay = i.delay().toNanos() + jitter(i);
      if (lost) {
        c.dropped.incrementAndGet();
        delay += TimeUnit.MILLISECONDS.toNanos(ImpairmentRelay.LOST_SEGMENT_DELAY_MILLIS);
      }
      return delay;
    }
  }

  /**
   * Runs {@code send} after {@code delayNanos} on the sender thread, unless {@link
   * ImpairmentRelay.Builder#maxPending} packets are waiting already: then returns false (and
   * counts the overflow in {@code d}).
   */
  boolean schedule(Direction d, long delayNanos, Runnable send) {
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      counter(d).overflowed.incrementAndGet();
      return false;
    }
    Runnable task = () -> {
      pending.decrementAndGet();
      send.run();
    };
    try {
      if (delayNanos <= 0) {
        scheduler.execute(task);
      } else {
        scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      }
      return true;
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      pending.decrementAndGet();
      return false;
    }
  }

  ImpairmentRelay.Counts counts(Direction d) {
    return counter(d).snapshot();
  }

  /** Stops the sender thread; packets still waiting are not sent. */
  void close() {
    scheduler.shutdownNow();
  }

  /** Waits (a bounded time) for the sender thread to end. */
  void awaitClosed() throws InterruptedException {
    scheduler.awaitTermination(5, TimeUnit.SECONDS);
  }

  private boolean hit(double probability) {
    return probability > 0 && random.nextDouble() < probability;
  }

  private long jitter(Impairment i) {
    long j = i.jitter().toNanos();
    return j == 0 ? 0 : (long) (random.nextDouble() * j);
  }

  /** The counts of one direction. */
  static final class Counter {
    final AtomicLong received = new AtomicLong();
    final AtomicLong forwarded = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong duplicated = new AtomicLong();
    final AtomicLong reordered = new AtomicLong();
    final AtomicLong overflowed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    ImpairmentRelay.Counts snapshot() {
      return new ImpairmentRelay.Counts(received.get(), forwarded.get(), dropped.get(),
          duplicated.get(), reordered.get(), overflowed.get(), failed.get());
    }
  }
}
