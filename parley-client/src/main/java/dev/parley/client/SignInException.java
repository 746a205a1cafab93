package dev.parley.client;

import java.util.Objects;

/**
 * Signing in or staying signed in failed. Fails the future of {@link Endpoint#enable()} and is
 * carried by the {@link EndpointStateChangedEvent} of the state change it caused.
 */
public final class SignInException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final SignInFailure reason;
  private final int statusCode;

  /**
   * A failure.
   *
   * @param reason why
   * @param statusCode the SIP status code that ended the attempt (408 for a local timeout, 503 for
   *     an unreachable server)
   * @param message what happened, for people
   */
  public SignInException(SignInFailure reason, int statusCode, String message) {
    super(Objects.requireNonNull(reason, "reason") + " (" + statusCode + "): " + message);
    this.reason = reason;
    this.statusCode = statusCode;
  }

  /** Why signing in failed. */
  public SignInFailure reason() {
    return reason;
  }

  /** The SIP status code that ended the attempt. */
  public int statusCode() {
    return statusCode;
  }
}
