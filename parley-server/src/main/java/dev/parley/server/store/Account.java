package dev.parley.server.store;

import dev.parley.auth.DigestAlgorithm;
import dev.parley.auth.Ha1;
import java.util.Map;
import java.util.Objects;

/**
 * A user account of a SIP domain as the {@link Store} keeps it: no password, only the digest
 * HA1 values (RFC 7616 §3.4.2) for MD5, SHA-256 and SHA-512-256, computed with the domain as
 * realm. An HA1 lets its holder sign in as the user in that realm: treat it as a secret.
 *
 * <p>Immutable and thread-safe.
 *
 * @param domain the SIP domain, which is also the digest realm
 * @param username the username
 * @param ha1Md5 H(username:realm:password) under MD5, lower-case hex
 * @param ha1Sha256 the same under SHA-256
 * @param ha1Sha512256 the same under SHA-512-256
 * @param admin whether the user may sign in to the web admin page ({@code docs/web.md})
 * @param disabled whether the account is refused at digest authentication (403)
 */
public record Account(String domain, String username, String ha1Md5, String ha1Sha256,
    String ha1Sha512256, boolean admin, boolean disabled) {
  /**
   * Validates the parts.
   *
   * @throws NullPointerException if a part is null
   */
  public Account {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(ha1Md5, "ha1Md5");
    Objects.requireNonNull(ha1Sha256, "ha1Sha256");
    Objects.requireNonNull(ha1Sha512256, "ha1Sha512256");
  }

  /** An account that is neither admin nor disabled. */
  public Account(String domain, String username, String ha1Md5, String ha1Sha256,
      String ha1Sha512256) {
    this(domain, username, ha1Md5, ha1Sha256, ha1Sha512256, false, false);
  }

  /** This account with the admin flag set to {@code admin}. */
  public Account withAdmin(boolean admin) {
    return new Account(domain, username, ha1Md5, ha1Sha256, ha1Sha512256, admin, disabled);
  }

  /**
   * The account of {@code username} in {@code domain} with {@code password}, hashed at once
   * ({@link Ha1#computeAll}); the password is not kept.
   *
   * @throws IllegalArgumentException if {@code username} or {@code domain} is empty
   */
  public static Account withPassword(String domain, String username, String password) {
    Map<DigestAlgorithm, String> ha1 = Ha1.computeAll(username, domain, password);
    return new Account(domain, username, ha1.get(DigestAlgorithm.MD5),
        ha1.get(DigestAlgorithm.SHA_256), ha1.get(DigestAlgorithm.SHA_512_256));
  }

  /** The HA1 for a base algorithm, or null for one not stored. */
  public String ha1(DigestAlgorithm algorithm) {
    return switch (algorithm.base()) {
      case MD5 -> ha1Md5;
      case SHA_256 -> ha1Sha256;
      case SHA_512_256 -> ha1Sha512256;
      default -> null;
    };
  }

  /** Leaves the HA1 values out, so that logs never show them. */
  @Override
  public String toString() {
    return "Account[" + username + "@" + domain + (admin ? ", admin" : "")
        + (disabled ? ", disabled" : "") + "]";
  }
}
