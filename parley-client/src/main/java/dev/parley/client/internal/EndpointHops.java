package dev.parley.client.internal;

import dev.parley.sip.SipUri;
import dev.parley.transport.Hop;
import dev.parley.transport.Hops;
import dev.parley.transport.ServerLocator;
import java.util.concurrent.CompletableFuture;

/**
 * Where an endpoint's requests go (RFC 3263): a numeric URI is its own hop; a name is located
 * through a {@link ServerLocator} made on first use and closed with the endpoint. Thread-safe.
 */
final class EndpointHops {
  private ServerLocator locator; // guarded by this
  private boolean closed; // guarded by this

  /** The hop of {@code uri}; fails when it cannot be located (or the endpoint is closed). */
  CompletableFuture<Hop> resolve(SipUri uri) {
    try {
      return CompletableFuture.completedFuture(Hops.of(uri));
    } catch (IllegalArgumentException numericOnly) {
      ServerLocator l;
      synchronized (this) {
        if (closed) {
          return CompletableFuture.failedFuture(new IllegalStateException("endpoint is closed"));
        }
        if (locator == null) {
          locator = ServerLocator.builder().build();
        }
        l = locator;
      }
      return l.locate(uri).thenApply(hops -> hops.get(0));
    }
  }

  /** Closes the locator, if one was made; idempotent. */
  void close() {
    ServerLocator l;
    synchronized (this) {
      closed = true;
      l = locator;
      locator = null;
    }
    if (l != null) {
      l.close();
    }
  }
}
