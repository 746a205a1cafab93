package dev.parley.client;

/**
 * A session operation ({@code accept()}, {@code addParticipant()}) failed. Subclasses name the
 * expected outcomes (cancelled, expired, rejected); this class itself reports network failures,
 * such as an ACK that never came (408) or a transport error (503).
 */
public class SessionException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int statusCode;

  /** A failure with {@code message} and the SIP {@code statusCode} behind it (0 when none). */
  public SessionException(String message, int statusCode) {
    super(message);
    this.statusCode = statusCode;
  }

  /** The SIP status code behind the failure, or 0. */
  public int statusCode() {
    return statusCode;
  }
}
