package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.media.MediaPacketException.Reason;
import dev.parley.media.RtcpPacket.Bye;
import dev.parley.media.RtcpPacket.Opaque;
import dev.parley.media.RtcpPacket.ReceiverReport;
import dev.parley.media.RtcpPacket.SenderReport;
import dev.parley.media.RtcpPacket.SourceDescription;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtcpCompoundPacketTest {
  // RR from 0x11111111 with one block about 0x22222222: fraction 0x40, cumulative lost -1,
  // highest 0x0001ffff, jitter 17, LSR 0xb7052000, DLSR 0x00054000.
  private static final String RR = "81c90007" + "11111111"
      + "22222222" + "40ffffff" + "0001ffff" + "00000011" + "b7052000" + "00054000";
  // SDES: one chunk of 0x11111111, CNAME "ab" (4 octets of item, then a word of zeros).
  private static final String SDES = "81ca0003" + "11111111" + "01026162" + "00000000";

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  private static Reason reasonOf(String hex) {
    try {
      RtcpCompoundPacket.parse(hex(hex));
    } catch (MediaPacketException e) {
      return e.reason();
    }
    throw new AssertionError("parsed: " + hex);
  }

  @Test
  void parsesAReceiverReportAndItsCname() {
    RtcpCompoundPacket c = RtcpCompoundPacket.parse(hex(RR + SDES));

    assertThat(c.packets()).hasSize(2);
    ReceiverReport rr = (ReceiverReport) c.packets().get(0);
    assertThat(rr.ssrc()).isEqualTo(0x11111111L);
    assertThat(c.reportBlocks()).containsExactly(new RtcpReportBlock(0x22222222L, 0x40, -1,
        0x1ffffL, 17, 0xb7052000L, 0x54000L));
    assertThat(c.cname()).contains("ab");
    assertThat(c.senderReport()).isEmpty();
    assertThat(c.toBytes()).isEqualTo(hex(RR + SDES));
  }

  @Test
  void keepsUnknownTypesOpaqueAndWritesThemBack() {
    String pli = "81ce0002" + "11111111" + "22222222"; // PSFB FMT 1 (PLI)
    String app = "80cc0002" + "11111111" + "6e616d65"; // APP "name"
    RtcpCompoundPacket c = RtcpCompoundPacket.parse(hex(RR + pli + SDES + app));

    assertThat(c.packets()).hasSize(4);
    Opaque psfb = (Opaque) c.packets().get(1);
    assertThat(psfb.packetType()).isEqualTo(206);
    assertThat(psfb.count()).isEqualTo(1);
    assertThat(psfb.body().remaining()).isEqualTo(8);
    assertThat(((Opaque) c.packets().get(3)).packetType()).isEqualTo(RtcpPacket.APP);
    assertThat(c.toBytes()).isEqualTo(hex(RR + pli + SDES + app));
  }

  @Test
  void writesAnSrSdesByeCompoundThatParsesBack() {
    SenderReport sr = new SenderReport(1, 0xe000b710_80000000L, 16000, 50, 8000,
        List.of(new RtcpReportBlock(2, 0, 3, 70000, 12, 0, 0)));
    RtcpCompoundPacket c = RtcpCompoundPacket.of(sr,
        SourceDescription.ofCname(1, "alice@example.com"), new Bye(List.of(1L), "hang up"));

    byte[] bytes = c.toBytes();

    assertThat(bytes.length % 4).isZero();
    assertThat(bytes.length).isEqualTo(c.encodedLength())
        .isEqualTo(52 + (4 + 4 + 20) + (4 + 4 + 8));
    RtcpCompoundPacket back = RtcpCompoundPacket.parse(bytes);
    assertThat(back).isEqualTo(c);
    assertThat(back.senderReport()).contains(sr);
    assertThat(back.bye().map(Bye::reason)).contains("hang up");
  }

  @Test
  void acceptsPaddingOnTheLastPacketOnly() {
    String paddedSdes = "a1ca0004" + "11111111" + "01026162" + "00000000" + "00000004";
    assertThat(RtcpCompoundPacket.parse(hex(RR + paddedSdes)).cname()).contains("ab");

    String paddedRr = "a" + RR.substring(1, 6) + "08" + RR.substring(8) + "00000004";
    assertThat(reasonOf(paddedRr + SDES)).isEqualTo(Reason.BAD_PADDING);
  }

  @Test
  void refusesEachKindOfBadCompoundWithItsReason() {
    assertThat(reasonOf("81c9")).isEqualTo(Reason.TOO_SHORT);
    assertThat(reasonOf("41c90001" + "11111111")).isEqualTo(Reason.BAD_VERSION);
    assertThat(reasonOf(SDES)).isEqualTo(Reason.NOT_REPORT_FIRST);
    assertThat(reasonOf(RR.substring(0, RR.length() - 8))).isEqualTo(Reason.BAD_LENGTH);
    assertThat(reasonOf(RR + "81ca")).isEqualTo(Reason.BAD_LENGTH);
    assertThat(reasonOf("82c90007" + RR.substring(8))).isEqualTo(Reason.BAD_REPORT);
    assertThat(reasonOf("80c80001" + "11111111")).isEqualTo(Reason.BAD_REPORT);
    assertThat(reasonOf(RR + "81ca0002" + "11111111" + "01056162")).isEqualTo(Reason.BAD_SDES);
    assertThat(reasonOf(RR + "82ca0002" + "11111111" + "00000000")).isEqualTo(Reason.BAD_SDES);
    assertThat(reasonOf(RR + "82cb0001" + "11111111")).isEqualTo(Reason.BAD_BYE);
    assertThat(reasonOf(RR + "81cb0002" + "11111111" + "09616263")).isEqualTo(Reason.BAD_BYE);
  }

  @Test
  void ofRequiresAReportFirstAndACname() {
    ReceiverReport rr = new ReceiverReport(1, List.of());
    assertThatThrownBy(() -> RtcpCompoundPacket.of(SourceDescription.ofCname(1, "x"), rr))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SR or RR");
    assertThatThrownBy(() -> RtcpCompoundPacket.of(rr))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CNAME");
    assertThat(RtcpCompoundPacket.of(rr, SourceDescription.ofCname(1, "x")).packets())
        .hasSize(2);
  }

  @Test
  void tellsRtcpFromRtpByTheSecondOctetAsRfc5761Says() {
    assertThat(RtcpPacket.isRtcp(hex(RR), 0, 32)).isTrue();
    assertThat(RtcpPacket.isRtcp(hex("80c0"), 0, 2)).isTrue(); // 192
    assertThat(RtcpPacket.isRtcp(hex("80df"), 0, 2)).isTrue(); // 223
    assertThat(RtcpPacket.isRtcp(hex("80bf"), 0, 2)).isFalse(); // 191: M=1, PT 63
    assertThat(RtcpPacket.isRtcp(hex("80e0"), 0, 2)).isFalse(); // 224: M=1, PT 96
    assertThat(RtcpPacket.isRtcp(hex("8000"), 0, 2)).isFalse(); // PCMU
    assertThat(RtcpPacket.isRtcp(hex("80"), 0, 1)).isFalse();
    ByteBuffer b = ByteBuffer.wrap(hex("0080c9"));
    b.position(1);
    assertThat(RtcpPacket.isRtcp(b)).isTrue();
  }

  @Test
  void packetsRefuseOutOfRangeFieldsNamingThem() {
    assertThatThrownBy(() -> new RtcpReportBlock(1, 256, 0, 0, 0, 0, 0))
        .hasMessageContaining("fractionLost");
    assertThatThrownBy(() -> new RtcpReportBlock(1, 0, 0x800000, 0, 0, 0, 0))
        .hasMessageContaining("cumulativeLost");
    assertThatThrownBy(() -> new SourceDescription.Item(0, "x")).hasMessageContaining("type");
    assertThatThrownBy(() -> new Bye(List.of(), "x".repeat(256))).hasMessageContaining("reason");
    assertThatThrownBy(() -> new Opaque(RtcpPacket.SR, 0, ByteBuffer.allocate(0)))
        .hasMessageContaining("packetType");
    assertThatThrownBy(() -> new ReceiverReport(1, java.util.Collections.nCopies(32,
        new RtcpReportBlock(1, 0, 0, 0, 0, 0, 0)))).hasMessageContaining("reportBlocks");
  }
}
