package dev.parley.media;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * The network end of one media stream: an RTP port and its RTCP port (port + 1), or one port
 * carrying both with rtcp-mux (RFC 5761), bound by {@link MediaNetwork#open(boolean)} from the
 * network's port range.
 *
 * <p><b>Receiving.</b> Every datagram is checked before its {@link Handler} sees it: one larger
 * than {@link MediaNetworkConfig#maxDatagramSize()} is dropped and counted as oversize; one that
 * is not RTP version 2 or is shorter than a header (12 bytes for RTP, 8 for RTCP) is dropped and
 * counted as malformed. With rtcp-mux, a packet whose second byte is 192..223 is RTCP
 * (RFC 5761 section 4), any other RTP; without it, the port says which.
 *
 * <p><b>Sending and latching.</b> Packets go to the addresses set by
 * {@link #remote(InetSocketAddress, InetSocketAddress)} (from the peer's SDP) until packets
 * arrive: with symmetric RTP on (RFC 4961, {@link MediaNetworkConfig#symmetricRtp()}), the first
 * valid packet after {@code remote(...)} moves the destination to its source address at once (a
 * peer behind NAT), and later a new source takes over only after
 * {@link MediaNetworkConfig#relatchPackets()} valid packets in a row from it, with none from the
 * current destination between (a few spoofed packets cannot steal the stream). Every move is
 * counted ({@link Counters#relatches()}). A send that cannot go (no destination yet, the channel
 * not writable because the kernel's send buffer is full, the socket closed, too many sends
 * waiting for the loop) is dropped and counted, never queued without bound.
 *
 * <p><b>Threading.</b> The socket lives on one event loop of its network (a thread named
 * {@code parley-media-N}); the handler and the socket's {@link #clock()} tasks run there, one at
 * a time, and must not block. Every method may be called from any thread: sends from another
 * thread hop to the loop.
 */
public interface RtpSocket extends AutoCloseable {

  /**
   * Receives a socket's packets, on its event loop. The buffer is lent for the call: the socket
   * releases it when the method returns ({@code retain()} it to keep it). A method that throws
   * is counted in {@link Counters#errors()} and logged once per socket; the socket goes on.
   */
  interface Handler {
    /** An RTP packet (version 2, at least 12 bytes) arrived from {@code source}. */
    void onRtp(ByteBuf packet, InetSocketAddress source, long arrivalNanos);

    /** An RTCP packet (version 2, at least 8 bytes) arrived from {@code source}. */
    default void onRtcp(ByteBuf packet, InetSocketAddress source, long arrivalNanos) {}
  }

  /**
   * A snapshot of a socket's counters, read by name.
   *
   * @param rtpReceived RTP packets handed to the handler
   * @param rtcpReceived RTCP packets handed to the handler
   * @param bytesReceived bytes of the datagrams handed to the handler
   * @param malformedDropped datagrams dropped as not RTP/RTCP (version not 2, or too short)
   * @param oversizeDropped datagrams dropped as larger than the maximum datagram size
   * @param packetsSent datagrams written to the network
   * @param bytesSent bytes of the datagrams written
   * @param sendDropped sends dropped: no destination, channel not writable, socket closed, or
   *     too many sends waiting for the loop
   * @param relatches moves of a destination to the source of received packets
   * @param errors handler exceptions and channel errors (failed writes included)
   */
  record Counters(long rtpReceived, long rtcpReceived, long bytesReceived, long malformedDropped,
      long oversizeDropped, long packetsSent, long bytesSent, long sendDropped, long relatches,
      long errors) {}

  /** The local RTP address (its port is even). */
  InetSocketAddress localRtpAddress();

  /** The local RTCP address: the RTP port + 1, or the RTP address itself with rtcp-mux. */
  InetSocketAddress localRtcpAddress();

  /** Whether RTP and RTCP share one port (RFC 5761). */
  boolean rtcpMux();

  /**
   * Turns the socket to rtcp-mux once the peer's answer accepted it (RFC 5761 section 5.1.1:
   * an offer of rtcp-mux also offers an RTCP port): RTCP is then sent to the RTP destination
   * and received on the RTP port, and the RTCP port is closed (it returns to the range with the
   * RTP port). Nothing to do when the socket uses rtcp-mux already; there is no way back.
   */
  void useRtcpMux();

  /** Sets the handler of received packets (by default they are counted and dropped). */
  void handler(Handler handler);

  /**
   * Sets where packets go, from the peer's SDP: {@code rtp}, and {@code rtcp} (null: the RTP
   * port + 1, or the RTP address with rtcp-mux). Holds from the call on, for sends and latching
   * alike; starts latching afresh: the next valid packet moves the destination to its source.
   */
  void remote(InetSocketAddress rtp, InetSocketAddress rtcp);

  /** Where RTP goes now (the SDP's address, or the latched one); null before any. */
  InetSocketAddress remoteRtp();

  /** Where RTCP goes now; null before any. */
  InetSocketAddress remoteRtcp();

  /** Sends an RTP packet; takes ownership of {@code packet} (released once written or dropped). */
  void sendRtp(ByteBuf packet);

  /** Sends a copy of {@code length} bytes of {@code packet} from {@code offset} as RTP. */
  void sendRtp(byte[] packet, int offset, int length);

  /** Sends an RTCP packet; takes ownership of {@code packet}. */
  void sendRtcp(ByteBuf packet);

  /** Sends a copy of {@code length} bytes of {@code packet} from {@code offset} as RTCP. */
  void sendRtcp(byte[] packet, int offset, int length);

  /** The clock and executor of the socket's event loop, for the stream's timers. */
  MediaClock clock();

  /** The counters now. */
  Counters counters();

  /**
   * Closes the ports; does not block. The ports return to the range once the channels are
   * closed ({@link #closeFuture()}). Idempotent.
   */
  @Override
  void close();

  /** Completes when the socket is closed and its ports are back in the range. */
  CompletableFuture<Void> closeFuture();
}
