package dev.parley.transport.internal;

import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportConfig;
import dev.parley.transport.TransportException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.util.function.Supplier;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the listen points, one after the other, when the transport starts: a server socket per
 * stream listen point, and per UDP listen point one socket per event loop when the group runs
 * epoll (SO_REUSEPORT: the kernel spreads datagrams by source). Split out of
 * {@link NettyTransportCore}; used once, by {@code start()}.
 */
final class ListenPointBinder {
  /** Logs under the transport core's name, as before this class was split out of it. */
  private static final Logger log = LoggerFactory.getLogger(NettyTransportCore.class);

  private final NettyTransportCore core;
  private final TransportConfig config;
  private final EventLoopGroup group;
  private final boolean epoll;
  private final ChannelGroup channels;
  private final Supplier<SslContext> serverSsl;
  private final UdpSockets udp;

  /**
   * A binder on {@code group} ({@code epoll}: whether it runs Linux epoll); every bound channel
   * joins {@code channels}, and every UDP one {@code udp}; {@code serverSsl} may be null when no
   * listen point is secure.
   */
  ListenPointBinder(NettyTransportCore core, TransportConfig config, EventLoopGroup group,
      boolean epoll, ChannelGroup channels, Supplier<SslContext> serverSsl, UdpSockets udp) {
    this.core = core;
    this.config = config;
    this.group = group;
    this.epoll = epoll;
    this.channels = channels;
    this.serverSsl = serverSsl;
    this.udp = udp;
  }

  /**
   * Binds {@code requested} in order; completes with the listen points as bound (port 0 replaced
   * by the port given), or fails with a {@link TransportException} naming the first that could
   * not be bound (the caller closes what was bound).
   */
  CompletableFuture<List<ListenPoint>> bind(List<ListenPoint> requested) {
    CompletableFuture<List<ListenPoint>> result = new CompletableFuture<>();
    bindNext(requested, 0, new ArrayList<>(), result);
    return result;
  }

  private void bindNext(List<ListenPoint> requested, int index, List<ListenPoint> done,
      CompletableFuture<List<ListenPoint>> result) {
    if (index == requested.size()) {
      result.complete(List.copyOf(done));
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
          .childHandler(Pipelines.server(core, lp.transport(), serverSsl))
          .bind(lp.address());
    }
    f.addListener((ChannelFuture b) -> {
      if (!b.isSuccess()) {
        log.error("Transport layer failed to bind {}: {}", lp, b.cause().toString());
        result.completeExceptionally(new TransportException("cannot bind " + lp + ": "
            + b.cause().getMessage(), b.cause()));
        return;
      }
      Channel ch = b.channel();
      channels.add(ch);
      if (lp.transport() == Transport.UDP) {
        udp.add(ch);
      }
      InetSocketAddress actual = (InetSocketAddress) ch.localAddress();
      done.add(new ListenPoint(lp.transport(), new InetSocketAddress(lp.address().getAddress(),
          actual.getPort())));
      if (lp.transport() == Transport.UDP && epoll) {
        bindMoreUdp(new InetSocketAddress(lp.address().getAddress(), actual.getPort()),
            extraUdpSockets(), () -> bindNext(requested, index + 1, done, result));
      } else {
        bindNext(requested, index + 1, done, result);
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
        .option(ChannelOption.ALLOCATOR, DatagramAllocator.shared())
        .handler(Pipelines.datagram(core));
    if (epoll) {
      b.option(io.netty.channel.epoll.EpollChannelOption.SO_REUSEPORT, true);
    }
    return b;
  }

  /** One UDP socket per event loop beyond the first: the kernel spreads datagrams by source. */
  private int extraUdpSockets() {
    int loops = 0;
    for (EventExecutor ignored : group) {
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
        udp.add(b.channel());
        bindMoreUdp(address, count - 1, then);
      } else {
        log.warn("Extra UDP socket on {} not bound ({}); reading it with fewer threads",
            address, b.cause().toString());
        then.run();
      }
    });
  }
}
