package dev.parley.dialog;

import dev.parley.sip.SipResponse;

/**
 * A request ended with a non-2xx final response (or a local timeout, reported as 408). Carries
 * the response so the caller can read the status, reason and headers.
 */
public final class SipFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient SipResponse response;
  private final int statusCode;

  public SipFailure(SipResponse response) {
    super(response.statusCode() + " " + response.reasonPhrase());
    this.response = response;
    this.statusCode = response.statusCode();
  }

  public SipFailure(int statusCode, String message) {
    super(statusCode + " " + message);
    this.response = null;
    this.statusCode = statusCode;
  }

  /** The final response, or null for a local failure (timeout, transport error). */
  public SipResponse response() {
    return response;
  }

  /** The status code (408 for a timeout, 503 for a transport error). */
  public int statusCode() {
    return statusCode;
  }

  /**
   * The status a failed future reports: {@code error} (or the cause of a {@link
   * java.util.concurrent.CompletionException} around it) as a {@link SipFailure}, or null when it
   * is something else.
   */
  public static SipFailure of(Throwable error) {
    Throwable e = error instanceof java.util.concurrent.CompletionException c
        && c.getCause() != null ? c.getCause() : error;
    return e instanceof SipFailure f ? f : null;
  }

  /** {@link #of}'s status code, or 500 when {@code error} is no SIP failure. */
  public static int statusOf(Throwable error) {
    SipFailure f = of(error);
    return f != null ? f.statusCode : 500;
  }
}
