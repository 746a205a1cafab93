package dev.parley.transport.internal;

import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParser;
import dev.parley.sip.Via;
import dev.parley.transport.ConnectionStats;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Scheduler;
import dev.parley.transport.TlsConfig;
import dev.parley.transport.TraceListener;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportConfig;
import dev.parley.transport.TransportException;
import dev.parley.transport.TransportListener;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@code NettyTransportLayer}: binds the listen points, keeps the connection
 * table, sends messages and hands received ones to the listener. Thread-safe: public methods may
 * be called from any thread; handlers call back on their channel's event loop.
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
  private final AtomicLong connectionIds = new AtomicLong();
  private final Map<Long, Connection> byId = new ConcurrentHashMap<>();
  private final Map<Connection.Key, Connection> byRemote = new ConcurrentHashMap<>();
  private final ConnectionTable table;
  private final AtomicLong firstMessageTimeouts = new AtomicLong();
  private final AtomicLong messageTimeouts = new AtomicLong();
  private final AtomicLong idleTimeouts = new AtomicLong();
  /** The bound UDP channels (several per address with SO_REUSEPORT); replaced, never modified. */
  private volatile Channel[] udpChannels = new Channel[0];
  private final Object udpChannelsLock = new Object();
  private final AtomicBoolean switchFallbackLogged = new AtomicBoolean();
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
  private volatile SslContext serverSsl;
  private volatile SslContext clientSsl;
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
    this.table = new ConnectionTable(config);
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

  // ---------------------------------------------------------------- TransportLayer

  public void setListener(TransportListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  public void addTraceListener(TraceListener listener) {
    tracer.add(Objects.requireNonNull(listener, "listener"));
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
          if (lp.transport().isSecure() && serverSsl == null) {
            if (tls == null) {
              throw new IllegalArgumentException("listen point " + lp + " needs a TLS config");
            }
            serverSsl = SslContexts.server(tls);
          }
        }
      } catch (RuntimeException e) {
        log.error("Transport layer failed to start: {}", e.getMessage());
        started.completeExceptionally(e);
        shutdownGroup();
        return started;
      }
      bindNext(0, new ArrayList<>());
      return started;
    }
  }

  private void bindNext(int index, List<ListenPoint> done) {
    if (index == requested.size()) {
      bound = List.copyOf(done);
      log.info("Transport layer started on {}", bound);
      started.complete(null);
      return;
    }
    ListenPoint lp = requested.get(index);
    ChannelFuture f;
    if (lp.transport() == Transport.UDP) {
      f = udpBootstrap().bind(lp.address());
    } else {
      f = new ServerBootstrap().group(group)
          .channel(epoll ? io.netty.channel.epoll.EpollServerSocketChannel.class
              : NioServerSocketChannel.class)
          .option(ChannelOption.SO_REUSEADDR, true)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.SO_KEEPALIVE, config.tcpKeepAlive())
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(Pipelines.server(this, lp.transport(), serverSsl))
          .bind(lp.address());
    }
    f.addListener((ChannelFuture b) -> {
      if (!b.isSuccess()) {
        log.error("Transport layer failed to bind {}: {}", lp, b.cause().toString());
        started.completeExceptionally(new TransportException("cannot bind " + lp + ": "
            + b.cause().getMessage(), b.cause()));
        close();
        return;
      }
      Channel ch = b.channel();
      channels.add(ch);
      if (lp.transport() == Transport.UDP) {
        addUdpChannel(ch);
      }
      InetSocketAddress actual = (InetSocketAddress) ch.localAddress();
      done.add(new ListenPoint(lp.transport(), new InetSocketAddress(lp.address().getAddress(),
          actual.getPort())));
      if (lp.transport() == Transport.UDP && epoll) {
        bindMoreUdp(new InetSocketAddress(lp.address().getAddress(), actual.getPort()),
            extraUdpSockets(), () -> bindNext(index + 1, done));
      } else {
        bindNext(index + 1, done);
      }
    });
  }

  private Bootstrap udpBootstrap() {
    Bootstrap b = new Bootstrap().group(group)
        .channel(epoll ? io.netty.channel.epoll.EpollDatagramChannel.class : NioDatagramChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.SO_RCVBUF, config.udpSocketBufferSize())
        .option(ChannelOption.SO_SNDBUF, config.udpSocketBufferSize())
        .option(ChannelOption.RCVBUF_ALLOCATOR,
            new FixedRecvByteBufAllocator(TransportConfig.MAX_DATAGRAM_SIZE + 28))
        .handler(Pipelines.datagram(this));
    if (epoll) {
      b.option(io.netty.channel.epoll.EpollChannelOption.SO_REUSEPORT, true);
    }
    return b;
  }

  /** One UDP socket per event loop beyond the first: the kernel spreads datagrams by source. */
  private int extraUdpSockets() {
    int loops = 0;
    for (io.netty.util.concurrent.EventExecutor ignored : group) {
      loops++;
    }
    return Math.max(0, loops - 1);
  }

  /** Binds {@code count} more SO_REUSEPORT sockets to {@code address}; best effort. */
  private void bindMoreUdp(InetSocketAddress address, int count, Runnable then) {
    if (count == 0) {
      then.run();
      return;
    }
    udpBootstrap().bind(address).addListener((ChannelFuture b) -> {
      if (b.isSuccess()) {
        channels.add(b.channel());
        addUdpChannel(b.channel());
        bindMoreUdp(address, count - 1, then);
      } else {
        log.warn("Extra UDP socket on {} not bound ({}); reading it with fewer threads",
            address, b.cause().toString());
        then.run();
      }
    });
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
    }
    ChannelGroup cg = channels;
    boolean inLoop = inAnyLoop();
    if (cg != null) {
      for (Connection c : byId.values()) {
        Channel ch = c.channel();
        if (ch != null) {
          cg.add(ch);
        }
      }
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

  public CompletableFuture<Flow> send(SipMessage message, Hop hop) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(hop, "hop");
    if (!running()) {
      return notRunning();
    }
    Outgoing out;
    try {
      out = new Outgoing(message, message.encode(), hop.address());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new TransportException("cannot encode: " + e, e));
    }
    if (hop.transport() == Transport.UDP) {
      if (message.isRequest() && out.wire().length > config.udpSizeThreshold()) {
        return sendLargeRequest(out, hop);
      }
      return sendDatagram(out, null);
    }
    return sendOnConnection(new Outgoing(message, out.wire(), null),
        new Connection.Key(hop.transport(), hop.address()));
  }

  public CompletableFuture<Flow> send(SipMessage message, Flow flow) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(flow, "flow");
    if (!running()) {
      return notRunning();
    }
    byte[] wire;
    try {
      wire = message.encode();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new TransportException("cannot encode: " + e, e));
    }
    if (flow.transport() == Transport.UDP) {
      return sendDatagram(new Outgoing(message, wire, flow.remote()), flow.local());
    }
    Connection c = byId.get(flow.connectionId());
    if (c == null || c.isClosed() || c.transport() != flow.transport()) {
      return CompletableFuture.failedFuture(new TransportException(
          "connection #" + flow.connectionId() + " (" + flow + ") is closed"));
    }
    return write(c, new Outgoing(message, wire, null));
  }

  private static <T> CompletableFuture<T> notRunning() {
    return CompletableFuture.failedFuture(new TransportException("transport layer is not running"));
  }

  /** RFC 3261 §18.1.1: a request over 1300 bytes bound for UDP goes over TCP, else UDP anyway. */
  private CompletableFuture<Flow> sendLargeRequest(Outgoing out, Hop hop) {
    ListenPoint tcp = listenPoint(Transport.TCP);
    if (tcp == null) {
      noteFallback("no TCP listen point");
      return sendDatagram(out, null);
    }
    SipMessage viaTcp;
    try {
      Via top = out.message().topVia();
      Via.Builder b = top.toBuilder().transport(Transport.TCP.viaToken());
      ListenPoint udp = listenPoint(Transport.UDP);
      if (udp != null && top.port() == udp.address().getPort()) {
        b.port(tcp.address().getPort());
      }
      viaTcp = out.message().withTopVia(b.build());
    } catch (RuntimeException e) {
      noteFallback("top Via cannot be rewritten: " + e.getMessage());
      return sendDatagram(out, null);
    }
    return sendOnConnection(Outgoing.of(viaTcp), new Connection.Key(Transport.TCP, hop.address()))
        .handle((flow, error) -> {
          if (error == null) {
            return CompletableFuture.completedFuture(flow);
          }
          noteFallback("TCP failed: " + error.getMessage());
          return sendDatagram(out, null);
        }).thenCompose(f -> f);
  }

  private void noteFallback(String why) {
    if (switchFallbackLogged.compareAndSet(false, true)) {
      log.warn("Large requests go over UDP ({}); RFC 3261 §18.1.1 asks for TCP. "
          + "Further occurrences are not logged", why);
    }
  }

  private ListenPoint listenPoint(Transport t) {
    for (ListenPoint lp : bound) {
      if (lp.transport() == t) {
        return lp;
      }
    }
    return null;
  }

  private CompletableFuture<Flow> sendDatagram(Outgoing out, InetSocketAddress local) {
    if (out.wire().length > TransportConfig.MAX_DATAGRAM_SIZE) {
      return CompletableFuture.failedFuture(new TransportException("message of "
          + out.wire().length + " bytes is too large for UDP"));
    }
    Channel ch = udpChannel(out.recipient(), local);
    if (ch == null) {
      return CompletableFuture.failedFuture(new TransportException("no UDP listen point"));
    }
    CompletableFuture<Flow> result = new CompletableFuture<>();
    Flow flow = new Flow(Transport.UDP, (InetSocketAddress) ch.localAddress(), out.recipient(), 0);
    ch.writeAndFlush(out).addListener(f -> {
      if (f.isSuccess()) {
        result.complete(flow);
      } else {
        result.completeExceptionally(new TransportException("cannot send to " + out.recipient()
            + ": " + f.cause().getMessage(), f.cause()));
      }
    });
    return result;
  }

  private void addUdpChannel(Channel ch) {
    synchronized (udpChannelsLock) {
      Channel[] now = udpChannels;
      Channel[] next = java.util.Arrays.copyOf(now, now.length + 1);
      next[now.length] = ch;
      udpChannels = next;
    }
  }

  /**
   * The UDP channel bound to {@code local}, else one of the recipient's address family; among
   * equals (the SO_REUSEPORT sockets of one address, one per event loop) the calling loop's own,
   * so that a response sent from the loop that received its request is written there and then,
   * not handed to another loop's queue with a wake-up.
   */
  private Channel udpChannel(InetSocketAddress recipient, InetSocketAddress local) {
    Channel[] all = udpChannels;
    if (local != null) {
      Channel found = null;
      for (Channel ch : all) {
        if (local.equals(ch.localAddress())) {
          if (ch.eventLoop().inEventLoop()) {
            return ch;
          }
          if (found == null) {
            found = ch;
          }
        }
      }
      if (found != null) {
        return found;
      }
    }
    boolean v6 = recipient.getAddress() instanceof Inet6Address;
    Channel found = null;
    for (Channel ch : all) {
      InetAddress a = ((InetSocketAddress) ch.localAddress()).getAddress();
      if ((a instanceof Inet6Address) == v6) {
        if (ch.eventLoop().inEventLoop()) {
          return ch;
        }
        if (found == null) {
          found = ch;
        }
      }
    }
    return found != null ? found : all.length == 0 ? null : all[0];
  }

  private CompletableFuture<Flow> sendOnConnection(Outgoing out, Connection.Key key) {
    Connection[] created = new Connection[1];
    Connection c = byRemote.compute(key, (k, existing) -> {
      if (existing != null && !existing.isClosed()) {
        return existing;
      }
      created[0] = new Connection(connectionIds.incrementAndGet(), k.transport(), true, k);
      return created[0];
    });
    if (created[0] != null) {
      connect(c);
    }
    return c.ready().thenCompose(ready -> write(ready, out));
  }

  private void connect(Connection c) {
    ConnectionTable.Admission admission = table.admitOutbound(c);
    if (!admission.admitted()) {
      byRemote.remove(c.key(), c);
      c.fail(new TransportException("too many connections (" + config.maxConnections() + ")"));
      return;
    }
    evict(admission.evicted());
    byId.put(c.id(), c);
    SslContext ssl = null;
    if (c.transport().isSecure()) {
      try {
        ssl = clientSsl();
      } catch (RuntimeException e) {
        released(c);
        c.fail(e);
        return;
      }
    }
    Bootstrap bootstrap = new Bootstrap().group(group)
        .channel(epoll ? io.netty.channel.epoll.EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
        .option(ChannelOption.SO_KEEPALIVE, config.tcpKeepAlive())
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(Pipelines.client(this, c, ssl));
    // Register first and attach the channel before connecting, so that no pipeline event (a
    // connect or TLS handshake finishing on the event loop) can see the connection without it.
    ChannelFuture registered = bootstrap.register();
    c.attach(registered.channel());
    registered.addListener((ChannelFuture reg) -> {
      if (!reg.isSuccess()) {
        released(c);
        c.fail(reg.cause());
        return;
      }
      reg.channel().connect(c.key().remote()).addListener((ChannelFuture done) -> {
        if (!done.isSuccess()) {
          released(c);
          c.fail(done.cause());
        }
      });
    });
  }

  private SslContext clientSsl() {
    SslContext s = clientSsl;
    if (s == null) {
      if (tls == null) {
        throw new TransportException("no TLS config: cannot open TLS or WSS connections");
      }
      synchronized (lock) {
        if (clientSsl == null) {
          clientSsl = SslContexts.client(tls);
        }
        s = clientSsl;
      }
    }
    return s;
  }

  private CompletableFuture<Flow> write(Connection c, Outgoing out) {
    Channel ch = c.channel();
    if (c.isClosed() || ch == null || !ch.isActive()) {
      return CompletableFuture.failedFuture(new TransportException(c + " is closed"));
    }
    if (c.pendingWrites().incrementAndGet() > config.maxPendingWrites()) {
      c.pendingWrites().decrementAndGet();
      return CompletableFuture.failedFuture(new TransportException(c + " has "
          + config.maxPendingWrites() + " writes pending"));
    }
    CompletableFuture<Flow> result = new CompletableFuture<>();
    ch.writeAndFlush(out).addListener(f -> {
      c.pendingWrites().decrementAndGet();
      if (f.isSuccess()) {
        result.complete(c.flow());
      } else {
        result.completeExceptionally(new TransportException("cannot write on " + c + ": "
            + f.cause().getMessage(), f.cause()));
      }
    });
    return result;
  }

  // ---------------------------------------------------------------- connection table

  /**
   * Registers an accepted connection, or returns null when a limit refuses it (the caller
   * closes the channel).
   */
  Connection accepted(Channel ch, Transport transport) {
    InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
    Connection.Key key = new Connection.Key(transport, remote);
    Connection c = new Connection(connectionIds.incrementAndGet(), transport, false, key);
    c.attach(ch); // before admission: once counted, another loop may evict (close) it
    ConnectionTable.Admission admission = table.admitInbound(c, remote.getAddress());
    if (!admission.admitted()) {
      return null;
    }
    evict(admission.evicted());
    c.established();
    // An accepted connection carries messages both ways at once: a request sent to a hop equal
    // to its remote address reuses it (RFC 3261 §18, RFC 5626 flows) instead of waiting forever.
    c.markReady();
    byId.put(c.id(), c);
    byRemote.put(key, c);
    if (closed) {
      ch.close();
    }
    return c;
  }

  /** Closes a connection the table evicted to make room (it is no longer counted). */
  private void evict(Connection victim) {
    if (victim == null) {
      return;
    }
    log.debug("Closing {} to make room for a connection from an address holding fewer", victim);
    Channel ch = victim.channel();
    if (ch != null) {
      ch.close();
    }
  }

  /** A connection did not deliver its first message in time; its channel is being closed. */
  void firstMessageTimedOut() {
    firstMessageTimeouts.incrementAndGet();
  }

  /** A connection took too long over a message; its channel is being closed. */
  void messageTimedOut() {
    messageTimeouts.incrementAndGet();
  }

  /** A connection was silent too long; its channel is being closed. */
  void idleTimedOut() {
    idleTimeouts.incrementAndGet();
  }

  /** The connection counters. */
  public ConnectionStats connectionStats() {
    return table.stats(firstMessageTimeouts.get(), messageTimeouts.get(), idleTimeouts.get());
  }

  /** An outbound connection is ready for messages. */
  void ready(Connection c) {
    if (closed) {
      c.channel().close();
      return;
    }
    c.markReady();
  }

  /** A connection's channel closed. */
  void closed(Connection c) {
    boolean wasOpen = !c.isClosed();
    c.markClosed();
    if (!wasOpen) {
      return;
    }
    released(c);
    Flow flow = c.flow();
    if (flow != null) {
      try {
        listener.onFlowClosed(flow);
      } catch (RuntimeException e) {
        log.warn("Transport listener failed on onFlowClosed({})", flow, e);
      }
    }
  }

  private void released(Connection c) {
    table.release(c);
    byId.remove(c.id());
    byRemote.remove(c.key(), c);
  }

  /** Number of open connections (for tests and metrics). */
  public int connectionCount() {
    return byId.size();
  }
}
