package dev.parley.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Coverage-guided fuzz target (Jazzer) for the SDP parser. The normal build runs it over
 * {@code src/test/resources/dev/parley/sdp/SdpParserCoverageFuzzTestInputs/<target>/} (the
 * conformance corpus's SDP files and the SDP bodies of its SIP messages, plus every finding);
 * {@code JAZZER_FUZZ=1} fuzzes it (see {@code docs/reliability.md}, "Fuzzing").
 *
 * <p>The contract: {@link SdpParseException} (with a position) is the only failure under both
 * policies; the typed views of an accepted description never throw (a malformed known attribute
 * is skipped by them); the writer's text parses back to an equal description and writes the same
 * text again; what STRICT accepts without a repair, STRICT accepts once written; the limits hold.
 */
class SdpParserCoverageFuzzTest {
  @FuzzTest
  void descriptionsParseOrFailWithSdpParseException(byte[] input) {
    for (SdpParser parser : List.of(SdpParser.DEFAULT, SdpParser.STRICT)) {
      SessionDescription d;
      try {
        d = parser.parse(input);
      } catch (SdpParseException e) {
        assertThat(e.reason()).isNotBlank().doesNotContain("internal parser error");
        assertThat(e.line()).isPositive();
        assertThat(e.column()).isPositive();
        continue;
      }
      SdpLimits limits = parser.limits();
      assertThat(d.media().size()).isLessThanOrEqualTo(limits.maxMediaDescriptions());
      int attributes = d.attributes().size();
      d.direction();
      d.timings();
      d.bandwidths();
      for (MediaDescription m : d.media()) {
        attributes += m.attributes().size();
        readTypedViews(m);
        d.direction(m);
        d.connections(m);
      }
      assertThat(attributes).isLessThanOrEqualTo(limits.maxAttributes());
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

  private static void readTypedViews(MediaDescription m) {
    m.isRtp();
    m.isDisabled();
    m.numberOfPorts();
    m.payloadTypes();
    m.rtpmaps();
    m.formatsWithRtpmap();
    m.fmtps();
    m.ptime();
    m.maxptime();
    m.rtcp();
    m.direction();
    for (Integer pt : m.payloadTypes()) {
      m.rtpmap(pt);
      m.fmtp(pt);
    }
  }
}
