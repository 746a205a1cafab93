package dev.parley.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The events of one {@code parley client} run, in the order they happened: each is printed once
 * as it is added, and kept so that a {@code wait} can find it later.
 *
 * <p>{@code wait} semantics (docs/cli.md): a wait takes the first event that matches and that no
 * earlier wait took, whether it happened before the wait started or while it waits. So a script
 * never misses an event that arrived between two of its lines, and two waits for the same kind of
 * event take two different events.
 *
 * <p>Thread-safe: events are added from the endpoint's executor threads, waits run on the script
 * thread.
 */
final class EventLog {
  private final Consumer<ClientEvent> printer;
  private final List<ClientEvent> events = new ArrayList<>();
  private final List<Boolean> taken = new ArrayList<>();
  private boolean closed;

  EventLog(Consumer<ClientEvent> printer) {
    this.printer = printer;
  }

  /** Prints {@code event} and keeps it for waits. */
  synchronized void add(ClientEvent event) {
    printer.accept(event);
    events.add(event);
    taken.add(false);
    notifyAll();
  }

  /** Prints {@code event} without keeping it (listings). */
  synchronized void print(ClientEvent event) {
    printer.accept(event);
  }

  /** Wakes every wait, which then fails: the client is shutting down. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  /**
   * Waits up to {@code timeout} for an event named {@code name} whose key field matches
   * {@code value} (null for any), taking it.
   *
   * @return the event, or null on timeout or close
   */
  synchronized ClientEvent await(String name, String value, Duration timeout)
      throws InterruptedException {
    return await(name, value, timeout, true);
  }

  /**
   * As {@link #await(String, String, Duration)} but leaves the event for a script's own
   * {@code wait}: the client's internal waits (sign-in) must not consume what a user waits for.
   */
  synchronized ClientEvent awaitWithoutTaking(String name, String value, Duration timeout)
      throws InterruptedException {
    return await(name, value, timeout, false);
  }

  private ClientEvent await(String name, String value, Duration timeout, boolean take)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (int i = 0; i < events.size(); i++) {
        ClientEvent e = events.get(i);
        if (!taken.get(i) && e.name().equals(name) && e.matches(value)) {
          if (take) {
            taken.set(i, true);
          }
          return e;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || closed) {
        return null;
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }
}
