package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.media.RtcpPacket.Bye;
import dev.parley.media.RtcpPacket.Opaque;
import dev.parley.media.RtcpPacket.ReceiverReport;
import dev.parley.media.RtcpPacket.SenderReport;
import dev.parley.media.RtcpPacket.SourceDescription;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** parse(write(p)) equals p, for random RTP packets and random RTCP compounds. */
class MediaPacketRoundTripTest {

  @Property(tries = 1000)
  void anRtpPacketParsesBackToItself(@ForAll long seed) {
    RtpPacket p = randomRtp(new Random(seed));

    byte[] bytes = p.toBytes();

    assertThat(bytes).hasSize(p.encodedLength());
    assertThat(RtpPacket.parse(bytes)).isEqualTo(p);
    assertThat(RtpPacket.parse(bytes).toBytes()).isEqualTo(bytes);
    assertThat(RtcpPacket.isRtcp(bytes, 0, bytes.length))
        .isEqualTo(p.payloadType() >= 64 && p.payloadType() <= 95 && p.marker());
  }

  @Property(tries = 1000)
  void anRtcpCompoundParsesBackToItself(@ForAll long seed) {
    RtcpCompoundPacket c = randomCompound(new Random(seed));

    byte[] bytes = c.toBytes();

    assertThat(bytes).hasSize(c.encodedLength());
    assertThat(RtcpPacket.isRtcp(bytes, 0, bytes.length)).isTrue();
    assertThat(RtcpCompoundPacket.parse(bytes)).isEqualTo(c);
    assertThat(RtcpCompoundPacket.parse(bytes).toBytes()).isEqualTo(bytes);
  }

  static RtpPacket randomRtp(Random r) {
    RtpPacket.Builder b = RtpPacket.builder()
        .marker(r.nextBoolean())
        .payloadType(r.nextInt(128))
        .sequenceNumber(r.nextInt(65536))
        .timestamp(u32(r))
        .ssrc(u32(r));
    List<Long> csrcs = new ArrayList<>();
    for (int i = r.nextInt(4) == 0 ? r.nextInt(16) : 0; i > 0; i--) {
      csrcs.add(u32(r));
    }
    b.csrcs(csrcs);
    if (r.nextInt(3) == 0) {
      b.extension(r.nextInt(65536), ByteBuffer.wrap(bytes(r, 4 * r.nextInt(8))));
    }
    if (r.nextInt(4) == 0) {
      b.paddingLength(1 + r.nextInt(255));
    }
    return b.payload(bytes(r, r.nextInt(400))).build();
  }

  static RtcpCompoundPacket randomCompound(Random r) {
    List<RtcpPacket> packets = new ArrayList<>();
    long ssrc = u32(r);
    if (r.nextBoolean()) {
      packets.add(new SenderReport(ssrc, r.nextLong(), u32(r), u32(r), u32(r), blocks(r)));
    } else {
      packets.add(new ReceiverReport(ssrc, blocks(r)));
    }
    int more = r.nextInt(3);
    for (int i = 0; i < more; i++) {
      packets.add(new ReceiverReport(ssrc, blocks(r)));
    }
    List<SourceDescription.Chunk> chunks = new ArrayList<>();
    chunks.add(new SourceDescription.Chunk(ssrc,
        List.of(new SourceDescription.Item(SourceDescription.CNAME, text(r)))));
    for (int i = r.nextInt(3); i > 0; i--) {
      List<SourceDescription.Item> items = new ArrayList<>();
      for (int j = r.nextInt(4); j > 0; j--) {
        items.add(new SourceDescription.Item(1 + r.nextInt(255), text(r)));
      }
      chunks.add(new SourceDescription.Chunk(u32(r), items));
    }
    packets.add(new SourceDescription(chunks));
    if (r.nextInt(3) == 0) {
      int type = 204 + r.nextInt(4);
      packets.add(new Opaque(type, r.nextInt(32), ByteBuffer.wrap(bytes(r, 4 * r.nextInt(6)))));
    }
    if (r.nextInt(3) == 0) {
      List<Long> ssrcs = new ArrayList<>();
      for (int i = r.nextInt(4); i >= 0; i--) {
        ssrcs.add(u32(r));
      }
      packets.add(new Bye(ssrcs, r.nextBoolean() ? "" : text(r)));
    }
    return RtcpCompoundPacket.of(packets);
  }

  private static List<RtcpReportBlock> blocks(Random r) {
    List<RtcpReportBlock> out = new ArrayList<>();
    for (int i = r.nextInt(4) == 0 ? r.nextInt(32) : r.nextInt(3); i > 0; i--) {
      out.add(new RtcpReportBlock(u32(r), r.nextInt(256),
          r.nextInt(1 << 24) - (1 << 23), u32(r), u32(r), u32(r), u32(r)));
    }
    return out;
  }

  private static String text(Random r) {
    StringBuilder s = new StringBuilder();
    String alphabet = "abcxyz@.-0123456789 é€";
    for (int i = r.nextInt(60); i > 0; i--) {
      s.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  private static long u32(Random r) {
    return r.nextLong() & 0xffffffffL;
  }

  static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }
}
