package dev.parley.auth;

import java.util.Objects;

/**
 * Where a UAC finds the {@link UserSecret} to answer a challenge of a given realm with.
 *
 * <p>Implementations must be thread-safe; {@link DigestClient} may call them from any thread,
 * including an event loop, so they must not block (look secrets up before signing in).
 */
@FunctionalInterface
public interface CredentialsProvider {
  /**
   * The secret for {@code realm}, or null when this user agent has none (the challenge is then not
   * answered).
   *
   * @param realm the challenge's realm, unquoted
   */
  UserSecret forRealm(String realm);

  /**
   * A provider that answers every realm with {@code secret}: the usual case of a user agent with
   * one account. Note that it lets any proxy on the path obtain a digest computed from the
   * password.
   *
   * @throws NullPointerException if {@code secret} is null
   */
  static CredentialsProvider of(UserSecret secret) {
    Objects.requireNonNull(secret, "secret");
    return realm -> secret;
  }
}
