package dev.parley.client;

import java.util.Optional;

/**
 * An invitation we sent failed: the invitee rejected it, or it could not be delivered. Fails the
 * future of {@link Session#addParticipant}; the participant's state change carries the same status.
 */
public final class InvitationRejectedException extends SessionException {
  private static final long serialVersionUID = 1L;

  /** A rejection with the final {@code statusCode} and a {@code message}. */
  public InvitationRejectedException(int statusCode, String message) {
    super(statusCode + " " + message, statusCode);
  }

  /** The reject reason of the status code (486 is BUSY, 603 DECLINE...), if it has one. */
  public Optional<RejectReason> reason() {
    return RejectReason.fromStatus(statusCode());
  }
}
