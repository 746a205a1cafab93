package dev.parley.server.internal;

import dev.parley.sip.Address;
import dev.parley.sip.SipUri;
import dev.parley.sip.Via;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the proxy calls its own: the served domain and its aliases, the addresses and ports it
 * listens on, and the Record-Route URIs it writes (RFC 3261 §16.4, §16.6 step 4).
 *
 * <p>Every peer of a test or a small site may live on 127.0.0.1, so a URI whose host is one of
 * our IP addresses (or {@code localhost}) is ours only when it names no port or one of our
 * listening ports; a host that is the domain or a configured name alias is ours on any port.
 *
 * <p>Immutable and thread-safe.
 */
final class OwnAddresses {
  private final String domain;
  private final Set<String> names;
  private final Set<String> ips;
  private final Set<Integer> ports;
  private final List<ListenPoint> listen;
  private final String advertisedHost;

  /**
   * @param domain the served domain (lower case)
   * @param aliases configured aliases (names or IP literals)
   * @param listen the bound listen points (real ports)
   * @param advertisedHost the host for Record-Route with wildcard listeners, or null
   */
  OwnAddresses(String domain, Set<String> aliases, List<ListenPoint> listen, String advertisedHost) {
    this.domain = domain.toLowerCase(Locale.ROOT);
    this.listen = List.copyOf(listen);
    this.advertisedHost = advertisedHost;
    Set<String> n = new HashSet<>();
    Set<String> ip = new HashSet<>();
    ip.add("localhost");
    for (String a : aliases) {
      String h = strip(a.toLowerCase(Locale.ROOT));
      if (isIpLiteral(h)) {
        ip.add(normalise(h));
      } else {
        n.add(h);
      }
    }
    if (advertisedHost != null) {
      String h = strip(advertisedHost.toLowerCase(Locale.ROOT));
      if (isIpLiteral(h)) {
        ip.add(normalise(h));
      } else {
        n.add(h);
      }
    }
    Set<Integer> p = new HashSet<>();
    for (ListenPoint lp : listen) {
      p.add(lp.address().getPort());
      InetAddress a = lp.address().getAddress();
      if (a.isAnyLocalAddress()) {
        try {
          for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress ia : Collections.list(ni.getInetAddresses())) {
              ip.add(normalise(ia.getHostAddress()));
            }
          }
        } catch (SocketException e) {
          // no interface list: the listen addresses and aliases still count
        }
      } else {
        ip.add(normalise(a.getHostAddress()));
      }
    }
    this.names = Set.copyOf(n);
    this.ips = Set.copyOf(ip);
    this.ports = Set.copyOf(p);
  }

  /** The served domain. */
  String domain() {
    return domain;
  }

  /**
   * Whether {@code uri} names the served domain (as a Request-URI or From/To host): the domain or
   * a name alias on any port, or one of our addresses with no port or one of our ports.
   */
  boolean isDomain(SipUri uri) {
    String h = strip(uri.host().toLowerCase(Locale.ROOT));
    if (h.equals(domain) || names.contains(h)) {
      return true;
    }
    return isOwnIp(h) && (uri.port() < 0 || ports.contains(uri.port()));
  }

  /** Whether {@code host} (from a From or To URI) is the served domain or an alias, any port. */
  boolean isDomainHost(String host) {
    String h = strip(host.toLowerCase(Locale.ROOT));
    return h.equals(domain) || names.contains(h) || isOwnIp(h);
  }

  /**
   * Whether {@code uri} (a Route value or a Request-URI written by a strict router) is this proxy:
   * our host (domain, alias, address) with no port or one of our ports.
   */
  boolean isMe(SipUri uri) {
    String h = strip(uri.host().toLowerCase(Locale.ROOT));
    boolean host = h.equals(domain) || names.contains(h) || isOwnIp(h);
    return host && (uri.port() < 0 || ports.contains(uri.port()));
  }

  /** Whether {@code via}'s sent-by is one of our listen points (our own Via on a response). */
  boolean isMine(Via via) {
    String h = strip(via.host().toLowerCase(Locale.ROOT));
    int port = via.port();
    if (port < 0) {
      port = Transport.UDP.defaultPort();
    }
    return ports.contains(port) && (isOwnIp(h) || h.equals(domain) || names.contains(h));
  }

  /**
   * Our Record-Route URI for messages over {@code transport}, as received on {@code local} (the
   * local address of the inbound flow) or null for the outbound side:
   * {@code <sip:HOST:PORT;transport=T;lr>}.
   */
  Address recordRoute(Transport transport, InetSocketAddress local) {
    ListenPoint lp = null;
    for (ListenPoint p : listen) {
      if (p.transport() == transport
          && (local == null || p.address().getPort() == local.getPort())) {
        lp = p;
        break;
      }
    }
    if (lp == null) {
      for (ListenPoint p : listen) {
        if (p.transport() == transport) {
          lp = p;
          break;
        }
      }
    }
    int port = lp != null ? lp.address().getPort()
        : local != null ? local.getPort() : transport.defaultPort();
    String host;
    if (advertisedHost != null) {
      host = advertisedHost;
    } else if (lp != null && !lp.address().getAddress().isAnyLocalAddress()) {
      host = lp.hostText();
    } else if (local != null && !local.getAddress().isAnyLocalAddress()) {
      String a = local.getAddress().getHostAddress();
      host = a.indexOf(':') >= 0 ? "[" + a.replaceAll("%.*$", "") + "]" : a;
    } else {
      host = domain;
    }
    SipUri.Builder b = SipUri.builder().host(host).port(port);
    if (transport != Transport.UDP) {
      b.transport(transport.name().toLowerCase(Locale.ROOT));
    }
    return Address.of(b.looseRouting(true).build());
  }

  private boolean isOwnIp(String host) {
    return isIpLiteral(host) ? ips.contains(normalise(host)) : host.equals("localhost");
  }

  private static String strip(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static boolean isIpLiteral(String h) {
    if (h.isEmpty()) {
      return false;
    }
    boolean colon = h.indexOf(':') >= 0;
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      boolean ok = colon ? Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%'
          : Character.isDigit(c) || c == '.';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** One spelling per address (IPv6 zero compression, no zone). */
  private static String normalise(String ip) {
    String h = ip.replaceAll("%.*$", "");
    if (h.indexOf(':') < 0) {
      return h;
    }
    try {
      return InetAddress.getByName(h).getHostAddress().replaceAll("%.*$", "");
    } catch (java.net.UnknownHostException e) {
      return h;
    }
  }
}
