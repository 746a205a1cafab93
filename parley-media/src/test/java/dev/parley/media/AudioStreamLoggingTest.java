package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an audio stream logs when the network misbehaves (issue 12: "a bad RTP packet, an SSRC
 * change, a burst of 1,000 packets, a stream that stops: counted, logged once"): every bad
 * packet counted and one line for all of them, one line per change of source and none per
 * packet, one line when the peer stops and one when it comes back. The lines are read from the
 * tests' slf4j-simple output ({@link LogCapture}) and picked by the stream's address or the
 * SSRCs the test sends; the ticks run on virtual clocks, so no stall is logged unless a test
 * makes one.
 */
class AudioStreamLoggingTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private MediaNetwork network;
  private LogCapture log;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void start() {
    log = LogCapture.start();
    network = new MediaNetwork(MediaNetworkConfig.builder().bindAddress(LOOPBACK)
        .portRange(40000, 44999).threads(1).build());
  }

  @AfterEach
  void stop() throws Exception {
    try {
      for (AutoCloseable c : toClose) {
        c.close();
      }
      network.close();
    } finally {
      log.close();
    }
  }

  private static AudioStreamSettings.Builder pcmu() {
    return AudioStreamSettings.builder().send(0, Codecs.PCMU).telephoneEvent(101);
  }

  private AudioStream closing(AudioStream stream) {
    toClose.add(stream);
    return stream;
  }

  /** A stream on a virtual clock that never advances: it receives, counts, never ticks. */
  private AudioStream receiver(RtpSocket socket) {
    return closing(AudioStream.builder(socket, new VirtualMediaClock()).settings(pcmu().build())
        .start());
  }

  private static byte[] rtp(long ssrc, int sequence) {
    return RtpPacket.builder().payloadType(0).sequenceNumber(sequence & 0xffff)
        .timestamp(160L * sequence).ssrc(ssrc).payload(new byte[160]).build().toBytes();
  }

  /**
   * Sends {@code packet} from {@code raw} until the stream has received {@code received} good
   * packets: datagrams from one socket are handled in order, so everything sent before was
   * handled too (each try sends one more).
   */
  private static void sendUntil(DatagramSocket raw, InetSocketAddress to,
      java.util.function.IntFunction<byte[]> packet, java.util.function.BooleanSupplier done) {
    int[] sequence = {0};
    await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() -> {
      byte[] p = packet.apply(sequence[0]++);
      raw.send(new DatagramPacket(p, p.length, to));
      return done.getAsBoolean();
    });
  }

  @Test
  void manyMalformedPacketsAreEachCountedAndLoggedOnceForTheStream() throws Exception {
    RtpSocket socket = network.open(true).join();
    AudioStream stream = receiver(socket);
    InetSocketAddress to = socket.localRtpAddress();
    // RTP: version 2 announcing 15 CSRCs in 12 bytes. RTCP (rtcp-mux: type 200, an SR) whose
    // length field says 101 words in a 12-byte datagram.
    byte[] csrcOverrun = new byte[12];
    csrcOverrun[0] = (byte) 0x8f;
    byte[] rtcpTooLong = {(byte) 0x80, (byte) 200, 0, 100, 0, 0, 0, 1, 0, 0, 0, 0};
    try (DatagramSocket raw = new DatagramSocket(0, LOOPBACK)) {
      // 15 batches of 40 that the socket's receive buffer holds whatever the loop's delay, each
      // followed by good packets until one arrived: all 600 reach the stream
      for (int batch = 0; batch < 15; batch++) {
        for (int i = 0; i < 20; i++) {
          raw.send(new DatagramPacket(csrcOverrun, csrcOverrun.length, to));
          raw.send(new DatagramPacket(rtcpTooLong, rtcpTooLong.length, to));
        }
        long good = stream.stats().packetsReceived();
        sendUntil(raw, to, n -> rtp(0x5eed, n),
            () -> stream.stats().packetsReceived() > good);
      }
    }
    // Each that arrived is counted; loopback UDP may still drop one now and then on a loaded
    // machine (seen once in 600 at load ~10, before the batching's good packet), so "all 600"
    // would test the kernel: most of them, none invented, and one log line whatever the count.
    AudioStreamStats stats = stream.stats();
    assertThat(stats.malformed()).containsOnlyKeys(MediaPacketException.Reason.CSRC_OVERRUN,
        MediaPacketException.Reason.BAD_LENGTH);
    assertThat(stats.malformed().values())
        .allSatisfy(n -> assertThat(n).isBetween(290L, 300L));
    assertThat(socket.counters().errors()).isZero();

    assertThat(log.linesContaining(to + " ")).as("lines about the stream")
        .singleElement().satisfies(line -> assertThat(line).contains(" WARN ")
            .contains("malformed RTP packet dropped on " + to)
            .contains("further ones counted only"));
  }

  @Test
  void aBurstOfAThousandPacketsAndTwoSourceChangesLogOneLinePerChangeAndNonePerPacket()
      throws Exception {
    RtpSocket socket = network.open(true).join();
    AudioStream stream = receiver(socket);
    InetSocketAddress to = socket.localRtpAddress();
    long first = 0x5eed_0001L;
    long second = 0x5eed_0002L;
    try (DatagramSocket raw = new DatagramSocket(0, LOOPBACK)) {
      for (int i = 0; i < 1000; i++) {
        byte[] packet = rtp(first, i);
        raw.send(new DatagramPacket(packet, packet.length, to));
      }
      // the kernel may drop some of the burst; the changes are sent until they arrive
      sendUntil(raw, to, n -> rtp(second, 2000 + n), () -> stream.stats().ssrcChanges() == 1);
      sendUntil(raw, to, n -> rtp(first, 4000 + n), () -> stream.stats().ssrcChanges() == 2);
    }
    await().atMost(WAIT).until(() -> stream.stats().packetsReceived()
        == socket.counters().rtpReceived());
    assertThat(stream.stats().packetsReceived()).isGreaterThan(2);
    assertThat(stream.stats().ssrcChanges()).isEqualTo(2);

    assertThat(log.linesContaining("new source SSRC " + second + " replaces " + first))
        .hasSize(1);
    assertThat(log.linesContaining("new source SSRC " + first + " replaces " + second))
        .hasSize(1);
    assertThat(log.lines(l -> l.contains(Long.toString(first)) || l.contains(Long.toString(second))
        || l.contains(to + " "))).as("every line about the burst").hasSize(2);
  }

  @Test
  void aPeerThatStopsSendingIsLoggedOnceAndItsReturnOnce() {
    Lockstep s = new Lockstep();
    RtpSocket sa = network.open(true).join();
    RtpSocket sb = network.open(true).join();
    s.b = closing(AudioStream.builder(sb, s.clockB).settings(pcmu()
        .remote(sa.localRtpAddress(), null).build()).start());
    s.a = closing(AudioStream.builder(sa, s.clockA).settings(pcmu()
        .remote(sb.localRtpAddress(), null).build()).start());
    String b = sb.localRtpAddress() + " ";
    s.step(10);
    s.a.mute(true); // a stops sending (no RTP at all); b goes on sending to a
    s.step(260); // more than AudioStream.RECEIVE_STALL_MILLIS (5 s) of frames
    assertThat(s.b.stats().receiveStalls()).isEqualTo(1);
    assertThat(log.linesContaining("no RTP received on " + b)).hasSize(1);
    s.step(300); // 6 s more of the same stall
    assertThat(log.linesContaining("no RTP received on " + b)).hasSize(1);
    assertThat(log.linesContaining("RTP arrives again on " + b)).isEmpty();

    s.a.mute(false);
    s.step(50);
    assertThat(log.linesContaining("RTP arrives again on " + b)).hasSize(1);
    assertThat(log.linesContaining(b)).as("every line about b").hasSize(2);
    assertThat(log.linesContaining(sa.localRtpAddress() + " "))
        .as("a, which heard b all along, logs nothing").isEmpty();
  }
}
