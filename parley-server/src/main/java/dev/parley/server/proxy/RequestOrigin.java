package dev.parley.server.proxy;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Who sent a request, as the proxy established it before routing: the source address it came
 * from, and whether the server vouches for the sender (a user of the domain who passed digest
 * authentication, or a {@code trusted} source such as a gateway). Everything else is
 * unauthenticated: a request from another domain for one of our users, or an in-dialog request
 * admitted by its signed Route.
 *
 * @param source the request's source address (IP and port of the flow it arrived on)
 * @param authenticatedUser the user name of the domain whose digest verified, or null
 * @param trusted whether the source is in {@code trusted}
 */
public record RequestOrigin(InetSocketAddress source, String authenticatedUser, boolean trusted) {
  public RequestOrigin {
    Objects.requireNonNull(source, "source");
  }

  /** An unauthenticated sender at {@code source}. */
  public static RequestOrigin unauthenticated(InetSocketAddress source) {
    return new RequestOrigin(source, null, false);
  }

  /** A user of the domain whose digest verified. */
  public static RequestOrigin authenticated(InetSocketAddress source, String user) {
    return new RequestOrigin(source, Objects.requireNonNull(user, "user"), false);
  }

  /** A {@code trusted} source. */
  public static RequestOrigin trustedSource(InetSocketAddress source) {
    return new RequestOrigin(source, null, true);
  }

  /** Whether the server vouches for the sender: authenticated, or a trusted source. */
  public boolean isAuthenticated() {
    return trusted || authenticatedUser != null;
  }
}
