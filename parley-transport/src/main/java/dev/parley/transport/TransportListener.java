package dev.parley.transport;

import java.net.InetSocketAddress;

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

  /**
   * A UDP datagram from {@code source} that holds a request other than ACK, as far as its first
   * bytes tell (after leading CR and LF: not {@code SIP/} in any case, which starts a response,
   * nor {@code ACK }), is about to be copied and parsed. Return false to drop it there, unparsed,
   * unanswered and untraced. The transport asks once for every such datagram, on the event loop
   * that read it and before anything else is done with it: a listener that limits sources
   * counts UDP requests here, and does not count them again in {@link #onMessage} or
   * {@link #mayAnswerMalformed}, so that a flood's excess costs its read and this check, not a
   * parse. Responses, ACKs and keep-alives are not asked about. Must not block. Default: parse.
   */
  default boolean mayParseDatagram(InetSocketAddress source) {
    return true;
  }
}
