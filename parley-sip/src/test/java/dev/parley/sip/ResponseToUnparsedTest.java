package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseToUnparsedTest {
  private static final String BAD = "OPTIONS sip:bob@example.com SIP/2.0\r\n"
      + "v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n"
      + "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK2\r\n"
      + "From: <sip:alice@example.com>;tag=9\r\n"
      + "To: \"Bob\" <sip:bob@example.com>\r\n"
      + "Call-ID: abc\r\n"
      + "CSeq: 1 OPTIONS\r\n"
      + "Max-Forwards: lots\r\n"
      + "Content-Length: 0\r\n\r\n";

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void answersCopyingViasFromToCallIdAndCSeqAsWritten() {
    SipResponse r = SipRequest.responseToUnparsed(bytes(BAD), 400, "t1")
        .warning(399, "parley", new SipParseException("bad \"thing\"", 8, 1, 400).getMessage())
        .build();
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().values(HeaderName.VIA)).containsExactly(
        "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1", "SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK2");
    assertThat(r.headers().get(HeaderName.FROM)).isEqualTo("<sip:alice@example.com>;tag=9");
    assertThat(r.headers().get(HeaderName.TO)).isEqualTo("\"Bob\" <sip:bob@example.com>;tag=t1");
    assertThat(r.headers().get(HeaderName.CALL_ID)).isEqualTo("abc");
    assertThat(r.headers().get(HeaderName.CSEQ)).isEqualTo("1 OPTIONS");
    assertThat(r.headers().get(HeaderName.WARNING)).isEqualTo("399 parley \"bad 'thing' at 8:1\"");
    assertThat(r.validate()).isNotNull();
  }

  @Test
  void keepsATagToAlreadyHasAndJoinsFoldedLines() {
    String tagged = BAD.replace("To: \"Bob\" <sip:bob@example.com>\r\n",
        "To: \"Bob\"\r\n <sip:bob@example.com>;tag=old\r\n");
    SipResponse r = SipRequest.responseToUnparsed(bytes(tagged), 505, "t1").build();
    assertThat(r.statusCode()).isEqualTo(505);
    assertThat(r.headers().get(HeaderName.TO)).isEqualTo("\"Bob\" <sip:bob@example.com>;tag=old");
  }

  @Test
  void doesNotAnswerResponsesAcksOrRequestsMissingAHeader() {
    assertThat(SipRequest.responseToUnparsed(
        bytes("SIP/2.0 200 OK\r\n" + BAD.substring(BAD.indexOf('\n') + 1)), 400, "t")).isNull();
    assertThat(SipRequest.responseToUnparsed(bytes(BAD.replace("OPTIONS sip", "ACK sip")), 400, "t"))
        .isNull();
    assertThat(SipRequest.responseToUnparsed(bytes(BAD.replace("Call-ID: abc\r\n", "")), 400, "t"))
        .isNull();
    assertThat(SipRequest.responseToUnparsed(new byte[] {0, 1, 2}, 400, "t")).isNull();
  }

  @Test
  void refusesAStatusOutOfRangeOrATagThatIsNoToken() {
    assertThatThrownBy(() -> SipRequest.responseToUnparsed(bytes(BAD), 99, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("status");
    assertThatThrownBy(() -> SipRequest.responseToUnparsed(bytes(BAD), 400, "a b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("toTag");
  }

  @Test
  void aWarningTextIsCutAfter200Characters() {
    SipResponse r = SipRequest.responseToUnparsed(bytes(BAD), 400, null)
        .warning(399, "parley", "x".repeat(500)).build();
    assertThat(r.headers().get(HeaderName.WARNING)).isEqualTo("399 parley \"" + "x".repeat(200) + "\"");
  }
}
