package dev.parley.client;

import dev.parley.sip.Reason;
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
 * @param remoteReason the {@code Reason} header (RFC 3326) the other side gave for this change:
 *     of its BYE or CANCEL, or of its final response to our INVITE. When it sent several (one per
 *     protocol), the {@code SIP} one, else the first. Empty when it gave none (or an unreadable
 *     one), and for changes that are not the other side's doing
 */
public record ParticipantStateChangedEvent(ParticipantState oldState, ParticipantState newState,
    ParticipantStateChangeReason reason, int statusCode, Optional<Reason> remoteReason) {
  /** Validates the parts. */
  public ParticipantStateChangedEvent {
    Objects.requireNonNull(oldState, "oldState");
    Objects.requireNonNull(newState, "newState");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(remoteReason, "remoteReason");
  }

  /** An event without a remote {@code Reason} header. */
  public ParticipantStateChangedEvent(ParticipantState oldState, ParticipantState newState,
      ParticipantStateChangeReason reason, int statusCode) {
    this(oldState, newState, reason, statusCode, Optional.empty());
  }

  /**
   * The reject or terminate reason the status code carries (a 486 is {@link RejectReason#BUSY}, a
   * 603 {@link RejectReason#DECLINE}); empty for success, provisional or unmapped codes.
   */
  public Optional<RejectReason> rejectReason() {
    return statusCode >= 300 ? RejectReason.fromStatus(statusCode) : Optional.empty();
  }
}
