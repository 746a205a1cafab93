package dev.parley.server.proxy.internal;

import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.Inbound;
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

  /** The open flows by remote address (a connection's address and port are its own). */
  private final ConcurrentHashMap<InetSocketAddress, Flow> open = new ConcurrentHashMap<>();
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
    };
  }

  /** A message came over {@code flow}: it is open. */
  void seen(Flow flow) {
    if (!flow.transport().isReliable()) {
      return;
    }
    Flow known = open.get(flow.remote());
    if (known != null && known.connectionId() == flow.connectionId()
        && known.transport() == flow.transport()) {
      return; // the common case: one lookup per message
    }
    if (open.size() >= MAX_FLOWS) {
      full = true;
      return;
    }
    open.put(flow.remote(), flow); // a new connection from the address replaces a closed one
  }

  /** The transport closed {@code flow}. */
  void closed(Flow flow) {
    open.remove(flow.remote(), flow); // not a newer connection from the same address
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
    Flow f = open.get(hop.address());
    return (f == null || f.transport() != hop.transport()) && !full;
  }

  /** How many flows are recorded open now. */
  int size() {
    return open.size();
  }
}
