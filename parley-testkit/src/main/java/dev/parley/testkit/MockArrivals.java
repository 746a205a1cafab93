package dev.parley.testkit;

import dev.parley.sip.SipMessage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What has arrived at a {@link MockSipPeer} and not been taken yet, in arrival order: messages,
 * and what went wrong reading them (which fails the next take). The peer's reader threads add;
 * the test's thread takes. Thread-safe.
 */
final class MockArrivals {
  /** A message, or (message null) what went wrong, from {@code from} (null if unknown). */
  private record Arrival(SipMessage message, InetSocketAddress from, String failure) {}

  private final BlockingQueue<Arrival> queue = new LinkedBlockingQueue<>();
  private final String peer;

  /** For the peer named {@code peer} (its {@code host:port}, in failure messages). */
  MockArrivals(String peer) {
    this.peer = peer;
  }

  void add(SipMessage message, InetSocketAddress from) {
    queue.add(new Arrival(message, from, null));
  }

  /** Records that something went wrong: the next take fails with {@code failure}. */
  void fail(InetSocketAddress from, String failure) {
    queue.add(new Arrival(null, from, failure));
  }

  /**
   * The next message that {@code fits}, consuming what comes before it, waiting up to
   * {@code timeout} in all.
   *
   * @throws AssertionError if none arrives in time (the message names {@code what}), or if
   *     something went wrong before it
   */
  SipMessage take(Predicate<SipMessage> fits, String what, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        Arrival a = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
        if (a == null) {
          throw new AssertionError("no " + what + " arrived at " + peer + " within "
              + timeout.toMillis() + " ms");
        }
        SipMessage m = unwrap(a);
        if (fits.test(m)) {
          return m;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a " + what + " at " + peer, e);
    }
  }

  /** The next arrival within {@code wait}, else null. */
  SipMessage poll(Duration wait) {
    try {
      Arrival a = queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
      return a == null ? null : unwrap(a);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while polling " + peer, e);
    }
  }

  private SipMessage unwrap(Arrival a) {
    if (a.failure != null) {
      throw new AssertionError(peer + (a.from == null ? "" : " from " + a.from) + ": " + a.failure);
    }
    return a.message;
  }
}
