package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One echo port for many calls, on loopback: real datagrams from real sockets. */
class SharedEchoPortTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int RECEIVE_TIMEOUT_MS = 20_000;

  private MediaNetwork network;
  private SharedEchoPort echo;
  private final DatagramSocket[] peers = new DatagramSocket[3];

  /** The network's settings; subclasses run every test again with others. */
  MediaNetworkConfig.Builder config() {
    return MediaNetworkConfig.builder().bindAddress(LOOPBACK).portRange(40000, 49999).threads(1);
  }

  @BeforeEach
  void start() throws IOException {
    network = new MediaNetwork(config().build());
    echo = openOnFreePort(network, 2);
    for (int i = 0; i < peers.length; i++) {
      peers[i] = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
      peers[i].setSoTimeout(RECEIVE_TIMEOUT_MS);
    }
  }

  /** Another process may hold a port: tries random even ports above the range. */
  static SharedEchoPort openOnFreePort(MediaNetwork network, int maxCalls) {
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      int port = 50000 + 2 * ThreadLocalRandom.current().nextInt(5000);
      try {
        return network.openSharedEcho(port, maxCalls).join();
      } catch (CompletionException e) {
        last = (IllegalStateException) e.getCause();
      }
    }
    throw last;
  }

  @AfterEach
  void stop() {
    for (DatagramSocket s : peers) {
      if (s != null) {
        s.close();
      }
    }
    network.close();
  }

  private InetSocketAddress address(int peer) {
    return (InetSocketAddress) peers[peer].getLocalSocketAddress();
  }

  private void send(int peer, byte[] packet, InetSocketAddress to) throws IOException {
    peers[peer].send(new DatagramPacket(packet, packet.length, to));
  }

  private byte[] receive(int peer) throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
    peers[peer].receive(p);
    assertThat(p.getSocketAddress()).isEqualTo(echo.localRtpAddress());
    return Arrays.copyOf(p.getData(), p.getLength());
  }

  /** An RTP packet (version 2) of {@code type}, sequence {@code seq}, and a 160-byte payload. */
  static byte[] rtp(int type, int seq) {
    byte[] b = new byte[12 + 160];
    b[0] = (byte) 0x80;
    b[1] = (byte) type;
    b[2] = (byte) (seq >> 8);
    b[3] = (byte) seq;
    b[11] = 7;
    Arrays.fill(b, 12, b.length, (byte) seq);
    return b;
  }

  @Test
  void eachAdmittedCallsPacketsComeBackToItsSourceUnchanged() throws IOException {
    echo.admit(address(0));
    echo.admit(address(1));
    byte[] fromA = rtp(0, 1);
    byte[] fromB = rtp(8, 2);

    send(0, fromA, echo.localRtpAddress());
    send(1, fromB, echo.localRtpAddress());

    assertThat(receive(0)).isEqualTo(fromA);
    assertThat(receive(1)).isEqualTo(fromB);
    SharedEchoPort.Counters c = echo.counters();
    assertThat(c.packetsEchoed()).isEqualTo(2);
    assertThat(c.bytesEchoed()).isEqualTo(fromA.length + fromB.length);
    assertThat(echo.localRtcpAddress().getPort()).isEqualTo(echo.localRtpAddress().getPort() + 1);
  }

  @Test
  void aSourceNoCallAdmittedIsNeverEchoedAndIsCounted() throws IOException {
    echo.admit(address(0));
    send(2, rtp(0, 1), echo.localRtpAddress());
    send(0, rtp(0, 2), echo.localRtpAddress());

    assertThat(receive(0)).isEqualTo(rtp(0, 2)); // after the stranger's, on one loop
    await().atMost(WAIT).until(() -> echo.counters().unknownSource() == 1);
    peers[2].setSoTimeout(300);
    assertThatThrownBy(() -> peers[2].receive(new DatagramPacket(new byte[2048], 2048)))
        .isInstanceOf(SocketTimeoutException.class);
  }

  @Test
  void aClosedAdmissionStopsTheEchoButAnotherCallOfTheSameAddressKeepsIt() throws IOException {
    SharedEchoPort.Admission first = echo.admit(address(0));
    SharedEchoPort.Admission second = echo.admit(address(0));
    first.close();
    first.close(); // idempotent: the second call's admission must survive it
    send(0, rtp(0, 1), echo.localRtpAddress());
    assertThat(receive(0)).isEqualTo(rtp(0, 1));

    second.close();
    send(0, rtp(0, 2), echo.localRtpAddress());
    await().atMost(WAIT).until(() -> echo.counters().unknownSource() == 1);
    assertThat(echo.counters().packetsEchoed()).isEqualTo(1);
    assertThat(echo.admitted()).isZero();
  }

  @Test
  void rtcpIsCountedNotEchoedOnEitherPortAndNonRtpIsDropped() throws IOException {
    echo.admit(address(0));
    byte[] receiverReport = {(byte) 0x80, (byte) 201, 0, 1, 0, 0, 0, 7};
    byte[] muxedReport = Arrays.copyOf(receiverReport, 12); // rtcp-mux: on the RTP port
    muxedReport[3] = 2;
    byte[] notRtp = rtp(0, 3);
    notRtp[0] = 0x40; // version 1
    send(0, receiverReport, echo.localRtcpAddress());
    send(0, muxedReport, echo.localRtpAddress());
    send(0, notRtp, echo.localRtpAddress());
    send(0, new byte[5], echo.localRtpAddress());
    send(0, rtp(0, 4), echo.localRtpAddress());

    assertThat(receive(0)).isEqualTo(rtp(0, 4)); // the only one echoed
    await().atMost(WAIT).until(() -> echo.counters().rtcpReceived() == 2
        && echo.counters().malformed() == 2);
    assertThat(echo.counters().packetsEchoed()).isEqualTo(1);
  }

  @Test
  void aBurstOfPacketsFromManyCallsAllComesBack() throws IOException {
    echo.admit(address(0));
    echo.admit(address(1));
    // rounds of 50 per peer: what the peers' own receive buffers (capped by rmem_max) hold
    int rounds = 10;
    int burst = 50;
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < burst; i++) {
        send(0, rtp(0, r * burst + i), echo.localRtpAddress());
        send(1, rtp(8, r * burst + i), echo.localRtpAddress());
      }
      for (int i = 0; i < burst; i++) {
        assertThat(receive(0)).isEqualTo(rtp(0, r * burst + i));
        assertThat(receive(1)).isEqualTo(rtp(8, r * burst + i));
      }
    }
    assertThat(echo.counters().packetsEchoed()).isEqualTo(2L * rounds * burst);
  }

  @Test
  void admissionsAreBoundedAndFreedByClosing() {
    SharedEchoPort.Admission a = echo.admit(address(0));
    echo.admit(address(1));
    assertThatThrownBy(() -> echo.admit(address(2)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("2 calls");
    a.close();
    echo.admit(address(2));
    assertThat(echo.admitted()).isEqualTo(2);
  }

  @Test
  void badArgumentsAreNamedAndATakenPortFailsWithItsAddress() {
    assertThatThrownBy(() -> network.openSharedEcho(50001, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("port:");
    assertThatThrownBy(() -> network.openSharedEcho(50000, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("maxCalls:");
    assertThatThrownBy(() -> echo.admit(InetSocketAddress.createUnresolved("peer.invalid", 4000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("source:");
    int taken = echo.localRtpAddress().getPort();
    assertThatThrownBy(() -> network.openSharedEcho(taken, 1).join())
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining(LOOPBACK.getHostAddress() + ":" + taken);
  }

  @Test
  void closingTheNetworkClosesThePortAndFreesIt() {
    int port = echo.localRtpAddress().getPort();
    network.close();
    assertThat(echo.closeFuture()).isCompleted();
    assertThatThrownBy(() -> echo.admit(address(0))).isInstanceOf(IllegalStateException.class);
    network = new MediaNetwork(MediaNetworkConfig.builder().bindAddress(LOOPBACK)
        .portRange(40000, 49999).threads(1).build());
    SharedEchoPort again = network.openSharedEcho(port, 1).join();
    assertThat(again.localRtpAddress().getPort()).isEqualTo(port);
  }
}
