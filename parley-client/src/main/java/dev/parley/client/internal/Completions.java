package dev.parley.client.internal;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * The outcomes an endpoint decides under its lock and hands to the application after it: future
 * completions and network actions, queued (under the lock or not) and started on the executor by
 * {@link #run()} once the lock is released. A future gets the first outcome queued for it. Split
 * out of {@link DefaultEndpoint}, whose {@code complete}, {@code fail}, {@code afterUnlock} and
 * {@code kick} use it. Thread-safe; holds no more than what is queued.
 */
final class Completions {
  private final Executor executor;
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  /** Futures with an outcome in {@link #queue} (identity: futures do not override equals). */
  private final Set<CompletableFuture<?>> settling = ConcurrentHashMap.newKeySet();

  Completions(Executor executor) {
    this.executor = executor;
  }

  /** Completes {@code f} with {@code value} at the next {@link #run()}, unless it has an outcome. */
  <T> void complete(CompletableFuture<T> f, T value) {
    settle(f, () -> f.complete(value));
  }

  /** Fails {@code f} with {@code error} at the next {@link #run()}, unless it has an outcome. */
  void fail(CompletableFuture<?> f, Throwable error) {
    settle(f, () -> f.completeExceptionally(error));
  }

  /** Runs {@code action} on the executor at the next {@link #run()}. */
  void add(Runnable action) {
    queue.add(action);
  }

  /**
   * Queues {@code outcome} for {@code f} unless an outcome is queued for it already: the executor
   * may run queued completions in any order (a pool), so "connected, then failed" must not
   * become "failed" because the second task ran first. Futures leave {@link #settling} once
   * completed, so it holds no more than the queue.
   */
  private void settle(CompletableFuture<?> f, Runnable outcome) {
    if (f.isDone() || !settling.add(f)) {
      return;
    }
    queue.add(() -> {
      try {
        outcome.run();
      } finally {
        settling.remove(f);
      }
    });
  }

  /** Outside the lock: starts what is queued on the executor (on this thread if it refuses). */
  void run() {
    Runnable r;
    while ((r = queue.poll()) != null) {
      try {
        executor.execute(r);
      } catch (RuntimeException e) {
        r.run();
      }
    }
  }
}
