package dev.parley.transport;

import dev.parley.sip.Via;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Where a response goes when the flow its request came on is gone, read from the request's top
 * Via (RFC 3261 §18.2.2, RFC 3581 §4): for a reliable transport the {@code received} address (or
 * sent-by) and the sent-by port; for UDP the {@code maddr}, else the {@code received} address
 * with the {@code rport} port, else {@code received} or sent-by with the sent-by port. A missing
 * port is the transport's default.
 *
 * <p>Stateless and thread-safe. Resolves IP literals only: a sent-by that is a domain name needs
 * RFC 3263 §5 server location, which is not done here.
 */
public final class ResponseRouting {
  private ResponseRouting() {}

  /**
   * The hop for a response to a request whose top Via is {@code topVia}.
   *
   * @throws IllegalArgumentException if the Via names a transport Parley does not speak, or the
   *     target host is a domain name
   */
  public static Hop hopFor(Via topVia) {
    Objects.requireNonNull(topVia, "topVia");
    Transport transport = Transport.of(topVia.transport());
    int sentByPort = topVia.port() >= 0 ? topVia.port() : transport.defaultPort();
    String received = topVia.received();
    String host;
    int port = sentByPort;
    if (transport.isReliable()) {
      host = received != null ? received : topVia.host();
    } else if (topVia.maddr() != null) {
      host = topVia.maddr();
    } else if (topVia.rport() >= 0) {
      host = received != null ? received : topVia.host();
      port = topVia.rport();
    } else {
      host = received != null ? received : topVia.host();
    }
    return new Hop(transport, new InetSocketAddress(literal(host), port));
  }

  private static InetAddress literal(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(h);
    if (bytes == null) {
      throw new IllegalArgumentException("response target " + host
          + " is a domain name: resolve it per RFC 3263 §5");
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bad IP address: " + host, e);
    }
  }
}
