package dev.parley.auth;

/**
 * Where a {@link DigestAuthenticator} finds the stored HA1 of a user (see {@link Ha1}), so that the
 * server never holds a plaintext password.
 *
 * <p>Implementations must be thread-safe. The authenticator calls this on the thread that verifies
 * the request, which may be an event loop: an implementation backed by a database should answer
 * from a cache and must not block for long.
 */
@FunctionalInterface
public interface CredentialStore {
  /**
   * The HA1 = H(username:realm:password) stored for {@code username} in {@code realm} under
   * {@code algorithm}, in hex, or null when the user is unknown or has no HA1 for that algorithm.
   *
   * @param username the username as the client sent it, unquoted and unescaped
   * @param realm the realm being authenticated
   * @param algorithm a base algorithm (never a {@code -sess} variant)
   */
  String ha1(String username, String realm, DigestAlgorithm algorithm);
}
