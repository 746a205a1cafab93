package dev.parley.client;

/**
 * The state of a {@link Participant} in a session (UCCAPI's {@code UCC_SESSION_ENTITY_STATE}).
 *
 * <pre>
 *  IDLE --INVITE sent--> CONNECTING --2xx--> CONNECTED --BYE--> DISCONNECTING --> DISCONNECTED
 *                            |                                                         ^
 *                            +--------- non-2xx final, CANCEL, timeout ----------------+
 * </pre>
 *
 * <p>The inviter of an incoming invitation is CONNECTED from the start (it is in the session it
 * created); it goes DISCONNECTED if it cancels, so checking {@code inviter().state()} before
 * accepting tells whether it is still there.
 */
public enum ParticipantState {
  /** Created, not yet invited. */
  IDLE,
  /** Invited; no final answer yet. */
  CONNECTING,
  /** In the session. */
  CONNECTED,
  /** Leaving: BYE or CANCEL sent. */
  DISCONNECTING,
  /** Out of the session (final). */
  DISCONNECTED
}
