package dev.parley.transport;

/**
 * Receives what the transport layer reads from the network. Called on an event loop: it must not
 * block. The transaction layer implements it.
 */
public interface TransportListener {
  /** A well-framed message arrived. */
  void onMessage(Inbound inbound);

  /** A connection-oriented flow closed (by either side, by error or by idle reaping). */
  default void onFlowClosed(Flow flow) {}
}
