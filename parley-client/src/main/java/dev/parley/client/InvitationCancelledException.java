package dev.parley.client;

/**
 * The invitation was cancelled before it was answered: on the invitee's side, the inviter sent
 * CANCEL (the INVITE was answered 487) and {@link IncomingSessionEvent#accept()} fails with this;
 * on the inviter's side, the session was terminated while the invitation was pending and
 * {@link Session#addParticipant} fails with this. Status code 487.
 */
public final class InvitationCancelledException extends SessionException {
  private static final long serialVersionUID = 1L;

  /** A cancellation described by {@code message}. */
  public InvitationCancelledException(String message) {
    super(message, 487);
  }
}
