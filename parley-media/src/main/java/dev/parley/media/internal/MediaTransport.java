package dev.parley.media.internal;

import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.channels.spi.SelectorProvider;

/** The Netty transport of a media network's event loops and datagram channels. */
public enum MediaTransport {
  /** Java NIO: everywhere. */
  NIO,
  /** Linux epoll. */
  EPOLL;

  /** Linux epoll when {@code preferNative} and it is available here, else Java NIO. */
  public static MediaTransport choose(boolean preferNative) {
    return preferNative && io.netty.channel.epoll.Epoll.isAvailable() ? EPOLL : NIO;
  }

  /**
   * The factory of the event loops' I/O handlers; {@code spacingNanos} > 0 spaces the loops'
   * waits ({@link SpacedSelectStrategy}), 0 leaves Netty's default; {@code batch} > 0 makes the
   * spacing adaptive (at most {@code spacingNanos}, the time {@code batch} packets take).
   */
  public IoHandlerFactory ioHandlerFactory(long spacingNanos, int batch) {
    SelectStrategyFactory strategies = spacingNanos <= 0 ? null
        : () -> new SpacedSelectStrategy(spacingNanos, batch);
    return switch (this) {
      case NIO -> strategies == null ? NioIoHandler.newFactory()
          : NioIoHandler.newFactory(SelectorProvider.provider(), strategies);
      case EPOLL -> strategies == null ? EpollIoHandler.newFactory()
          : EpollIoHandler.newFactory(0, strategies);
    };
  }

  /**
   * Makes the datagram channels of sockets bound to {@code bindAddress}: IPv4 sockets for an
   * IPv4 address (the wildcard 0.0.0.0 included: such a socket reaches IPv4 peers only either
   * way, and the kernel's IPv4 path skips the IPv6 socket's mapped-address work), the
   * transport's default (IPv6, dual-stack) otherwise.
   */
  public ChannelFactory<DatagramChannel> datagramChannels(InetAddress bindAddress) {
    boolean v4 = bindAddress instanceof Inet4Address;
    return switch (this) {
      case NIO -> v4 ? () -> new NioDatagramChannel(SocketProtocolFamily.INET)
          : NioDatagramChannel::new;
      case EPOLL -> v4 ? () -> new EpollDatagramChannel(SocketProtocolFamily.INET)
          : EpollDatagramChannel::new;
    };
  }
}
