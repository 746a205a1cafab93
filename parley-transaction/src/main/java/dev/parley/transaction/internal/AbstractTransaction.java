package dev.parley.transaction.internal;

import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.transaction.Transaction;
import dev.parley.transport.Scheduler;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What every transaction has: its request, its scheduler, its key in the layer's table, and the
 * way it ends. State changes happen only on {@link #scheduler}; the subclasses hold no locks.
 *
 * <p>Once a transaction only absorbs retransmissions (a lingering state, up to 32 s), it
 * {@linkplain #compactLater compacts}: the request, and whatever message the state still needs,
 * are kept as their wire bytes ({@link WireCopy}), so that the many lingering transactions of a
 * busy server hold few objects for the young collections to copy.
 */
abstract class AbstractTransaction implements Transaction {
  final DefaultTransactionLayer layer;
  final Scheduler scheduler;
  /** The request's method, kept whatever happens to the request. */
  final SipMethod method;
  /**
   * The request, until the transaction compacts; then null and {@link #requestCopy} is set (the
   * copy is written first). Both null only once the state let the request go ({@link
   * #dropRequest}): {@link #request()} then throws.
   */
  private volatile SipRequest request;
  private volatile WireCopy requestCopy;
  /**
   * The request's encoding, when this side encoded it to send it (a client transaction): sent
   * again as it is for a retransmission, and kept as the request's {@link WireCopy} when the
   * transaction compacts, so a request is encoded once. Null otherwise. On the scheduler.
   */
  byte[] requestWire;
  final Object key;
  final String branch;
  /** Whether the transport is reliable: no retransmissions, and Timers D, I, J, K are zero. */
  final boolean reliable;
  /** Answered by the layer itself (CANCEL, 481, 482): the TU never saw it. */
  final boolean layerOwned;
  private volatile boolean terminated;
  /** Counted in the layer's lingering total (final response given, absorbing retransmissions). */
  private boolean lingering;

  AbstractTransaction(DefaultTransactionLayer layer, Scheduler scheduler, SipRequest request,
      Object key, boolean reliable, boolean layerOwned) {
    this(layer, scheduler, request, key, request.topVia() == null ? null : request.topVia().branch(),
        reliable, layerOwned);
  }

  /**
   * With the top Via's {@code branch} given by who wrote that Via (a client transaction's own),
   * so that the request built with it is not parsed again to read it back.
   */
  AbstractTransaction(DefaultTransactionLayer layer, Scheduler scheduler, SipRequest request,
      Object key, String branch, boolean reliable, boolean layerOwned) {
    this.layer = layer;
    this.scheduler = scheduler;
    this.request = request;
    this.method = request.method();
    this.key = key;
    this.branch = branch;
    this.reliable = reliable;
    this.layerOwned = layerOwned;
  }

  @Override
  public final String branch() {
    return branch;
  }

  /**
   * The request; once the transaction lingers, a copy parsed again from the bytes it keeps (an
   * equal message, not the same object).
   */
  @Override
  public final SipRequest request() {
    SipRequest r = request;
    if (r != null) {
      return r;
    }
    WireCopy copy = requestCopy; // the copy is written before the field clears
    if (copy == null) { // both null: dropped
      throw new IllegalStateException(this + ": the request is not kept while the transaction"
          + " lingers (its listener reads no request then)");
    }
    return copy.request();
  }

  @Override
  public final boolean isInvite() {
    return method.isInvite();
  }

  @Override
  public final Scheduler scheduler() {
    return scheduler;
  }

  @Override
  public final boolean isTerminated() {
    return terminated;
  }

  /** Starts a timer on this transaction's scheduler. */
  final Scheduler.Timer schedule(long delayMillis, Runnable action) {
    return scheduler.schedule(action, delayMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts a timer of a state that only absorbs retransmissions after the final response (D, I,
   * J, K, L, M). Such transactions count as lingering, not live; when {@code mayCutShort} and the
   * layer already holds {@code maxLingeringTransactions}, the timer fires at once instead (D, I,
   * J, K; never L and M, which decide how long a 2xx's retransmissions are still passed on).
   *
   * <p>Every such timer is {@linkplain Scheduler#scheduleCoarse coarse}: it ends its state a
   * little late (up to 250 ms on an event loop, never early) in a batch with the others due about
   * then, so a loop wakes a few times a second for them, not at every tick of its wheel. For L
   * and M, late only means a 2xx retransmitted at the very end of 64*T1 is still passed on.
   */
  final Scheduler.Timer linger(long delayMillis, Runnable fired, boolean mayCutShort) {
    if (!lingering) {
      if (!layer.admitLingering(mayCutShort)) {
        return schedule(0, fired);
      }
      lingering = true;
    }
    return scheduler.scheduleCoarse(fired, delayMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * On the scheduler's next turn, once the transaction user is done with the final response it
   * was handed or sent: keeps the request as its bytes, and lets the state do the same with what
   * it keeps ({@link #compact}), unless the transaction has ended meanwhile.
   */
  final void compactLater() {
    scheduler.execute(() -> {
      if (!terminated) {
        compactBeforeRequest();
        compactRequest();
        compact();
      }
    });
  }

  private void compactRequest() {
    SipRequest r = request;
    WireCopy copy = r == null ? null : WireCopy.of(r, requestWire);
    if (copy != null) { // else kept as it is: its bytes do not parse back
      requestCopy = copy;
      request = null;
      requestWire = null; // the copy holds it
    }
  }

  /**
   * Lets the request go for the rest of the transaction (the lingering state keeps what it needs
   * of it in another form, and its transaction user reads no request any more): {@link
   * #request()} throws from then on. On the scheduler.
   */
  final void dropRequest() {
    request = null;
    requestCopy = null;
    requestWire = null;
  }

  /**
   * Whether {@link #dropRequest} let the request go (for {@link TransactionProbe}): the request
   * and its copy are both null only then, since compaction writes the copy before it clears the
   * request.
   */
  final boolean requestDropped() {
    return request == null && requestCopy == null;
  }

  /** The request's bytes once compacted, else null (for {@link TransactionProbe}). */
  final WireCopy requestCopy() {
    return requestCopy;
  }

  /** The final response's bytes, for a state that keeps them (for {@link TransactionProbe}); else null. */
  WireCopy responseCopy() {
    return null;
  }

  /**
   * Before the request is compacted: a state that needs less than the request may {@link
   * #dropRequest} here, so that it is neither kept nor checked. On the scheduler.
   */
  void compactBeforeRequest() {}

  /** What the lingering state keeps, compacted. On the scheduler, in a lingering state. */
  void compact() {}

  /**
   * The parsed or built messages and the listener this transaction holds now, for tests that
   * check a lingering transaction keeps only bytes. Read on the scheduler.
   */
  void addHeld(List<Object> held) {
    if (request != null) {
      held.add(request);
    }
  }

  /** Cancels a timer that may be null; returns null to clear the field. */
  static Scheduler.Timer cancel(Scheduler.Timer timer) {
    if (timer != null) {
      timer.cancel();
    }
    return null;
  }

  /**
   * Enters Terminated: cancels every timer, leaves the layer's tables, tells who listens. Called
   * on the scheduler; idempotent.
   */
  final void terminate() {
    if (terminated) {
      return;
    }
    terminated = true;
    cancelTimers();
    if (lingering) {
      lingering = false;
      layer.lingerEnded();
    }
    layer.remove(this);
    onTerminated();
  }

  /** Cancels every timer still running. */
  abstract void cancelTimers();

  /** Reports the end (listener, transaction user). */
  abstract void onTerminated();

  /** The cause inside a CompletableFuture's wrapping. */
  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + method + " branch=" + branch + "}";
  }
}
