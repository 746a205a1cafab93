package dev.parley.server.proxy;

import dev.parley.sip.SipUri;
import java.util.Locale;
import java.util.Objects;

/**
 * A static route of the proxy: requests for a foreign domain, or for one user of it, go to a
 * fixed next hop (a gateway or another server) instead of being refused as relaying. Config file
 * form: {@code route.gw.example.net = sip:10.0.0.5:5080;transport=tcp} or
 * {@code route.sales@partner.example = sip:partner-sbc.example:5060}.
 *
 * <p>Only local users who authenticated (and trusted sources) may use a static route. The
 * Request-URI is kept; the next hop is reached with RFC 3263 server location on its URI, and is
 * put in no header (like Kamailio's {@code $du}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param user the user the route is for, or null for the whole domain
 * @param domain the domain (lower case)
 * @param nextHop where matching requests are sent
 */
public record StaticRoute(String user, String domain, SipUri nextHop) {
  /**
   * Validates the parts and lower-cases the domain.
   *
   * @throws IllegalArgumentException if {@code domain} or {@code user} is empty or holds a
   *     character a host or user part cannot hold here
   * @throws NullPointerException if {@code domain} or {@code nextHop} is null
   */
  public StaticRoute {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(nextHop, "nextHop");
    if (domain.isEmpty() || domain.chars().anyMatch(c -> c <= ' ' || c == '@' || c == ':'
        || c == '/' || c == ';')) {
      throw new IllegalArgumentException("route domain is not a host name: '" + domain + "'");
    }
    if (user != null && (user.isEmpty() || user.chars().anyMatch(c -> c <= ' ' || c == '@'))) {
      throw new IllegalArgumentException("route user is not a user name: '" + user + "'");
    }
    domain = domain.toLowerCase(Locale.ROOT);
  }

  /**
   * The route for {@code target} ({@code domain} or {@code user@domain}) to {@code nextHop} (a
   * {@code sip:} or {@code sips:} URI).
   *
   * @throws IllegalArgumentException naming the part that is wrong
   */
  public static StaticRoute parse(String target, String nextHop) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(nextHop, "nextHop");
    int at = target.indexOf('@');
    String user = at < 0 ? null : target.substring(0, at);
    String domain = at < 0 ? target : target.substring(at + 1);
    SipUri uri;
    try {
      uri = SipUri.parse(nextHop);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("next hop is not a sip: or sips: URI: '" + nextHop + "'");
    }
    return new StaticRoute(user, domain, uri);
  }

  /** Whether this route is for {@code user} at {@code host} (host compared without case). */
  public boolean matches(String user, String host) {
    return domain.equalsIgnoreCase(host) && (this.user == null || this.user.equals(user));
  }

  /** {@code [user@]domain -> nextHop}. */
  @Override
  public String toString() {
    return (user == null ? "" : user + "@") + domain + " -> " + nextHop;
  }
}
