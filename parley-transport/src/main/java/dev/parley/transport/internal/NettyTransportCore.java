package dev.parley.transport.internal;

import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParser;
import dev.parley.transport.ConnectionStats;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Scheduler;
import dev.parley.transport.ServerTlsContext;
import dev.parley.transport.TlsConfig;
import dev.parley.transport.TraceListener;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportConfig;
import dev.parley.transport.TransportException;
import dev.parley.transport.TransportListener;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@code NettyTransportLayer}: starts and stops the event loops, and holds the
 * parts that bind the listen points ({@link ListenPointBinder}), keep the bound UDP sockets
 * ({@link UdpSockets}) and the open connections ({@link OpenConnections}), and send messages
 * ({@link MessageSender}); the channel handlers it installs hand received messages to the
 * listener. Thread-safe: public methods may be called from any thread; handlers call back on
 * their channel's event loop.
 */
public final class NettyTransportCore {
  /** One scheduler per event loop, so each loop has one timing wheel. */
  private final java.util.concurrent.ConcurrentHashMap<EventLoop, NettyScheduler> schedulers =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final Logger log = LoggerFactory.getLogger(NettyTransportCore.class);

  private final List<ListenPoint> requested;
  private final TransportConfig config;
  private final TlsConfig tls;
  private final int threads;
  private final EventLoopGroup givenGroup;
  private final SipParser parser;
  private final Tracer tracer = new Tracer();
  private final UdpSockets udp = new UdpSockets(tracer);
  private final OpenConnections connections;
  private final MessageSender sender;
  private final Object lock = new Object();

  private volatile TransportListener listener = new TransportListener() {
    @Override
    public void onMessage(dev.parley.transport.Inbound inbound) {}
  };
  private volatile List<ListenPoint> bound;
  private volatile EventLoopGroup group;
  /** Whether the group runs Linux epoll (native channels, SO_REUSEPORT for UDP). */
  private volatile boolean epoll;
  private volatile ChannelGroup channels;
  private ServerTlsContext serverTls; // guarded by lock
  private CompletableFuture<Void> started;
  private volatile boolean closed;

  public NettyTransportCore(List<ListenPoint> listenPoints, TransportConfig config, TlsConfig tls,
      int threads, EventLoopGroup group) {
    this.requested = List.copyOf(listenPoints);
    this.bound = this.requested;
    this.config = config;
    this.tls = tls;
    this.threads = threads;
    this.givenGroup = group;
    this.connections = new OpenConnections(this, config, tls);
    this.sender = new MessageSender(config, this::listenPoints, udp, connections);
    this.parser = SipParser.builder().config(config.parserConfig())
        .policy(config.compliancePolicy()).build();
  }

  // ---------------------------------------------------------------- accessors for handlers

  TransportConfig config() {
    return config;
  }

  SipParser parser() {
    return parser;
  }

  Tracer tracer() {
    return tracer;
  }

  TransportListener listener() {
    return listener;
  }

  /** The listener's {@link TransportListener#mayParseDatagram}; a listener that throws: parse. */
  boolean mayParseDatagram(InetSocketAddress source) {
    try {
      return listener.mayParseDatagram(source);
    } catch (RuntimeException e) {
      log.warn("Transport listener failed to admit a datagram from {}", source, e);
      return true;
    }
  }

  /** The event loop group, once started. */
  EventLoopGroup group() {
    return group;
  }

  /** Whether the group runs Linux epoll (native channels, SO_REUSEPORT for UDP). */
  boolean epoll() {
    return epoll;
  }

  /** Whether {@link #close()} was called. */
  boolean isClosed() {
    return closed;
  }

  // ---------------------------------------------------------------- TransportLayer

  public void setListener(TransportListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  public void addTraceListener(TraceListener listener) {
    tracer.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeTraceListener(TraceListener listener) {
    tracer.remove(Objects.requireNonNull(listener, "listener"));
  }

  public List<ListenPoint> listenPoints() {
    return bound;
  }

  public CompletableFuture<Void> start() {
    synchronized (lock) {
      if (started != null) {
        return started;
      }
      if (closed) {
        return CompletableFuture.failedFuture(new TransportException("transport layer is closed"));
      }
      started = new CompletableFuture<>();
      try {
        // Native epoll when the JDK runs on Linux with it (SO_REUSEPORT lets every event loop
        // read the UDP port), NIO otherwise and for a group the caller gives us.
        epoll = givenGroup == null && io.netty.channel.epoll.Epoll.isAvailable();
        group = givenGroup != null ? givenGroup
            : new MultiThreadIoEventLoopGroup(threads, epoll
                ? io.netty.channel.epoll.EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        channels = new DefaultChannelGroup("parley-transport", GlobalEventExecutor.INSTANCE);
        for (ListenPoint lp : requested) {
          if (lp.transport().isSecure() && serverTls == null) {
            if (tls == null) {
              throw new IllegalArgumentException("listen point " + lp + " needs a TLS config");
            }
            serverTlsLocked();
          }
        }
      } catch (RuntimeException e) {
        log.error("Transport layer failed to start: {}", e.getMessage());
        started.completeExceptionally(e);
        shutdownGroup();
        return started;
      }
      new ListenPointBinder(this, config, group, epoll, channels, serverTls, udp).bind(requested)
          .whenComplete((done, error) -> {
            if (error != null) {
              started.completeExceptionally(error);
              close();
              return;
            }
            bound = done;
            log.info("Transport layer started on {}", bound);
            started.complete(null);
          });
      return started;
    }
  }

  /**
   * The server TLS context (created on first use, watching its files when the config has a
   * reload interval).
   *
   * @throws IllegalStateException without a TLS config with a key, or once closed
   * @throws IllegalArgumentException if the key files cannot be loaded
   */
  public ServerTlsContext serverTls() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("transport layer is closed");
      }
      if (tls == null || !tls.hasKey()) {
        throw new IllegalStateException("no TLS config with a key: set pem, pkcs12 or "
            + "developmentCertificate");
      }
      return serverTlsLocked();
    }
  }

  private ServerTlsContext serverTlsLocked() {
    if (serverTls == null) {
      serverTls = ServerTlsContext.load(tls);
      if (!tls.reloadInterval().isZero()) {
        serverTls.watch(tls.reloadInterval());
      }
    }
    return serverTls;
  }

  /**
   * A server-side TLS handler with the certificate that TLS and WSS listen points serve now
   * ({@link #serverTls()}, built at the first call when no listen point needed it, which then
   * reads the key files: call {@code serverTls()} first off the event loops), for another
   * listener that shares the certificate and its reloads.
   *
   * @throws IllegalStateException if the transport has no TLS config with a key
   */
  public SslHandler newServerTlsHandler(Channel ch) {
    // the current certificate of serverTls(): a reload reaches this listener's new connections
    SslHandler h = serverTls().get().newHandler(ch.alloc());
    h.setHandshakeTimeoutMillis(config.connectTimeout().toMillis());
    return h;
  }

  /** See {@code NettyTransportLayer.adoptWebSocket}. */
  public boolean adoptWebSocket(Channel ch, String path) {
    Objects.requireNonNull(ch, "channel");
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path does not start with '/': " + path);
    }
    if (!ch.eventLoop().inEventLoop()) {
      throw new IllegalStateException("adoptWebSocket runs on the channel's event loop");
    }
    if (!running()) {
      ch.close();
      return false;
    }
    return Pipelines.adoptWebSocket(this, ch, path);
  }

  public Scheduler nextScheduler() {
    EventLoopGroup g = group;
    if (g == null) {
      throw new IllegalStateException("transport layer is not started");
    }
    return schedulerFor((EventLoop) g.next());
  }

  /** The one scheduler (and timing wheel) of {@code loop}. */
  NettyScheduler schedulerFor(EventLoop loop) {
    return schedulers.computeIfAbsent(loop, NettyScheduler::new);
  }

  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (serverTls != null) {
        serverTls.close();
      }
    }
    ChannelGroup cg = channels;
    boolean inLoop = inAnyLoop();
    if (cg != null) {
      connections.addChannelsTo(cg);
      var f = cg.close();
      if (!inLoop) {
        f.awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
    }
    shutdownGroup();
    if (started != null && started.isDone() && !started.isCompletedExceptionally()) {
      log.info("Transport layer stopped ({})", bound);
    }
  }

  private boolean inAnyLoop() {
    EventLoopGroup g = group;
    if (g == null) {
      return false;
    }
    for (EventExecutor e : g) {
      if (e.inEventLoop()) {
        return true;
      }
    }
    return false;
  }

  private void shutdownGroup() {
    EventLoopGroup g = group;
    if (g != null && g != givenGroup) {
      var f = g.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      if (!inAnyLoop()) {
        f.awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
    }
  }

  private boolean running() {
    CompletableFuture<Void> s;
    synchronized (lock) {
      s = started;
    }
    return !closed && s != null && s.isDone() && !s.isCompletedExceptionally();
  }

  // ---------------------------------------------------------------- sending

  /** Sends {@code message} to {@code hop}; {@code wire} is its encoding, or null to encode it. */
  public CompletableFuture<Flow> send(SipMessage message, byte[] wire, Hop hop) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(hop, "hop");
    if (!running()) {
      return notRunning();
    }
    return sender.send(message, wire, hop);
  }

  /** Sends {@code message} over {@code flow}; {@code wire} is its encoding, or null to encode it. */
  public CompletableFuture<Flow> send(SipMessage message, byte[] wire, Flow flow) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(flow, "flow");
    if (!running()) {
      return notRunning();
    }
    return sender.send(message, wire, flow);
  }

  private static <T> CompletableFuture<T> notRunning() {
    return CompletableFuture.failedFuture(new TransportException("transport layer is not running"));
  }

  // ---------------------------------------------------------------- connections (for handlers)

  /**
   * Registers an accepted connection, or returns null when a limit refuses it (the caller
   * closes the channel).
   */
  Connection accepted(Channel ch, Transport transport) {
    return connections.accepted(ch, transport);
  }

  /** A connection did not deliver its first message in time; its channel is being closed. */
  void firstMessageTimedOut(Transport transport) {
    connections.firstMessageTimedOut(transport);
  }

  /** A connection took too long over a message; its channel is being closed. */
  void messageTimedOut(Transport transport) {
    connections.messageTimedOut(transport);
  }

  /** A connection was silent too long; its channel is being closed. */
  void idleTimedOut(Transport transport) {
    connections.idleTimedOut(transport);
  }

  /** The connection counters. */
  public ConnectionStats connectionStats() {
    return connections.stats();
  }

  /** The connection counters of the connections over {@code transport}. */
  public ConnectionStats connectionStats(Transport transport) {
    return connections.stats(transport);
  }

  /** An outbound connection is ready for messages. */
  void ready(Connection c) {
    connections.ready(c);
  }

  /** A connection's channel closed. */
  void closed(Connection c) {
    connections.closed(c);
  }

  /** Number of open connections (for tests and metrics). */
  public int connectionCount() {
    return connections.count();
  }
}
