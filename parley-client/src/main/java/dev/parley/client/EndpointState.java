package dev.parley.client;

/**
 * The sign-in state of an {@link Endpoint} (UCCAPI's {@code UCC_ENDPOINT_STATE}, same order).
 *
 * <pre>
 *   IDLE --enable()--> ENABLING --200 to REGISTER--> ENABLED --disable()--> DISABLING --> DISABLED
 *                          |                            |  ^
 *                          +--failure--> DISABLED       |  | re-registered
 *                                                       v  |
 *                                          ENABLING (refresh failed, retrying with backoff)
 * </pre>
 */
public enum EndpointState {
  /** Built, never enabled. */
  IDLE,
  /** Signing in: REGISTER sent (or being retried after a lost registration). */
  ENABLING,
  /** Signed in (or, without a server, listening for peers): invitations are delivered. */
  ENABLED,
  /** Signing out: REGISTER with Expires: 0 sent. */
  DISABLING,
  /** Signed out, or sign-in failed ({@link EndpointStateChangedEvent#failure()} says why). */
  DISABLED
}
