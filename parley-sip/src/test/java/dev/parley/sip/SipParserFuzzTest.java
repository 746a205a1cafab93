package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Feeds random and mutated bytes to the SIP parser and proves that the only failure is the
 * documented {@link SipParseException}, and that whatever STRICT accepts the writer reproduces.
 */
class SipParserFuzzTest {
  private static final SipParser STRICT = SipParser.create();
  private static final SipParser LENIENT =
      SipParser.builder().policy(CompliancePolicy.LENIENT).build();
  private static final List<byte[]> SEEDS = seeds();

  private static List<byte[]> seeds() {
    List<byte[]> out = new ArrayList<>();
    for (String dir : List.of("rfc4475", "rfc5118", "rfc3665")) {
      try (Stream<Path> files = Files.walk(Corpus.dir().resolve(dir))) {
        files.filter(p -> p.toString().endsWith(".dat")).sorted().forEach(p -> {
          try {
            out.add(Files.readAllBytes(p));
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  /** Parses fully (frame, validate, read every typed value) under both policies. */
  private static void parseEverything(byte[] bytes) {
    for (SipParser parser : List.of(STRICT, LENIENT)) {
      try {
        SipMessage m = parser.parse(bytes);
        m.validate();
        for (Header<?> h : Header.ALL) {
          m.headers(h);
        }
        for (Address a : m.contacts()) {
          if (!a.isWildcard()) {
            a.uri().toString();
          }
        }
        if (parser == STRICT) {
          SipMessage again = STRICT.parse(m.encode());
          assertThat(again).isEqualTo(m);
        }
      } catch (SipParseException expected) {
        assertThat(expected.reason()).isNotBlank();
        assertThat(expected.statusCode()).isBetween(400, 699);
      }
    }
  }

  @Property(tries = 2000)
  void randomBytesOnlyEverGiveParseErrors(@ForAll("randomBytes") byte[] bytes) {
    parseEverything(bytes);
  }

  @Property(tries = 4000)
  void mutatedCorpusMessagesOnlyEverGiveParseErrors(@ForAll("mutated") byte[] bytes) {
    parseEverything(bytes);
  }

  @Provide
  Arbitrary<byte[]> randomBytes() {
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    Arbitrary<byte[]> sipish = Arbitraries.strings()
        .withChars("INVITE sip:@;=<>\",:/\\[]%0123456789abcdefSIP/2.0 \t\r\nViaToFromCSeqContactl")
        .ofMaxLength(400).map(s -> s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    return Arbitraries.oneOf(raw, sipish);
  }

  @Provide
  Arbitrary<byte[]> mutated() {
    Arbitrary<byte[]> seed = Arbitraries.of(SEEDS);
    return Combinators.combine(seed, Arbitraries.integers().between(0, 5),
            Arbitraries.integers().between(0, Integer.MAX_VALUE),
            Arbitraries.bytes(), Arbitraries.integers().between(1, 8))
        .as(SipParserFuzzTest::mutate);
  }

  /** One of: flip a byte, truncate, insert a byte, delete a range, duplicate a line, swap lines. */
  static byte[] mutate(byte[] seed, int kind, int where, byte value, int count) {
    if (seed.length == 0) {
      return seed;
    }
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
      case 3 -> {
        int end = Math.min(seed.length, at + count * 5);
        byte[] b = new byte[seed.length - (end - at)];
        System.arraycopy(seed, 0, b, 0, at);
        System.arraycopy(seed, end, b, at, seed.length - end);
        return b;
      }
      default -> {
        String text = new String(seed, java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r\n", -1)));
        int i = at % lines.size();
        int j = (at / 7 + count) % lines.size();
        if (kind == 4) {
          lines.add(i, lines.get(j));
        } else {
          String t = lines.get(i);
          lines.set(i, lines.get(j));
          lines.set(j, t);
        }
        return String.join("\r\n", lines).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      }
    }
  }
}
