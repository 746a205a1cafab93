package dev.parley.media.internal;

import dev.parley.media.MediaNetworkConfig;
import dev.parley.media.PortRangeExhaustedException;
import dev.parley.media.RtpSocket;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Binds the ports of a new {@link DatagramRtpSocket}: reserves the next RTP port of the range,
 * binds it (and port + 1 without rtcp-mux) on one event loop, and on a bind failure (a port in
 * use by another program) releases it and tries the next, until every port of the range was
 * tried. Asynchronous: nothing waits for a bind.
 *
 * <p>The sockets do not set SO_REUSEADDR: on Linux it would let two UDP sockets share a port,
 * and a port in use must fail to bind so that the next one is tried.
 */
public final class RtpSocketBinder {
  private final MediaNetworkConfig config;
  private final PortRange range;
  private final MediaTransport transport;

  /** A binder for {@code config}'s sockets over {@code range}, channels of {@code transport}. */
  public RtpSocketBinder(MediaNetworkConfig config, PortRange range, MediaTransport transport) {
    this.config = config;
    this.range = range;
    this.transport = transport;
  }

  /**
   * Opens a socket on {@code loop}; completes with it, or fails with a
   * {@link PortRangeExhaustedException} (or an {@link IllegalStateException} when the network
   * closes meanwhile). {@code registry} is offered the socket once bound and answers false when
   * the network is closed (the socket is then closed); {@code onClosed} runs with it when it
   * closes.
   */
  public CompletableFuture<RtpSocket> open(EventLoop loop, boolean mux,
      Predicate<DatagramRtpSocket> registry, Consumer<DatagramRtpSocket> onClosed) {
    CompletableFuture<RtpSocket> result = new CompletableFuture<>();
    tryNext(new Attempt(loop, mux, registry, onClosed, result));
    return result;
  }

  /** The state of one {@link #open}: how many ports were tried, the last failure. */
  private static final class Attempt {
    final EventLoop loop;
    final boolean mux;
    final Predicate<DatagramRtpSocket> registry;
    final Consumer<DatagramRtpSocket> onClosed;
    final CompletableFuture<RtpSocket> result;
    int tried;
    int failed;
    Throwable lastFailure;

    Attempt(EventLoop loop, boolean mux, Predicate<DatagramRtpSocket> registry,
        Consumer<DatagramRtpSocket> onClosed, CompletableFuture<RtpSocket> result) {
      this.loop = loop;
      this.mux = mux;
      this.registry = registry;
      this.onClosed = onClosed;
      this.result = result;
    }
  }

  private void tryNext(Attempt a) {
    int port = a.tried < range.size() ? range.reserve() : -1;
    if (port < 0) {
      a.result.completeExceptionally(exhausted(a));
      return;
    }
    a.tried++;
    DatagramRtpSocket s = new DatagramRtpSocket(config, a.loop, range, port, a.mux, a.onClosed);
    bind(a.loop, s, false, port).addListener((ChannelFuture rtp) -> {
      if (!rtp.isSuccess()) {
        failed(a, port, rtp.cause());
        return;
      }
      if (a.mux) {
        bound(a, s, rtp.channel(), null);
        return;
      }
      bind(a.loop, s, true, port + 1).addListener((ChannelFuture rtcp) -> {
        if (!rtcp.isSuccess()) {
          Throwable cause = rtcp.cause();
          rtp.channel().close().addListener(f -> failed(a, port, cause));
          return;
        }
        bound(a, s, rtp.channel(), rtcp.channel());
      });
    });
  }

  private void bound(Attempt a, DatagramRtpSocket s, Channel rtp, Channel rtcp) {
    s.attach(rtp, rtcp);
    if (!a.registry.test(s)) {
      s.close();
      a.result.completeExceptionally(new IllegalStateException("media network is closed"));
      return;
    }
    if (!a.result.complete(s)) {
      s.close();
    }
  }

  private void failed(Attempt a, int port, Throwable cause) {
    range.release(port);
    if (a.loop.isShuttingDown()) {
      a.result.completeExceptionally(new IllegalStateException("media network is closed", cause));
      return;
    }
    a.failed++;
    a.lastFailure = cause;
    tryNext(a);
  }

  private PortRangeExhaustedException exhausted(Attempt a) {
    String last = a.lastFailure == null ? "" : "; last bind failure: " + a.lastFailure.getMessage();
    return new PortRangeExhaustedException("no free RTP port in the range " + range + " on "
        + config.bindAddress().getHostAddress() + ": " + range.inUse() + " of " + range.size()
        + " RTP ports held by this media network's sockets, " + a.failed
        + " tried now in use by another program" + last, a.lastFailure);
  }

  private ChannelFuture bind(EventLoop loop, DatagramRtpSocket s, boolean rtcpPort, int port) {
    Bootstrap b = new Bootstrap().group(loop)
        .channelFactory(transport.datagramChannels(config.bindAddress()))
        .option(ChannelOption.SO_RCVBUF, config.receiveBufferSize())
        // One byte more than the largest datagram accepted: a datagram that fills the buffer
        // was larger (the kernel cut it) and is dropped as oversize.
        .option(ChannelOption.RCVBUF_ALLOCATOR,
            new FixedRecvByteBufAllocator(config.maxDatagramSize() + 1))
        .handler(new RtpChannelHandler(s, rtcpPort));
    return b.bind(new InetSocketAddress(config.bindAddress(), port));
  }
}
