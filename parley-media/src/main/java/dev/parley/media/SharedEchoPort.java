package dev.parley.media;

import dev.parley.media.internal.EchoPortHandler;
import dev.parley.media.internal.MediaTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One RTP port (and its RTCP port, + 1) that echoes the RTP of many calls at once: every RTP
 * packet from an admitted source goes straight back to that source, unchanged, as it arrives.
 * It is the model of SIPp's {@code -rtp_echo} (one media port for every call), for load tests;
 * {@link EchoStream} is the per-call alternative, with a port of its own per call.
 *
 * <p>What a single port buys: each wake-up of its event loop reads every datagram queued (with
 * Linux epoll one {@code recvmmsg} call reads up to {@value #BATCH} of them) and sends all the
 * echoes with one flush (Netty's {@code sendmmsg}), where a port per call costs a wake-up and a
 * receive and a send call per packet. What it costs: calls are told apart by their source
 * address only, so a packet from a source no call named in its SDP is dropped and counted
 * ({@link Counters#unknownSource()}), never echoed (no reflection to addresses nobody
 * offered); symmetric-RTP latching onto a NAT's address does not exist here.
 *
 * <p>RTCP (on the RTCP port, or by its packet type on the RTP port with rtcp-mux, RFC 5761
 * section 4) is counted, not echoed; datagrams too short for RTP, of another version, or larger
 * than {@link MediaNetworkConfig#maxDatagramSize()} are dropped and counted. Echoes that find
 * the socket's send buffer full are dropped and counted. Thread-safe: {@link #admit},
 * {@link #counters()} and {@link #close()} from any thread.
 */
public final class SharedEchoPort implements AutoCloseable {
  /** Datagrams one read of the epoll transport takes at most: {@value}. */
  public static final int BATCH = 32;

  /**
   * What the port did.
   *
   * @param packetsEchoed RTP packets sent back
   * @param bytesEchoed their bytes
   * @param rtcpReceived RTCP packets received (not echoed)
   * @param unknownSource datagrams from a source no admitted call named, dropped
   * @param malformed datagrams that are not RTP version 2 (or too large), dropped
   * @param sendsDropped echoes dropped because the socket's send buffer was full
   */
  public record Counters(long packetsEchoed, long bytesEchoed, long rtcpReceived,
      long unknownSource, long malformed, long sendsDropped) {}

  /** A call's admission of its RTP source; {@link #close()} withdraws it (idempotent). */
  public interface Admission extends AutoCloseable {
    @Override
    void close();
  }

  private final EchoPortHandler.Sources sources;
  private final EchoPortHandler rtp;
  private final EchoPortHandler rtcp;
  private final Channel rtpChannel;
  private final Channel rtcpChannel;
  private final int maxAdmissions;
  private final AtomicInteger admissions = new AtomicInteger();
  private final CompletableFuture<Void> closeFuture;

  private SharedEchoPort(EchoPortHandler.Sources sources, EchoPortHandler rtp,
      EchoPortHandler rtcp, Channel rtpChannel, Channel rtcpChannel, int maxAdmissions) {
    this.sources = sources;
    this.rtp = rtp;
    this.rtcp = rtcp;
    this.rtpChannel = rtpChannel;
    this.rtcpChannel = rtcpChannel;
    this.maxAdmissions = maxAdmissions;
    CompletableFuture<Void> a = new CompletableFuture<>();
    CompletableFuture<Void> b = new CompletableFuture<>();
    rtpChannel.closeFuture().addListener(f -> a.complete(null));
    rtcpChannel.closeFuture().addListener(f -> b.complete(null));
    this.closeFuture = CompletableFuture.allOf(a, b);
  }

  /** Binds RTP on {@code port} and RTCP on {@code port + 1} on {@code loop}; see the network's. */
  static CompletableFuture<SharedEchoPort> open(EventLoop loop, MediaTransport transport,
      MediaNetworkConfig config, int port, int maxAdmissions) {
    EchoPortHandler.Sources sources = new EchoPortHandler.Sources(new ConcurrentHashMap<>());
    EchoPortHandler rtp = new EchoPortHandler(sources, false, config.maxDatagramSize());
    EchoPortHandler rtcp = new EchoPortHandler(sources, true, config.maxDatagramSize());
    CompletableFuture<SharedEchoPort> result = new CompletableFuture<>();
    ChannelFuture first = bind(loop, transport, config, port, rtp);
    first.addListener(f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(bindFailure(config, port, f.cause()));
        return;
      }
      ChannelFuture second = bind(loop, transport, config, port + 1, rtcp);
      second.addListener(g -> {
        if (!g.isSuccess()) {
          first.channel().close();
          result.completeExceptionally(bindFailure(config, port + 1, g.cause()));
          return;
        }
        result.complete(new SharedEchoPort(sources, rtp, rtcp, first.channel(), second.channel(),
            maxAdmissions));
      });
    });
    return result;
  }

  private static IllegalStateException bindFailure(MediaNetworkConfig config, int port,
      Throwable cause) {
    return new IllegalStateException("cannot bind the shared echo port "
        + config.bindAddress().getHostAddress() + ":" + port + ": " + cause.getMessage(), cause);
  }

  private static ChannelFuture bind(EventLoop loop, MediaTransport transport,
      MediaNetworkConfig config, int port, EchoPortHandler handler) {
    // one byte more than the largest datagram taken: a datagram that fills its slot was larger
    int slot = config.maxDatagramSize() + 1;
    // every call's packets queue on this one socket: a receive buffer for all of them
    int receiveBuffer = Math.max(config.receiveBufferSize(), 4 << 20);
    Bootstrap b = new Bootstrap().group(loop)
        .channelFactory(transport.datagramChannels(config.bindAddress()))
        .option(ChannelOption.SO_RCVBUF, receiveBuffer)
        .option(ChannelOption.SO_SNDBUF, receiveBuffer)
        .handler(handler);
    if (transport == MediaTransport.EPOLL) {
      b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, slot)
          .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(slot * BATCH));
    } else {
      b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(slot));
    }
    return b.bind(new InetSocketAddress(config.bindAddress(), port));
  }

  /**
   * Admits RTP from {@code source} (the address a call's SDP offer gave): its packets are echoed
   * until the admission is closed. Several calls may admit the same address; it stays admitted
   * while any of them does.
   *
   * @throws IllegalStateException when {@code maxAdmissions} calls are admitted already, or the
   *     port is closed
   */
  public Admission admit(InetSocketAddress source) {
    Objects.requireNonNull(source, "source");
    if (source.isUnresolved()) {
      throw new IllegalArgumentException("source: unresolved address " + source);
    }
    if (!rtpChannel.isOpen()) {
      throw new IllegalStateException("shared echo port is closed");
    }
    if (admissions.incrementAndGet() > maxAdmissions) {
      admissions.decrementAndGet();
      throw new IllegalStateException("shared echo port full: " + maxAdmissions
          + " calls admitted");
    }
    sources.add(source);
    return new Admission() {
      private boolean closed;

      @Override
      public synchronized void close() {
        if (!closed) {
          closed = true;
          sources.remove(source);
          admissions.decrementAndGet();
        }
      }
    };
  }

  /** Calls admitted now. */
  public int admitted() {
    return admissions.get();
  }

  /** The RTP address (for the SDP answer's {@code m=} port). */
  public InetSocketAddress localRtpAddress() {
    return (InetSocketAddress) rtpChannel.localAddress();
  }

  /** The RTCP address (RTP port + 1). */
  public InetSocketAddress localRtcpAddress() {
    return (InetSocketAddress) rtcpChannel.localAddress();
  }

  /** The counters now. */
  public Counters counters() {
    return EchoPortHandler.counters(rtp, rtcp);
  }

  /** Closes both sockets. Idempotent; {@link #closeFuture()} completes once they are closed. */
  @Override
  public void close() {
    rtpChannel.close();
    rtcpChannel.close();
  }

  /** Completes once both sockets are closed. */
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public String toString() {
    return "SharedEchoPort{" + rtpChannel.localAddress() + ", " + admissions.get() + " calls}";
  }
}
