package dev.parley.transport.internal;

import dev.parley.sip.SipMessage;
import dev.parley.sip.Via;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportConfig;
import dev.parley.transport.TransportException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends messages (RFC 3261 §18.1.1, §18.2.2): a request to a hop, over UDP or on a connection
 * opened or reused for it, a large request bound for UDP over TCP with a fall back to UDP, and a
 * message back over the flow it belongs to. Split out of {@link NettyTransportCore}, which checks
 * that the transport runs before it calls here. Thread-safe.
 */
final class MessageSender {
  /** Logs under the transport core's name, as before this class was split out of it. */
  private static final Logger log = LoggerFactory.getLogger(NettyTransportCore.class);

  private final TransportConfig config;
  private final Supplier<List<ListenPoint>> listenPoints;
  private final UdpSockets udp;
  private final OpenConnections connections;
  private final AtomicBoolean switchFallbackLogged = new AtomicBoolean();

  MessageSender(TransportConfig config, Supplier<List<ListenPoint>> listenPoints, UdpSockets udp,
      OpenConnections connections) {
    this.config = config;
    this.listenPoints = listenPoints;
    this.udp = udp;
    this.connections = connections;
  }

  /**
   * Sends {@code message} to {@code hop}; completes with the flow it left on. {@code wire} is
   * its encoding (not written to), or null to encode it here.
   */
  CompletableFuture<Flow> send(SipMessage message, byte[] wire, Hop hop) {
    Outgoing out;
    try {
      out = new Outgoing(message, wire != null ? wire : message.encode(), hop.address());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new TransportException("cannot encode: " + e, e));
    }
    if (hop.transport() == Transport.UDP) {
      if (message.isRequest() && out.wire().length > config.udpSizeThreshold()) {
        return sendLargeRequest(out, hop);
      }
      return udp.send(out, null);
    }
    return connections.send(new Outgoing(message, out.wire(), null),
        new Connection.Key(hop.transport(), hop.address()));
  }

  /**
   * Sends {@code message} over {@code flow}: its UDP socket, or its connection if still open.
   * {@code wire} is its encoding (not written to), or null to encode it here.
   */
  CompletableFuture<Flow> send(SipMessage message, byte[] wire, Flow flow) {
    if (wire == null) {
      try {
        wire = message.encode();
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(new TransportException("cannot encode: " + e, e));
      }
    }
    if (flow.transport() == Transport.UDP) {
      return udp.sendOver(new Outgoing(message, wire, flow.remote()), flow);
    }
    Connection c = connections.byId(flow.connectionId());
    if (c == null || c.isClosed() || c.transport() != flow.transport()) {
      return CompletableFuture.failedFuture(new TransportException(
          "connection #" + flow.connectionId() + " (" + flow + ") is closed"));
    }
    return connections.write(c, new Outgoing(message, wire, null));
  }

  /** RFC 3261 §18.1.1: a request over 1300 bytes bound for UDP goes over TCP, else UDP anyway. */
  private CompletableFuture<Flow> sendLargeRequest(Outgoing out, Hop hop) {
    ListenPoint tcp = listenPoint(Transport.TCP);
    if (tcp == null) {
      noteFallback("no TCP listen point");
      return udp.send(out, null);
    }
    SipMessage viaTcp;
    try {
      Via top = out.message().topVia();
      Via.Builder b = top.toBuilder().transport(Transport.TCP.viaToken());
      ListenPoint udpPoint = listenPoint(Transport.UDP);
      if (udpPoint != null && top.port() == udpPoint.address().getPort()) {
        b.port(tcp.address().getPort());
      }
      viaTcp = out.message().withTopVia(b.build());
    } catch (RuntimeException e) {
      noteFallback("top Via cannot be rewritten: " + e.getMessage());
      return udp.send(out, null);
    }
    return connections.send(Outgoing.of(viaTcp), new Connection.Key(Transport.TCP, hop.address()))
        .handle((flow, error) -> {
          if (error == null) {
            return CompletableFuture.completedFuture(flow);
          }
          noteFallback("TCP failed: " + error.getMessage());
          return udp.send(out, null);
        }).thenCompose(f -> f);
  }

  private void noteFallback(String why) {
    if (switchFallbackLogged.compareAndSet(false, true)) {
      log.warn("Large requests go over UDP ({}); RFC 3261 §18.1.1 asks for TCP. "
          + "Further occurrences are not logged", why);
    }
  }

  private ListenPoint listenPoint(Transport t) {
    for (ListenPoint lp : listenPoints.get()) {
      if (lp.transport() == t) {
        return lp;
      }
    }
    return null;
  }
}
