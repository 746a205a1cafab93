package dev.parley.auth;

import java.util.Objects;

/**
 * The outcome of verifying a request's digest credentials ({@link DigestAuthenticator}).
 *
 * <p>How a server answers each status (RFC 3261 §22.1, §22.3; RFC 7616 §3.3):
 * <ul>
 *   <li>{@link Status#OK}: proceed as {@link #username()}.
 *   <li>{@link Status#MISSING}, {@link Status#BAD_CREDENTIALS}, {@link Status#UNKNOWN_NONCE},
 *       {@link Status#UNKNOWN_ALGORITHM}: 401 (or 407) with fresh challenges. Only
 *       BAD_CREDENTIALS is a failed guess (the nonce was issued to the sender): count it against
 *       the sender, not the others.
 *   <li>{@link Status#STALE}, {@link Status#REPLAY}: 401 (or 407) with fresh challenges carrying
 *       {@code stale=true}; the response digest was right, so a genuine client retries at once
 *       without asking its user, while a replayer cannot answer the new nonce.
 *   <li>{@link Status#MALFORMED}: 400 Bad Request.
 * </ul>
 * Immutable and thread-safe.
 *
 * @param status what happened
 * @param username the authenticated username when {@code status} is OK, else null
 * @param detail why the credentials were refused, for logs (never a secret); empty when OK
 */
public record AuthResult(Status status, String username, String detail) {
  /** What verifying credentials concluded. */
  public enum Status {
    /** Credentials are valid: the user is authenticated. */
    OK,
    /** The request carries no Digest credentials for this realm. */
    MISSING,
    /**
     * Wrong password or unknown user, or a wrong opaque or URI, answering a nonce this server
     * issued to the sender: a failed guess.
     */
    BAD_CREDENTIALS,
    /**
     * The nonce was not issued by this server for this realm and the sender's address: made up,
     * from another server, from before a restart without a fixed secret, or issued to another
     * address. Nothing was checked against the password, and the sender may be spoofed: not a
     * failed guess.
     */
    UNKNOWN_NONCE,
    /** The digest is right but the nonce has expired (or its use can no longer be checked). */
    STALE,
    /** The digest is right but this nonce count (or, without qop, this nonce) was already used. */
    REPLAY,
    /** The credentials name an algorithm this server does not offer. */
    UNKNOWN_ALGORITHM,
    /** The credentials lack a required parameter or hold an invalid one. */
    MALFORMED
  }

  /**
   * Validates the parts.
   *
   * @throws IllegalArgumentException if {@code username} is null for OK or set otherwise
   * @throws NullPointerException if {@code status} or {@code detail} is null
   */
  public AuthResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
    if ((status == Status.OK) != (username != null)) {
      throw new IllegalArgumentException("username must be set exactly when status is OK");
    }
  }

  static AuthResult ok(String username) {
    return new AuthResult(Status.OK, username, "");
  }

  static AuthResult of(Status status, String detail) {
    return new AuthResult(status, null, detail);
  }

  /** Whether the user is authenticated. */
  public boolean isOk() {
    return status == Status.OK;
  }

  /** Whether the server should re-challenge with {@code stale=true} (STALE or REPLAY). */
  public boolean isStale() {
    return status == Status.STALE || status == Status.REPLAY;
  }
}
