package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A request makes its own response (RFC 3261 §8.2.6, §12.1.1). */
class SipRequestResponseTest {
  private static final SipRequest INVITE = (SipRequest) SipParser.create().parse(
      "INVITE sip:bob@example.com SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1\r\n"
          + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa1;received=192.0.2.9\r\n"
          + "Record-Route: <sip:proxy.example.com;lr>\r\n"
          + "Max-Forwards: 69\r\n"
          + "To: Bob <sip:bob@example.com>\r\n"
          + "From: Alice <sip:alice@example.com>;tag=a1\r\n"
          + "Call-ID: c1@192.0.2.1\r\n"
          + "CSeq: 7 INVITE\r\n"
          + "Contact: <sip:alice@192.0.2.1>\r\n"
          + "Subject: lunch\r\n"
          + "Content-Length: 0\r\n\r\n");

  @Test
  void responseCopiesViasFromToCallIdAndCseqAndNothingElse() {
    SipResponse r = INVITE.response(486).build();
    assertThat(r.startLine()).isEqualTo("SIP/2.0 486 Busy Here");
    assertThat(r.headers().values(HeaderName.VIA)).containsExactly(
        "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1",
        "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa1;received=192.0.2.9");
    assertThat(r.headers().get(HeaderName.FROM)).isEqualTo("Alice <sip:alice@example.com>;tag=a1");
    assertThat(r.headers().get(HeaderName.TO)).isEqualTo("Bob <sip:bob@example.com>");
    assertThat(r.callId()).isEqualTo("c1@192.0.2.1");
    assertThat(r.headers().get(HeaderName.CSEQ)).isEqualTo("7 INVITE");
    assertThat(r.headers().contains(HeaderName.RECORD_ROUTE)).as("not on a 486").isFalse();
    assertThat(r.headers().contains(HeaderName.CONTACT)).isFalse();
    assertThat(r.headers().contains(HeaderName.MAX_FORWARDS)).isFalse();
    assertThat(r.headers().contains(HeaderName.of("Subject"))).isFalse();
  }

  @Test
  void responsesThatMayCreateADialogCopyRecordRoute() {
    assertThat(INVITE.response(180, "b1").build().headers().values(HeaderName.RECORD_ROUTE))
        .containsExactly("<sip:proxy.example.com;lr>");
    assertThat(INVITE.response(200, "b1").build().recordRoutes()).hasSize(1);
    assertThat(INVITE.response(100).build().headers().contains(HeaderName.RECORD_ROUTE)).isFalse();
    assertThat(INVITE.response(302, "b1").build().headers().contains(HeaderName.RECORD_ROUTE))
        .isFalse();
  }

  @Test
  void toTagIsAddedOnceAndNeverTo100Trying() {
    SipResponse ok = INVITE.response(200, "b1").build();
    assertThat(ok.to().tag()).isEqualTo("b1");
    assertThat(ok.headers().get(HeaderName.TO)).isEqualTo("Bob <sip:bob@example.com>;tag=b1");
    assertThat(INVITE.response(100, "b1").build().to().tag()).isNull();
    assertThat(INVITE.response(200).build().to().tag()).isNull();

    SipRequest inDialog = INVITE.toBuilder()
        .setHeader(HeaderName.TO, "<sip:bob@example.com>;tag=old").build();
    assertThat(inDialog.response(200, "b1").build().to().tag()).isEqualTo("old");
  }

  @Test
  void toTagGoesAfterTheParametersOfAnAddrSpecWithoutBrackets() {
    SipRequest bare = INVITE.toBuilder()
        .setHeader(HeaderName.TO, "sip:bob@example.com;x=1").build();
    assertThat(bare.response(200, "b1").build().headers().get(HeaderName.TO))
        .isEqualTo("sip:bob@example.com;x=1;tag=b1");
  }

  @Test
  void a100TryingCopiesTheTimestampAndNoOtherResponseDoes() {
    SipRequest stamped = INVITE.toBuilder().header(HeaderName.TIMESTAMP, "54.2 0.1").build();
    assertThat(stamped.response(100).build().headers().get(HeaderName.TIMESTAMP))
        .isEqualTo("54.2 0.1");
    assertThat(stamped.response(180, "b1").build().headers().contains(HeaderName.TIMESTAMP))
        .isFalse();
  }

  @Test
  void theBuilderTakesMoreHeadersAndABody() {
    SipResponse r = INVITE.response(200, "b1")
        .header(HeaderName.CONTACT, "<sip:bob@192.0.2.2>")
        .body(MediaType.parse("text/plain"), "hi")
        .build();
    assertThat(r.contacts()).hasSize(1);
    assertThat(r.bodyAsString()).isEqualTo("hi");
    assertThat(SipParser.create().parse(r.encode())).isEqualTo(r);
  }

  @Test
  void badStatusOrTagIsRefusedNamingTheArgument() {
    assertThatThrownBy(() -> INVITE.response(99)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("statusCode out of range: 99");
    assertThatThrownBy(() -> INVITE.response(200, "a;b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("toTag");
    assertThatThrownBy(() -> INVITE.response(200, ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("toTag");
  }
}
