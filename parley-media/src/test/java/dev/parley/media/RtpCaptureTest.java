package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real wire: the RTP captures that SIPp ships in /usr/share/sip-tester (installed by .ci/run),
 * parsed, written back byte for byte, and fed through the receiver statistics.
 */
class RtpCaptureTest {
  private static final Path SIPP = Path.of("/usr/share/sip-tester");

  @Test
  void sippsG711aCaptureParsesWritesBackAndHasNoLoss() throws IOException {
    List<Datagram> datagrams = read(SIPP.resolve("g711a.pcap"));
    RtpReceiverStats stats = null;
    double start = datagrams.get(0).time;
    for (Datagram d : datagrams) {
      RtpPacket p = RtpPacket.parse(d.payload);
      assertThat(p.toBytes()).isEqualTo(d.payload);
      assertThat(RtcpPacket.isRtcp(d.payload, 0, d.payload.length)).isFalse();
      assertThat(p.payloadType()).isEqualTo(8); // PCMA
      if (stats == null) {
        stats = new RtpReceiverStats(p.ssrc(), Clock.systemUTC());
      }
      stats.onPacket(p, Math.round((d.time - start) * 8000));
    }

    assertThat(datagrams).hasSizeGreaterThan(100);
    assertThat(stats.received()).isEqualTo(datagrams.size() - 1); // the first is probation
    assertThat(stats.cumulativeLost()).isZero();
    assertThat(stats.duplicates() + stats.late() + stats.discarded() + stats.restarts()).isZero();
    assertThat(stats.jitter()).isLessThan(8000); // under a second: a plausible capture
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1", "5", "9", "pound", "star"})
  void sippsTelephoneEventCapturesParseAndWriteBack(String digit) throws IOException {
    List<Datagram> datagrams = read(SIPP.resolve("dtmf_2833_" + digit + ".pcap"));

    assertThat(datagrams).isNotEmpty();
    for (Datagram d : datagrams) {
      RtpPacket p = RtpPacket.parse(d.payload);
      assertThat(p.toBytes()).isEqualTo(d.payload);
      assertThat(p.payloadLength()).isEqualTo(4); // RFC 4733 event: event, E/R/volume, duration
    }
  }

  private record Datagram(double time, byte[] payload) {
  }

  /** The UDP payloads of a classic little- or big-endian pcap of Ethernet/IPv4 frames. */
  private static List<Datagram> read(Path file) throws IOException {
    assumeTrue(Files.isReadable(file), file + " missing: install sip-tester (.ci/run does)");
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
    int magic = b.getInt(0);
    b.order(magic == 0xa1b2c3d4 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    assertThat(b.getInt(20)).as("link type Ethernet").isEqualTo(1);
    List<Datagram> out = new ArrayList<>();
    int pos = 24;
    while (pos + 16 <= b.limit()) {
      double time = (b.getInt(pos) & 0xffffffffL) + (b.getInt(pos + 4) & 0xffffffffL) / 1e6;
      int captured = b.getInt(pos + 8);
      int frame = pos + 16;
      pos = frame + captured;
      int ip = frame + 14;
      if ((b.get(frame + 12) & 0xff) != 0x08 || b.get(frame + 13) != 0 // IPv4
          || (b.get(ip + 9) & 0xff) != 17) { // UDP
        continue;
      }
      int udp = ip + 4 * (b.get(ip) & 0x0f);
      int udpLength = ((b.get(udp + 4) & 0xff) << 8) | (b.get(udp + 5) & 0xff);
      out.add(new Datagram(time, Arrays.copyOfRange(b.array(), udp + 8, udp + udpLength)));
    }
    return out;
  }
}
