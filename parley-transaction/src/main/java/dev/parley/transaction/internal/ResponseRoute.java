package dev.parley.transaction.internal;

import dev.parley.sip.Via;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where a response goes when the connection its request came on is gone (RFC 3261 §18.2.2): a new
 * connection to the address in {@code received} (else the sent-by host, when it is an IP
 * literal), at the sent-by port or the transport's default port. A sent-by host name would need
 * RFC 3263 §5 resolution, which this minimal fallback does not do.
 */
final class ResponseRoute {
  private ResponseRoute() {}

  /** The fallback hop for a response over reliable {@code flow}, or null when there is none. */
  static Hop fallbackHop(Via via, Flow flow) {
    if (via == null || !flow.transport().isReliable()) {
      return null;
    }
    String host = via.received() != null ? via.received() : via.host();
    InetAddress address = literal(host);
    if (address == null) {
      return null;
    }
    int port = via.port() > 0 ? via.port() : flow.transport().defaultPort();
    return new Hop(flow.transport(), new InetSocketAddress(address, port));
  }

  /** The address of an IPv4 or IPv6 literal (brackets allowed), or null for anything else. */
  private static InetAddress literal(String host) {
    if (host == null || host.isEmpty()) {
      return null;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    boolean colon = h.indexOf(':') >= 0;
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      boolean ok = c == '.' || c == ':' || (c >= '0' && c <= '9')
          || (colon && Character.digit(c, 16) >= 0);
      if (!ok) {
        return null;
      }
    }
    try {
      return InetAddress.getByName(h); // a literal: no name lookup
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
