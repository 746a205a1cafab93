package dev.parley.server.proxy.internal;

import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.sip.Tags;
import dev.parley.sip.Uri;
import dev.parley.transport.Hop;
import dev.parley.transport.Inbound;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateless path of an ACK for a 2xx (RFC 3261 §16.11; the ACK is a transaction of its own,
 * §13.2.2.4): forwarded along its Route, or to its Request-URI when it came through our
 * Record-Route and that URI is not this proxy; dropped otherwise, and never relayed outside a
 * dialog we record-routed (its Route must carry our signature, {@link RouteSigner}).
 *
 * <p>Thread-safe; runs on event loops and never blocks.
 */
final class AckForwarding {
  // the proxy's logger, as before this path had a class of its own (operators set its level)
  private static final Logger log = LoggerFactory.getLogger(ProxyCore.class);

  private final ProxyCore core;

  AckForwarding(ProxyCore core) {
    this.core = core;
  }

  /** Forwards or drops {@code ack}; never throws. */
  void onAck(SipRequest ack, Inbound inbound) {
    if (!core.started()) {
      return; // start() sets the layer last, after the addresses read below
    }
    OwnAddresses own = core.own();
    try {
      if (!(ack.requestUri() instanceof SipUri ruri) || ack.maxForwards() == 0
          || Tags.isStateless(ack)) {
        return; // the last: it acknowledges one of our stateless challenges (§8.2.7: ignored)
      }
      List<Address> routeSet = new ArrayList<>(ack.routes());
      Uri target = ruri;
      if (ruri.user() == null && ruri.isLooseRouting() && own.isMe(ruri) && !routeSet.isEmpty()) {
        target = routeSet.remove(routeSet.size() - 1).uri();
      }
      String flow = own.routeFlow(routeSet);
      String signature = own.popRoutes(routeSet);
      if (signature == null || signature.isEmpty()) {
        signature = ruri.parameters().get(RouteSigner.PARAMETER); // a strict router upstream
        flow = ruri.parameters().get(RouteSigner.FLOW_PARAMETER);
      }
      if (!core.signer().verify(signature, ack.callId(), ack.from().tag(), ack.to().tag(),
          target, flow)) {
        core.ackRefused();
        return; // not in a dialog we record-routed: an ACK is never relayed for anyone else
      }
      SipUri next;
      if (!routeSet.isEmpty() && routeSet.get(0).uri() instanceof SipUri r) {
        next = r;
      } else if (routeSet.isEmpty() && target instanceof SipUri t && !own.isMe(t)) {
        next = t; // §16.12: the remote target, even a UA on our own address
      } else {
        return; // to us: an ACK cannot be forked statelessly
      }
      SipRequest out = forwarded(ack, target, routeSet);
      if (routeSet.isEmpty() && core.hops().flows().isGone(flow)) {
        log.debug("dropped an ACK from {}: its flow {} has closed", inbound.flow(), flow);
        return; // RFC 5626 §5.3: never dialled; nobody answers an ACK
      }
      ProxyTarget t = routeSet.isEmpty() && flow != null
          ? ProxyTarget.inDialog(next, flow) : new ProxyTarget(target, List.of(), null, next, false);
      Hop now = core.hops().now(t);
      if (now != null) {
        core.sendAck(out, now);
        return;
      }
      core.hops().resolve(t).thenAccept(hop -> core.sendAck(out, hop)).exceptionally(e -> {
        log.debug("cannot forward ACK from {}: {}", inbound.flow(), e.toString());
        return null;
      });
    } catch (RuntimeException e) {
      log.debug("cannot forward ACK from {}: {}", inbound.flow(), e.toString());
    }
  }

  /**
   * The copy of {@code ack} sent on: {@code target} as its Request-URI, Max-Forwards decremented,
   * {@code routeSet} as its Route, no identity headers; made by edits of the received ACK's
   * fields and {@link SipRequest#rebuilt()}, byte for byte what its builder made (see
   * {@link ForwardedRequest#edited}).
   */
  static SipRequest forwarded(SipRequest ack, Uri target, List<Address> routeSet) {
    int mf = ack.maxForwards();
    return ProxyMessages.withoutIdentity(ProxyMessages.withRoutes(
        ack.withRequestUri(target).withHeaderSet(HeaderName.MAX_FORWARDS,
            Integer.toString(mf < 0 ? ProxyCore.DEFAULT_MAX_FORWARDS : mf - 1)), routeSet))
        .rebuilt();
  }
}
