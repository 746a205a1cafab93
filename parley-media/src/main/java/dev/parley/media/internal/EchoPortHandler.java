package dev.parley.media.internal;

import dev.parley.media.SharedEchoPort;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler of a {@link SharedEchoPort}'s RTP or RTCP channel, on its event loop: writes the
 * echo of each admitted source's RTP packet as it is read, and flushes them together when the
 * read ends (Netty sends a flush of several datagrams with one {@code sendmmsg} on epoll).
 */
public final class EchoPortHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(EchoPortHandler.class);
  /** Minimum RTP header (RFC 3550 section 5.1). */
  private static final int MIN_RTP = 12;

  /** The admitted sources, each with the number of calls that admitted it. Thread-safe. */
  public record Sources(ConcurrentMap<InetSocketAddress, Integer> counts) {
    /** One more call admits {@code source}. */
    public void add(InetSocketAddress source) {
      counts.merge(source, 1, Integer::sum);
    }

    /** One call less admits {@code source}; gone at zero. */
    public void remove(InetSocketAddress source) {
      counts.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
    }

    boolean admitted(InetSocketAddress source) {
      return counts.containsKey(source);
    }
  }

  private final Sources sources;
  private final boolean rtcpPort;
  private final int maxDatagramSize;
  private final LongAdder echoed = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder rtcp = new LongAdder();
  private final LongAdder unknown = new LongAdder();
  private final LongAdder malformed = new LongAdder();
  private final LongAdder sendsDropped = new LongAdder();
  private final AtomicBoolean errorLogged = new AtomicBoolean();
  /** Datagrams read, echoes written and their bytes since the last read ended; the loop's only. */
  private int readNow;
  private int echoedNow;
  private long bytesNow;

  public EchoPortHandler(Sources sources, boolean rtcpPort, int maxDatagramSize) {
    this.sources = sources;
    this.rtcpPort = rtcpPort;
    this.maxDatagramSize = maxDatagramSize;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof DatagramPacket p) {
        readNow++;
        received(ctx, p.content(), p.sender());
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void received(ChannelHandlerContext ctx, ByteBuf packet, InetSocketAddress source) {
    int length = packet.readableBytes();
    if (length > maxDatagramSize) {
      malformed.increment();
    } else if (rtcpPort) {
      rtcp.increment();
    } else if (length < MIN_RTP || (packet.getByte(packet.readerIndex()) & 0xC0) != 0x80) {
      malformed.increment();
    } else if (isMuxedRtcp(packet)) {
      rtcp.increment();
    } else if (!sources.admitted(source)) {
      unknown.increment();
    } else if (!ctx.channel().isWritable()) {
      sendsDropped.increment();
    } else {
      // the received buffer itself goes back: the release after this call drops the
      // packet's reference, the write holds the one taken here
      ctx.write(new DatagramPacket(packet.retain(), source), ctx.voidPromise());
      echoedNow++;
      bytesNow += length;
    }
  }

  /** RTCP sent to the RTP port (rtcp-mux): packet types 192-223 (RFC 5761 section 4). */
  private static boolean isMuxedRtcp(ByteBuf packet) {
    int type = packet.getByte(packet.readerIndex() + 1) & 0x7F;
    return type >= 64 && type <= 95;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // once per read of up to a batch of datagrams, not per datagram: the counters, the loop's
    // adaptive spacing (when it has one), then the echoes' flush
    if (readNow > 0) {
      SpacedSelectStrategy.received(readNow);
      readNow = 0;
    }
    if (echoedNow > 0) {
      echoed.add(echoedNow);
      bytes.add(bytesNow);
      echoedNow = 0;
      bytesNow = 0;
      ctx.flush();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (errorLogged.compareAndSet(false, true)) {
      log.warn("shared echo port {}: {} (logged once)", ctx.channel().localAddress(),
          cause.toString());
    }
  }

  /** The counters of a port's two handlers together. */
  public static SharedEchoPort.Counters counters(EchoPortHandler rtp, EchoPortHandler rtcp) {
    return new SharedEchoPort.Counters(rtp.echoed.sum(), rtp.bytes.sum(),
        rtp.rtcp.sum() + rtcp.rtcp.sum(), rtp.unknown.sum(),
        rtp.malformed.sum() + rtcp.malformed.sum(), rtp.sendsDropped.sum());
  }
}
