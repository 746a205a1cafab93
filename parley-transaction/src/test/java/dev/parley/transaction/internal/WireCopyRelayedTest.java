package dev.parley.transaction.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.CompliancePolicy;
import dev.parley.sip.HeaderName;
import dev.parley.sip.ParserConfig;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * A received response changed only by its top Via removed, as a proxy relays it, is kept while
 * its transaction lingers as the very encoding the old path kept, without the parse that checked
 * it: over every response of the third-party corpus ({@code ../shared/conformance}) that parses,
 * and every response made to a corpus request, under each policy, that encoding parses back to
 * the relayed response and encodes again to the same bytes, as the check would have found.
 */
class WireCopyRelayedTest {
  private static final SipParser NO_LIMITS_STRICT = parser(CompliancePolicy.STRICT);
  private static final SipParser NO_LIMITS_LENIENT = parser(CompliancePolicy.LENIENT);

  private static SipParser parser(CompliancePolicy policy) {
    return SipParser.builder().policy(policy).config(ParserConfig.builder()
        .maxMessageSize(Integer.MAX_VALUE).maxHeaderSectionSize(Integer.MAX_VALUE)
        .maxHeaderCount(Integer.MAX_VALUE).maxLineLength(Integer.MAX_VALUE).build()).build();
  }

  /** The corpus's responses as they came, and a 486 to each of its requests, as bytes. */
  private static List<byte[]> responses(SipParser parser) {
    List<byte[]> out = new ArrayList<>();
    for (Path file : WireCopyStampedTest.messages()) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        SipMessage m = parser.parse(bytes);
        out.add(m instanceof SipRequest r ? r.response(486, "relay-tag").build().encode() : bytes);
      } catch (RuntimeException e) {
        continue; // refused, or a request whose response cannot be made
      }
    }
    return out;
  }

  @Test
  void aRelayedParseIsKeptAsItsEncodingUncheckedAndThatEncodingParsesBackToIt() {
    SoftAssertions softly = new SoftAssertions();
    int skipped = 0;
    int checked = 0;
    int multiValue = 0;
    for (CompliancePolicy policy : List.of(CompliancePolicy.STRICT, CompliancePolicy.LENIENT)) {
      SipParser parser = SipParser.builder().policy(policy).build();
      SipParser back = policy == CompliancePolicy.STRICT ? NO_LIMITS_STRICT : NO_LIMITS_LENIENT;
      int n = 0;
      for (byte[] bytes : responses(parser)) {
        SipResponse received;
        try {
          if (!(parser.parse(bytes) instanceof SipResponse r)) {
            continue;
          }
          received = r;
        } catch (RuntimeException e) {
          continue;
        }
        SipResponse relayed = received.withoutTopVia();
        if (relayed == received) {
          continue; // no Via: kept as its received bytes
        }
        String name = policy + " response " + n++ + ": " + received.startLine();
        if (relayed.headers().size() == received.headers().size()) {
          multiValue++; // the first Via field held several values: the rest written as text
        }
        softly.assertThat(relayed.isParseWithoutTopVia()).as(name).isTrue();
        byte[] encoded = relayed.encode();

        // the old path: the encoding, parsed back under the response's policy (the check)
        SipMessage parsedBack = back.parse(encoded);
        softly.assertThat(parsedBack).as(name + ": the check passes").isEqualTo(relayed);
        softly.assertThat(parsedBack.encode()).as(name + ": byte for byte").isEqualTo(encoded);

        WireCopy copy = WireCopy.of(relayed, encoded);
        softly.assertThat(copy).as(name).isNotNull();
        if (copy != null) {
          softly.assertThat(copy.holds(encoded)).as(name + ": the encoding itself").isTrue();
          softly.assertThat(copy.message()).as(name).isEqualTo(relayed);
        }
        if (relayed.violations().isEmpty()) {
          skipped++;
        } else {
          checked++;
        }
      }
    }
    softly.assertAll();
    assertThat(skipped).as("relayed parses kept without the check").isGreaterThan(300);
    assertThat(checked).as("relayed parses with violations, still checked").isPositive();
    assertThat(multiValue).as("a first Via field of several values").isPositive();
  }

  private static SipResponse busy() {
    return (SipResponse) SipParser.create().parse(("SIP/2.0 486 Busy Here\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-proxy;rport=5060\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-uac;received=192.0.2.11\r\n"
        + "From: <sip:alice@192.0.2.10>;tag=a\r\nTo: <sip:bob@192.0.2.20>;tag=b\r\n"
        + "Call-ID: relay@peer\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void onlyAParseWithoutItsTopViaIsLeftUnchecked() {
    SipResponse parsed = busy();
    assertThat(parsed.isParseWithoutTopVia()).as("parsed, not relayed").isFalse();
    SipResponse relayed = parsed.withoutTopVia();
    assertThat(relayed.isParseWithoutTopVia()).isTrue();
    assertThat(relayed.withoutTopVia().isParseWithoutTopVia()).as("its last Via removed too").isTrue();
    assertThat(relayed.withFirstHeader(HeaderName.SERVER, "x").isParseWithoutTopVia())
        .as("changed otherwise").isFalse();
    assertThat(relayed.toBuilder().build().isParseWithoutTopVia()).as("built").isFalse();
    assertThat(relayed.toBuilder().build().withoutTopVia().isParseWithoutTopVia())
        .as("built, then its top Via removed").isFalse();
  }

  @Test
  void keepingARelayedResponseParsesNothing() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    SipResponse relayed = busy().withoutTopVia();
    byte[] encoded = relayed.encode();
    int n = 2_000;
    long sink = 0;
    for (int i = 0; i < n; i++) { // warm
      sink += WireCopy.of(relayed, encoded).length();
    }
    long before = mx.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < n; i++) {
      sink += WireCopy.of(relayed, encoded).length();
    }
    long perCopy = (mx.getCurrentThreadAllocatedBytes() - before) / n;
    assertThat(sink).isPositive();
    // the copy itself (about 24 B); the check's parse made several hundred more per copy
    assertThat(perCopy).as("bytes allocated per copy kept").isLessThan(120);
  }
}
