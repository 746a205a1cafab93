package dev.parley.auth;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a UAC proves its identity with: a username and either its password or precomputed HA1
 * values (see {@link Ha1}) for one realm.
 *
 * <p>A password answers challenges of any realm and algorithm. Precomputed HA1 values answer only
 * the realm they were computed for, and only the algorithms (and their {@code -sess} variants)
 * given. Immutable and thread-safe; {@link #toString()} never shows the secret.
 */
public final class UserSecret {
  private final String username;
  private final String password;
  private final String realm;
  private final Map<DigestAlgorithm, String> ha1;

  private UserSecret(String username, String password, String realm,
      Map<DigestAlgorithm, String> ha1) {
    this.username = username;
    this.password = password;
    this.realm = realm;
    this.ha1 = ha1;
  }

  /**
   * A username and its password.
   *
   * @throws IllegalArgumentException if {@code username} is empty or holds CR or LF
   * @throws NullPointerException if an argument is null
   */
  public static UserSecret ofPassword(String username, String password) {
    checkUsername(username);
    Objects.requireNonNull(password, "password");
    return new UserSecret(username, password, null, Map.of());
  }

  /**
   * A username and its HA1 values for {@code realm}, keyed by algorithm (a {@code -sess} key
   * counts as its base algorithm).
   *
   * @throws IllegalArgumentException if {@code username} or {@code realm} is empty, {@code
   *     ha1ByAlgorithm} is empty, or a value is not hex of its algorithm's length
   * @throws NullPointerException if an argument, key or value is null
   */
  public static UserSecret ofHa1(String username, String realm,
      Map<DigestAlgorithm, String> ha1ByAlgorithm) {
    checkUsername(username);
    Ha1.requireNonEmpty(realm, "realm");
    Objects.requireNonNull(ha1ByAlgorithm, "ha1ByAlgorithm");
    if (ha1ByAlgorithm.isEmpty()) {
      throw new IllegalArgumentException("ha1ByAlgorithm is empty");
    }
    Map<DigestAlgorithm, String> copy = new EnumMap<>(DigestAlgorithm.class);
    for (Map.Entry<DigestAlgorithm, String> e : ha1ByAlgorithm.entrySet()) {
      DigestAlgorithm a = Objects.requireNonNull(e.getKey(), "ha1ByAlgorithm key").base();
      String v = Objects.requireNonNull(e.getValue(), "ha1ByAlgorithm value");
      if (!Digest.isHex(v, a.hexLength())) {
        throw new IllegalArgumentException("ha1ByAlgorithm value for " + a.token()
            + " is not " + a.hexLength() + " hex digits");
      }
      copy.put(a, v.toLowerCase(java.util.Locale.ROOT));
    }
    return new UserSecret(username, null, realm, Collections.unmodifiableMap(copy));
  }

  private static void checkUsername(String username) {
    Ha1.requireNonEmpty(username, "username");
    if (username.indexOf('\r') >= 0 || username.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("username holds CR or LF");
    }
  }

  /** The username, unquoted and unescaped. */
  public String username() {
    return username;
  }

  /** Whether this secret can answer a challenge of {@code realm} with {@code algorithm}. */
  public boolean supports(DigestAlgorithm algorithm, String realm) {
    Objects.requireNonNull(algorithm, "algorithm");
    if (password != null) {
      return true;
    }
    return this.realm.equals(realm) && ha1.containsKey(algorithm.base());
  }

  /** The stored-form HA1 for {@code algorithm.base()} and {@code realm}, or null if unsupported. */
  String ha1(DigestAlgorithm algorithm, String realm) {
    if (password != null) {
      return Ha1.compute(algorithm, username, realm, password);
    }
    return this.realm.equals(realm) ? ha1.get(algorithm.base()) : null;
  }

  @Override
  public String toString() {
    return "UserSecret{username=" + username
        + (password != null ? ", password=<hidden>" : ", realm=" + realm + ", ha1=" + ha1.keySet())
        + "}";
  }
}
