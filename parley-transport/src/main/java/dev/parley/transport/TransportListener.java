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

  /**
   * A request that cannot be passed on (it did not parse, or a mandatory header is missing or
   * malformed) came over {@code flow}, and the transport is about to answer it statelessly (400,
   * 505 or 513). Return false to drop it unanswered instead: a listener that limits sources
   * counts such requests here like any other, so a blocked or flooding source gets no answers.
   * Default: answer.
   */
  default boolean mayAnswerMalformed(Flow flow) {
    return true;
  }
}
