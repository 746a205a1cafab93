package dev.parley.sip;

import java.util.Objects;

/**
 * The value of a WWW-Authenticate or Proxy-Authenticate header (RFC 3261 §20.44, §22; RFC 7616):
 * an auth scheme and its auth-params (realm, nonce, opaque, stale, algorithm, qop...).
 *
 * @param scheme the auth-scheme as written
 * @param parameters the auth-params, values as written (quoted strings keep their quotes)
 */
public record Challenge(String scheme, Parameters parameters) implements AuthValue {
  /** Validates the parts. */
  public Challenge {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(parameters, "parameters");
  }

  @Override
  public String toString() {
    return AuthValue.format(scheme, parameters);
  }
}
