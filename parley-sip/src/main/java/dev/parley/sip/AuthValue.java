package dev.parley.sip;

import dev.parley.sip.internal.Lexer;

/**
 * What a {@link Challenge} and {@link Credentials} share (RFC 3261 §25.1: auth-scheme LWS
 * auth-param *(COMMA auth-param)): a scheme and its parameters.
 */
public sealed interface AuthValue permits Challenge, Credentials {
  /** The auth-scheme as written ("Digest"). */
  String scheme();

  /** The auth-params, values as written (quoted strings keep their quotes). */
  Parameters parameters();

  /** Whether the scheme is Digest. */
  default boolean isDigest() {
    return scheme().equalsIgnoreCase("Digest");
  }

  /** The value of auth-param {@code name} without quotes and escapes, or null. */
  default String parameter(String name) {
    return Lexer.unquote(parameters().get(name));
  }

  /** {@code scheme name=value, name=value}. */
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
