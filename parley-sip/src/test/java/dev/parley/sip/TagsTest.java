package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TagsTest {
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
  void randomTagIsSixteenHexDigits() {
    assertThat(Tags.random()).matches("[0-9a-f]{16}").isNotEqualTo(Tags.random());
  }

  @Test
  void statelessTagIsTheSameForEveryCopyOfARequest() {
    String tag = Tags.stateless(request("INVITE", 1, "z9hG4bK-1", null));
    assertThat(tag).hasSize(16).isEqualTo(Tags.stateless(request("INVITE", 1, "z9hG4bK-1", null)));
  }

  @Test
  void statelessTagDiffersForAnotherRequest() {
    String tag = Tags.stateless(request("INVITE", 1, "z9hG4bK-1", null));
    assertThat(Tags.stateless(request("INVITE", 2, "z9hG4bK-2", null))).isNotEqualTo(tag);
    assertThat(Tags.stateless(request("INVITE", 1, "z9hG4bK-2", null))).isNotEqualTo(tag);
  }

  @Test
  void ackOfAStatelessAnswerIsRecognizedWithoutState() {
    SipRequest invite = request("INVITE", 1, "z9hG4bK-1", null);
    String tag = Tags.stateless(invite);
    assertThat(Tags.isStateless(request("ACK", 1, "z9hG4bK-1", tag))).isTrue();
    assertThat(Tags.isStateless(request("ACK", 1, "z9hG4bK-1", "0123456789abcdef")))
        .as("an ACK for someone else's answer").isFalse();
    assertThat(Tags.isStateless(request("ACK", 1, "z9hG4bK-other", tag)))
        .as("an ACK for a 2xx has its own branch").isFalse();
    assertThat(Tags.isStateless(invite)).isFalse();
  }
}
