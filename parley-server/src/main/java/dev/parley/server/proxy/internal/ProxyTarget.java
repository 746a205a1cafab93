package dev.parley.server.proxy.internal;

import dev.parley.server.registrar.Binding;
import dev.parley.sip.Address;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import dev.parley.transport.Hop;
import dev.parley.transport.Hops;
import dev.parley.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * One destination of a proxied request (RFC 3261 §16.5): the Request-URI it gets, the Route
 * values to push on top (a binding's Path, RFC 3327), and where to send it: a fixed hop (the flow
 * a binding registered over) or a URI to locate (the first Route, a static route's next hop, or
 * the Request-URI itself), with a hop to fall back on when that URI cannot be located.
 *
 * @param requestUri the Request-URI of the forwarded request
 * @param pushRoutes Route values to put above the request's own, outermost first
 * @param hop the hop to use as is, or null to locate {@code hopUri}
 * @param hopUri the URI whose server is the next hop, when {@code hop} is null
 * @param binding whether the target is a registered contact (a failure to reach it means the
 *     user is unavailable: 480, not 503)
 * @param fallback where to send when {@code hopUri} names a host that cannot be located (a UDP
 *     binding's source address), or null
 */
record ProxyTarget(Uri requestUri, List<Address> pushRoutes, Hop hop, SipUri hopUri,
    boolean binding, Hop fallback) {
  ProxyTarget {
    pushRoutes = List.copyOf(pushRoutes);
    if (hop == null && hopUri == null) {
      throw new IllegalArgumentException("a target needs a hop or a URI to locate");
    }
  }

  /** A target without fallback. */
  ProxyTarget(Uri requestUri, List<Address> pushRoutes, Hop hop, SipUri hopUri, boolean binding) {
    this(requestUri, pushRoutes, hop, hopUri, binding, null);
  }

  /**
   * Where a binding is reached ({@code docs/server.md}, "Proxy" step 6), or null when that is
   * not a SIP URI:
   * <ol>
   *   <li>its Path, when it has one (RFC 3327);
   *   <li>the flow it registered over, when that is connection-oriented (TCP, TLS, WS, WSS: only
   *       that connection reaches the UA, whose Contact may be {@code *.invalid}) or when the
   *       binding is an RFC 5626 flow ({@code +sip.instance} with {@code reg-id}, or {@code ob}
   *       in the Contact URI);
   *   <li>over UDP, its Contact URI, unless the Contact shows a NAT: its host is an IP literal
   *       other than the REGISTER's source address, or {@code *.invalid}; then the source address
   *       and port. A Contact host name that cannot be located falls back on the source too.
   *       Going to the Contact lets a UA be registered by another socket or another party
   *       (third-party registration, RFC 3261 §10.2);
   *   <li>its Contact URI, when there is no source (a binding made in code) or the Contact asks
   *       for another transport than the flow's.
   * </ol>
   */
  static ProxyTarget ofBinding(Binding b) {
    Uri contact = b.contact().uri(); // parsed back from the binding's text: once per lookup
    List<Address> path = b.path();
    if (!path.isEmpty()) {
      return path.get(0).uri() instanceof SipUri first
          ? new ProxyTarget(contact, path, null, first, true) : null;
    }
    Hop flow = sourceHop(b);
    if (flow != null && (flow.transport().isReliable() || isOutboundFlow(b, contact))) {
      return new ProxyTarget(contact, List.of(), flow, null, true);
    }
    if (!(contact instanceof SipUri c)) {
      return null;
    }
    if (flow != null && isPlainUdp(c)) {
      if (isNatted(c, flow)) {
        return new ProxyTarget(contact, List.of(), flow, null, true);
      }
      return new ProxyTarget(contact, List.of(), null, c, true, flow);
    }
    return new ProxyTarget(contact, List.of(), null, c, true);
  }

  /** RFC 5626 §5.2, §6: an instance with a reg-id, or a Contact URI with {@code ob}. */
  private static boolean isOutboundFlow(Binding b, Uri contact) {
    return (b.instance() != null && b.regId() > 0)
        || (contact instanceof SipUri c && c.parameters().contains("ob"));
  }

  /** A {@code sip:} contact to be reached over UDP (no transport, or {@code transport=udp}). */
  private static boolean isPlainUdp(SipUri c) {
    return !c.isSecure() && (c.transport() == null || c.transport().equalsIgnoreCase("udp"));
  }

  /**
   * Whether the Contact cannot be where the REGISTER came from: an IP literal other than the
   * source address, or a {@code .invalid} name (RFC 6761 §6.4: never resolves).
   */
  private static boolean isNatted(SipUri contact, Hop flow) {
    String host = contact.host().toLowerCase(Locale.ROOT);
    if (host.endsWith(".invalid") || host.equals("invalid")) {
      return true;
    }
    String literal = host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host;
    if (!isAddressLiteral(literal)) {
      return false; // a name: located when used, the source address if it cannot be
    }
    Hop written;
    try {
      written = Hops.of(contact); // an IP literal, as written
    } catch (IllegalArgumentException e) {
      return false;
    }
    return !written.address().getAddress().equals(flow.address().getAddress());
  }

  /** The REGISTER's source ({@link Binding#source()}, {@code transport:ip:port}), or null. */
  private static Hop sourceHop(Binding b) {
    return parseSource(b.source());
  }

  /**
   * The flow token of a hop ({@link RouteSigner#FLOW_PARAMETER}): {@code transport:ip:port}, as
   * {@link Binding#source()} writes it.
   */
  static String flowToken(Hop hop) {
    String ip = hop.address().getAddress().getHostAddress();
    int zone = ip.indexOf('%'); // an IPv6 scope: '%' would start an escape in the URI
    return hop.transport().name().toLowerCase(Locale.ROOT) + ":"
        + (zone < 0 ? ip : ip.substring(0, zone)) + ":" + hop.address().getPort();
  }

  /**
   * The flow token to sign into our Record-Route for a peer whose requests come from {@code flow}
   * with {@code contact} as its Contact, or null when the Contact can be reached as it is:
   * WebSocket peers (their Contact is never reachable), and a Contact that shows a NAT
   * ({@code *.invalid}, an IP literal other than the source address).
   */
  static String flowTokenFor(Uri contact, Hop flow) {
    if (flow.transport() == Transport.WS || flow.transport() == Transport.WSS) {
      return flowToken(flow);
    }
    return contact instanceof SipUri c && isNatted(c, flow) ? flowToken(flow) : null;
  }

  /**
   * Where a request inside a dialog we record-routed goes: over the flow its Route names
   * ({@link RouteSigner#FLOW_PARAMETER}, verified with the signature), else to its remote
   * target as written.
   */
  static ProxyTarget inDialog(SipUri target, String flow) {
    Hop hop = parseSource(flow);
    return hop != null ? new ProxyTarget(target, List.of(), hop, null, false)
        : new ProxyTarget(target, List.of(), null, target, false);
  }

  /** The flow of the target's branch to sign into the caller's copy of our Record-Route. */
  String flowToken() {
    return binding && hop != null ? flowTokenFor(requestUri, hop) : null;
  }

  /**
   * A hop from a {@code transport:ip:port} text ({@link Binding#source()}, a flow token), or
   * null when it is not one. The address must be a literal: nothing is looked up.
   */
  static Hop parseSource(String source) {
    if (source == null) {
      return null;
    }
    int first = source.indexOf(':');
    int last = source.lastIndexOf(':');
    if (first <= 0 || last <= first) {
      return null;
    }
    String host = source.substring(first + 1, last);
    if (!isAddressLiteral(host)) {
      return null;
    }
    try {
      Transport t = Transport.of(source.substring(0, first));
      InetAddress ip = InetAddress.getByName(host); // a literal: no lookup
      return new Hop(t, new InetSocketAddress(ip, Integer.parseInt(source.substring(last + 1))));
    } catch (IllegalArgumentException | UnknownHostException e) {
      return null;
    }
  }

  /** An IPv4 or IPv6 literal (digits, dots, hex and colons only), never a name to look up. */
  private static boolean isAddressLiteral(String host) {
    if (host.isEmpty()) {
      return false;
    }
    boolean colon = host.indexOf(':') >= 0;
    for (int i = 0; i < host.length(); i++) {
      char ch = host.charAt(i);
      boolean ok = (ch >= '0' && ch <= '9') || ch == '.'
          || (colon && (ch == ':' || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')));
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
