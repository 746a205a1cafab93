package dev.parley.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A local address a transport listens on, written {@code transport:host:port} on command lines
 * ({@code udp:127.0.0.1:5080}, {@code tcp:[::1]:5060}).
 *
 * @param transport the transport
 * @param address the bound address (port 0 asks the system for a free one)
 */
public record ListenPoint(Transport transport, InetSocketAddress address) {
  /** Validates the parts. */
  public ListenPoint {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(address, "address");
  }

  /**
   * Parses {@code transport:host:port}; an IPv6 host is written in brackets. Resolves numeric
   * hosts and {@code localhost} only (no DNS).
   *
   * @throws IllegalArgumentException saying what is wrong with {@code text}
   */
  public static ListenPoint parse(String text) {
    Objects.requireNonNull(text, "text");
    int colon = text.indexOf(':');
    int portColon = text.lastIndexOf(':');
    if (colon <= 0 || portColon == colon) {
      throw new IllegalArgumentException(
          "listen point must be transport:host:port (e.g. udp:127.0.0.1:5060): " + text);
    }
    Transport transport = Transport.of(text.substring(0, colon));
    String host = text.substring(colon + 1, portColon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("IPv6 host must be in brackets: " + text);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(portColon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port is not a number: " + text);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host is missing: " + text);
    }
    try {
      InetAddress address = host.equalsIgnoreCase("localhost")
          ? InetAddress.getLoopbackAddress() : InetAddress.getByName(literal(host));
      return new ListenPoint(transport, new InetSocketAddress(address, port));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("host is not an IP address: " + host);
    }
  }

  private static String literal(String host) throws UnknownHostException {
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (!(Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '%')) {
        throw new UnknownHostException(host);
      }
    }
    return host;
  }

  /** The host as written in a Via sent-by or Contact (IPv6 in brackets). */
  public String hostText() {
    String h = address.getAddress().getHostAddress();
    return h.indexOf(':') >= 0 ? "[" + h + "]" : h;
  }

  @Override
  public String toString() {
    return transport.name().toLowerCase(java.util.Locale.ROOT) + ":" + hostText() + ":" + address.getPort();
  }
}
