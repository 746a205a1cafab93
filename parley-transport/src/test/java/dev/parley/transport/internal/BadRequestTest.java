package dev.parley.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BadRequestTest {
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
  void answersWith400CopyingViasFromToCallIdAndCSeqAsWritten() {
    SipResponse r = BadRequest.responseTo(bytes(BAD), new SipParseException("bad \"thing\"", 8, 1, 400));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().values(HeaderName.VIA)).containsExactly(
        "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1", "SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK2");
    assertThat(r.headers().get(HeaderName.FROM)).isEqualTo("<sip:alice@example.com>;tag=9");
    assertThat(r.headers().get(HeaderName.TO)).startsWith("\"Bob\" <sip:bob@example.com>;tag=");
    assertThat(r.headers().get(HeaderName.CALL_ID)).isEqualTo("abc");
    assertThat(r.headers().get(HeaderName.CSEQ)).isEqualTo("1 OPTIONS");
    assertThat(r.headers().get(HeaderName.WARNING)).isEqualTo("399 parley \"bad 'thing' at 8:1\"");
    assertThat(r.validate()).isNotNull();
  }

  @Test
  void keeps505And513FromTheParser() {
    assertThat(BadRequest.responseTo(bytes(BAD), new SipParseException("v", 1, 1, 505)).statusCode())
        .isEqualTo(505);
    assertThat(BadRequest.responseTo(bytes(BAD), new SipParseException("big", 1, 1, 513)).statusCode())
        .isEqualTo(513);
  }

  @Test
  void doesNotAnswerResponsesAcksOrRequestsMissingAHeader() {
    SipParseException e = new SipParseException("x", 1, 1, 400);
    assertThat(BadRequest.responseTo(bytes("SIP/2.0 200 OK\r\n" + BAD.substring(BAD.indexOf('\n') + 1)), e)).isNull();
    assertThat(BadRequest.responseTo(bytes(BAD.replace("OPTIONS sip", "ACK sip")), e)).isNull();
    assertThat(BadRequest.responseTo(bytes(BAD.replace("Call-ID: abc\r\n", "")), e)).isNull();
    assertThat(BadRequest.responseTo(new byte[] {0, 1, 2}, e)).isNull();
  }
}
