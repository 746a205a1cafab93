package dev.parley.sip;

import java.util.Objects;

/**
 * The value of an Authorization or Proxy-Authorization header (RFC 3261 §20.7, §22.4): an auth
 * scheme ("Digest") and its auth-params (username, realm, nonce, uri, response, qop, nc, cnonce,
 * algorithm, opaque...).
 *
 * @param scheme the auth-scheme as written
 * @param parameters the auth-params, values as written (quoted strings keep their quotes)
 */
public record Credentials(String scheme, Parameters parameters) implements AuthValue {
  /** Validates the parts. */
  public Credentials {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(parameters, "parameters");
  }

  @Override
  public String toString() {
    return AuthValue.format(scheme, parameters);
  }
}
