package dev.parley.transport;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Where a protocol state machine runs: a serial executor with timers on the same thread and a
 * clock. In production it is a Netty event loop; tests use the test kit's {@code FakeScheduler},
 * which runs tasks on the calling thread and fires timers when the test advances its clock.
 *
 * <p>Tasks run one at a time, in order; a state machine confined to one scheduler needs no locks.
 * Nothing run here may block.
 */
public interface Scheduler extends Executor {
  /** Whether the calling thread is this scheduler's thread. */
  boolean inLoop();

  /** Runs {@code task} after {@code delay}; the returned timer can cancel it. */
  Timer schedule(Runnable task, long delay, TimeUnit unit);

  /**
   * Runs {@code task} after {@code delay}, or later by up to the scheduler's coarse grain, in a
   * batch with the other coarse timers due about then: for timers whose lateness nobody notices
   * (the ends of the transactions' lingering states), so that a loop wakes a few times a second
   * for them, not at every tick of its wheel. Never early. By default (a test's virtual time,
   * for example) exactly {@link #schedule}.
   */
  default Timer scheduleCoarse(Runnable task, long delay, TimeUnit unit) {
    return schedule(task, delay, unit);
  }

  /** The scheduler's clock in milliseconds, for timer arithmetic (monotonic, arbitrary origin). */
  long nowMillis();

  /** Runs {@code task} now if called on this scheduler's thread, else queues it. */
  default void run(Runnable task) {
    if (inLoop()) {
      task.run();
    } else {
      execute(task);
    }
  }

  /** A scheduled task that can be cancelled. */
  interface Timer {
    /** Cancels the task if it has not run; returns whether it was cancelled. */
    boolean cancel();
  }
}
