package dev.parley.server.proxy.internal;

import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.Inbound;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportListener;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connection-oriented flows (TCP, TLS, WS, WSS) open now, as the transport reports them, so
 * that a flow token naming one that has closed is answered 430 (Flow Failed) instead of being
 * dialled (RFC 5626 §5.3): a browser or a client behind a NAT accepts no connections, and a new
 * connection to its old address and port reaches nobody, or somebody else.
 *
 * <p>A flow counts as open from the first message read on it until the transport reports it
 * closed ({@link TransportListener#onFlowClosed}); a token only ever names a flow a message came
 * over (a REGISTER's, an INVITE's). UDP has no connection to lose: its tokens are never gone.
 * Until {@link #watch} is installed in front of the transaction layer nothing is known and no
 * token is gone (the flow is dialled, as before flows were watched).
 *
 * <p>Bounded: one entry per open connection that delivered a message (the transport caps those,
 * {@code maxConnections}), removed when it closes; {@value #MAX_FLOWS} at most, beyond which new
 * flows are not recorded and a token naming an unrecorded flow is taken as open. Thread-safe: the
 * transport's event loops record and remove, the proxy's checks read.
 */
public final class OpenFlows {
  /** The most flows recorded: far above any transport's connection limit. */
  static final int MAX_FLOWS = 1 << 20;

  /**
   * The open flows by transport (its ordinal), then remote address: a connection's address and
   * port are its own within a transport, but a TCP and a WSS connection may come from the same
   * ones. One map per transport rather than a composite key: no allocation per message.
   */
  @SuppressWarnings("unchecked")
  private final ConcurrentHashMap<InetSocketAddress, Flow>[] open =
      new ConcurrentHashMap[Transport.values().length];

  {
    for (int i = 0; i < open.length; i++) {
      open[i] = new ConcurrentHashMap<>();
    }
  }

  private volatile boolean watching;
  private volatile boolean full;

  /**
   * A transport listener that records the flows messages come over and forgets those that close,
   * then passes everything to {@code next}. Install it as the transport's listener.
   */
  public TransportListener watch(TransportListener next) {
    Objects.requireNonNull(next, "next");
    watching = true;
    return new TransportListener() {
      @Override
      public void onMessage(Inbound inbound) {
        seen(inbound.flow());
        next.onMessage(inbound);
      }

      @Override
      public void onFlowClosed(Flow flow) {
        closed(flow);
        next.onFlowClosed(flow);
      }

      @Override
      public boolean mayAnswerMalformed(Flow flow) {
        return next.mayAnswerMalformed(flow);
      }

      @Override
      public boolean mayParseDatagram(java.net.InetSocketAddress source) {
        return next.mayParseDatagram(source);
      }
    };
  }

  /** A message came over {@code flow}: it is open. */
  void seen(Flow flow) {
    if (!flow.transport().isReliable()) {
      return;
    }
    ConcurrentHashMap<InetSocketAddress, Flow> flows = open[flow.transport().ordinal()];
    Flow known = flows.get(flow.remote());
    if (known != null && known.connectionId() == flow.connectionId()) {
      return; // the common case: one lookup per message
    }
    if (size() >= MAX_FLOWS) {
      full = true;
      return;
    }
    flows.put(flow.remote(), flow); // a new connection from the address replaces a closed one
  }

  /** The transport closed {@code flow}. */
  void closed(Flow flow) {
    // not a newer connection of the transport from the same address
    open[flow.transport().ordinal()].remove(flow.remote(), flow);
  }

  /**
   * Whether the flow of a verified token ({@code transport:ip:port}, {@link ProxyTarget#flowToken})
   * is a connection that is gone: false for null, UDP, a token that is not one, and while flows
   * are not watched.
   */
  boolean isGone(String token) {
    if (token == null || !watching) {
      return false;
    }
    Hop hop = ProxyTarget.parseSource(token);
    if (hop == null || !hop.transport().isReliable()) {
      return false;
    }
    return !open[hop.transport().ordinal()].containsKey(hop.address()) && !full;
  }

  /** How many flows are recorded open now. */
  int size() {
    int n = 0;
    for (ConcurrentHashMap<InetSocketAddress, Flow> flows : open) {
      n += flows.size();
    }
    return n;
  }
}
