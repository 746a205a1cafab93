package dev.parley.client;

import java.util.Optional;

/**
 * Why an invitation is rejected or a session terminated (UCCAPI's
 * {@code UCC_REJECT_OR_TERMINATE_REASON}). Each value is the SIP status code that goes on the wire:
 * the final response to the INVITE when rejecting, the {@code Reason: SIP;cause=CODE;text="PHRASE"}
 * header (RFC 3326) of the BYE or CANCEL when terminating with {@link Session#terminate(RejectReason)},
 * and the status the other side's participant state change carries. A normal hang-up has no
 * reason: {@link Session#terminate()}.
 *
 * <p>{@link #NOT_SPECIFIED} has no status code: {@link IncomingSessionEvent#reject} and
 * {@link Session#terminate(RejectReason)} refuse it, because in the original API it left the other
 * side uninformed. {@link #DECLINE_EVERYWHERE} is 600 (Busy Everywhere): UCCAPI's 605 is not a SIP code,
 * and 603 is already {@link #DECLINE}; 600 is the 6xx that tells every other endpoint of the user to
 * stop too, and keeps the mapping one-to-one so the inviter can tell the two apart.
 */
public enum RejectReason {
  /** No reason: refused by {@code reject} and {@code terminate(reason)} (hang up with {@code terminate()}). */
  NOT_SPECIFIED(0),
  /** Forwarded elsewhere: 302 Moved Temporarily with the new target (see {@link IncomingSessionEvent#forward}). */
  FORWARDED(302),
  /** Timed out: 408 Request Timeout. */
  TIMEOUT(408),
  /** Not available now: 480 Temporarily Unavailable (also sent when nobody answers in time). */
  UNAVAILABLE(480),
  /** Busy: 486 Busy Here. */
  BUSY(486),
  /** The session's media or type cannot be accepted: 488 Not Acceptable Here. */
  NOT_ACCEPTABLE(488),
  /** Declined by the user: 603 Decline. */
  DECLINE(603),
  /** Declined on every device of the user: 600 Busy Everywhere (UCCAPI's 605 is not a SIP code). */
  DECLINE_EVERYWHERE(600);

  private final int statusCode;

  RejectReason(int statusCode) {
    this.statusCode = statusCode;
  }

  /** The SIP status code (0 for {@link #NOT_SPECIFIED}). */
  public int statusCode() {
    return statusCode;
  }

  /**
   * The reason a final status code carries: the exact code, or for 3xx {@link #FORWARDED}; empty
   * for codes with no reason (such as 404 or 500).
   */
  public static Optional<RejectReason> fromStatus(int statusCode) {
    if (statusCode >= 300 && statusCode < 400) {
      return Optional.of(FORWARDED);
    }
    for (RejectReason r : values()) {
      if (r.statusCode == statusCode && r != NOT_SPECIFIED) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
