package dev.parley.transport;

import dev.parley.sip.SipMessage;
import dev.parley.transport.internal.NettyTransportCore;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The default {@link TransportLayer}, on Netty: UDP, TCP, TLS, WebSocket and secure WebSocket
 * (RFC 3261 §18, RFC 7118), over IPv4 and IPv6.
 *
 * <pre>{@code
 * TransportLayer layer = NettyTransportLayer.builder()
 *     .listen(ListenPoint.parse("udp:0.0.0.0:5060"), ListenPoint.parse("tcp:0.0.0.0:5060"))
 *     .build();
 * layer.setListener(inbound -> ...);
 * layer.start().join();
 * }</pre>
 *
 * <p>What it does for the layers above: frames streams by Content-Length and answers RFC 5626
 * CRLF pings; answers a request it cannot parse with a stateless 400 (505, 513); adds
 * {@code received} and {@code rport} to the top Via of every request that needs them; reuses
 * connections by transport and remote address; sends a request over 1300 bytes bound for UDP over
 * TCP (RFC 3261 §18.1.1); enforces the {@link TransportConfig} limits; reaps idle connections and
 * reports closed flows; traces every message in and out.
 *
 * <p>Thread-safe. Listener and trace callbacks run on event loops and must not block. Sending
 * fails its future with {@link TransportException}; nothing is thrown from {@code send}.
 */
public final class NettyTransportLayer implements TransportLayer {
  /** Default {@link Builder#threads(int)}: 0, which lets Netty choose (twice the cores). */
  public static final int DEFAULT_THREADS = 0;

  private final NettyTransportCore core;

  private NettyTransportLayer(Builder b) {
    this.core = new NettyTransportCore(b.listenPoints, b.config, b.tls, b.threads, b.group);
  }

  /** A builder with no listen points, the default limits and no TLS. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void setListener(TransportListener listener) {
    core.setListener(listener);
  }

  @Override
  public void addTraceListener(TraceListener listener) {
    core.addTraceListener(listener);
  }

  @Override
  public void removeTraceListener(TraceListener listener) {
    core.removeTraceListener(listener);
  }

  /**
   * Binds every listen point. Fails with {@link TransportException} naming the first listen point
   * that cannot be bound (everything is closed then); calling it again returns the same future.
   */
  @Override
  public CompletableFuture<Void> start() {
    return core.start();
  }

  @Override
  public List<ListenPoint> listenPoints() {
    return core.listenPoints();
  }

  @Override
  public CompletableFuture<Flow> send(SipMessage message, Hop hop) {
    return core.send(message, null, hop);
  }

  @Override
  public CompletableFuture<Flow> send(SipMessage message, Flow flow) {
    return core.send(message, null, flow);
  }

  @Override
  public CompletableFuture<Flow> send(SipMessage message, byte[] wire, Hop hop) {
    return core.send(message, Objects.requireNonNull(wire, "wire"), hop);
  }

  @Override
  public CompletableFuture<Flow> send(SipMessage message, byte[] wire, Flow flow) {
    return core.send(message, Objects.requireNonNull(wire, "wire"), flow);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException before {@link #start()}
   */
  @Override
  public Scheduler nextScheduler() {
    return core.nextScheduler();
  }

  /**
   * The server side of TLS that this layer's TLS and WSS listeners take each new connection's
   * certificate from, created on first use (by {@link #start()} when a listen point is secure).
   * Another listener (an HTTPS server) that calls {@link ServerTlsContext#get()} for each
   * connection it accepts serves the same certificate, and a reload reaches it too. Blocks on
   * first use (reads the key files). Closed with this layer.
   *
   * @throws IllegalStateException without a TLS config with a key, or once closed
   * @throws IllegalArgumentException if the key files cannot be loaded
   */
  public ServerTlsContext serverTls() {
    return core.serverTls();
  }

  /**
   * A server-side TLS handler with the certificate this layer's TLS and WSS listen points serve
   * now ({@link #serverTls()}), for an HTTPS listener of the application on the same certificate
   * (the server's web listener): called for each connection, it follows every reload.
   *
   * @throws IllegalStateException if the layer was built without a TLS config with a key
   * @throws IllegalArgumentException if the key cannot be read
   */
  public io.netty.handler.ssl.SslHandler newServerTlsHandler(io.netty.channel.Channel channel) {
    return core.newServerTlsHandler(Objects.requireNonNull(channel, "channel"));
  }

  /**
   * Adopts a connection accepted by another listener as a WSS SIP connection (RFC 7118), so that
   * an HTTPS server can carry SIP over WebSocket on its own port: the channel's pipeline must
   * decode HTTP (TLS, an {@code HttpServerCodec}, an {@code HttpObjectAggregator}) and its next
   * inbound message must be the upgrade request for {@code path}, which the caller passes on
   * ({@code ctx.fireChannelRead(request)}) after this returns true. From then on the connection
   * is one of this layer's: counted by the connection limits (a refused one is closed), guarded by
   * the first-message, message and idle timeouts, its messages delivered to the listener with
   * a WSS {@link Flow}. Call on the channel's event loop.
   *
   * @return false when the layer is not running or a connection limit refuses the connection
   *     (the channel is being closed then)
   * @throws IllegalStateException when called off the channel's event loop
   */
  private final java.util.List<ListenPoint> adopted = new java.util.concurrent.CopyOnWriteArrayList<>();

  public boolean adoptWebSocket(io.netty.channel.Channel channel, String path) {
    return core.adoptWebSocket(channel, path);
  }

  /**
   * Names the address of another listener whose connections this layer adopts ({@link
   * #adoptWebSocket}: an HTTPS listener's {@code /ws}), so that requests sent over them get a Via
   * (and a Contact) when the layer has no listen point of that transport itself: without it a
   * request to a browser registered over the adopted connection could not be sent.
   */
  public void addAdoptedListenPoint(ListenPoint listenPoint) {
    adopted.add(java.util.Objects.requireNonNull(listenPoint, "listenPoint"));
  }

  /** The first listen point of {@code transport}: one of ours, else an adopted one, or null. */
  @Override
  public ListenPoint listenPoint(Transport transport) {
    ListenPoint own = TransportLayer.super.listenPoint(transport);
    if (own != null) {
      return own;
    }
    for (ListenPoint lp : adopted) {
      if (lp.transport() == transport) {
        return lp;
      }
    }
    return null;
  }

  /** The number of open connections, inbound and outbound. */
  public int connectionCount() {
    return core.connectionCount();
  }

  /** The connection counters: open now, refused and closed by each limit since start. */
  public ConnectionStats connectionStats() {
    return core.connectionStats();
  }

  /**
   * The connection counters of the connections over one transport (UDP has none): open now,
   * refused and closed by each limit since start. An eviction counts against the transport of
   * the connection closed, a refusal against the newcomer's.
   */
  public ConnectionStats connectionStats(Transport transport) {
    return core.connectionStats(Objects.requireNonNull(transport, "transport"));
  }

  /**
   * Closes every listen point and connection and shuts down the event loop group if this layer
   * created it (never one given to {@link Builder#eventLoopGroup}). Idempotent; waits up to a few
   * seconds unless called on one of the layer's event loops.
   */
  @Override
  public void close() {
    core.close();
  }

  @Override
  public String toString() {
    return "NettyTransportLayer" + listenPoints();
  }

  /** Builds a {@link NettyTransportLayer}; not thread-safe. */
  public static final class Builder {
    private final List<ListenPoint> listenPoints = new ArrayList<>();
    private TransportConfig config = TransportConfig.DEFAULT;
    private TlsConfig tls;
    private EventLoopGroup group;
    private int threads = DEFAULT_THREADS;

    private Builder() {}

    /** Adds listen points (port 0 picks a free port). */
    public Builder listen(ListenPoint... points) {
      for (ListenPoint p : points) {
        listenPoints.add(Objects.requireNonNull(p, "listen point"));
      }
      return this;
    }

    /** Adds listen points written {@code transport:host:port}. */
    public Builder listen(String... points) {
      Arrays.stream(points).map(ListenPoint::parse).forEach(listenPoints::add);
      return this;
    }

    /** Runs on a group the caller owns (and shuts down); excludes {@link #threads(int)}. */
    public Builder eventLoopGroup(EventLoopGroup group) {
      this.group = Objects.requireNonNull(group, "group");
      return this;
    }

    /** Threads of the group the layer creates; 0 lets Netty choose. */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /** The limits and timers. */
    public Builder limits(TransportConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Key and trust for TLS and WSS (needed to listen on them or connect over them). */
    public Builder tls(TlsConfig tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /**
     * The layer, not yet started.
     *
     * @throws IllegalArgumentException when threads is negative, both a group and threads are
     *     set, a listen point appears twice, or a TLS/WSS listen point has no key to serve with
     */
    public NettyTransportLayer build() {
      if (threads < 0) {
        throw new IllegalArgumentException("threads out of range (at least 0): " + threads);
      }
      if (group != null && threads != DEFAULT_THREADS) {
        throw new IllegalArgumentException("set eventLoopGroup or threads, not both");
      }
      for (int i = 0; i < listenPoints.size(); i++) {
        ListenPoint lp = listenPoints.get(i);
        if (lp.address().getPort() != 0 && listenPoints.indexOf(lp) != i) {
          throw new IllegalArgumentException("listen point given twice: " + lp);
        }
        if (lp.transport().isSecure() && (tls == null || !tls.hasKey())) {
          throw new IllegalArgumentException("listen point " + lp + " needs a TLS config with a key");
        }
      }
      return new NettyTransportLayer(this);
    }
  }
}
