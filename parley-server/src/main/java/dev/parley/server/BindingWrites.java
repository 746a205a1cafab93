package dev.parley.server;

import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import dev.parley.server.registrar.LocationService;
import dev.parley.server.store.Store;
import dev.parley.server.store.StoreException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How changed bindings reach the store: written behind by the server's periodic flush
 * ({@code location.flush_interval}), written through before a REGISTER's 200
 * ({@code location.write_through}), or flushed on demand and at close. Every write runs on the
 * server's single store thread, so writes stay in order; each takes every AOR dirty by then in
 * one transaction, and an AOR whose write fails stays dirty for the next one.
 *
 * <p>Thread-safe: {@link #writeThrough()} may be called on an event loop (it only queues).
 */
final class BindingWrites {
  /** The server's logger: the flush's lines read as they did when SipServer wrote them. */
  private static final Logger log = LoggerFactory.getLogger(SipServer.class);

  private final LocationService location;
  private final Store store;
  private final ExecutorService storeThread;
  /** Store thread only (and {@link #writeNow} at close, once that thread has ended). */
  private boolean failing;

  BindingWrites(LocationService location, Store store, ExecutorService storeThread) {
    this.location = location;
    this.store = store;
    this.storeThread = storeThread;
  }

  /**
   * Writes the changed bindings now, on the store thread, and waits (after the work queued
   * before it).
   *
   * @return how many AORs were written
   * @throws StoreException if the write failed (the AORs stay dirty)
   */
  int flush() {
    try {
      return storeThread.submit(this::writeNow).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while flushing bindings");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StoreException se ? se
          : new StoreException("cannot flush bindings: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Write-through: the stage completes when the bindings changed so far are in the store (or
   * fails with the store's exception). Every REGISTER queues one of these after its change, so a
   * burst of REGISTERs shares a few commits and each 200 waits for the write that holds its
   * change.
   */
  CompletableFuture<Void> writeThrough() {
    CompletableFuture<Void> written = new CompletableFuture<>();
    try {
      storeThread.execute(() -> {
        RuntimeException failure = writeReporting();
        if (failure == null) {
          written.complete(null);
        } else {
          written.completeExceptionally(failure);
        }
      });
    } catch (RejectedExecutionException e) {
      written.completeExceptionally(e); // closing
    }
    return written;
  }

  /** The periodic write-behind; store thread. A failure is logged (once per run of them). */
  void writeBehind() {
    writeReporting(); // the AORs of a failed write stay dirty for the next one
  }

  /**
   * Writes the dirty AORs in one transaction; on the store thread (or at close, after it).
   *
   * @return how many AORs were written
   * @throws RuntimeException the store's failure (the AORs stay dirty)
   */
  int writeNow() {
    Map<Aor, List<Binding>> dirty = location.drainDirty();
    if (dirty.isEmpty()) {
      return 0;
    }
    try {
      store.replaceBindings(dirty);
    } catch (RuntimeException e) {
      location.markDirty(dirty.keySet());
      throw e;
    }
    return dirty.size();
  }

  /** {@link #writeNow}, logging the first failure of a run and the recovery; null when written. */
  private RuntimeException writeReporting() {
    try {
      writeNow();
    } catch (RuntimeException e) {
      if (!failing) {
        failing = true;
        log.warn("binding flush failed, will retry: {}", e.getMessage());
      }
      return e;
    }
    if (failing) {
      failing = false;
      log.info("binding flush recovered");
    }
    return null;
  }
}
