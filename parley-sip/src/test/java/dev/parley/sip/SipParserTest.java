package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SipParserTest {
  private static final SipParser PARSER = SipParser.create();
  private static final SipParser LENIENT =
      SipParser.builder().policy(CompliancePolicy.LENIENT).build();

  private static SipMessage torture(String name) {
    return PARSER.parse(Corpus.read("rfc4475/" + name + ".dat"));
  }

  private static String crlf(String... lines) {
    return String.join("\r\n", lines) + "\r\n";
  }

  private static final String OPTIONS = crlf(
      "OPTIONS sip:bob@example.com SIP/2.0",
      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;rport",
      "Max-Forwards: 70",
      "To: Bob <sip:bob@example.com>",
      "From: \"Alice A.\" <sip:alice@example.com>;tag=1928301774",
      "Call-ID: a84b4c76e66710@pc33.example.com",
      "CSeq: 63104 OPTIONS",
      "Content-Length: 0",
      "");

  @Test
  void readsTypedValuesThroughFoldingAndOddWhitespace() {
    SipMessage m = torture("wsinv");
    assertThat(m.to().tag()).isEqualTo("1918181833n");
    assertThat(m.from().displayName()).isEqualTo("J Rosenberg \\\"");
    assertThat(m.from().tag()).isEqualTo("98asjd8");
    assertThat(m.maxForwards()).isEqualTo(68);
    assertThat(m.cseq()).isEqualTo(new CSeq(9, SipMethod.INVITE));
    assertThat(m.vias()).hasSize(3);
    assertThat(m.vias().get(1).transport()).isEqualTo("TCP");
    assertThat(m.vias().get(1).host()).isEqualTo("spindle.example.com");
    assertThat(m.vias().get(2).branch()).isEqualTo("z9hG4bK30239");
    assertThat(m.contacts().get(0).q()).isEqualTo(0.33f);
    assertThat(m.contacts().get(0).displayName()).isEqualTo("Quoted string \"\"");
    assertThat(m.headers().get("NewFangledHeader"))
        .isEqualTo("newfangled value continued newfangled value");
    assertThat(m.headers().get("UnknownHeaderWithUnusualValue")).isEqualTo(";;,,;;,;");
    assertThat(m.headers().get(HeaderName.SUBJECT)).isEmpty();
    assertThat(m.routes().get(0).uri().toString())
        .isEqualTo("sip:services.example.com;lr;unknownwith=value;unknown-no-value");
  }

  @Test
  void compactFormsReadAsFullHeaders() {
    SipMessage m = torture("esc01");
    assertThat(m.callId()).isEqualTo("esc01.239409asdfakjkn23onasd0-3234");
    assertThat(m.contentType().is("application", "sdp")).isTrue();
    assertThat(m.headers().contains(HeaderName.CONTENT_LENGTH)).isTrue();
  }

  @Test
  void percentOutsideUrisIsNotAnEscape() {
    SipRequest r = (SipRequest) torture("esc02");
    assertThat(r.method().name()).isEqualTo("RE%47IST%45R");
    assertThat(r.method().isStandard()).isFalse();
    assertThat(r.contacts()).hasSize(2);
    assertThat(r.headers().get("C%6Fntact")).isEqualTo("<sip:alias2@host2.example.com>");
  }

  @Test
  void trailingOctetsAfterContentLengthAreIgnored() {
    SipMessage m = torture("dblreq");
    assertThat(m.bodyLength()).isZero();
    assertThat(((SipRequest) m).method()).isEqualTo(SipMethod.REGISTER);
  }

  @Test
  void binaryBodyIsFramedByContentLength() {
    SipMessage m = torture("mpart01");
    assertThat(m.bodyLength()).isEqualTo(553);
    assertThat(m.contentType().is("multipart", "mixed")).isTrue();
  }

  @Test
  void missingContentLengthTakesTheRestAsBody() {
    SipMessage m = torture("inv2543");
    assertThat(m.bodyLength()).isPositive();
    assertThat(m.topVia().branch()).isNull();
    assertThat(m.topVia().hasRfc3261Branch()).isFalse();
  }

  @Test
  void contactParametersStayOnTheBindingNotTheUri() {
    Address unbracketed = torture("cparam01").contacts().get(0);
    assertThat(unbracketed.parameters().contains("unknownparam")).isTrue();
    assertThat(((SipUri) unbracketed.uri()).parameters().isEmpty()).isTrue();
    Address bracketed = torture("cparam02").contacts().get(0);
    assertThat(bracketed.parameters().isEmpty()).isTrue();
    assertThat(((SipUri) bracketed.uri()).parameters().contains("unknownparam")).isTrue();
  }

  @Test
  void unknownSchemesParseAsAbsoluteUris() {
    SipRequest r = (SipRequest) torture("unkscm");
    assertThat(r.requestUri()).isInstanceOf(AbsoluteUri.class);
    assertThat(r.requestUri().scheme()).isEqualToIgnoringCase("nobodyKnowsThisScheme");
  }

  @Test
  void unknownAuthSchemeIsKept() {
    Credentials c = torture("regaut01").header(Header.AUTHORIZATION);
    assertThat(c.scheme()).isEqualTo("NoOneKnowsThisScheme");
    assertThat(c.isDigest()).isFalse();
    assertThat(c.parameter("opaque-data")).isEqualTo("here");
  }

  @Test
  void digestCredentialsUnquoteTheirValues() {
    SipMessage m = PARSER.parse(crlf("REGISTER sip:example.com SIP/2.0",
            "Via: SIP/2.0/TCP 192.0.2.4;branch=z9hG4bKnashds7",
            "To: <sip:bob@example.com>",
            "From: <sip:bob@example.com>;tag=a73kszlfl",
            "Call-ID: 1j9FpLxk3uxtm8tn@192.0.2.4",
            "CSeq: 2 REGISTER",
            "Authorization: Digest username=\"bob\", realm=\"example.com\", nonce=\"ea9c8e88\","
                + " uri=\"sip:example.com\", response=\"dfe56131d1958046689d83306477ecc\","
                + " algorithm=SHA-256, qop=auth, nc=00000001, cnonce=\"0a4f113b\"",
            "Content-Length: 0", ""));
    Credentials c = m.header(Header.AUTHORIZATION);
    assertThat(c.isDigest()).isTrue();
    assertThat(c.parameter("username")).isEqualTo("bob");
    assertThat(c.parameter("algorithm")).isEqualTo("SHA-256");
    assertThat(c.parameter("nc")).isEqualTo("00000001");
    assertThat(c.parameters().get("realm")).isEqualTo("\"example.com\"");
  }

  @Test
  void challengeParsesRealmNonceAndStale() {
    Challenge c = Header.WWW_AUTHENTICATE.parse(
        "Digest realm=\"atlanta.example.com\", qop=\"auth\", nonce=\"84a4cc6f\", stale=FALSE, algorithm=MD5");
    assertThat(c.parameter("realm")).isEqualTo("atlanta.example.com");
    assertThat(c.parameter("stale")).isEqualTo("FALSE");
    assertThat(c.toString()).startsWith("Digest realm=\"atlanta.example.com\", qop=\"auth\"");
  }

  @Test
  void wildcardContactIsRecognised() {
    SipMessage m = PARSER.parse(OPTIONS.replace("Content-Length: 0", "Contact: *\r\nExpires: 0\r\nContent-Length: 0"));
    assertThat(m.contacts()).containsExactly(Address.WILDCARD);
    assertThat(m.expires()).isZero();
  }

  @Test
  void viaReadsRportAndReceived() {
    Via v = Header.VIA.parse("SIP/2.0/UDP [2001:db8::9:1]:5070;branch=z9hG4bKas;received=2001:db8::9:255;rport=5071");
    assertThat(v.host()).isEqualTo("[2001:db8::9:1]");
    assertThat(v.port()).isEqualTo(5070);
    assertThat(v.received()).isEqualTo("2001:db8::9:255");
    assertThat(v.rport()).isEqualTo(5071);
    assertThat(PARSER.parse(OPTIONS).topVia().hasRport()).isTrue();
    assertThat(PARSER.parse(OPTIONS).topVia().rport()).isEqualTo(-1);
  }

  @Test
  void reasonEventSubscriptionStateAndReferToAreTyped() {
    Reason r = Header.REASON.parse("SIP ;cause=486 ;text=\"Busy Here\"");
    assertThat(r.cause()).isEqualTo(486);
    assertThat(r.text()).isEqualTo("Busy Here");
    assertThat(Header.EVENT.parse("conference;id=7").id()).isEqualTo("7");
    SubscriptionState s = Header.SUBSCRIPTION_STATE.parse("terminated;reason=timeout");
    assertThat(s.isTerminated()).isTrue();
    assertThat(s.reason()).isEqualTo("timeout");
    assertThat(Header.REFER_TO.parse("<sip:conf@example.com;isfocus>").uri().toString())
        .isEqualTo("sip:conf@example.com;isfocus");
  }

  @Test
  void dateMustBeGmt() {
    assertThat(Header.DATE.parse("Sat, 13 Nov 2010 23:29:00 GMT"))
        .isEqualTo(Instant.parse("2010-11-13T23:29:00Z"));
    assertThatThrownBy(() -> Header.DATE.parse("Fri, 01 Jan 2010 16:00:00 EST"))
        .isInstanceOf(SipParseException.class).hasMessageContaining("GMT");
  }

  @Test
  void repeatedSingleValuedHeaderIsFoundWithoutReadingValues() {
    // RFC 4475 §3.1.2.19: two Call-ID, To, From, Max-Forwards and CSeq; the first in Header order
    assertThat(torture("multi01").repeatedSingletonHeader()).isEqualTo(HeaderName.FROM);
    assertThat(torture("dblreq").repeatedSingletonHeader()).isNull();
    assertThat(PARSER.parse("OPTIONS sip:a@b SIP/2.0\r\nTo: <sip:a@b>\r\nt: <sip:c@d>\r\n\r\n")
        .repeatedSingletonHeader()).as("compact form counts").isEqualTo(HeaderName.TO);
  }

  @Test
  void fieldPositionsAreTheLineAndColumnWhereEachValueStarts() {
    // A leading CRLF (ignored: line 1 is the start line), spaces before a value, a folded value,
    // an empty value and a bare LF (allowed by the lenient policy).
    String text = "\r\nOPTIONS sip:a@b SIP/2.0\r\nTo:   <sip:a@b>\r\nSubject: one\r\n  two\r\n"
        + "X-Empty:\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n\r\n";
    SipMessage m = SipParser.builder().policy(CompliancePolicy.LENIENT).build().parse(text);
    Headers h = m.headers();
    int[][] expected = {{2, 7}, {3, 10}, {5, 9}, {6, 6}};
    for (int i = 0; i < expected.length; i++) {
      assertThat(new int[] {h.line(i), h.column(i)}).as(h.name(i)).isEqualTo(expected[i]);
    }
    // A value replaced by an edit keeps its place.
    Headers edited = HeaderEdits.replaced(h, 3, "SIP/2.0/TCP h2;branch=z9hG4bK2");
    assertThat(new int[] {edited.line(3), edited.column(3)}).isEqualTo(expected[3]);
    assertThat(HeaderEdits.removed(edited, 0).line(0)).isEqualTo(3);
    assertThat(Headers.builder().add("To", "<sip:a@b>").build().line(0)).isZero();
  }

  @Test
  void errorsCarryLineColumnAndStatus() {
    SipParseException e = catchThrowableOfType(SipParseException.class,
        () -> torture("badinv01").validate());
    assertThat(e.line()).isEqualTo(7);
    assertThat(e.column()).isEqualTo(29);
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo(e.reason() + " at 7:29");
  }

  @Test
  void versionOtherThanTwoIsAnswered505() {
    SipParseException e = catchThrowableOfType(SipParseException.class,
        () -> torture("badvers"));
    assertThat(e.statusCode()).isEqualTo(505);
  }

  @Test
  void typedHeadersParseOnlyWhenRead() {
    SipMessage m = PARSER.parse(OPTIONS.replace("Max-Forwards: 70", "Max-Forwards: lots"));
    assertThat(m.callId()).isEqualTo("a84b4c76e66710@pc33.example.com");
    assertThatThrownBy(m::maxForwards).isInstanceOf(SipParseException.class)
        .hasMessage("Max-Forwards: expected Max-Forwards (digits), found 'l' at 3:15");
  }

  @Test
  void bareLineFeedsAreRefusedStrictAndRepairedLenient() {
    String lf = OPTIONS.replace("\r\n", "\n");
    assertThatThrownBy(() -> PARSER.parse(lf)).isInstanceOf(SipParseException.class)
        .hasMessageContaining("LF");
    SipMessage m = LENIENT.parse(lf);
    assertThat(m.violations()).contains(Violation.BARE_LINE_FEED);
    assertThat(m.cseq().sequence()).isEqualTo(63104);
  }

  @Test
  void limitsAreEnforcedWith513() {
    SipParser tight = SipParser.builder()
        .config(ParserConfig.builder().maxHeaderCount(4).build()).build();
    SipParseException e = catchThrowableOfType(SipParseException.class, () -> tight.parse(OPTIONS));
    assertThat(e.statusCode()).isEqualTo(513);
    assertThat(e.reason()).contains("more than 4 header fields");

    SipParser small = SipParser.builder()
        .config(ParserConfig.builder().maxMessageSize(100).maxHeaderSectionSize(100).build()).build();
    assertThat(catchThrowableOfType(SipParseException.class, () -> small.parse(OPTIONS)).statusCode())
        .isEqualTo(513);

    SipParser shortLines = SipParser.builder()
        .config(ParserConfig.builder().maxLineLength(40).build()).build();
    assertThat(catchThrowableOfType(SipParseException.class, () -> shortLines.parse(OPTIONS)).reason())
        .contains("longer than 40");
  }

  @Test
  void configRefusesNonsenseLimitsByName() {
    assertThatThrownBy(() -> ParserConfig.builder().maxHeaderCount(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxHeaderCount");
  }

  @Test
  void leadingCrlfsBeforeTheStartLineAreIgnored() {
    assertThat(PARSER.parse("\r\n\r\n" + OPTIONS).cseq().method()).isEqualTo(SipMethod.OPTIONS);
  }

  @Test
  void emptyAndGarbageInputGiveParseErrors() {
    assertThatThrownBy(() -> PARSER.parse(new byte[0])).isInstanceOf(SipParseException.class);
    assertThatThrownBy(() -> PARSER.parse("\r\n")).isInstanceOf(SipParseException.class);
    assertThatThrownBy(() -> PARSER.parse("hello\r\n\r\n")).isInstanceOf(SipParseException.class);
    assertThatThrownBy(() -> PARSER.parse("SIP/2.0 abc OK\r\n\r\n"))
        .isInstanceOf(SipParseException.class).hasMessageContaining("three digits");
  }

  @Test
  void builtRequestEncodesAndParsesBackEqual() {
    SipRequest request = SipRequest.builder(SipMethod.MESSAGE, SipUri.parse("sip:bob@example.com"))
        .header(HeaderName.VIA, Via.builder("UDP", "192.0.2.1").port(5060).branch("z9hG4bK1").build())
        .header(HeaderName.MAX_FORWARDS, "70")
        .header(HeaderName.FROM, Address.builder(SipUri.parse("sip:alice@example.com"))
            .displayName("Alice \"Al\"").tag("x1").build())
        .header(HeaderName.TO, Address.of(SipUri.parse("sip:bob@example.com")))
        .header(HeaderName.CALL_ID, "c1@192.0.2.1")
        .header(HeaderName.CSEQ, new CSeq(1, SipMethod.MESSAGE))
        .body(MediaType.TEXT_PLAIN, "héllo")
        .build();
    assertThat(request.headers().get(HeaderName.CONTENT_LENGTH)).isEqualTo("6");
    SipRequest parsed = (SipRequest) PARSER.parse(request.encode()).validate();
    assertThat(parsed).isEqualTo(request);
    assertThat(parsed.from().displayName()).isEqualTo("Alice \"Al\"");
    assertThat(parsed.bodyAsString()).isEqualTo("héllo");
    assertThat(new String(request.encode(), StandardCharsets.UTF_8))
        .startsWith("MESSAGE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n");
  }

  @Test
  void builtResponseCarriesStandardReasonPhrase() {
    SipResponse r = SipResponse.builder(SipStatus.BUSY_HERE).build();
    assertThat(r.startLine()).isEqualTo("SIP/2.0 486 Busy Here");
    assertThat(r.isFinal()).isTrue();
    assertThat(SipResponse.builder(299).build().reasonPhrase()).isEqualTo("Unknown 2xx");
    assertThatThrownBy(() -> SipResponse.builder(700)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("statusCode");
  }

  @Test
  void builderRefusesLineBreaksInValues() {
    assertThatThrownBy(() -> SipRequest.builder(SipMethod.OPTIONS, SipUri.parse("sip:a@b"))
        .header(HeaderName.SUBJECT, "hi\r\nVia: evil"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line break");
  }

  @Test
  void headerNamesMatchAnySpellingAndCompactForm() {
    assertThat(HeaderName.of("v")).isSameAs(HeaderName.VIA);
    assertThat(HeaderName.of("VIA")).isSameAs(HeaderName.VIA);
    assertThat(HeaderName.of("x-custom")).isEqualTo(HeaderName.of("X-Custom"));
    assertThatThrownBy(() -> HeaderName.of("bad name")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void responseParsesWithEmptyAndUtf8ReasonPhrases() {
    SipResponse empty = (SipResponse) torture("noreason");
    assertThat(empty.statusCode()).isEqualTo(100);
    assertThat(empty.reasonPhrase()).isEmpty();
    SipResponse utf8 = (SipResponse) torture("unreason");
    assertThat(utf8.reasonPhrase()).startsWith("= 2**3 * 5**2 но сто девяносто девять");
  }
}
