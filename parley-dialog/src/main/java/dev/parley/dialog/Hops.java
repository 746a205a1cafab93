package dev.parley.dialog;

import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import dev.parley.transport.Hop;
import dev.parley.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Turns a SIP URI with a numeric host (or {@code localhost}) into a {@link Hop}, the way RFC 3263
 * does when the host is an IP address: transport from the {@code transport} parameter (TLS for
 * sips), port from the URI or the transport's default. Names that need DNS are refused here; the
 * server locator of the transport layer resolves those.
 */
public final class Hops {
  private Hops() {}

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
