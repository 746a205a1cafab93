package dev.parley.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipParser;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The benchmark's fixtures are well-formed, and each parser reads from them what a proxy reads. */
class ParseFixturesTest {

  /** What a proxy reads from each fixture, written by hand from the wire text. */
  private static final Map<String, String> EXPECTED = Map.of(
      "invite",
      "via=UDP 192.0.2.1:5060;branch=z9hG4bKc4d1.f3a5a6b7c5e2d9a81e0c4b7d2f3a9e61.0"
          + " from=sip:alice@example.org;tag=7b6a7c5c9e0f4a1d to=sip:bob@example.org;tag=null"
          + " call-id=9c1e2f7a8b3d4c5e@198.51.100.10 cseq=24316 INVITE max-forwards=69"
          + " routes=[sip:core.example.org;lr, sip:as.example.org:5070;lr]"
          + " contacts=[sip:alice-0x55d1c0@198.51.100.10:5060;transport=udp]",
      "register",
      "via=UDP 198.51.100.23:5060;branch=z9hG4bK.Vx3nFq8sT"
          + " from=sip:bob@example.org;tag=Ke~5dVpqL to=sip:bob@example.org;tag=null"
          + " call-id=3mWc2Gm1Xq cseq=21 REGISTER max-forwards=70"
          + " routes=[] contacts=[sip:bob@198.51.100.23;transport=udp]",
      "ok200",
      "via=UDP 203.0.113.5:5060;branch=z9hG4bK41b9.0e2f7c1a9b3d5e6f7a8b9c0d1e2f3a4b.0"
          + " from=sip:alice@example.org;tag=7b6a7c5c9e0f4a1d"
          + " to=sip:bob@example.org;tag=e1c3b2a9f04d4e6c"
          + " call-id=9c1e2f7a8b3d4c5e@198.51.100.10 cseq=24316 INVITE max-forwards=-1"
          + " routes=[] contacts=[sip:bob@203.0.113.77:5062;transport=udp]",
      "message",
      "via=UDP 198.51.100.10:5060;branch=z9hG4bK1d6e0b3a5c7f49e2"
          + " from=sip:alice@example.org;tag=0f3e5d7c9b1a2e4f to=sip:bob@example.org;tag=null"
          + " call-id=6a2d4f8e1c3b5a7d@198.51.100.10 cseq=7461 MESSAGE max-forwards=70"
          + " routes=[sip:192.0.2.1;lr] contacts=[]");

  @BeforeAll
  static void silenceJainSip() {
    JainSipLogging.install();
  }

  static Iterable<String> fixtures() {
    return Fixtures.NAMES;
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void fixtureUsesCrlfAndExactContentLength(String name) {
    byte[] wire = Fixtures.load(name);
    String text = new String(wire, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    assertThat(end).as("end of header block").isPositive();
    String head = text.substring(0, end + 2);
    assertThat(head.replace("\r\n", "")).as("bare CR or LF in the header block")
        .doesNotContain("\r").doesNotContain("\n");
    String contentLength = head.lines()
        .filter(line -> line.regionMatches(true, 0, "Content-Length:", 0, 15))
        .map(line -> line.substring(15).trim())
        .findFirst().orElseThrow();
    assertThat(wire.length - (end + 4)).isEqualTo(Integer.parseInt(contentLength));
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void parleyReadsWhatAProxyReads(String name) {
    byte[] wire = Fixtures.load(name);
    assertThat(ProxyView.ofParley(SipParser.create().parse(wire))).isEqualTo(EXPECTED.get(name));
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void jainSipReadsWhatAProxyReads(String name) throws Exception {
    byte[] wire = Fixtures.load(name);
    assertThat(ProxyView.ofJainSip(new StringMsgParser().parseSIPMessage(wire, true, false, null)))
        .isEqualTo(EXPECTED.get(name));
  }
}
