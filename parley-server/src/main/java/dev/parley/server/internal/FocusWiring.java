package dev.parley.server.internal;

import dev.parley.focus.Focus;
import dev.parley.focus.FocusConfig;
import dev.parley.focus.Outbound;
import dev.parley.server.proxy.Proxy;
import dev.parley.sip.Address;
import dev.parley.sip.Uri;
import dev.parley.transaction.TransactionLayer;
import dev.parley.transport.Hop;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Scheduler;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportLayer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The conference focus inside the server ({@code docs/conferences.md}, "How it fits in the
 * server"): builds the {@link Focus} on the server's own transport and transaction layer, and
 * hands it to the {@link ServerCore}, which routes it the requests for its URIs. The focus's own
 * requests (dial-out) go out through the server's proxy, by the first listen point, with a Route
 * the proxy signed for itself.
 *
 * <p>Stateless; called once, at start.
 */
public final class FocusWiring {
  private FocusWiring() {}

  /**
   * Builds the focus for {@code domain} and makes {@code core} hand it its requests.
   *
   * @param transport the server's started transport (its listen points are bound)
   * @param transactions the server's transaction layer
   * @param core the server's transaction user
   * @param proxy the server's proxy, started
   * @param timers where the focus's timers run
   * @param advertisedHost the host to write in the focus's Contact and SDP, or null
   */
  public static Focus start(TransportLayer transport, TransactionLayer transactions,
      ServerCore core, Proxy proxy, String domain, FocusConfig config, Scheduler timers,
      String advertisedHost) {
    Focus focus = Focus.builder(transport, transactions, domain).config(config).timers(timers)
        .outbound(outbound(proxy, transport.listenPoints())).advertisedHost(advertisedHost)
        .build();
    core.setFocus(focus);
    return focus;
  }

  /**
   * The focus's way out: its dial-outs go to our own first listen point (UDP when we have it;
   * loopback for a wildcard address), with a Route the proxy takes as the server's own.
   */
  private static Outbound outbound(Proxy proxy, List<ListenPoint> listening) {
    ListenPoint lp = listening.stream().filter(p -> p.transport() == Transport.UDP).findFirst()
        .orElse(listening.get(0));
    InetSocketAddress bound = lp.address();
    InetSocketAddress self = bound.getAddress().isAnyLocalAddress()
        ? new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort()) : bound;
    Hop hop = new Hop(lp.transport(), self);
    return new Outbound() {
      @Override
      public Hop hop() {
        return hop;
      }

      @Override
      public Address route(String callId, String fromTag, Uri target) {
        return proxy.originationRoute(hop.transport(), self, callId, fromTag, target);
      }
    };
  }
}
