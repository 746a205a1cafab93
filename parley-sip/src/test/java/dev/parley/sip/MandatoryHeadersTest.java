package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The one check of RFC 3261 §8.2 that the transport and transaction layers both run. */
class MandatoryHeadersTest {
  private static final String OPTIONS = "OPTIONS sip:bob@example.com SIP/2.0\r\n"
      + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa1\r\n"
      + "Max-Forwards: 70\r\n"
      + "To: <sip:bob@example.com>\r\n"
      + "From: <sip:alice@example.com>;tag=a1\r\n"
      + "Call-ID: c1@192.0.2.1\r\n"
      + "CSeq: 7 OPTIONS\r\n"
      + "Content-Length: 0\r\n\r\n";

  private static SipRequest parse(String text) {
    return (SipRequest) SipParser.create().parse(text);
  }

  @Test
  void aRequestWithItsFiveHeadersPasses() {
    SipRequest r = parse(OPTIONS);
    assertThat(r.checkMandatoryHeaders()).isSameAs(r);
  }

  @Test
  void maxForwardsMayBeMissingForAProxyAddsOne() {
    SipRequest r = parse(OPTIONS.replace("Max-Forwards: 70\r\n", ""));
    assertThat(r.checkMandatoryHeaders()).isSameAs(r);
  }

  @Test
  void eachMissingHeaderIsNamedWithA400() {
    for (String line : new String[] {"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa1\r\n",
        "To: <sip:bob@example.com>\r\n", "From: <sip:alice@example.com>;tag=a1\r\n",
        "Call-ID: c1@192.0.2.1\r\n", "CSeq: 7 OPTIONS\r\n"}) {
      String name = line.substring(0, line.indexOf(':'));
      assertThatThrownBy(() -> parse(OPTIONS.replace(line, "")).checkMandatoryHeaders())
          .isInstanceOfSatisfying(SipParseException.class,
              e -> assertThat(e.statusCode()).isEqualTo(400))
          .hasMessageContaining("missing mandatory header " + name);
    }
  }

  @Test
  void aHeaderThatDoesNotMatchItsGrammarFails() {
    assertThatThrownBy(() -> parse(OPTIONS.replace("From: <sip:alice@example.com>;tag=a1",
        "From: <sip:alice@example.com")).checkMandatoryHeaders())
        .isInstanceOf(SipParseException.class).hasMessageContaining("From");
    assertThatThrownBy(() -> parse(OPTIONS.replace("CSeq: 7 OPTIONS", "CSeq: seven OPTIONS"))
        .checkMandatoryHeaders())
        .isInstanceOf(SipParseException.class).hasMessageContaining("CSeq");
  }

  @Test
  void aCSeqMethodOtherThanTheRequestMethodFailsAsValidateDoes() {
    SipRequest mismatch = parse(OPTIONS.replace("CSeq: 7 OPTIONS", "CSeq: 7 INVITE"));
    assertThatThrownBy(mismatch::checkMandatoryHeaders)
        .isInstanceOfSatisfying(SipParseException.class,
            e -> assertThat(e.statusCode()).isEqualTo(400))
        .hasMessageContaining("CSeq method INVITE does not match the request method OPTIONS");
    SipRequest unknown = parse(OPTIONS.replace("OPTIONS sip", "NEWMETHOD sip")
        .replace("CSeq: 7 OPTIONS", "CSeq: 7 INVITE"));
    assertThatThrownBy(unknown::checkMandatoryHeaders)
        .isInstanceOfSatisfying(SipParseException.class,
            e -> assertThat(e.statusCode()).as("RFC 4475 §3.1.2.18").isEqualTo(501));
    assertThatThrownBy(unknown::validate)
        .isInstanceOfSatisfying(SipParseException.class,
            e -> assertThat(e.statusCode()).isEqualTo(501));
  }

  @Test
  void aRequestThatFailedFailsAgainWhenTheNextLayerChecksIt() {
    SipRequest bad = parse(OPTIONS.replace("CSeq: 7 OPTIONS", "CSeq: 7 INVITE"));
    assertThatThrownBy(bad::checkMandatoryHeaders).isInstanceOf(SipParseException.class);
    assertThatThrownBy(bad::checkMandatoryHeaders).isInstanceOf(SipParseException.class);
  }

  @Test
  void theCopyStampedWithItsSourcePassesWithItsNewTopVia() {
    SipRequest r = parse(OPTIONS.replace(";branch=z9hG4bKa1", ";branch=z9hG4bKa1;rport"))
        .checkMandatoryHeaders();
    SipRequest stamped = r.withReceived(new java.net.InetSocketAddress("192.0.2.9", 5070));
    assertThat(stamped).isNotSameAs(r);
    assertThat(stamped.checkMandatoryHeaders()).isSameAs(stamped);
    assertThat(stamped.topVia().received()).isEqualTo("192.0.2.9");
    assertThat(stamped.topVia().rport()).isEqualTo(5070);
  }
}
