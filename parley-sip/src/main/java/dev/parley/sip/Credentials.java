package dev.parley.sip;

import dev.parley.sip.internal.Lexer;
import java.util.Objects;

/**
 * The value of an Authorization or Proxy-Authorization header (RFC 3261 §20.7, §22.4): an auth
 * scheme ("Digest") and its auth-params (username, realm, nonce, uri, response, qop, nc, cnonce,
 * algorithm, opaque...).
 *
 * @param scheme the auth-scheme as written
 * @param parameters the auth-params, values as written (quoted strings keep their quotes)
 */
public record Credentials(String scheme, Parameters parameters) {
  /** Validates the parts. */
  public Credentials {
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
    return Challenge.format(scheme, parameters);
  }
}
