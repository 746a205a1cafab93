package dev.parley.media.internal;

import dev.parley.media.MediaClock;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.media.RtpSocket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RtpSocket} of a {@code MediaNetwork}: one or two Netty datagram channels on one
 * event loop. Its receive path, latches and writes run on that loop; the public methods may be
 * called from any thread (sends hop to the loop, bounded by {@code maxPendingSends}).
 */
public final class DatagramRtpSocket implements RtpSocket {
  private static final Logger log = LoggerFactory.getLogger(DatagramRtpSocket.class);

  /** Minimum RTP header (RFC 3550 section 5.1): 12 bytes. */
  private static final int MIN_RTP = 12;
  /** Minimum RTCP packet (RFC 3550 section 6.4.2, an RR with no report block): 8 bytes. */
  private static final int MIN_RTCP = 8;

  private static final Handler DROP = (packet, source, arrivalNanos) -> {};

  private final EventLoop loop;
  private final MediaClock clock;
  private final PortRange range;
  private final int port;
  /** Whether RTCP shares the RTP port; turns true once, by {@link #useRtcpMux()}. */
  private volatile boolean mux;
  private final int maxDatagramSize;
  private final int maxPendingSends;
  private final Latch rtpLatch;
  /** The RTCP latch: its own without rtcp-mux, the RTP latch with it. */
  private volatile Latch rtcpLatch;
  private final Consumer<DatagramRtpSocket> onClosed;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private final AtomicInteger pendingSends = new AtomicInteger();

  private final LongAdder rtpReceived = new LongAdder();
  private final LongAdder rtcpReceived = new LongAdder();
  private final LongAdder bytesReceived = new LongAdder();
  private final LongAdder malformedDropped = new LongAdder();
  private final LongAdder oversizeDropped = new LongAdder();
  private final LongAdder packetsSent = new LongAdder();
  private final LongAdder bytesSent = new LongAdder();
  private final LongAdder sendDropped = new LongAdder();
  private final LongAdder relatches = new LongAdder();
  private final LongAdder errors = new LongAdder();

  private volatile Handler handler = DROP;
  private volatile Channel rtpChannel;
  private volatile Channel rtcpChannel;
  private volatile InetSocketAddress localRtp;
  private volatile InetSocketAddress localRtcp;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Whether an error was logged yet (loop only): one WARN per socket, DEBUG after. */
  private boolean errorLogged;

  /**
   * A socket on {@code loop} holding {@code port} of {@code range} (released when it closes);
   * {@code onClosed} runs once it is closed. Channels come with {@link #attach}.
   */
  DatagramRtpSocket(MediaNetworkConfig config, EventLoop loop, PortRange range, int port,
      boolean mux, Consumer<DatagramRtpSocket> onClosed) {
    this.loop = loop;
    this.clock = new EventLoopMediaClock(loop);
    this.range = range;
    this.port = port;
    this.mux = mux;
    this.maxDatagramSize = config.maxDatagramSize();
    this.maxPendingSends = config.maxPendingSends();
    this.rtpLatch = new Latch(config.symmetricRtp(), config.relatchPackets());
    this.rtcpLatch = mux ? rtpLatch : new Latch(config.symmetricRtp(), config.relatchPackets());
    this.onClosed = onClosed;
  }

  /** The bound channels (RTCP null with rtcp-mux); the socket closes when either does. */
  void attach(Channel rtp, Channel rtcp) {
    this.rtpChannel = rtp;
    this.rtcpChannel = rtcp;
    this.localRtp = (InetSocketAddress) rtp.localAddress();
    this.localRtcp = rtcp == null ? localRtp : (InetSocketAddress) rtcp.localAddress();
    rtp.closeFuture().addListener(f -> close());
    if (rtcp != null) {
      // The RTCP port closes alone when the socket turns to rtcp-mux; otherwise it closes all.
      rtcp.closeFuture().addListener(f -> {
        if (!mux) {
          close();
        }
      });
    }
  }

  // ---------------------------------------------------------------- receiving (on the loop)

  /**
   * A datagram arrived on the RTP port, or on the RTCP port ({@code rtcpPort}); the caller
   * releases {@code content} afterwards.
   */
  void received(boolean rtcpPort, ByteBuf content, InetSocketAddress source) {
    long arrival = clock.nanoTime();
    int length = content.readableBytes();
    if (length > maxDatagramSize) {
      oversizeDropped.increment();
      return;
    }
    int at = content.readerIndex();
    if (length < MIN_RTCP || (content.getUnsignedByte(at) >> 6) != 2) {
      malformedDropped.increment();
      return;
    }
    boolean rtcp;
    if (rtcpPort) {
      rtcp = true;
    } else if (mux) {
      // RFC 5761 section 4: RTCP packet types 192..223 in the second byte, RTP otherwise.
      int second = content.getUnsignedByte(at + 1);
      rtcp = second >= 192 && second <= 223;
    } else {
      rtcp = false;
    }
    if (!rtcp && length < MIN_RTP) {
      malformedDropped.increment();
      return;
    }
    if ((rtcp ? rtcpLatch : rtpLatch).observe(source)) {
      relatches.increment();
    }
    bytesReceived.add(length);
    Handler h = handler;
    try {
      if (rtcp) {
        rtcpReceived.increment();
        h.onRtcp(content, source, arrival);
      } else {
        rtpReceived.increment();
        h.onRtp(content, source, arrival);
      }
    } catch (RuntimeException e) {
      error("handler failed on a packet from " + source, e);
    }
  }

  /** A channel reported {@code cause} (a failed write, a read error). */
  void channelError(Throwable cause) {
    error("channel error", cause);
  }

  private void error(String what, Throwable cause) {
    errors.increment();
    if (!errorLogged) {
      errorLogged = true;
      log.warn("RTP socket {}: {} (further errors of this socket are logged at DEBUG)",
          localRtp, what, cause);
    } else {
      log.debug("RTP socket {}: {}", localRtp, what, cause);
    }
  }

  // ---------------------------------------------------------------- sending

  @Override
  public void sendRtp(ByteBuf packet) {
    send(false, Objects.requireNonNull(packet, "packet"));
  }

  @Override
  public void sendRtcp(ByteBuf packet) {
    send(true, Objects.requireNonNull(packet, "packet"));
  }

  @Override
  public void sendRtp(byte[] packet, int offset, int length) {
    send(false, copy(packet, offset, length));
  }

  @Override
  public void sendRtcp(byte[] packet, int offset, int length) {
    send(true, copy(packet, offset, length));
  }

  private ByteBuf copy(byte[] packet, int offset, int length) {
    Objects.requireNonNull(packet, "packet");
    if (offset < 0 || offset > packet.length) {
      throw new IllegalArgumentException("offset out of range: " + offset);
    }
    if (length < 0 || length > packet.length - offset) {
      throw new IllegalArgumentException("length out of range: " + length);
    }
    ByteBuf buf = rtpChannel.alloc().buffer(length);
    buf.writeBytes(packet, offset, length);
    return buf;
  }

  private void send(boolean rtcp, ByteBuf packet) {
    if (loop.inEventLoop()) {
      write(rtcp, packet);
      return;
    }
    if (pendingSends.incrementAndGet() > maxPendingSends) {
      pendingSends.decrementAndGet();
      drop(packet);
      return;
    }
    try {
      loop.execute(() -> {
        pendingSends.decrementAndGet();
        write(rtcp, packet);
      });
    } catch (RejectedExecutionException e) {
      // The network is shutting down: the packet has nowhere to go.
      pendingSends.decrementAndGet();
      drop(packet);
    }
  }

  /** Writes {@code packet} on the loop, or drops it when it cannot go now. */
  private void write(boolean rtcp, ByteBuf packet) {
    boolean ownPort = rtcp && !mux;
    Channel ch = ownPort ? rtcpChannel : rtpChannel;
    InetSocketAddress to = (ownPort ? rtcpLatch : rtpLatch).destination();
    if (closed.get() || to == null || !ch.isActive() || !ch.isWritable()) {
      drop(packet);
      return;
    }
    packetsSent.increment();
    bytesSent.add(packet.readableBytes());
    // A failed write reaches the handler's exceptionCaught through the void promise.
    ch.writeAndFlush(new DatagramPacket(packet, to), ch.voidPromise());
  }

  private void drop(ByteBuf packet) {
    sendDropped.increment();
    packet.release();
  }

  // ---------------------------------------------------------------- the rest

  @Override
  public InetSocketAddress localRtpAddress() {
    return localRtp;
  }

  @Override
  public InetSocketAddress localRtcpAddress() {
    return localRtcp;
  }

  @Override
  public boolean rtcpMux() {
    return mux;
  }

  @Override
  public void useRtcpMux() {
    if (mux) {
      return;
    }
    synchronized (this) {
      if (mux) {
        return;
      }
      // RFC 5761 section 5.1.1: the answer accepted rtcp-mux; RTCP goes and comes on the RTP
      // port from now on, to the RTP destination, and the RTCP port is closed.
      rtcpLatch = rtpLatch;
      localRtcp = localRtp;
      mux = true;
    }
    Channel rtcp = rtcpChannel;
    if (rtcp != null) {
      rtcp.close();
    }
  }

  @Override
  public void handler(Handler handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  @Override
  public void remote(InetSocketAddress rtp, InetSocketAddress rtcp) {
    Objects.requireNonNull(rtp, "rtp");
    if (!mux && rtcp == null && rtp.getPort() == 65535) {
      throw new IllegalArgumentException("rtp port 65535 has no RTCP port + 1: " + rtp);
    }
    InetSocketAddress rtcpTo = rtcp != null ? rtcp
        : mux ? rtp : new InetSocketAddress(rtp.getAddress(), rtp.getPort() + 1);
    rtpLatch.set(rtp);
    if (!mux) {
      rtcpLatch.set(rtcpTo);
    }
  }

  @Override
  public InetSocketAddress remoteRtp() {
    return rtpLatch.destination();
  }

  @Override
  public InetSocketAddress remoteRtcp() {
    return rtcpLatch.destination();
  }

  @Override
  public MediaClock clock() {
    return clock;
  }

  @Override
  public Counters counters() {
    return new Counters(rtpReceived.sum(), rtcpReceived.sum(), bytesReceived.sum(),
        malformedDropped.sum(), oversizeDropped.sum(), packetsSent.sum(), bytesSent.sum(),
        sendDropped.sum(), relatches.sum(), errors.sum());
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Channel rtp = rtpChannel;
    Channel rtcp = rtcpChannel;
    ChannelFuture a = rtp.close();
    if (rtcp == null) {
      a.addListener(f -> released());
    } else {
      a.addListener(f -> rtcp.close().addListener(g -> released()));
    }
  }

  private void released() {
    range.release(port);
    onClosed.accept(this);
    closeFuture.complete(null);
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture.copy();
  }

  @Override
  public String toString() {
    return "RtpSocket{" + localRtp + (mux ? " rtcp-mux" : " rtcp " + localRtcp) + " -> "
        + rtpLatch.destination() + (closed.get() ? ", closed" : "") + "}";
  }
}
