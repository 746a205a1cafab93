package dev.parley.client;

/** Why signing in (REGISTER, RFC 3261 §10) failed: the reason carried by a {@link SignInException}. */
public enum SignInFailure {
  /** The registrar refused our credentials (401/407 again after we answered the challenge, or no credentials to answer it with). */
  AUTHENTICATION_FAILED,
  /** The registrar answered 403 Forbidden: the account may not register this address. */
  FORBIDDEN,
  /** The registrar could not be reached (connection refused, no route, name not resolved). */
  SERVER_UNREACHABLE,
  /** No final response came in time (RFC 3261 Timer F, 64*T1). */
  TIMEOUT,
  /** Any other final failure response (such as 404 or 500); see {@link SignInException#statusCode()}. */
  REJECTED
}
