package dev.parley.client;

import java.util.Objects;
import java.util.Optional;

/**
 * A participant changed state (UCCAPI's {@code IUccSessionParticipantStateChangedEvent}). A change
 * of reason within the same state is reported too (CONNECTING with TRYING, then with RINGING).
 *
 * @param oldState the state before
 * @param newState the state now
 * @param reason why
 * @param statusCode the SIP status code behind the change (such as 180, 200, 486), or 0 when none
 */
public record ParticipantStateChangedEvent(ParticipantState oldState, ParticipantState newState,
    ParticipantStateChangeReason reason, int statusCode) {
  /** Validates the parts. */
  public ParticipantStateChangedEvent {
    Objects.requireNonNull(oldState, "oldState");
    Objects.requireNonNull(newState, "newState");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * The reject or terminate reason the status code carries (a 486 is {@link RejectReason#BUSY}, a
   * 603 {@link RejectReason#DECLINE}); empty for success, provisional or unmapped codes.
   */
  public Optional<RejectReason> rejectReason() {
    return statusCode >= 300 ? RejectReason.fromStatus(statusCode) : Optional.empty();
  }
}
