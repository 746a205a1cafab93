package dev.parley.server.proxy.internal;

import dev.parley.sip.SipUri;
import dev.parley.transport.Hop;
import dev.parley.transport.Hops;
import dev.parley.transport.ServerLocator;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;

/**
 * Where a proxied request or ACK goes next: a target's fixed hop, its URI's IP literal as
 * written, else the first hop RFC 3263 locates for its host (asynchronously), else the target's
 * fallback.
 *
 * <p>Thread-safe; never blocks.
 */
final class NextHops {
  private final ServerLocator locator;
  private final OpenFlows flows;

  /**
   * @param locator the RFC 3263 locator, or null: a host name is then never found
   * @param flows the open connections, which say whether a flow token's flow is gone
   */
  NextHops(ServerLocator locator, OpenFlows flows) {
    this.locator = locator;
    this.flows = java.util.Objects.requireNonNull(flows, "flows");
  }

  /** The open connections: a fixed hop that names a closed one is not dialled (RFC 5626 §5.3). */
  OpenFlows flows() {
    return flows;
  }

  /**
   * The hop for a target: as given, an IP literal as written, else RFC 3263 (the first hop); the
   * target's fallback when a name cannot be located.
   */
  CompletableFuture<Hop> resolve(ProxyTarget target) {
    Hop now = now(target);
    if (now != null) {
      return CompletableFuture.completedFuture(now);
    }
    SipUri uri = target.hopUri();
    CompletableFuture<Hop> located = locator == null
        ? CompletableFuture.failedFuture(new UnknownHostException(uri.host()))
        : locator.locate(uri).thenApply(hops -> hops.get(0));
    Hop fallback = target.fallback();
    return fallback == null ? located : located.exceptionally(e -> fallback);
  }

  /**
   * The hop for a target known without a lookup: its fixed hop, or its URI's IP literal as
   * written; null when the URI names a host to locate ({@link #resolve}).
   */
  Hop now(ProxyTarget target) {
    if (target.hop() != null) {
      return target.hop();
    }
    Hop written;
    try {
      written = Hops.of(target.hopUri());
    } catch (IllegalArgumentException e) {
      return null; // a host name: locate it
    }
    // A UDP binding's Contact is most often its source: the source's hop, remembered per binding
    // source, is then the one the branch's transaction keeps for Timer D, not a new copy per call.
    return written.equals(target.fallback()) ? target.fallback() : written;
  }
}
