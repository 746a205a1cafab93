package dev.parley.server.proxy.internal;

import dev.parley.server.internal.Hosts;
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
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the proxy calls its own: the served domain and its aliases, the addresses and ports it
 * listens on, and the Record-Route URIs it writes (RFC 3261 §16.4, §16.6 step 4).
 *
 * <p>Two kinds of host, two rules ({@code docs/server.md}, "Proxy" step 5):
 * <ul>
 *   <li>An <b>address</b> (an IP literal or {@code localhost}: our listen addresses, IP aliases,
 *       and the domain itself when it is one, such as {@code 127.0.0.1}) names a socket, and
 *       every peer of a test or a small site may live on it: a URI with such a host is ours only
 *       when it names one of our listening ports, or no port at all (linphonec drops the port
 *       of the URIs it sends to, {@code shared/INTEROP.md}; nothing but us can be reached on
 *       our own address through us).
 *   <li>A <b>name</b> (the domain when it is a name, a name alias) names the SIP domain, not a
 *       socket (RFC 3263 finds the server): a URI with such a host is the domain on any port
 *       ({@code sip:alice@example.com:5070} is alice of example.com).
 * </ul>
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
  /** {@link #recordRoute} results by transport and local address; as many as our sockets. */
  private final ConcurrentHashMap<RouteKey, RecordRoute> recordRoutes = new ConcurrentHashMap<>();

  /** Our Record-Route URI and its text, as put in a request. */
  record RecordRoute(Address address, String text) {
    /** The text with our signature ({@link RouteSigner#PARAMETER}) as the URI's last parameter. */
    String signed(String signature) {
      int close = text.lastIndexOf('>');
      return text.substring(0, close) + ";" + RouteSigner.PARAMETER + "=" + signature
          + text.substring(close);
    }
  }

  private record RouteKey(Transport transport, InetSocketAddress local) {}

  /** Bound on {@link #recordRoutes}: local addresses beyond it are computed each time. */
  private static final int MAX_CACHED_ROUTES = 64;

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
    String d = Hosts.canonical(this.domain);
    if (Hosts.isIpLiteral(d)) {
      ip.add(d); // an address: matched with its port, like our listen addresses
    } else if (!d.equals("localhost")) {
      n.add(d);
    }
    for (String a : aliases) {
      (Hosts.isIpLiteral(a) ? ip : n).add(Hosts.canonical(a));
    }
    if (advertisedHost != null) {
      (Hosts.isIpLiteral(advertisedHost) ? ip : n).add(Hosts.canonical(advertisedHost));
    }
    Set<Integer> p = new HashSet<>();
    for (ListenPoint lp : listen) {
      p.add(lp.address().getPort());
      InetAddress a = lp.address().getAddress();
      if (a.isAnyLocalAddress()) {
        try {
          for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress ia : Collections.list(ni.getInetAddresses())) {
              ip.add(Hosts.canonical(ia.getHostAddress()));
            }
          }
        } catch (SocketException e) {
          // no interface list: the listen addresses and aliases still count
        }
      } else {
        ip.add(Hosts.canonical(a.getHostAddress()));
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
   * Whether {@code uri} (a Request-URI) names the served domain: a name of the domain on any
   * port, or one of our addresses with no port or one of our ports (see the class comment).
   * {@code sip:bob@127.0.0.1:5060} is the domain when we listen on 5060, and
   * {@code sip:bob@127.0.0.1:40000} (a UA's contact on our machine) is not, even when the domain
   * is {@code 127.0.0.1}.
   */
  boolean isDomain(SipUri uri) {
    String h = uri.host();
    return isOwnName(h) || (isOwnIp(h) && isOurPort(uri));
  }

  /**
   * Whether {@code host} (from a From or To URI, an identity rather than a place) is the served
   * domain, an alias or one of our addresses, whatever the port.
   */
  boolean isDomainHost(String host) {
    return isOwnName(host) || isOwnIp(host);
  }

  /**
   * Whether {@code uri} (a Route value, a Request-URI written by a strict router, or a remote
   * target) is this proxy: our host (domain, alias, address) with no port or one of our ports.
   */
  boolean isMe(SipUri uri) {
    String h = uri.host();
    return (isOwnName(h) || isOwnIp(h)) && isOurPort(uri);
  }

  private boolean isOurPort(SipUri uri) {
    return uri.port() < 0 || ports.contains(uri.port());
  }

  /**
   * Whether a request sent to {@code uri} would arrive at one of our own sockets: its host is one
   * of our addresses (any spelling) or names, and its port (the default port of its transport
   * when it has none) is one we listen on. Stricter than {@link #isMe} about ports: a URI with
   * no port on a server that does not listen on 5060 does not reach us.
   */
  boolean isOwnSocket(SipUri uri) {
    String h = uri.host();
    if (!isOwnIp(h) && !isOwnName(h)) {
      return false;
    }
    int port = uri.port();
    if (port < 0) {
      if (isOwnName(h)) {
        return true; // our name without a port: RFC 3263 (SRV) finds us, on whatever port
      }
      port = uri.isSecure() || "tls".equalsIgnoreCase(uri.transport())
          ? Transport.TLS.defaultPort() : Transport.UDP.defaultPort();
    }
    return ports.contains(port);
  }

  /** Whether {@code via}'s sent-by is one of our listen points (our own Via on a response). */
  boolean isMine(Via via) {
    String h = via.host();
    int port = via.port();
    if (port < 0) {
      port = Transport.UDP.defaultPort();
    }
    return ports.contains(port) && (isOwnIp(h) || isOwnName(h));
  }

  /**
   * Our Record-Route URI for messages over {@code transport}, as received on {@code local} (the
   * local address of the inbound flow) or null for the outbound side:
   * {@code <sip:HOST:PORT;transport=T;lr>}.
   */
  Address recordRoute(Transport transport, InetSocketAddress local) {
    return cachedRecordRoute(transport, local).address();
  }

  /** {@link #recordRoute}, with its text; computed once per transport and local address. */
  RecordRoute cachedRecordRoute(Transport transport, InetSocketAddress local) {
    RouteKey key = new RouteKey(transport, local);
    RecordRoute rr = recordRoutes.get(key);
    if (rr == null) {
      Address a = buildRecordRoute(transport, local);
      rr = new RecordRoute(a, a.toString());
      if (recordRoutes.size() < MAX_CACHED_ROUTES) {
        recordRoutes.putIfAbsent(key, rr);
      }
    }
    return rr;
  }

  private Address buildRecordRoute(Transport transport, InetSocketAddress local) {
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
      host = a.indexOf(':') >= 0 ? "[" + withoutZone(a) + "]" : a;
    } else {
      host = domain;
    }
    SipUri.Builder b = SipUri.builder().host(host).port(port);
    if (transport != Transport.UDP) {
      b.transport(transport.name().toLowerCase(Locale.ROOT));
    }
    return Address.of(b.looseRouting(true).build());
  }

  /**
   * Removes the Route values naming us from the top: returns null when there was none, else the
   * {@link RouteSigner#PARAMETER} they carry ("" when none does).
   */
  String popRoutes(List<Address> routeSet) {
    String signature = null;
    while (!routeSet.isEmpty() && routeSet.get(0).uri() instanceof SipUri r && isMe(r)) {
      routeSet.remove(0); // double Record-Route puts two of ours in a row
      String sig = r.parameters().get(RouteSigner.PARAMETER);
      if (signature == null || signature.isEmpty()) {
        signature = sig == null ? "" : sig;
      }
    }
    return signature;
  }

  /**
   * The {@link RouteSigner#FLOW_PARAMETER} of the Route values naming us at the top (the first
   * that has one, as {@link #popRoutes} takes the first signature), or null.
   */
  String routeFlow(List<Address> routeSet) {
    for (Address a : routeSet) {
      if (!(a.uri() instanceof SipUri r) || !isMe(r)) {
        break;
      }
      String f = r.parameters().get(RouteSigner.FLOW_PARAMETER);
      if (f != null) {
        return f;
      }
      if (r.parameters().get(RouteSigner.PARAMETER) != null) {
        break; // the Route whose signature counts names no flow
      }
    }
    return null;
  }

  /** Whether any reading of {@code host} ({@link Hosts#readings}) is one of our addresses. */
  private boolean isOwnIp(String host) {
    if (ips.contains(host)) {
      return true; // the usual spelling: no parsing
    }
    for (String h : Hosts.readings(host)) {
      if (ips.contains(h)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code host} is the domain's name or a name alias, in any case, trailing dot. */
  private boolean isOwnName(String host) {
    return !names.isEmpty() && (names.contains(host) || names.contains(Hosts.canonical(host)));
  }

  /** {@code ip} without its IPv6 zone ({@code %eth0}), if any. */
  private static String withoutZone(String ip) {
    int zone = ip.indexOf('%');
    return zone < 0 ? ip : ip.substring(0, zone);
  }
}
