package dev.parley.sip.body;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Feeds random and mutated bytes to every body reader and proves that the only failure is the
 * documented exception, and that whatever is read writes back to the same value.
 */
class BodyFuzzTest {
  private static final List<byte[]> SEEDS = List.of(
      ConferenceInfoTest.RFC_FULL.getBytes(StandardCharsets.UTF_8),
      ConferenceInfoTest.sample().toBytes(),
      ("From: <sip:a@h>\r\nTo: <sip:c@h>\r\nDateTime: 2026-12-06T05:00:00Z\r\n\r\n"
          + "Content-Type: text/plain;charset=utf-8\r\n\r\nhello").getBytes(StandardCharsets.UTF_8),
      "SIP/2.0 200 OK\r\nContact: <sip:c@h>\r\n\r\nbody".getBytes(StandardCharsets.UTF_8),
      "{\"results\":[{\"uri\":\"sip:bob@d\",\"status\":200},{\"uri\":\"sip:c@d\",\"status\":408}]}"
          .getBytes(StandardCharsets.UTF_8));

  private static void readEverything(byte[] bytes) {
    try {
      ConferenceInfo info = ConferenceInfo.parse(bytes);
      assertThat(ConferenceInfo.parse(info.toBytes())).isEqualTo(info);
      new ConferenceRoster().apply(info);
      ConferenceInfoTest.sample().apply(info);
    } catch (ConferenceInfoException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
    try {
      CpimMessage m = CpimMessage.parse(bytes);
      assertThat(CpimMessage.parse(m.toBytes())).isEqualTo(m);
      m.dateTime();
      m.toUris();
    } catch (BodyFormatException expected) {
      assertThat(expected.getMessage()).startsWith("message/cpim");
    }
    try {
      SipFrag f = SipFrag.parse(bytes);
      assertThat(SipFrag.parse(f.toBytes()).startLine()).isEqualTo(f.startLine());
    } catch (BodyFormatException expected) {
      assertThat(expected.getMessage()).startsWith("message/sipfrag");
    }
    try {
      DeliveryResults d = DeliveryResults.parse(bytes);
      assertThat(DeliveryResults.parse(d.toBytes())).isEqualTo(d);
    } catch (BodyFormatException expected) {
      assertThat(expected.getMessage()).startsWith(DeliveryResults.CONTENT_TYPE);
    }
  }

  @Property(tries = 1000)
  void randomBytesOnlyEverGiveTheDocumentedErrors(@ForAll("randomBytes") byte[] bytes) {
    readEverything(bytes);
  }

  @Property(tries = 3000)
  void mutatedBodiesOnlyEverGiveTheDocumentedErrors(@ForAll("mutated") byte[] bytes) {
    readEverything(bytes);
  }

  @Provide
  Arbitrary<byte[]> randomBytes() {
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
    Arbitrary<byte[]> shaped = Arbitraries.strings()
        .withChars("<>/=\"'&;:!?[]{},.-_ \t\r\nSIP2.0conferencinfousrtdpaxml0123456789\\u")
        .ofMaxLength(300).map(s -> s.getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(raw, shaped);
  }

  @Provide
  Arbitrary<byte[]> mutated() {
    return Combinators.combine(Arbitraries.of(SEEDS), Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, Integer.MAX_VALUE), Arbitraries.bytes(),
            Arbitraries.integers().between(1, 8))
        .as(BodyFuzzTest::mutate);
  }

  /** One of: overwrite bytes, truncate, insert bytes, delete a range. */
  private static byte[] mutate(byte[] seed, int kind, int where, byte value, int count) {
    int at = where % seed.length;
    switch (kind) {
      case 0 -> {
        byte[] b = seed.clone();
        for (int i = 0; i < count; i++) {
          b[(at + i * 7919) % b.length] = (byte) (value + i);
        }
        return b;
      }
      case 1 -> {
        return Arrays.copyOf(seed, at);
      }
      case 2 -> {
        byte[] b = new byte[seed.length + count];
        System.arraycopy(seed, 0, b, 0, at);
        Arrays.fill(b, at, at + count, value);
        System.arraycopy(seed, at, b, at + count, seed.length - at);
        return b;
      }
      default -> {
        int end = Math.min(seed.length, at + count * 5);
        byte[] b = new byte[seed.length - (end - at)];
        System.arraycopy(seed, 0, b, 0, at);
        System.arraycopy(seed, end, b, at, seed.length - end);
        return b;
      }
    }
  }
}
