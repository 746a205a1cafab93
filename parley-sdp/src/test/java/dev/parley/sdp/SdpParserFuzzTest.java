package dev.parley.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the bytes, the parser either returns a description that round-trips through the writer
 * or throws {@link SdpParseException}; nothing else escapes.
 */
class SdpParserFuzzTest {
  private static final List<byte[]> SEEDS = seeds();
  private static final byte[] INTERESTING = "\r\n =:/ .0123456789aconmtbsvrzkeipuIP4 RTP/AVP*"
      .getBytes(StandardCharsets.US_ASCII);

  private static List<byte[]> seeds() {
    List<byte[]> out = new ArrayList<>();
    out.add(Corpus.RICH.getBytes(StandardCharsets.UTF_8));
    for (var p : Corpus.sdpFiles()) {
      out.add(Corpus.read(p));
    }
    for (var p : Corpus.sipMessagesWithSdp()) {
      out.add(Corpus.body(Corpus.read(p)));
    }
    return out;
  }

  @Property(tries = 2000)
  void randomBytesOnlyEverFailWithSdpParseException(@ForAll("randomBytes") byte[] bytes) {
    check(bytes);
  }

  @Property(tries = 6000)
  void mutatedCorpusBodiesOnlyEverFailWithSdpParseException(@ForAll("mutated") byte[] bytes) {
    check(bytes);
  }

  @Provide
  Arbitrary<byte[]> randomBytes() {
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> withPrefix = Arbitraries.bytes().array(byte[].class).ofMaxSize(200)
        .map(b -> concat("v=0\r\n".getBytes(StandardCharsets.US_ASCII), b));
    return Arbitraries.oneOf(raw, withPrefix);
  }

  @Provide
  Arbitrary<byte[]> mutated() {
    return Arbitraries.longs().map(SdpParserFuzzTest::mutate);
  }

  /** A corpus body with 1..4 random mutations drawn from {@code seed}. */
  static byte[] mutate(long seed) {
    Random random = new Random(seed);
    byte[] b = SEEDS.get(random.nextInt(SEEDS.size())).clone();
    if (random.nextInt(4) == 0) {
      b = new String(b, StandardCharsets.UTF_8).replace("\r\n", "\n")
          .getBytes(StandardCharsets.UTF_8);
    }
    int mutations = 1 + random.nextInt(4);
    for (int i = 0; i < mutations && b.length > 0; i++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(6)) {
        case 0: // byte flip
          b[at] = random.nextBoolean() ? (byte) random.nextInt(256)
              : INTERESTING[random.nextInt(INTERESTING.length)];
          break;
        case 1: // truncation
          b = Arrays.copyOf(b, at);
          break;
        case 2: { // insertion
          byte[] ins = new byte[1 + random.nextInt(4)];
          for (int k = 0; k < ins.length; k++) {
            ins[k] = random.nextInt(3) == 0 ? (byte) random.nextInt(256)
                : INTERESTING[random.nextInt(INTERESTING.length)];
          }
          b = concat(Arrays.copyOf(b, at), ins, Arrays.copyOfRange(b, at, b.length));
          break;
        }
        case 3: // line duplication
          b = editLines(b, random, true);
          break;
        case 4: // line deletion or move
          b = editLines(b, random, false);
          break;
        default: // deletion of a byte run
          b = concat(Arrays.copyOf(b, at),
              Arrays.copyOfRange(b, Math.min(b.length, at + 1 + random.nextInt(8)), b.length));
          break;
      }
    }
    return b;
  }

  private static byte[] editLines(byte[] b, Random random, boolean duplicate) {
    List<String> lines = new ArrayList<>(
        Arrays.asList(new String(b, StandardCharsets.ISO_8859_1).split("(?<=\n)")));
    if (lines.isEmpty()) {
      return b;
    }
    int i = random.nextInt(lines.size());
    if (duplicate) {
      lines.add(random.nextInt(lines.size() + 1), lines.get(i));
    } else {
      String line = lines.remove(i);
      if (random.nextBoolean() && !lines.isEmpty()) {
        lines.add(random.nextInt(lines.size() + 1), line);
      }
    }
    return String.join("", lines).getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static void check(byte[] bytes) {
    for (SdpParser parser : List.of(SdpParser.DEFAULT, SdpParser.STRICT)) {
      SessionDescription d;
      try {
        d = parser.parse(bytes);
      } catch (SdpParseException e) {
        assertThat(e.reason()).doesNotContain("internal parser error");
        assertThat(e.line()).isPositive();
        assertThat(e.column()).isPositive();
        continue;
      }
      String written = d.toString();
      SessionDescription again = SdpParser.DEFAULT.parse(written);
      assertThat(again).isEqualTo(d);
      assertThat(again.toString()).isEqualTo(written);
      assertThat(SdpParser.DEFAULT.parse(d.encode())).isEqualTo(d);
      if (parser == SdpParser.STRICT && d.violations().isEmpty()) {
        assertThat(SdpParser.STRICT.parse(written)).isEqualTo(d);
      }
    }
  }
}
