package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A message returns a copy with one field pushed before the others, or one field's value
 * replaced, without building it again: the other fields as they came, the policy kept.
 */
class FieldEditTest {
  private static final SipParser PARSER = SipParser.create();
  private static final String VIA = "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKnew;rport";

  private static SipRequest built() {
    return SipRequest.builder(SipMethod.MESSAGE, SipUri.parse("sip:bob@example.com"))
        .header(HeaderName.VIA, "SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKx")
        .header(HeaderName.FROM, "<sip:alice@example.com>;tag=9")
        .header(HeaderName.TO, "<sip:bob@example.com>")
        .header(HeaderName.CALL_ID, "abc")
        .header(HeaderName.CSEQ, "1 MESSAGE")
        .header(HeaderName.MAX_FORWARDS, "70")
        .body(MediaType.parse("text/plain"), "hello")
        .build();
  }

  private static SipRequest parsed() {
    return (SipRequest) PARSER.parse("MESSAGE sip:bob@example.com SIP/2.0\r\n"
        + "v: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKx\r\n"
        + "f: <sip:alice@example.com>;tag=9\r\n"
        + "t: <sip:bob@example.com>\r\n"
        + "i: abc\r\n"
        + "CSeq: 1 MESSAGE\r\n"
        + "Subject: a folded\r\n  subject\r\n"
        + "Content-Type: text/plain\r\n"
        + "Content-Length: 5\r\n\r\nhello");
  }

  private static SipResponse response(String recordRoutes) {
    return (SipResponse) PARSER.parse("SIP/2.0 200 OK\r\n"
        + "Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKx\r\n"
        + recordRoutes
        + "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\n"
        + "Call-ID: c\r\nCSeq: 1 INVITE\r\nContact: <sip:b@192.0.2.7>\r\nl: 0\r\n\r\n");
  }

  @Test
  void aFieldPushedOnABuiltRequestGivesWhatTheBuilderGives() {
    SipRequest in = built();
    SipRequest out = in.withFirstHeader(HeaderName.VIA, VIA);
    SipRequest rebuilt = in.toBuilder().addFirstHeader(HeaderName.VIA, VIA).build();
    assertThat(out).isEqualTo(rebuilt);
    assertThat(out.encode()).isEqualTo(rebuilt.encode());
    assertThat(out.vias()).extracting(Via::branch).containsExactly("z9hG4bKnew", "z9hG4bKx");
    assertThat(out.policy()).isSameAs(CompliancePolicy.STRICT);
    assertThat(in.vias()).hasSize(1); // the original is unchanged
  }

  @Test
  void aFieldPushedOnAParsedRequestKeepsTheOthersAsWritten() {
    SipRequest in = parsed();
    SipRequest out = in.withFirstHeader(HeaderName.VIA, "  " + VIA + " ");
    assertThat(out).isEqualTo(in.toBuilder().addFirstHeader(HeaderName.VIA, VIA).build());
    String text = new String(out.encode(), StandardCharsets.UTF_8);
    assertThat(text).startsWith("MESSAGE sip:bob@example.com SIP/2.0\r\nVia: " + VIA
        + "\r\nv: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKx\r\nf: <sip:alice@example.com>;tag=9\r\n");
    assertThat(text).contains("\r\nSubject: a folded subject\r\n").endsWith("\r\n\r\nhello");
    assertThat(out.headers().name(1)).isEqualTo("v");
    assertThat(out.headers().line(0)).isZero(); // pushed: no place in the parsed text
    assertThat(out.headers().line(2)).isEqualTo(in.headers().line(1));
    assertThat(out.policy()).isSameAs(in.policy());
    assertThat(out.verbatimBytes()).isNull();
    assertThat(PARSER.parse(out.encode())).isEqualTo(out);
    // the field counts as present (and repeated) for lookups
    assertThat(out.headers().count(HeaderName.VIA)).isEqualTo(2);
    assertThat(out.topVia().branch()).isEqualTo("z9hG4bKnew");
  }

  @Test
  void aRequestRetargetedKeepsItsFieldsAndGivesWhatTheBuilderGives() {
    SipRequest in = parsed();
    Uri target = Uri.parse("sip:bob@192.0.2.7:5062;transport=udp");
    SipRequest out = in.withRequestUri(target);
    assertThat(out.requestUri()).isEqualTo(target);
    assertThat(out).isEqualTo(in.toBuilder().requestUri(target).build());
    assertThat(out.headers()).isSameAs(in.headers());
    assertThat(out.policy()).isSameAs(in.policy());
    assertThat(new String(out.encode(), StandardCharsets.UTF_8)).isEqualTo(
        new String(in.encode(), StandardCharsets.UTF_8).replace("MESSAGE sip:bob@example.com ",
            "MESSAGE sip:bob@192.0.2.7:5062;transport=udp "));
    assertThat(in.withRequestUri(in.requestUri())).isSameAs(in);
    assertThatThrownBy(() -> in.withRequestUri(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aPushedFieldWithALineBreakOrAContentLengthIsRefused() {
    SipRequest in = built();
    assertThatThrownBy(() -> in.withFirstHeader(HeaderName.VIA, VIA + "\r\nX: y"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line break");
    assertThatThrownBy(() -> in.withFirstHeader(HeaderName.CONTENT_LENGTH, "0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Content-Length");
    assertThatThrownBy(() -> in.withFirstHeader(HeaderName.VIA, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void aValueReplacedKeepsTheFieldsPlaceAndEveryOtherField() {
    SipResponse in = response("Record-Route: <sip:p1.example.com;lr>\r\n"
        + "Record-Route: <sip:p2.example.com;lr;sig=old>, <sip:p3.example.com;lr>\r\n");
    int second = in.headers().indexOf(HeaderName.RECORD_ROUTE, 2);
    SipResponse out = in.withHeaderValue(second, " <sip:p2.example.com;lr;sig=new>, <sip:p3.example.com;lr>");
    assertThat(out.headers().values(HeaderName.RECORD_ROUTE)).containsExactly(
        "<sip:p1.example.com;lr>", "<sip:p2.example.com;lr;sig=new>, <sip:p3.example.com;lr>");
    assertThat(out.headers().indexOf(HeaderName.RECORD_ROUTE, 2)).isEqualTo(second);
    assertThat(out.recordRoutes()).hasSize(3);
    assertThat(new String(out.encode(), StandardCharsets.UTF_8))
        .isEqualTo(new String(in.encode(), StandardCharsets.UTF_8).replace("sig=old", "sig=new"));
    assertThat(out.policy()).isSameAs(in.policy());
    assertThat(in.headers().value(second)).contains("sig=old"); // the original is unchanged
  }

  @Test
  void aValueReplacedOnABuiltRequestGivesWhatTheBuilderGives() {
    SipRequest in = built();
    int to = in.headers().indexOf(HeaderName.TO, 0);
    SipRequest out = in.withHeaderValue(to, "<sip:carol@example.com>");
    assertThat(out).isEqualTo(in.toBuilder().setHeader(HeaderName.TO, "<sip:carol@example.com>").build());
    assertThat(out.to().uri().toString()).isEqualTo("sip:carol@example.com");
  }

  @Test
  void aReplacedValueWithALineBreakOrOnContentLengthOrOutOfRangeIsRefused() {
    SipResponse in = response("");
    int cl = in.headers().indexOf(HeaderName.CONTENT_LENGTH, 0);
    assertThatThrownBy(() -> in.withHeaderValue(0, "SIP/2.0/UDP a\nX: y"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line break");
    assertThatThrownBy(() -> in.withHeaderValue(cl, "12"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Content-Length");
    assertThatThrownBy(() -> in.withHeaderValue(in.headers().size(), "x"))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
