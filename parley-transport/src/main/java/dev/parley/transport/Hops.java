package dev.parley.transport;

import dev.parley.sip.Address;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * The next hop of a request known without DNS: which URI a request goes to first (RFC 3261
 * §8.1.2), and the {@link Hop} of a SIP URI with a numeric host (or {@code localhost}), the way
 * RFC 3263 §4 does when the host is an IP address: transport from the {@code transport} parameter
 * (TLS for sips), port from the URI or the transport's default. Names that need DNS are refused
 * here; {@link ServerLocator} resolves those. Stateless.
 */
public final class Hops {
  private Hops() {}

  /**
   * The hop a request with {@code routeSet} (its Route values, topmost first) and Request-URI
   * {@code requestUri} goes to first (RFC 3261 §8.1.2, loose routing): the topmost Route's URI
   * when there is one, else the Request-URI; for a dialog, its route set and remote target
   * (§12.2.1.1).
   *
   * @throws IllegalArgumentException as {@link #of(Uri)}, for the URI chosen
   */
  public static Hop next(List<Address> routeSet, Uri requestUri) {
    Objects.requireNonNull(routeSet, "routeSet");
    Objects.requireNonNull(requestUri, "requestUri");
    return of(routeSet.isEmpty() ? requestUri : routeSet.get(0).uri());
  }

  /**
   * The hop for {@code uri}.
   *
   * @throws IllegalArgumentException if the URI is not sip/sips or its host is not an IP address
   */
  public static Hop of(Uri uri) {
    if (!(uri instanceof SipUri sip)) {
      throw new IllegalArgumentException("not a sip or sips URI: " + uri);
    }
    Transport transport;
    String param = sip.transport();
    if (param != null) {
      transport = Transport.of(param);
      if (sip.isSecure() && transport == Transport.TCP) {
        transport = Transport.TLS;
      }
    } else {
      transport = sip.isSecure() ? Transport.TLS : Transport.UDP;
    }
    String host = sip.maddr() != null ? sip.maddr() : sip.host();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = sip.port() >= 0 ? sip.port() : transport.defaultPort();
    return new Hop(transport, new InetSocketAddress(numeric(host), port));
  }

  private static InetAddress numeric(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return InetAddress.getLoopbackAddress();
    }
    boolean literal = !host.isEmpty();
    for (int i = 0; i < host.length() && literal; i++) {
      char c = host.charAt(i);
      literal = Character.digit(c, 16) >= 0 || c == '.' || c == ':';
    }
    if (literal) {
      try {
        return InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        // fall through
      }
    }
    throw new IllegalArgumentException("host is not an IP address (DNS lookup not supported here): " + host);
  }
}
