package dev.parley.focus;

import java.util.Locale;

/**
 * A participant's leg as the roster shows it: the {@code endpoint} statuses of RFC 4575 §5.4.7.4
 * that the focus uses.
 */
public enum ParticipantStatus {
  /** The focus is inviting the participant (a dial-out asked for by REFER). */
  DIALING_OUT,
  /** The participant's INVITE arrived and is not answered yet. */
  DIALING_IN,
  /** The participant's phone is ringing (180 from a dial-out). */
  ALERTING,
  /** In the conference. */
  CONNECTED,
  /** In the conference and has put the focus on hold (or is held): not mixed, not sent to. */
  ON_HOLD,
  /** In the conference and muted by the focus: heard by nobody, hears everyone. */
  MUTED_VIA_FOCUS,
  /** Leaving: a BYE is on its way. */
  DISCONNECTING,
  /** Gone (shown once in a partial notification, then removed). */
  DISCONNECTED;

  /** The RFC 4575 token: {@code dialing-out}, {@code connected}, ... */
  public String token() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether the participant is in the conference (connected, held or muted). */
  public boolean isIn() {
    return this == CONNECTED || this == ON_HOLD || this == MUTED_VIA_FOCUS;
  }
}
