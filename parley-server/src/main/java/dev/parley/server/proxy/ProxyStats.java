package dev.parley.server.proxy;

/**
 * A snapshot of the proxy's counters, for a status page: what is in flight and what has passed
 * since the server started. Counters only grow, except {@link #activeContexts()}.
 *
 * @param activeContexts requests being proxied now (a response context of RFC 3261 §16 that has
 *     not sent its final response)
 * @param maxContexts the bound on {@code activeContexts}; beyond it requests get 503
 * @param requestsForwarded requests sent downstream: one per branch of a fork, ACKs and stateless
 *     forwards included
 * @param challenges 407 challenges sent
 * @param responses1xx provisional responses sent upstream (forwarded or generated)
 * @param responses2xx success responses sent upstream
 * @param responses3xx redirections sent upstream
 * @param responses4xx client-error responses sent upstream (challenges, 404, 480, 403 included)
 * @param responses5xx server-error responses sent upstream
 * @param responses6xx global-failure responses sent upstream
 * @param relaysRefused requests refused 403 as relays (a foreign target, or a Route onwards, for
 *     a sender the server does not vouch for) and ACKs dropped outside our dialogs
 * @param strayResponsesDropped responses that matched no transaction of ours, dropped
 * @param maxBreadthExceeded requests answered 440 (more targets than their Max-Breadth)
 */
public record ProxyStats(int activeContexts, int maxContexts, long requestsForwarded,
    long challenges, long responses1xx, long responses2xx, long responses3xx, long responses4xx,
    long responses5xx, long responses6xx, long relaysRefused, long strayResponsesDropped,
    long maxBreadthExceeded) {

  /**
   * Responses sent upstream in status class {@code statusClass} (1 to 6).
   *
   * @throws IllegalArgumentException if {@code statusClass} is not 1..6
   */
  public long responses(int statusClass) {
    return switch (statusClass) {
      case 1 -> responses1xx;
      case 2 -> responses2xx;
      case 3 -> responses3xx;
      case 4 -> responses4xx;
      case 5 -> responses5xx;
      case 6 -> responses6xx;
      default -> throw new IllegalArgumentException("statusClass must be 1..6: " + statusClass);
    };
  }
}
