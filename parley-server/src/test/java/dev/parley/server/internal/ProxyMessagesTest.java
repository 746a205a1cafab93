package dev.parley.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipParser;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Via;
import org.junit.jupiter.api.Test;

class ProxyMessagesTest {
  private static SipResponse response(String vias) {
    return (SipResponse) SipParser.create().parse("SIP/2.0 200 OK\r\n" + vias
        + "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\n"
        + "Call-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
  }

  private static java.util.List<String> branches(SipResponse r) {
    return r.vias().stream().map(Via::branch).toList();
  }

  @Test
  void topViaIsRemovedFromItsOwnField() {
    SipResponse r = ProxyMessages.withoutTopVia(response(
        "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKus\r\n"
        + "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKb, SIP/2.0/TCP 10.0.0.3;branch=z9hG4bKc\r\n"));
    assertThat(branches(r)).containsExactly("z9hG4bKb", "z9hG4bKc");
  }

  @Test
  void topViaIsRemovedFromAFieldOfSeveralValues() {
    SipResponse r = ProxyMessages.withoutTopVia(response(
        "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKus;x=\"a,b\" ,SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKb\r\n"
        + "v: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bKc\r\n"));
    assertThat(branches(r)).containsExactly("z9hG4bKb", "z9hG4bKc");
  }

  @Test
  void theOnlyViaLeavesNone() {
    SipResponse r = ProxyMessages.withoutTopVia(response("Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKus\r\n"));
    assertThat(r.vias()).isEmpty();
  }
}
