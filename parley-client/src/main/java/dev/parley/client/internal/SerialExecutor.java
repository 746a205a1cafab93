package dev.parley.client.internal;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order they were enqueued, on a base executor: an endpoint's
 * event channel. A task that blocks holds back only the tasks of this executor.
 *
 * <p>{@link #enqueue} only records the task (callers do it while holding the endpoint's lock, so
 * the order of events is the order of state changes); {@link #kick} starts running them (callers
 * do it after releasing the lock, so that a direct base executor never runs application code under
 * the lock). Thread-safe.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor base;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean running;

  SerialExecutor(Executor base) {
    this.base = Objects.requireNonNull(base, "base");
  }

  /** Adds {@code task} to the queue without starting it. */
  void enqueue(Runnable task) {
    Objects.requireNonNull(task, "task");
    synchronized (tasks) {
      tasks.add(task);
    }
  }

  /** Starts draining the queue on the base executor if it is not already being drained. */
  void kick() {
    synchronized (tasks) {
      if (running || tasks.isEmpty()) {
        return;
      }
      running = true;
    }
    try {
      base.execute(this::drain);
    } catch (RuntimeException e) {
      synchronized (tasks) {
        running = false;
      }
      LOG.warn("event executor refused a task; events are held until the next one", e);
    }
  }

  @Override
  public void execute(Runnable task) {
    enqueue(task);
    kick();
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (tasks) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException | Error e) {
        LOG.warn("application callback threw", e);
      }
    }
  }
}
