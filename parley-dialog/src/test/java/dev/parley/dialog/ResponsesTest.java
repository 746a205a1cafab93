package dev.parley.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponsesTest {
  private static SipRequest request(String method, long cseq, String branch, String toTag) {
    String text = method + " sip:bob@example.com SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=" + branch + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:alice@example.com>;tag=a1\r\n"
        + "To: <sip:bob@example.com>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
        + "Call-ID: c1@192.0.2.1\r\n"
        + "CSeq: " + cseq + " " + method + "\r\n"
        + "Content-Length: 0\r\n\r\n";
    return (SipRequest) SipParser.create().parse(text.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  @SuppressWarnings("deprecation") // the delegate to SipRequest.response, kept for the server
  void toTagIsAddedAfterTheRequestsHeaderParameters() {
    SipRequest request = request("OPTIONS", 1, "z9hG4bK-1", null).toBuilder()
        .setHeader(dev.parley.sip.HeaderName.TO, "sip:bob@example.com;user=phone").build();
    var to = Responses.to(request, 200, "t1").build().to();
    assertThat(to.tag()).isEqualTo("t1");
    assertThat(to.uri().toString()).isEqualTo("sip:bob@example.com");
    assertThat(to.parameters().get("user")).as("a header parameter, RFC 3261 §20.10").isEqualTo("phone");
    assertThat(Responses.to(request, 100, "t1").build().to().tag()).as("not on a 100").isNull();
  }

  @Test
  void statelessTagIsTheSameForEveryCopyOfARequest() {
    String tag = Responses.statelessTag(request("INVITE", 1, "z9hG4bK-1", null));
    assertThat(tag).hasSize(16).isEqualTo(Responses.statelessTag(request("INVITE", 1, "z9hG4bK-1", null)));
  }

  @Test
  void statelessTagDiffersForAnotherRequest() {
    String tag = Responses.statelessTag(request("INVITE", 1, "z9hG4bK-1", null));
    assertThat(Responses.statelessTag(request("INVITE", 2, "z9hG4bK-2", null))).isNotEqualTo(tag);
    assertThat(Responses.statelessTag(request("INVITE", 1, "z9hG4bK-2", null))).isNotEqualTo(tag);
  }

  @Test
  void ackOfAStatelessAnswerIsRecognizedWithoutState() {
    SipRequest invite = request("INVITE", 1, "z9hG4bK-1", null);
    String tag = Responses.statelessTag(invite);
    assertThat(Responses.hasStatelessTag(request("ACK", 1, "z9hG4bK-1", tag))).isTrue();
    assertThat(Responses.hasStatelessTag(request("ACK", 1, "z9hG4bK-1", "0123456789abcdef")))
        .as("an ACK for someone else's answer").isFalse();
    assertThat(Responses.hasStatelessTag(request("ACK", 1, "z9hG4bK-other", tag)))
        .as("an ACK for a 2xx has its own branch").isFalse();
    assertThat(Responses.hasStatelessTag(invite)).isFalse();
  }
}
