package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The wire form of messages and the caches a lingering message may drop. */
class SipMessageEncodingTest {
  private static final SipParser PARSER = SipParser.create();

  private static String crlf(String... lines) {
    return String.join("\r\n", lines) + "\r\n";
  }

  private static final String REGISTER = crlf(
      "REGISTER sip:example.com SIP/2.0",
      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds",
      "Max-Forwards: 70",
      "To: <sip:bob@example.com>",
      "From: \"Bob\" <sip:bob@example.com>;tag=1928301774",
      "Call-ID: a84b4c76e66710@pc33.example.com",
      "CSeq: 2 REGISTER",
      "Contact: <sip:bob@192.0.2.1:5060>",
      "Content-Length: 4",
      "") + "body";

  private static String textOf(byte[] wire) {
    return new String(wire, StandardCharsets.UTF_8);
  }

  @Test
  void parsedMessageEncodesToItsOwnBytes() {
    SipMessage m = PARSER.parse(REGISTER.getBytes(StandardCharsets.UTF_8));
    assertThat(textOf(m.encode())).isEqualTo(REGISTER);
    m.from(); // some values decoded, others still bytes
    assertThat(textOf(m.encode())).isEqualTo(REGISTER);
  }

  @Test
  void everyRequestWritesItsStartLineAsItsText() {
    String[] targets = {"sip:example.com", "sips:bob@example.com:5061;transport=tls",
        "sip:%C3%A9@example.com", "tel:+1-201-555-0123;phone-context=example.com",
        "urn:service:sos", "sip:[2001:db8::1]:5070;lr"};
    for (String method : new String[] {"INVITE", "ACK", "MESSAGE", "X-CUSTOM"}) {
      for (String target : targets) {
        String text = REGISTER.replace("REGISTER sip:example.com", method + " " + target)
            .replace("CSeq: 2 REGISTER", "CSeq: 2 " + method);
        SipRequest parsed = (SipRequest) PARSER.parse(text.getBytes(StandardCharsets.UTF_8));
        SipRequest built = parsed.toBuilder().build();
        for (SipRequest r : new SipRequest[] {parsed, built, parsed.withReceived(
            new java.net.InetSocketAddress("198.51.100.7", 5062))}) {
          assertThat(textOf(r.encode())).as("%s %s", method, target)
              .startsWith(r.startLine() + "\r\n").isEqualTo(r.toString());
        }
      }
    }
  }

  @Test
  void builtMessageEncodesLikeItsText() {
    SipResponse r = SipResponse.builder(200)
        .header(HeaderName.VIA, "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds")
        .header(HeaderName.CALL_ID, "a84b4c76e66710@pc33.example.com")
        .body(MediaType.parse("text/plain"), "hi")
        .build();
    assertThat(textOf(r.encode())).isEqualTo(r.toString());
    assertThat(textOf(r.encode())).startsWith("SIP/2.0 200 OK\r\nVia: ").endsWith("\r\n\r\nhi");
  }

  @Test
  void nonAsciiHeaderIsEncodedAsUtf8() {
    SipResponse r = SipResponse.builder(200)
        .header(HeaderName.FROM, "\"Zoë Ångström\" <sip:zoe@example.com>;tag=1")
        .body(MediaType.parse("text/plain"), "ünïcode")
        .build();
    byte[] wire = r.encode();
    assertThat(textOf(wire)).isEqualTo(r.toString());
    assertThat(PARSER.parse(wire).from().displayName()).isEqualTo("Zoë Ångström");
  }

  @Test
  void parsedNonAsciiAndFoldedValuesEncodeAsBefore() {
    String text = crlf(
        "OPTIONS sip:bob@example.com SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds",
        "To: <sip:bob@example.com>",
        "From: \"Zoë\" <sip:zoe@example.com>;tag=1",
        "Subject: a folded",
        "  subject",
        "Call-ID: a84b4c76e66710@pc33.example.com",
        "CSeq: 1 OPTIONS",
        "Content-Length: 0",
        "");
    SipMessage m = PARSER.parse(text.getBytes(StandardCharsets.UTF_8));
    String expected = crlf(
        "OPTIONS sip:bob@example.com SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds",
        "To: <sip:bob@example.com>",
        "From: \"Zoë\" <sip:zoe@example.com>;tag=1",
        "Subject: a folded subject",
        "Call-ID: a84b4c76e66710@pc33.example.com",
        "CSeq: 1 OPTIONS",
        "Content-Length: 0",
        "");
    assertThat(textOf(m.encode())).isEqualTo(expected);
  }

  @Test
  void trimmedMessageReadsEqualValuesAgain() {
    String text = crlf(
        "OPTIONS sip:bob@example.com SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds",
        "To: <sip:bob@example.com>",
        "From: <sip:alice@example.com>;tag=1",
        "Subject: a folded",
        "  subject",
        "Call-ID: a84b4c76e66710@pc33.example.com",
        "CSeq: 1 OPTIONS",
        "Content-Length: 0",
        "");
    SipMessage m = PARSER.parse(text.getBytes(StandardCharsets.UTF_8));
    Via via = m.topVia();
    Address from = m.from();
    String subject = m.headers().get(HeaderName.of("Subject"));

    m.dropParsedValues();

    assertThat(m.topVia()).isNotSameAs(via).isEqualTo(via);
    assertThat(m.from()).isEqualTo(from);
    assertThat(m.headers().get(HeaderName.of("Subject"))).isEqualTo(subject)
        .isEqualTo("a folded subject");
    assertThat(textOf(m.encode())).isEqualTo(crlf(
        "OPTIONS sip:bob@example.com SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds",
        "To: <sip:bob@example.com>",
        "From: <sip:alice@example.com>;tag=1",
        "Subject: a folded subject",
        "Call-ID: a84b4c76e66710@pc33.example.com",
        "CSeq: 1 OPTIONS",
        "Content-Length: 0",
        ""));
  }

  @Test
  void trimmedMessageKeepsItsViolations() {
    SipParser lenient = SipParser.builder().policy(CompliancePolicy.LENIENT).build();
    String text = crlf(
        "OPTIONS sip:bob@example.com SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds",
        "To: <sip:bob@example.com>",
        "From: <sip:alice@example.com>;tag=1",
        "Call-ID: a84b4c76e66710@pc33.example.com",
        "CSeq: 1 OPTIONS",
        "Content-Length: 0",
        "");
    SipMessage m = lenient.parse(text.getBytes(StandardCharsets.UTF_8)).validate();
    var before = m.violations();
    m.dropParsedValues();
    m.validate();
    assertThat(m.violations()).isEqualTo(before);
  }
}
