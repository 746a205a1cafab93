package dev.parley.media;

import dev.parley.media.internal.DatagramRtpSocket;
import dev.parley.media.internal.MediaThreadFactory;
import dev.parley.media.internal.MediaTransport;
import dev.parley.media.internal.PortRange;
import dev.parley.media.internal.RtpSocketBinder;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media layer's network: its own Netty event-loop group (threads {@code parley-media-N},
 * Linux epoll when available, NIO otherwise; never the SIP loops; their waits spaced by
 * {@link MediaNetworkConfig#wakeupSpacingMicros()}) and its port range, from which
 * it opens one {@link RtpSocket} per media stream.
 *
 * <pre>{@code
 * try (MediaNetwork network = new MediaNetwork(MediaNetworkConfig.builder()
 *     .portRange(20000, 20999).build())) {
 *   RtpSocket socket = network.open(true).join();   // rtcp-mux: one port
 *   socket.handler((packet, source, arrivalNanos) -> { ... });
 *   socket.remote(new InetSocketAddress("192.0.2.7", 49170), null);
 *   socket.sendRtp(bytes, 0, bytes.length);
 *   socket.close();
 * }
 * }</pre>
 *
 * <p>Ports: RTP on even ports of the range, RTCP on port + 1 (both within the range) unless the
 * socket uses rtcp-mux. A port that another program holds is skipped (its bind fails, the next
 * is tried); when no port is left, {@link #open} fails with a
 * {@link PortRangeExhaustedException}. A socket's ports return to the range when it closes.
 *
 * <p>Thread-safe. {@link #close()} closes every socket and stops the threads; called off the
 * loops it waits (a few seconds at most) for them to stop.
 */
public final class MediaNetwork implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MediaNetwork.class);

  private final MediaNetworkConfig config;
  private final MediaTransport transport;
  private final EventLoopGroup group;
  private final PortRange range;
  private final RtpSocketBinder binder;
  private final Set<DatagramRtpSocket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<SharedEchoPort> echoPorts = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  private boolean closed;

  /**
   * Starts a media network: checks that the bind address is one of this host's, then starts
   * the event loops.
   *
   * @throws IllegalArgumentException when the bind address cannot be bound on this host
   */
  public MediaNetwork(MediaNetworkConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    checkBindAddress(config);
    this.range = new PortRange(config.minPort(), config.maxPort());
    this.transport = MediaTransport.choose(config.nativeTransport());
    this.group = new MultiThreadIoEventLoopGroup(config.threads(), new MediaThreadFactory(),
        transport.ioHandlerFactory(config.wakeupSpacingMicros() * 1000L,
            config.wakeupBatch()));
    this.binder = new RtpSocketBinder(config, range, transport);
    log.info("Media network started: {} ({})", config, transport);
  }

  /** A media network with the default settings. */
  public MediaNetwork() {
    this(MediaNetworkConfig.defaults());
  }

  /** Binding the wildcard address or one of the host's own succeeds; any other fails now. */
  private static void checkBindAddress(MediaNetworkConfig config) {
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(config.bindAddress(), 0))) {
      probe.getLocalPort();
    } catch (IOException e) {
      throw new IllegalArgumentException("bindAddress cannot be bound on this host: "
          + config.bindAddress().getHostAddress() + " (" + e.getMessage() + ")", e);
    }
  }

  /** The settings. */
  public MediaNetworkConfig config() {
    return config;
  }

  /**
   * Opens a socket for one media stream on one of the network's event loops: an RTP port of the
   * range, and its RTCP port (port + 1) unless {@code rtcpMux}. Does not block.
   *
   * @return the socket once bound; fails with a {@link PortRangeExhaustedException} when no
   *     port of the range can be bound, or an {@link IllegalStateException} once closed
   */
  public CompletableFuture<RtpSocket> open(boolean rtcpMux) {
    EventLoop loop;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("media network is closed"));
      }
      loop = (EventLoop) group.next();
    }
    return binder.open(loop, rtcpMux, this::register, sockets::remove);
  }

  /**
   * Opens a {@link SharedEchoPort} on {@code port} (RTP) and {@code port + 1} (RTCP) of the
   * network's bind address, on one of its event loops, for at most {@code maxCalls} admitted
   * calls. The port need not be in the range (the range's sockets skip it while it is held). It
   * closes with the network. Does not block.
   *
   * @return the port once bound; fails with an {@link IllegalStateException} naming the address
   *     when either port cannot be bound, or once the network is closed
   * @throws IllegalArgumentException if {@code port} is not even in 2..65534 or {@code maxCalls}
   *     is below 1
   */
  public CompletableFuture<SharedEchoPort> openSharedEcho(int port, int maxCalls) {
    if (port < 2 || port > 65534 || port % 2 != 0) {
      throw new IllegalArgumentException("port: an even port in 2..65534 expected: " + port);
    }
    if (maxCalls < 1) {
      throw new IllegalArgumentException("maxCalls: at least 1: " + maxCalls);
    }
    EventLoop loop;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("media network is closed"));
      }
      loop = (EventLoop) group.next();
    }
    return SharedEchoPort.open(loop, transport, config, port, maxCalls).thenApply(echo -> {
      synchronized (lock) {
        if (closed) {
          echo.close();
          throw new IllegalStateException("media network is closed");
        }
        echoPorts.add(echo);
      }
      echo.closeFuture().thenRun(() -> echoPorts.remove(echo));
      return echo;
    });
  }

  private boolean register(DatagramRtpSocket socket) {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      sockets.add(socket);
      return true;
    }
  }

  /** The number of open sockets. */
  public int openSockets() {
    return sockets.size();
  }

  /** The number of RTP ports of the range held now (by open sockets and binds under way). */
  public int portsInUse() {
    return range.inUse();
  }

  /** Closes every socket and stops the event loops. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    List<DatagramRtpSocket> open = List.copyOf(sockets);
    open.forEach(DatagramRtpSocket::close);
    List<SharedEchoPort> echoes = List.copyOf(echoPorts);
    echoes.forEach(SharedEchoPort::close);
    boolean inLoop = inAnyLoop();
    if (!inLoop) {
      CompletableFuture.allOf(Stream.concat(open.stream().map(RtpSocket::closeFuture),
              echoes.stream().map(SharedEchoPort::closeFuture))
          .toArray(CompletableFuture[]::new)).completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
    }
    var f = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    if (!inLoop) {
      f.awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    log.info("Media network stopped ({} sockets closed)", open.size());
  }

  private boolean inAnyLoop() {
    for (EventExecutor e : group) {
      if (e.inEventLoop()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "MediaNetwork{" + config.bindAddress().getHostAddress() + " ports " + range + ", "
        + sockets.size() + " sockets}";
  }
}
