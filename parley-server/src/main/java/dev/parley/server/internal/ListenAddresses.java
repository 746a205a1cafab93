package dev.parley.server.internal;

import dev.parley.server.proxy.AddressMatcher;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** The {@code HOST:PORT} of the server's HTTP listeners (status, web): IP literals only. */
public final class ListenAddresses {
  private ListenAddresses() {}

  /**
   * Parses {@code HOST:PORT}, an IP literal and a port ({@code [::1]:8443} for IPv6); a host name
   * is refused, never resolved.
   *
   * @param example a correct IPv6 example for the error message ({@code [::1]:8060})
   * @throws IllegalArgumentException naming the text when it is not one
   */
  public static InetSocketAddress parse(String text, String example) {
    int colon = text.lastIndexOf(':');
    String host = colon > 0 ? text.substring(0, colon) : "";
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      host = ""; // IPv6 needs brackets
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (host.isEmpty() || port < 0 || port > 65535 || host.indexOf('/') >= 0) {
      throw new IllegalArgumentException("not HOST:PORT (an IP address; " + example
          + " for IPv6) or off: '" + text + "'");
    }
    try {
      // AddressMatcher accepts IP literals only, so getByName never asks DNS
      return new InetSocketAddress(
          InetAddress.getByName(AddressMatcher.parse(host).entries().get(0)), port);
    } catch (IllegalArgumentException | IOException e) {
      throw new IllegalArgumentException("not an IP address: '" + host
          + "' (host names are not resolved)");
    }
  }

  /** {@code host:port}, IPv6 in brackets and without its zone. */
  public static String text(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress().replaceAll("%.*$", "");
    return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
  }
}
