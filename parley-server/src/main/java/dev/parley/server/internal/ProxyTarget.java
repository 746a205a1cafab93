package dev.parley.server.internal;

import dev.parley.sip.Address;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import dev.parley.transport.Hop;
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
}
