package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.media.MediaPacketException.Reason;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtpPacketTest {
  // V=2, M=1 PT=0 (PCMU), seq 0x1234, ts 0xdeadbeef, SSRC 0x01020304, payload 4 octets
  private static final String PCMU = "80" + "80" + "1234" + "deadbeef" + "01020304" + "ffee7f00";

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  private static Reason reasonOf(String hex) {
    try {
      RtpPacket.parse(hex(hex));
    } catch (MediaPacketException e) {
      return e.reason();
    }
    throw new AssertionError("parsed: " + hex);
  }

  @Test
  void parsesTheFixedHeaderAndPayload() {
    RtpPacket p = RtpPacket.parse(hex(PCMU));

    assertThat(p.marker()).isTrue();
    assertThat(p.payloadType()).isZero();
    assertThat(p.sequenceNumber()).isEqualTo(0x1234);
    assertThat(p.timestamp()).isEqualTo(0xdeadbeefL);
    assertThat(p.ssrc()).isEqualTo(0x01020304L);
    assertThat(p.csrcs()).isEmpty();
    assertThat(p.hasExtension()).isFalse();
    assertThat(p.hasPadding()).isFalse();
    assertThat(p.payloadBytes()).containsExactly(0xff, 0xee, 0x7f, 0x00);
    assertThat(p.toBytes()).isEqualTo(hex(PCMU));
  }

  @Test
  void parsesCsrcsExtensionAndPaddingAndWritesThemBack() {
    String hex = "b2" + "08" + "0001" + "00000010" + "aaaaaaaa" // V=2 P X CC=2, PT 8
        + "00000001" + "ffffffff" // CSRCs
        + "bede" + "0001" + "10ff0000" // one-byte extension form, kept opaque
        + "0102" // payload
        + "000003"; // padding of 3
    RtpPacket p = RtpPacket.parse(hex(hex));

    assertThat(p.payloadType()).isEqualTo(8);
    assertThat(p.csrcs()).containsExactly(1L, 0xffffffffL);
    assertThat(p.extensionProfile()).isEqualTo(0xbede);
    assertThat(p.extension().remaining()).isEqualTo(4);
    assertThat(p.payloadBytes()).containsExactly(1, 2);
    assertThat(p.paddingLength()).isEqualTo(3);
    assertThat(p.toBytes()).isEqualTo(hex(hex));
  }

  @Test
  void parsingViewsThePayloadWithoutCopyingUntilCopyIsAsked() {
    byte[] datagram = new byte[100];
    System.arraycopy(hex(PCMU), 0, datagram, 10, 16);
    RtpPacket view = RtpPacket.parse(datagram, 10, 16);
    RtpPacket detached = view.copy();

    datagram[10 + 12] = 0x55;

    assertThat(view.payload().get(0)).isEqualTo((byte) 0x55);
    assertThat(detached.payload().get(0)).isEqualTo((byte) 0xff);
    assertThat(view.payload().isReadOnly()).isTrue();
  }

  @Test
  void parsingAByteBufferLeavesItsPositionAlone() {
    ByteBuffer b = ByteBuffer.allocateDirect(40);
    b.position(5);
    b.put(hex(PCMU)).flip().position(5);

    RtpPacket p = RtpPacket.parse(b);

    assertThat(b.position()).isEqualTo(5);
    assertThat(p.sequenceNumber()).isEqualTo(0x1234);
    assertThat(p.payloadLength()).isEqualTo(4);
  }

  @Test
  void refusesEachKindOfBadPacketWithItsReason() {
    assertThat(reasonOf("80001234deadbeef010203")).isEqualTo(Reason.TOO_SHORT);
    assertThat(reasonOf("40001234deadbeef01020304")).isEqualTo(Reason.BAD_VERSION);
    assertThat(reasonOf("c0001234deadbeef01020304")).isEqualTo(Reason.BAD_VERSION);
    assertThat(reasonOf("82001234deadbeef0102030400000001")).isEqualTo(Reason.CSRC_OVERRUN);
    assertThat(reasonOf("90001234deadbeef01020304bede")).isEqualTo(Reason.EXTENSION_OVERRUN);
    assertThat(reasonOf("90001234deadbeef01020304bede000200000000"))
        .isEqualTo(Reason.EXTENSION_OVERRUN);
    assertThat(reasonOf("a0001234deadbeef01020304aa00")).isEqualTo(Reason.BAD_PADDING);
    assertThat(reasonOf("a0001234deadbeef01020304aa03")).isEqualTo(Reason.BAD_PADDING);
  }

  @Test
  void acceptsPaddingThatFillsEverythingAfterTheHeader() {
    RtpPacket p = RtpPacket.parse(hex("a0001234deadbeef010203040002"));

    assertThat(p.payloadLength()).isZero();
    assertThat(p.paddingLength()).isEqualTo(2);
  }

  @Test
  void builderWritesWhatParseReads() {
    RtpPacket p = RtpPacket.builder()
        .marker(true).payloadType(111).sequenceNumber(65535).timestamp(0xffffffffL)
        .ssrc(0x80000000L).csrcs(List.of(7L, 8L))
        .extension(0x1000, ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
        .payload(new byte[] {9, 9, 9}).paddingLength(5)
        .build();

    byte[] bytes = p.toBytes();

    assertThat(bytes).hasSize(p.encodedLength()).hasSize(12 + 8 + 4 + 8 + 3 + 5);
    assertThat(RtpPacket.parse(bytes)).isEqualTo(p);
    byte[] into = new byte[bytes.length + 3];
    assertThat(p.writeTo(into, 3)).isEqualTo(bytes.length);
    assertThat(RtpPacket.parse(into, 3, bytes.length)).isEqualTo(p);
  }

  @Test
  void builderAndParseRefuseBadArgumentsNamingThem() {
    RtpPacket.Builder b = RtpPacket.builder();
    assertThatThrownBy(() -> b.payloadType(128)).hasMessageContaining("payloadType");
    assertThatThrownBy(() -> b.sequenceNumber(65536)).hasMessageContaining("sequenceNumber");
    assertThatThrownBy(() -> b.timestamp(-1)).hasMessageContaining("timestamp");
    assertThatThrownBy(() -> b.ssrc(1L << 32)).hasMessageContaining("ssrc");
    assertThatThrownBy(() -> b.paddingLength(256)).hasMessageContaining("paddingLength");
    assertThatThrownBy(() -> b.extension(1, ByteBuffer.allocate(3)))
        .hasMessageContaining("extension");
    assertThatThrownBy(() -> b.csrcs(java.util.Collections.nCopies(16, 1L)))
        .hasMessageContaining("csrcs");
    assertThatThrownBy(() -> RtpPacket.parse(new byte[10], 5, 6))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset");
    assertThatThrownBy(() -> RtpPacket.parse((byte[]) null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes");
  }
}
