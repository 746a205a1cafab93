package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.sip.internal.Leniency;
import dev.parley.sip.internal.UriParser;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Coverage-guided fuzz targets (Jazzer) for the SIP parser: the byte-level fast path
 * ({@link WireGrammar}) and the String grammar it falls back to.
 *
 * <p>The normal build runs each target over its inputs in
 * {@code src/test/resources/dev/parley/sip/SipParserCoverageFuzzTestInputs/<target>/} (seeded from
 * the conformance corpus and the fixtures; every finding is kept there); {@code JAZZER_FUZZ=1}
 * fuzzes one target (see {@code docs/reliability.md}, "Fuzzing").
 *
 * <p>The contract checked, beyond "no crash": {@link SipParseException} (with a reason and a 4xx..6xx
 * status) is the only failure, at framing and at every typed read; what STRICT accepts encodes to
 * bytes that parse back to an equal message; and the fast path and the String grammar agree,
 * message by message and value by value.
 */
class SipParserCoverageFuzzTest {
  private static final SipParser STRICT = SipParser.create();
  private static final SipParser LENIENT =
      SipParser.builder().policy(CompliancePolicy.LENIENT).build();
  private static final SipParser STRICT_STRING_GRAMMAR =
      SipParser.builder().wireGrammar(false).build();
  private static final SipParser LENIENT_STRING_GRAMMAR =
      SipParser.builder().policy(CompliancePolicy.LENIENT).wireGrammar(false).build();

  /** The headers that have a fast path. */
  private static final List<Header<?>> FAST = List.of(Header.VIA, Header.FROM, Header.TO,
      Header.CALL_ID, Header.CSEQ, Header.CONTACT, Header.MAX_FORWARDS, Header.ROUTE,
      Header.RECORD_ROUTE, Header.PATH, Header.REFER_TO);

  /** A whole message: parse, validate, read every typed header, re-encode, compare both paths. */
  @FuzzTest
  void messagesParseOrFailWithSipParseException(byte[] input) {
    checkOne(STRICT, STRICT_STRING_GRAMMAR, input, true);
    checkOne(LENIENT, LENIENT_STRING_GRAMMAR, input, false);
  }

  /**
   * One header value: whatever a fast-path rule takes, the String grammar reads as an equal value
   * without a violation under every policy; the String grammar itself fails only with
   * {@link SipParseException}.
   */
  @FuzzTest
  void headerValuesReadAlikeOnBothPaths(byte[] input) {
    String value = new String(input, StandardCharsets.UTF_8);
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    for (Header<?> header : FAST) {
      List<?> fast = header.parseWire(bytes, 0, bytes.length);
      for (CompliancePolicy policy : List.of(CompliancePolicy.STRICT, CompliancePolicy.LENIENT)) {
        Leniency leniency = new Leniency(policy);
        List<?> slow;
        try {
          slow = header.parseField(value, leniency);
        } catch (SipParseException e) {
          assertThat(fast).as("the fast path took what the String grammar refuses: %s: %s (%s)",
              header.name(), value, e.getMessage()).isNull();
          continue;
        }
        if (fast != null) {
          assertThat(leniency.found()).as("violations of %s: %s", header.name(), value).isEmpty();
          assertThat(fast).as("%s: %s", header.name(), value).isEqualTo(slow);
          assertThat(fast.toString()).as("%s: %s", header.name(), value)
              .isEqualTo(slow.toString());
        }
      }
    }
    SipUri fastUri = WireGrammar.sipUri(bytes, 0, bytes.length);
    Leniency leniency = Leniency.strict();
    Uri slowUri;
    try {
      slowUri = UriParser.parse(value, 0, value.length(), leniency);
    } catch (SipParseException e) {
      assertThat(fastUri).as("the fast path took a URI the grammar refuses: %s", value).isNull();
      return;
    }
    if (fastUri != null) {
      assertThat(leniency.found()).as("violations of URI %s", value).isEmpty();
      assertThat(fastUri).as(value).isEqualTo(slowUri);
      assertThat(fastUri.toString()).as(value).isEqualTo(slowUri.toString());
    }
  }

  private static void checkOne(SipParser parser, SipParser stringGrammar, byte[] input,
      boolean roundTrip) {
    SipMessage message;
    try {
      message = parser.parse(input.clone());
    } catch (SipParseException e) {
      checkException(e);
      SipParseException slow = catchThrowableOfType(SipParseException.class,
          () -> stringGrammar.parse(input.clone()));
      assertThat(slow).as("the String grammar accepts what the fast path refuses").isNotNull();
      assertThat(List.of(slow.getMessage(), slow.statusCode()))
          .isEqualTo(List.of(e.getMessage(), e.statusCode()));
      return;
    }
    SipMessage slow = stringGrammar.parse(input.clone());
    assertThat(slow).isEqualTo(message);
    assertThat(slow.startLine()).isEqualTo(message.startLine());
    assertThat(slow.violations()).isEqualTo(message.violations());
    assertThat(message.bodyLength()).isLessThanOrEqualTo(input.length);
    try {
      message.validate();
      for (Header<?> h : Header.ALL) {
        message.headers(h);
      }
    } catch (SipParseException e) {
      checkException(e);
      return;
    }
    if (roundTrip) {
      byte[] encoded = message.encode();
      SipMessage again = parser.parse(encoded);
      assertThat(again).isEqualTo(message);
      assertThat(again.encode()).isEqualTo(encoded);
    }
  }

  private static void checkException(SipParseException e) {
    assertThat(e.reason()).isNotBlank();
    assertThat(e.statusCode()).isBetween(400, 699);
    assertThat(e.line()).isPositive();
    assertThat(e.column()).isPositive();
  }
}
