package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the bytes, the RTP and RTCP parsers return a packet that writes back to something
 * they parse to the same packet, or throw {@link MediaPacketException}; nothing else escapes.
 */
class MediaPacketFuzzTest {

  @Property(tries = 3000)
  void randomBytesOnlyEverFailWithMediaPacketException(@ForAll @Size(max = 200) byte[] bytes) {
    checkRtp(bytes);
    checkRtcp(bytes);
  }

  @Property(tries = 3000)
  void randomBytesBehindAValidFirstOctetOnlyEverFailWithMediaPacketException(
      @ForAll long seed) {
    Random r = new Random(seed);
    byte[] b = MediaPacketRoundTripTest.bytes(r, r.nextInt(120));
    if (b.length > 1) {
      b[0] = (byte) (0x80 | (b[0] & 0x3f));
      if (r.nextBoolean()) {
        b[1] = (byte) (200 + r.nextInt(8));
      }
    }
    checkRtp(b);
    checkRtcp(b);
  }

  @Property(tries = 1000)
  void truncatedAndMutatedRtpPacketsOnlyEverFailWithMediaPacketException(@ForAll long seed) {
    Random r = new Random(seed);
    byte[] valid = MediaPacketRoundTripTest.randomRtp(r).toBytes();
    for (int cut = 0; cut <= valid.length; cut += 1 + valid.length / 50) {
      checkRtp(Arrays.copyOf(valid, cut));
    }
    checkRtp(mutate(r, valid));
  }

  @Property(tries = 1000)
  void truncatedAndMutatedRtcpCompoundsOnlyEverFailWithMediaPacketException(
      @ForAll long seed) {
    Random r = new Random(seed);
    byte[] valid = MediaPacketRoundTripTest.randomCompound(r).toBytes();
    for (int cut = 0; cut <= valid.length; cut += 1 + valid.length / 50) {
      checkRtcp(Arrays.copyOf(valid, cut));
    }
    checkRtcp(mutate(r, valid));
  }

  private static byte[] mutate(Random r, byte[] valid) {
    byte[] b = valid.clone();
    for (int i = 1 + r.nextInt(4); i > 0 && b.length > 0; i--) {
      int at = r.nextInt(b.length);
      b[at] = r.nextBoolean() ? (byte) r.nextInt(256) : (byte) (b[at] ^ (1 << r.nextInt(8)));
    }
    return b;
  }

  private static void checkRtp(byte[] bytes) {
    RtpPacket p;
    try {
      p = RtpPacket.parse(bytes);
    } catch (MediaPacketException e) {
      assertThat(e.reason()).isNotNull();
      return;
    }
    assertThat(p.encodedLength()).isEqualTo(bytes.length);
    assertThat(RtpPacket.parse(p.toBytes())).isEqualTo(p);
  }

  private static void checkRtcp(byte[] bytes) {
    RtcpCompoundPacket c;
    try {
      c = RtcpCompoundPacket.parse(bytes);
    } catch (MediaPacketException e) {
      assertThat(e.reason()).isNotNull();
      return;
    }
    // Not byte-exact: padding, SR extensions and non-UTF-8 text do not survive, the model does.
    assertThat(RtcpCompoundPacket.parse(c.toBytes())).isEqualTo(c);
  }
}
