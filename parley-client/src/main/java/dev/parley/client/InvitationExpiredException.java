package dev.parley.client;

/**
 * Nobody answered the invitation in time: it was rejected with 480 Temporarily Unavailable (see
 * {@link Endpoint.Builder#invitationTimeout}), and {@link IncomingSessionEvent#accept()} fails with
 * this.
 */
public final class InvitationExpiredException extends SessionException {
  private static final long serialVersionUID = 1L;

  /** An expiry described by {@code message}. */
  public InvitationExpiredException(String message) {
    super(message, 480);
  }
}
