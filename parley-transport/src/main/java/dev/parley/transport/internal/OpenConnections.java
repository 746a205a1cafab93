package dev.parley.transport.internal;

import dev.parley.transport.ConnectionStats;
import dev.parley.transport.Flow;
import dev.parley.transport.TlsConfig;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportConfig;
import dev.parley.transport.TransportException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open TCP, TLS and WebSocket connections, by id and by remote address: opens outbound ones
 * (reusing an open one to the same remote), registers accepted ones, both through the limits of
 * the {@link ConnectionTable}, writes on them and forgets them when they close. Split out of
 * {@link NettyTransportCore}, which owns one.
 *
 * <p>Thread-safe: called from any thread and from every event loop.
 */
final class OpenConnections {
  /** Logs under the transport core's name, as before this class was split out of it. */
  private static final Logger log = LoggerFactory.getLogger(NettyTransportCore.class);

  private final NettyTransportCore core;
  private final TransportConfig config;
  private final TlsConfig tls;
  private final AtomicLong connectionIds = new AtomicLong();
  private final Map<Long, Connection> byId = new ConcurrentHashMap<>();
  private final Map<Connection.Key, Connection> byRemote = new ConcurrentHashMap<>();
  private final ConnectionTable table;
  /** Connections closed by each timeout, by {@link Transport#ordinal()}. */
  private final AtomicLongArray firstMessageTimeouts = byTransport();
  private final AtomicLongArray messageTimeouts = byTransport();
  private final AtomicLongArray idleTimeouts = byTransport();
  private final Object lock = new Object();
  private volatile SslContext clientSsl;

  OpenConnections(NettyTransportCore core, TransportConfig config, TlsConfig tls) {
    this.core = core;
    this.config = config;
    this.tls = tls;
    this.table = new ConnectionTable(config);
  }

  /** The open connection with {@code id}, or null. */
  Connection byId(long id) {
    return byId.get(id);
  }

  /** Sends {@code out} on the connection to {@code key}'s remote, opening one if none is open. */
  CompletableFuture<Flow> send(Outgoing out, Connection.Key key) {
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
    Bootstrap bootstrap = new Bootstrap().group(core.group())
        .channel(core.epoll() ? io.netty.channel.epoll.EpollSocketChannel.class
            : NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
        .option(ChannelOption.SO_KEEPALIVE, config.tcpKeepAlive())
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(Pipelines.client(core, c, ssl));
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

  /** Writes {@code out} on {@code c}, within {@link TransportConfig#maxPendingWrites()}. */
  CompletableFuture<Flow> write(Connection c, Outgoing out) {
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
    if (core.isClosed()) {
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
      // at the socket, past the pipeline: a TLS (or WSS) victim is usually one that never
      // finished its handshake, and SslHandler's orderly close would hold the socket (its
      // close_notify waits for the handshake) until the handshake timeout, the slot it frees
      // taken meanwhile
      ch.eventLoop().execute(() -> ch.unsafe().close(ch.unsafe().voidPromise()));
    }
  }

  /** A connection did not deliver its first message in time; its channel is being closed. */
  void firstMessageTimedOut(Transport transport) {
    firstMessageTimeouts.incrementAndGet(transport.ordinal());
  }

  /** A connection took too long over a message; its channel is being closed. */
  void messageTimedOut(Transport transport) {
    messageTimeouts.incrementAndGet(transport.ordinal());
  }

  /** A connection was silent too long; its channel is being closed. */
  void idleTimedOut(Transport transport) {
    idleTimeouts.incrementAndGet(transport.ordinal());
  }

  /** The connection counters. */
  ConnectionStats stats() {
    return table.stats(sum(firstMessageTimeouts), sum(messageTimeouts), sum(idleTimeouts));
  }

  /** The connection counters of the connections over {@code transport}. */
  ConnectionStats stats(Transport transport) {
    int t = transport.ordinal();
    return table.stats(transport, firstMessageTimeouts.get(t), messageTimeouts.get(t),
        idleTimeouts.get(t));
  }

  private static AtomicLongArray byTransport() {
    return new AtomicLongArray(Transport.values().length);
  }

  private static long sum(AtomicLongArray counts) {
    long sum = 0;
    for (int i = 0; i < counts.length(); i++) {
      sum += counts.get(i);
    }
    return sum;
  }

  /** An outbound connection is ready for messages. */
  void ready(Connection c) {
    if (core.isClosed()) {
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
        core.listener().onFlowClosed(flow);
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

  /** Number of open connections. */
  int count() {
    return byId.size();
  }

  /** Adds every open connection's channel to {@code group}, to be closed with it. */
  void addChannelsTo(ChannelGroup group) {
    for (Connection c : byId.values()) {
      Channel ch = c.channel();
      if (ch != null) {
        group.add(ch);
      }
    }
  }
}
