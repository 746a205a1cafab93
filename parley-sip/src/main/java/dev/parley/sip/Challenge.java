package dev.parley.sip;

import dev.parley.sip.internal.Lexer;
import java.util.Objects;

/**
 * The value of a WWW-Authenticate or Proxy-Authenticate header (RFC 3261 §20.44, §22; RFC 7616):
 * an auth scheme and its auth-params (realm, nonce, opaque, stale, algorithm, qop...).
 *
 * @param scheme the auth-scheme as written
 * @param parameters the auth-params, values as written (quoted strings keep their quotes)
 */
public record Challenge(String scheme, Parameters parameters) {
  /** Validates the parts. */
  public Challenge {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(parameters, "parameters");
  }

  /** Whether the scheme is Digest. */
  public boolean isDigest() {
    return scheme.equalsIgnoreCase("Digest");
  }

  /** The value of auth-param {@code name} without quotes and escapes, or null. */
  public String parameter(String name) {
    return Lexer.unquote(parameters.get(name));
  }

  @Override
  public String toString() {
    return format(scheme, parameters);
  }

  static String format(String scheme, Parameters parameters) {
    StringBuilder sb = new StringBuilder(128).append(scheme);
    for (int i = 0; i < parameters.size(); i++) {
      sb.append(i == 0 ? " " : ", ").append(parameters.name(i));
      if (parameters.value(i) != null) {
        sb.append('=').append(parameters.value(i));
      }
    }
    return sb.toString();
  }
}
