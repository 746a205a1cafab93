package dev.parley.client;

import java.util.Objects;
import java.util.Optional;

/**
 * What happened to a message or data sent to one recipient (UCCAPI's
 * {@code IUccSessionParticipantOperationEvent}): the final SIP status of the MESSAGE or INFO that
 * carried it. A 2xx means delivered; otherwise the status says why not (486 from a busy peer, 404
 * for an unknown user, 408 when no response came in time, 503 for a transport error, 0 when the
 * participant was not connected and nothing was sent).
 *
 * @param recipient the remote participant the message was for
 * @param statusCode the final SIP status code, or 0 when nothing was sent
 * @param reasonPhrase the response's reason phrase or a description of the local failure
 */
public record DeliveryResult(Participant recipient, int statusCode, String reasonPhrase) {
  /** Validates the parts. */
  public DeliveryResult {
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(reasonPhrase, "reasonPhrase");
  }

  /** Whether the recipient's side accepted it (a 2xx). */
  public boolean isDelivered() {
    return statusCode >= 200 && statusCode < 300;
  }

  /** The reject reason the failure status carries (486 is BUSY, 603 DECLINE...), if any. */
  public Optional<RejectReason> rejectReason() {
    return statusCode >= 300 ? RejectReason.fromStatus(statusCode) : Optional.empty();
  }

  @Override
  public String toString() {
    return recipient.uri() + ": " + statusCode + " " + reasonPhrase;
  }
}
