package dev.parley.auth;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * HA1 = H(username ":" realm ":" password) (RFC 7616 §3.4.2, RFC 3261 §22.4), the value a
 * registrar stores instead of a password.
 *
 * <p>Strings are hashed as UTF-8. A {@code -sess} algorithm stores the HA1 of its base algorithm;
 * the session HA1 is derived per nonce when a request is verified. Stateless and thread-safe.
 */
public final class Ha1 {
  /** The base algorithms a server stores an HA1 for: MD5, SHA-256 and SHA-512-256. */
  public static final DigestAlgorithm[] STORED = {
      DigestAlgorithm.MD5, DigestAlgorithm.SHA_256, DigestAlgorithm.SHA_512_256};

  private Ha1() {}

  /**
   * H(username:realm:password) under {@code algorithm.base()}, in lower-case hex.
   *
   * @throws IllegalArgumentException if {@code username} or {@code realm} is empty
   * @throws NullPointerException if an argument is null
   */
  public static String compute(DigestAlgorithm algorithm, String username, String realm,
      String password) {
    Objects.requireNonNull(algorithm, "algorithm");
    requireNonEmpty(username, "username");
    requireNonEmpty(realm, "realm");
    Objects.requireNonNull(password, "password");
    return algorithm.base().hash(username + ":" + realm + ":" + password);
  }

  /**
   * The HA1 of every algorithm in {@link #STORED}, for an account store to keep.
   *
   * @throws IllegalArgumentException if {@code username} or {@code realm} is empty
   * @throws NullPointerException if an argument is null
   */
  public static Map<DigestAlgorithm, String> computeAll(String username, String realm,
      String password) {
    Map<DigestAlgorithm, String> out = new EnumMap<>(DigestAlgorithm.class);
    for (DigestAlgorithm a : STORED) {
      out.put(a, compute(a, username, realm, password));
    }
    return Collections.unmodifiableMap(out);
  }

  static void requireNonEmpty(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " is empty");
    }
  }
}
