package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The port range and the life of a media network, on loopback. */
class MediaNetworkTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Test
  void whenEveryPortOfTheRangeIsHeldOpenFailsWithAClearException() {
    int base = freeEvenPorts(4);
    try (MediaNetwork network = network(base, base + 3)) {
      network.open(false).join();
      network.open(true).join();

      assertThatThrownBy(() -> network.open(true).join())
          .isInstanceOf(CompletionException.class)
          .cause().isInstanceOf(PortRangeExhaustedException.class)
          .hasMessageContaining("no free RTP port in the range " + base + ".." + (base + 3))
          .hasMessageContaining("2 of 2 RTP ports held by this media network's sockets");
      assertThat(network.portsInUse()).isEqualTo(2);
    }
  }

  @Test
  void aPortIsOpenedAgainOnceItsSocketIsClosed() {
    int base = freeEvenPorts(2);
    try (MediaNetwork network = network(base, base + 1)) {
      RtpSocket first = network.open(false).join();
      assertThat(first.localRtpAddress().getPort()).isEqualTo(base);
      assertThat(first.localRtcpAddress().getPort()).isEqualTo(base + 1);

      first.close();
      first.closeFuture().orTimeout(20, TimeUnit.SECONDS).join();
      assertThat(network.portsInUse()).isZero();
      assertThat(network.openSockets()).isZero();
      RtpSocket again = network.open(false).join();

      assertThat(again.localRtpAddress().getPort()).isEqualTo(base);
    }
  }

  @Test
  void aPortInUseByAnotherProgramIsSkipped() throws IOException {
    int base = freeEvenPorts(4);
    try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(LOOPBACK, base));
        MediaNetwork network = network(base, base + 3)) {
      RtpSocket socket = network.open(true).join();

      assertThat(socket.localRtpAddress().getPort()).isEqualTo(base + 2);
      assertThat(other.getLocalPort()).isEqualTo(base);
    }
  }

  @Test
  void anRtcpPortInUseByAnotherProgramMovesTheSocketToTheNextPair() throws IOException {
    int base = freeEvenPorts(4);
    try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(LOOPBACK, base + 1));
        MediaNetwork network = network(base, base + 3)) {
      RtpSocket socket = network.open(false).join();

      assertThat(socket.localRtpAddress().getPort()).isEqualTo(base + 2);
      assertThat(socket.localRtcpAddress().getPort()).isEqualTo(base + 3);
      assertThat(network.portsInUse()).isEqualTo(1);
    }
  }

  @Test
  void whenEveryPortIsInUseByOthersTheExceptionSaysSo() throws IOException {
    int base = freeEvenPorts(2);
    try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(LOOPBACK, base));
        MediaNetwork network = network(base, base + 1)) {
      assertThatThrownBy(() -> network.open(true).join())
          .cause().isInstanceOf(PortRangeExhaustedException.class)
          .hasMessageContaining("1 tried now in use by another program")
          .hasMessageContaining("last bind failure");
      assertThat(network.portsInUse()).isZero();
    }
  }

  @Test
  void closingTheNetworkClosesItsSocketsAndRefusesNewOnes() {
    MediaNetwork network = network(40000, 59999);
    List<RtpSocket> sockets = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sockets.add(network.open(i % 2 == 0).join());
    }

    network.close();

    assertThat(sockets).allSatisfy(s -> assertThat(s.closeFuture()).isDone());
    assertThat(network.openSockets()).isZero();
    assertThat(network.portsInUse()).isZero();
    assertThatThrownBy(() -> network.open(true).join()).cause()
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    network.close(); // idempotent
  }

  @Test
  void aBindAddressThatIsNotThisHostsIsRefusedAtOnce() throws IOException {
    InetAddress foreign = InetAddress.getByName("192.0.2.1"); // TEST-NET-1, never local
    MediaNetworkConfig config = MediaNetworkConfig.builder().bindAddress(foreign).build();

    assertThatThrownBy(() -> new MediaNetwork(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bindAddress").hasMessageContaining("192.0.2.1");
  }

  @Test
  void badSettingsAreRefusedWithTheirNames() {
    assertThatThrownBy(() -> MediaNetworkConfig.builder().portRange(0, 100).build())
        .hasMessageContaining("minPort");
    assertThatThrownBy(() -> MediaNetworkConfig.builder().portRange(100, 70000).build())
        .hasMessageContaining("maxPort");
    assertThatThrownBy(() -> MediaNetworkConfig.builder().portRange(2000, 1000).build())
        .hasMessageContaining("minPort 2000 above maxPort 1000");
    assertThatThrownBy(() -> MediaNetworkConfig.builder().portRange(2001, 2002).build())
        .hasMessageContaining("2001..2002");
    assertThatThrownBy(() -> MediaNetworkConfig.builder().threads(0).build())
        .hasMessageContaining("threads");
    assertThatThrownBy(() -> MediaNetworkConfig.builder().maxDatagramSize(11).build())
        .hasMessageContaining("maxDatagramSize");
    assertThatThrownBy(() -> MediaNetworkConfig.builder().receiveBufferSize(10).build())
        .hasMessageContaining("receiveBufferSize");
    assertThatThrownBy(() -> MediaNetworkConfig.builder().relatchPackets(0).build())
        .hasMessageContaining("relatchPackets");
    assertThatThrownBy(() -> MediaNetworkConfig.builder().maxPendingSends(0).build())
        .hasMessageContaining("maxPendingSends");
    assertThatThrownBy(() -> MediaNetworkConfig.builder().wakeupSpacingMicros(-1).build())
        .hasMessageContaining("wakeupSpacingMicros");
    assertThatThrownBy(() -> MediaNetworkConfig.builder().wakeupSpacingMicros(10_001).build())
        .hasMessageContaining("wakeupSpacingMicros");
    assertThatThrownBy(() -> MediaNetworkConfig.builder().wakeupSpacingMicros(500)
        .wakeupBatch(-1).build()).hasMessageContaining("wakeupBatch");
    assertThatThrownBy(() -> MediaNetworkConfig.builder().wakeupSpacingMicros(500)
        .wakeupBatch(1025).build()).hasMessageContaining("wakeupBatch");
    assertThatThrownBy(() -> MediaNetworkConfig.builder().wakeupBatch(12).build())
        .hasMessageContaining("wakeupBatch 12 needs a wakeupSpacingMicros");
    assertThatThrownBy(() -> MediaNetworkConfig.builder().bindAddress(null))
        .hasMessageContaining("bindAddress");
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    MediaNetworkConfig c = MediaNetworkConfig.defaults();

    assertThat(c.bindAddress().isAnyLocalAddress()).isTrue();
    assertThat(c.minPort()).isEqualTo(16384);
    assertThat(c.maxPort()).isEqualTo(32767);
    assertThat(c.threads()).isEqualTo(2);
    assertThat(c.symmetricRtp()).isTrue();
    assertThat(c.wakeupSpacingMicros()).isZero();
    assertThat(c.wakeupBatch()).isZero();
    assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
  }

  private static MediaNetwork network(int min, int max) {
    return new MediaNetwork(MediaNetworkConfig.builder().bindAddress(LOOPBACK)
        .portRange(min, max).threads(1).build());
  }

  /**
   * An even port from which {@code count} ports are free on loopback now (other tests on this
   * machine may bind ports too: a range of our own keeps the counts of these tests exact).
   */
  private static int freeEvenPorts(int count) {
    for (int attempt = 0; attempt < 100; attempt++) {
      int base = 40000 + 2 * ThreadLocalRandom.current().nextInt(9000);
      List<DatagramSocket> probes = new ArrayList<>();
      try {
        for (int i = 0; i < count; i++) {
          probes.add(new DatagramSocket(new InetSocketAddress(LOOPBACK, base + i)));
        }
        return base;
      } catch (IOException inUse) {
        // try another base
      } finally {
        probes.forEach(DatagramSocket::close);
      }
    }
    throw new IllegalStateException("no " + count + " free ports found on loopback");
  }
}
