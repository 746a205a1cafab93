package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzz targets (Jazzer) for the RTP and RTCP parsers. The normal build runs each
 * over {@code src/test/resources/dev/parley/media/MediaPacketCoverageFuzzTestInputs/<target>/}
 * (RTP from the SIPp pcaps, hand-made packets with CSRCs, extension and padding, RTCP compounds of
 * every packet type, plus every finding); {@code JAZZER_FUZZ=1} fuzzes one (see
 * {@code docs/reliability.md}, "Fuzzing").
 *
 * <p>The contract: {@link MediaPacketException} (with a reason) is the only failure; a parsed packet
 * covers exactly the input, its payload lies within it, and it writes back to bytes that parse to
 * an equal packet; demultiplexing never throws; a compound that {@link RtcpCompoundPacket#parse}
 * takes, {@link RtcpCompoundPacket#parseReducedSize} takes too, as the same packets.
 */
class MediaPacketCoverageFuzzTest {
  @FuzzTest
  void rtpPacketsParseOrFailWithMediaPacketException(byte[] input) {
    RtcpPacket.isRtcp(input, 0, input.length);
    RtpPacket p;
    try {
      p = RtpPacket.parse(input);
    } catch (MediaPacketException e) {
      assertThat(e.reason()).isNotNull();
      return;
    }
    assertThat(p.encodedLength()).isEqualTo(input.length);
    assertThat(p.payloadLength()).isBetween(0, input.length - RtpPacket.FIXED_HEADER_LENGTH);
    assertThat(p.payloadBytes()).hasSize(p.payloadLength());
    assertThat(p.paddingLength()).isBetween(0, input.length - RtpPacket.FIXED_HEADER_LENGTH);
    byte[] written = p.toBytes();
    assertThat(written).hasSize(input.length);
    assertThat(RtpPacket.parse(written)).isEqualTo(p);
  }

  @FuzzTest
  void rtcpCompoundsParseOrFailWithMediaPacketException(byte[] input) {
    RtcpPacket.isRtcp(ByteBuffer.wrap(input));
    RtcpCompoundPacket reduced;
    try {
      reduced = RtcpCompoundPacket.parseReducedSize(ByteBuffer.wrap(input));
    } catch (MediaPacketException e) {
      assertThat(e.reason()).isNotNull();
      reduced = null;
    }
    RtcpCompoundPacket c;
    try {
      c = RtcpCompoundPacket.parse(input);
    } catch (MediaPacketException e) {
      assertThat(e.reason()).isNotNull();
      c = null;
    }
    if (c != null) {
      assertThat(reduced).as("the reduced-size parser refuses what the strict one takes")
          .isEqualTo(c);
      // Not byte-exact: padding, SR extensions and non-UTF-8 text do not survive, the model does.
      // An octet that is not UTF-8 becomes U+FFFD (three octets) and an SDES item or BYE reason
      // is cut to 255 octets again: what is written is at most three times what was read.
      assertThat(c.encodedLength()).isLessThanOrEqualTo(3 * input.length);
      assertThat(RtcpCompoundPacket.parse(c.toBytes())).isEqualTo(c);
    }
    if (reduced != null) {
      assertThat(RtcpCompoundPacket.parseReducedSize(ByteBuffer.wrap(reduced.toBytes())))
          .isEqualTo(reduced);
    }
  }
}
