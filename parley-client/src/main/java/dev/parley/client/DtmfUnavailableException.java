package dev.parley.client;

import java.util.Objects;

/**
 * DTMF cannot be sent in this session now, and {@link #reason()} says why. An
 * {@link IllegalStateException} (what {@code sendDtmf} documented before), so existing handlers
 * still catch it. Digits are sent as RFC 4733 telephone-events only: Parley has no SIP INFO
 * fallback.
 */
public final class DtmfUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** Why DTMF cannot be sent. */
  public enum Reason {
    /** No audio stream runs yet (the offer/answer is not complete, or the audio was refused). */
    NO_AUDIO,
    /** The peer's answer lists no telephone-event (RFC 4733) that we support. */
    NO_TELEPHONE_EVENT,
    /** The session's audio has stopped (the session ended, or its audio line went away). */
    AUDIO_ENDED
  }

  private final Reason reason;

  /** A failure for {@code reason}, explained by {@code message}. */
  public DtmfUnavailableException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** A failure for {@code reason}, explained by {@code message}, caused by {@code cause}. */
  public DtmfUnavailableException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why DTMF cannot be sent. */
  public Reason reason() {
    return reason;
  }
}
