package dev.parley.media;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * A stream that sends every RTP packet it receives straight back, as it arrives, on the
 * socket's event loop: no jitter buffer, no decoding, the packet unchanged (its SSRC included).
 * {@code parley uas --media echo} answers calls with it, to test a peer's audio path.
 *
 * <p>Packets go back to where RTP is sent ({@link RtpSocket#remoteRtp()}): with symmetric RTP
 * (the network's default) the first packet latches the destination onto its source, so no SDP
 * address is needed; a later new source takes over after
 * {@link MediaNetworkConfig#relatchPackets()} packets in a row. RTCP is counted, not echoed (the
 * peer's own reports coming back would confuse its statistics).
 *
 * <p>Thread-safe: {@link #counters()} and {@link #close()} from any thread.
 */
public final class EchoStream implements AutoCloseable {
  /**
   * What an echo stream did.
   *
   * @param packetsEchoed RTP packets sent back
   * @param bytesEchoed their bytes
   * @param rtcpReceived RTCP packets received (not echoed)
   */
  public record Counters(long packetsEchoed, long bytesEchoed, long rtcpReceived) {}

  private final RtpSocket socket;
  private final LongAdder packets = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder rtcp = new LongAdder();

  private EchoStream(RtpSocket socket) {
    this.socket = socket;
  }

  /**
   * Starts echoing what {@code socket} receives; {@code remote} (from the peer's SDP) may be null
   * to wait for the first packet and answer its source.
   */
  public static EchoStream start(RtpSocket socket, InetSocketAddress remote) {
    Objects.requireNonNull(socket, "socket");
    EchoStream echo = new EchoStream(socket);
    if (remote != null) {
      socket.remote(remote, null);
    }
    socket.handler(new RtpSocket.Handler() {
      @Override
      public void onRtp(ByteBuf packet, InetSocketAddress source, long arrivalNanos) {
        echo.packets.increment();
        echo.bytes.add(packet.readableBytes());
        // the received buffer itself goes back (no copy, no derived buffer): the socket is
        // done with it once this returns, the send holds the reference taken here
        socket.sendRtp(packet.retain());
      }

      @Override
      public void onRtcp(ByteBuf packet, InetSocketAddress source, long arrivalNanos) {
        echo.rtcp.increment();
      }
    });
    return echo;
  }

  /** The socket (its addresses, its own counters: sends dropped, relatches). */
  public RtpSocket socket() {
    return socket;
  }

  /** The counters now. */
  public Counters counters() {
    return new Counters(packets.sum(), bytes.sum(), rtcp.sum());
  }

  /** Closes the socket; its ports return to the range ({@link #closeFuture()}). Idempotent. */
  @Override
  public void close() {
    socket.close();
  }

  /** Completes once the socket is closed and its ports are back in the range. */
  public CompletableFuture<Void> closeFuture() {
    return socket.closeFuture();
  }
}
