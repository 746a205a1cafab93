package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A request appends a field, sets one (every field of a name replaced by one), removes every
 * field of a name and becomes "as built" without building it again: each gives, byte for byte,
 * what the builder's operation of the same name and {@code build()} give.
 */
class RequestEditTest {
  private static final SipParser PARSER = SipParser.create();

  private static SipRequest parse(String head, String body) {
    return (SipRequest) PARSER.parse(head + "\r\n" + body);
  }

  /** Parsed requests with the spellings and repetitions the edits must handle. */
  private static List<SipRequest> requests() {
    String common = "v: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKx\r\n"
        + "From: <sip:alice@example.com>;tag=9\r\nTo: <sip:bob@example.com>\r\n"
        + "Call-ID: abc\r\nCSeq: 1 INVITE\r\n";
    return List.of(
        parse("INVITE sip:bob@example.com SIP/2.0\r\n" + common
            + "Max-Forwards: 70\r\nRoute: <sip:p1.example.com;lr>\r\n"
            + "Subject: a folded\r\n  subject\r\nContent-Length: 0\r\n", ""),
        parse("INVITE sip:bob@example.com SIP/2.0\r\n" + common
            + "max-forwards: 70\r\nMax-Breadth: 60\r\nRoute: <sip:p1.example.com;lr>,"
            + "<sip:p2.example.com;lr>\r\nRoute: <sip:p3.example.com;lr>\r\nl: 5\r\n", "hello"),
        parse("INVITE sip:bob@example.com SIP/2.0\r\nContent-Length: 2\r\n" + common
            + "Max-Forwards: 70\r\nP-Asserted-Identity: <sip:x@example.com>\r\n"
            + "Max-Forwards: 69\r\nContent-Type: text/plain\r\n", "hi"),
        parse("INVITE sip:bob@example.com SIP/2.0\r\n" + common, ""),
        SipRequest.builder(SipMethod.INVITE, SipUri.parse("sip:bob@example.com"))
            .header(HeaderName.VIA, "SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKx")
            .header(HeaderName.FROM, "<sip:alice@example.com>;tag=9")
            .header(HeaderName.TO, "<sip:bob@example.com>").header(HeaderName.CALL_ID, "abc")
            .header(HeaderName.CSEQ, "1 INVITE").header(HeaderName.ROUTE, "<sip:p1.example.com;lr>")
            .build());
  }

  private static void sameAsBuilder(UnaryOperator<SipRequest> edit,
      UnaryOperator<SipRequest.Builder> op) {
    for (SipRequest in : requests()) {
      SipRequest out = edit.apply(in).rebuilt();
      SipRequest built = op.apply(in.toBuilder()).build();
      assertThat(out).isEqualTo(built);
      assertThat(new String(out.encode(), StandardCharsets.UTF_8))
          .isEqualTo(new String(built.encode(), StandardCharsets.UTF_8));
      assertThat(out.policy()).isSameAs(CompliancePolicy.STRICT);
      assertThat(out.violations()).isEmpty();
      assertThat(PARSER.parse(out.encode())).isEqualTo(out);
    }
  }

  @Test
  void aFieldSetGivesWhatTheBuilderGivesWhetherAbsentSingleRepeatedOrSpelledOtherwise() {
    sameAsBuilder(r -> r.withHeaderSet(HeaderName.MAX_FORWARDS, "69"),
        b -> b.setHeader(HeaderName.MAX_FORWARDS, "69"));
    sameAsBuilder(r -> r.withHeaderSet(HeaderName.MAX_BREADTH, " 30 "),
        b -> b.setHeader(HeaderName.MAX_BREADTH, " 30 "));
    sameAsBuilder(r -> r.withHeaderSet(HeaderName.ROUTE, "<sip:p9.example.com;lr>"),
        b -> b.setHeader(HeaderName.ROUTE, "<sip:p9.example.com;lr>"));
  }

  @Test
  void aFieldAppendedOrRemovedGivesWhatTheBuilderGives() {
    sameAsBuilder(r -> r.withLastHeader(HeaderName.P_ASSERTED_IDENTITY, "<sip:a@example.com>"),
        b -> b.header(HeaderName.P_ASSERTED_IDENTITY, "<sip:a@example.com>"));
    sameAsBuilder(r -> r.withoutHeader(HeaderName.ROUTE), b -> b.removeHeader(HeaderName.ROUTE));
    sameAsBuilder(r -> r.withoutHeader(HeaderName.P_ASSERTED_IDENTITY),
        b -> b.removeHeader(HeaderName.P_ASSERTED_IDENTITY));
    sameAsBuilder(r -> r.withoutHeader(HeaderName.ROUTE)
            .withFirstHeader(HeaderName.ROUTE, "<sip:p2.example.com;lr>")
            .withFirstHeader(HeaderName.ROUTE, "<sip:p1.example.com;lr>")
            .withRequestUri(SipUri.parse("sip:bob@192.0.2.4")),
        b -> b.removeHeader(HeaderName.ROUTE)
            .addFirstHeader(HeaderName.ROUTE, "<sip:p2.example.com;lr>")
            .addFirstHeader(HeaderName.ROUTE, "<sip:p1.example.com;lr>")
            .requestUri(SipUri.parse("sip:bob@192.0.2.4")));
  }

  @Test
  void aRequestAsBuiltSharesItsFieldsOnlyWhenItsContentLengthIsAlreadyTheBuilders() {
    List<SipRequest> in = requests();
    assertThat(in.get(0).rebuilt().headers()).isSameAs(in.get(0).headers());
    assertThat(in.get(1).rebuilt().headers().name(in.get(1).headers().size() - 1))
        .isEqualTo("Content-Length"); // "l" is written canonically by build()
    assertThat(in.get(3).rebuilt().headers().get(HeaderName.CONTENT_LENGTH)).isEqualTo("0");
    assertThat(in.get(0).rebuilt().verbatimBytes()).isNull();
    assertThat(in.get(0).verbatimBytes()).isNotNull(); // the original is unchanged
  }

  @Test
  void aSetFieldSpelledCanonicallyKeepsItsPlaceAndTheOthersStayBytes() {
    SipRequest in = requests().get(0);
    SipRequest out = in.withHeaderSet(HeaderName.MAX_FORWARDS, "69");
    int i = in.headers().indexOf(HeaderName.MAX_FORWARDS, 0);
    assertThat(out.headers().indexOf(HeaderName.MAX_FORWARDS, 0)).isEqualTo(i);
    assertThat(out.headers().line(i)).isEqualTo(in.headers().line(i));
    assertThat(out.maxForwards()).isEqualTo(69);
    assertThat(out.policy()).isSameAs(in.policy());
    assertThat(in.maxForwards()).isEqualTo(70);
    assertThat(in.withoutHeader(HeaderName.MAX_BREADTH)).isSameAs(in);
  }

  @Test
  void editsRefuseContentLengthAndLineBreaks() {
    SipRequest in = requests().get(0);
    assertThatThrownBy(() -> in.withHeaderSet(HeaderName.CONTENT_LENGTH, "3"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> in.withLastHeader(HeaderName.CONTENT_LENGTH, "3"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> in.withoutHeader(HeaderName.CONTENT_LENGTH))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> in.withHeaderSet(HeaderName.SUBJECT, "a\r\nVia: x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> in.withLastHeader(HeaderName.SUBJECT, "a\nb"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
