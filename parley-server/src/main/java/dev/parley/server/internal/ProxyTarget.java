package dev.parley.server.internal;

import dev.parley.server.Binding;
import dev.parley.sip.Address;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import dev.parley.transport.Hop;
import dev.parley.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * One destination of a proxied request (RFC 3261 §16.5): the Request-URI it gets, the Route
 * values to push on top (a binding's Path, RFC 3327), and where to send it: a fixed hop (the flow
 * a binding registered over) or a URI to locate (the first Route, a static route's next hop, or
 * the Request-URI itself).
 *
 * @param requestUri the Request-URI of the forwarded request
 * @param pushRoutes Route values to put above the request's own, outermost first
 * @param hop the hop to use as is, or null to locate {@code hopUri}
 * @param hopUri the URI whose server is the next hop, when {@code hop} is null
 * @param binding whether the target is a registered contact (a failure to reach it means the
 *     user is unavailable: 480, not 503)
 */
record ProxyTarget(Uri requestUri, List<Address> pushRoutes, Hop hop, SipUri hopUri,
    boolean binding) {
  ProxyTarget {
    pushRoutes = List.copyOf(pushRoutes);
    if (hop == null && hopUri == null) {
      throw new IllegalArgumentException("a target needs a hop or a URI to locate");
    }
  }

  /**
   * Where a binding is reached: its Path first (RFC 3327); else the flow it registered over when
   * that is connection-oriented or UDP to a UDP contact (the REGISTER's source is where the UA
   * listens, even behind NAT or on a WebSocket whose Contact host is {@code *.invalid}); else its
   * contact URI. Null when none of these is a SIP URI.
   */
  static ProxyTarget ofBinding(Binding b) {
    Uri contact = b.contact().uri();
    if (!b.path().isEmpty()) {
      return b.path().get(0).uri() instanceof SipUri first
          ? new ProxyTarget(contact, b.path(), null, first, true) : null;
    }
    Hop flow = flowHop(b);
    if (flow != null) {
      return new ProxyTarget(contact, List.of(), flow, null, true);
    }
    return contact instanceof SipUri s ? new ProxyTarget(contact, List.of(), null, s, true) : null;
  }

  private static Hop flowHop(Binding b) {
    String source = b.source();
    if (source == null) {
      return null;
    }
    int first = source.indexOf(':');
    int last = source.lastIndexOf(':');
    if (first <= 0 || last <= first) {
      return null;
    }
    try {
      Transport t = Transport.of(source.substring(0, first));
      if (!t.isReliable()) {
        if (!(b.contact().uri() instanceof SipUri c) || c.isSecure()
            || (c.transport() != null && !c.transport().equalsIgnoreCase("udp"))) {
          return null;
        }
      }
      InetAddress ip = InetAddress.getByName(source.substring(first + 1, last)); // a literal
      return new Hop(t, new InetSocketAddress(ip, Integer.parseInt(source.substring(last + 1))));
    } catch (IllegalArgumentException | UnknownHostException e) {
      return null;
    }
  }
}
