package dev.parley.transaction.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.CompliancePolicy;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * A received request changed only by the transport's Via stamp is kept, when its transaction
 * lingers, as the very encoding the old path kept, without the parse that checked it: over every
 * request of the third-party corpus ({@code ../shared/conformance}) that parses, under each
 * policy, the copy holds the bytes {@code encode()} makes, and those bytes parse back to the
 * stamped request, as the check would have found.
 */
class WireCopyStampedTest {
  /** Not the sent-by of any corpus Via: every request with a Via gets a received. */
  private static final InetSocketAddress SOURCE = new InetSocketAddress("198.51.100.7", 5071);

  /** The corpus directory (also read by {@link WireCopyRelayedTest}). */
  static Path corpus() {
    String prop = System.getProperty("parley.conformance.dir");
    for (String dir : prop == null ? new String[] {"../../shared/conformance", "../shared/conformance"}
        : new String[] {prop}) {
      if (Files.isDirectory(Path.of(dir, "rfc4475"))) {
        return Path.of(dir);
      }
    }
    throw new IllegalStateException("conformance corpus not found (set -Dparley.conformance.dir)");
  }

  /** Every {@code .dat} file of the corpus, sorted. */
  static List<Path> messages() {
    try (Stream<Path> files = Files.walk(corpus())) {
      return files.filter(p -> p.toString().endsWith(".dat")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A corpus request as a transport stamps it, named by its policy and file. */
  private record Stamped(String name, CompliancePolicy policy, SipRequest request) {}

  /**
   * Every request of the corpus that parses under STRICT and under LENIENT and has a Via, stamped
   * as received from {@link #SOURCE}.
   */
  private static List<Stamped> stampedParses() throws IOException {
    List<Stamped> out = new ArrayList<>();
    for (CompliancePolicy policy : List.of(CompliancePolicy.STRICT, CompliancePolicy.LENIENT)) {
      SipParser parser = SipParser.builder().policy(policy).build();
      for (Path file : messages()) {
        try {
          SipMessage m = parser.parse(Files.readAllBytes(file));
          if (m instanceof SipRequest parsed && parsed.withReceived(SOURCE) != parsed) {
            out.add(new Stamped(policy + " " + corpus().relativize(file), policy,
                parsed.withReceived(SOURCE)));
          } // else a response, or no Via: kept as its received bytes
        } catch (SipParseException e) {
          continue; // refused, or a top Via the stamp cannot read: never reaches a transaction
        }
      }
    }
    return out;
  }

  @Test
  void aStampedParseIsKeptAsItsEncodingUncheckedAndThatEncodingParsesBackToIt() throws IOException {
    SoftAssertions softly = new SoftAssertions();
    int skipped = 0;
    int checked = 0;
    for (Stamped each : stampedParses()) {
      String name = each.name();
      CompliancePolicy policy = each.policy();
      SipRequest stamped = each.request();
      softly.assertThat(stamped.isStampedParse()).as(name).isTrue();
      byte[] encoded = stamped.encode();

      // the old path: the encoding, parsed back under the request's policy (the check)
      SipMessage back = SipParser.builder().policy(policy).config(
          dev.parley.sip.ParserConfig.builder().maxMessageSize(Integer.MAX_VALUE)
              .maxHeaderSectionSize(Integer.MAX_VALUE).maxHeaderCount(Integer.MAX_VALUE)
              .maxLineLength(Integer.MAX_VALUE).build()).build().parse(encoded);
      softly.assertThat(back).as(name + ": the check passes").isEqualTo(stamped);
      softly.assertThat(back.encode()).as(name + ": byte for byte").isEqualTo(encoded);

      WireCopy copy = WireCopy.of(stamped, encoded);
      softly.assertThat(copy).as(name).isNotNull();
      if (copy != null) {
        softly.assertThat(copy.holds(encoded)).as(name + ": the encoding itself").isTrue();
        softly.assertThat(copy.message()).as(name).isEqualTo(stamped);
      }
      WireCopy made = WireCopy.of(stamped);
      softly.assertThat(made).as(name).isNotNull();
      if (made != null) {
        softly.assertThat(made.message().encode()).as(name + ": encoded as before")
            .isEqualTo(encoded);
      }
      if (stamped.violations().isEmpty()) {
        skipped++;
      } else {
        checked++;
      }
    }
    softly.assertAll();
    assertThat(skipped).as("stamped parses kept without the check").isGreaterThan(200);
    assertThat(checked).as("stamped parses with violations, still checked").isPositive();
  }

  /**
   * The splice: a stamped parse whose top Via field came on one line is kept as the bytes it was
   * received in and its stamped top Via value, and read back by parsing those bytes with the
   * value put in place of the received one, under its policy: over the corpus that reads back
   * equal to the stamped request, with the same Vias, and encodes as it does.
   */
  @Test
  void aStampedParseIsKeptAsItsReceivedBytesWithTheStampedViaAndReadsBackEqual() throws IOException {
    SoftAssertions softly = new SoftAssertions();
    int spliced = 0;
    int unlikeEncoding = 0;
    int folded = 0;
    for (Stamped each : stampedParses()) {
      String name = each.name();
      SipRequest stamped = each.request();
      java.nio.ByteBuffer received = stamped.receivedBytes();
      WireCopy copy = WireCopy.of(stamped);
      softly.assertThat(copy).as(name).isNotNull();
      if (copy == null) {
        continue;
      }
      softly.assertThat(copy.isSpliced()).as(name + ": spliced").isEqualTo(received != null);
      if (received == null) {
        folded++;
        continue;
      }
      spliced++;
      byte[] via = stamped.headers().value(stamped.headers().indexOf(
          dev.parley.sip.HeaderName.VIA, 0)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int length = received.capacity() - received.remaining() + via.length;
      softly.assertThat(copy.length()).as(name + ": length").isEqualTo(length);
      SipMessage back = copy.message();
      softly.assertThat(back).as(name + ": reads back equal").isEqualTo(stamped);
      softly.assertThat(back.vias()).as(name + ": Vias").isEqualTo(stamped.vias());
      softly.assertThat(back.policy()).as(name).isEqualTo(each.policy());
      byte[] encoded = stamped.encode();
      softly.assertThat(back.encode()).as(name + ": encodes as before").isEqualTo(encoded);
      unlikeEncoding += length != encoded.length ? 1 : 0;
    }
    softly.assertAll();
    System.out.printf("WireCopyStampedTest: %d spliced (%d of another length than encode()),"
        + " %d with a folded top Via encoded%n", spliced, unlikeEncoding, folded);
    assertThat(spliced).as("stamped parses kept spliced").isGreaterThan(200);
  }

  @Test
  void onlyAStampedParseIsLeftUnchecked() {
    SipRequest parsed = (SipRequest) SipParser.create().parse(
        ("OPTIONS sip:bob@192.0.2.20 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-stamp;rport\r\n"
            + "Max-Forwards: 70\r\nFrom: <sip:alice@192.0.2.10>;tag=a\r\n"
            + "To: <sip:bob@192.0.2.20>\r\nCall-ID: stamp@peer\r\nCSeq: 1 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(parsed.isStampedParse()).as("parsed, not stamped").isFalse();
    SipRequest stamped = parsed.withReceived(SOURCE);
    assertThat(stamped.isStampedParse()).isTrue();
    assertThat(stamped.withReceived(new InetSocketAddress("203.0.113.9", 5072)).isStampedParse())
        .as("stamped again").isTrue();
    assertThat(stamped.withFirstHeader(dev.parley.sip.HeaderName.MAX_FORWARDS, "69")
        .isStampedParse()).as("changed otherwise").isFalse();
    assertThat(stamped.toBuilder().build().isStampedParse()).as("built").isFalse();
  }
}
