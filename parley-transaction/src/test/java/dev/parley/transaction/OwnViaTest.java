package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.CompliancePolicy;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.Via;
import dev.parley.transport.ListenPoint;
import org.junit.jupiter.api.Test;

/**
 * A request sent gets our Via on top (RFC 3261 §8.1.1.7, rport of RFC 3581): the same text a
 * {@link Via} built from the listen point prints, every other field as given; a built request is
 * edited without a rebuild, anything else is built again (STRICT, Content-Length the body's).
 */
class OwnViaTest {
  private final Stack stack = new Stack();

  private String expectedVia(SipRequest sent) {
    ListenPoint lp = stack.transport.listenPoint(Stack.UDP_PEER.transport());
    return Via.builder(Stack.UDP_PEER.transport().viaToken(), lp.hostText())
        .port(lp.address().getPort())
        .branch(sent.topVia().branch())
        .parameter("rport", null)
        .build()
        .toString();
  }

  @Test
  void aBuiltRequestGetsOurViaOnTopAndKeepsEveryOtherField() {
    SipRequest request = Messages.request(SipMethod.OPTIONS);
    stack.layer.sendRequest(request, Stack.UDP_PEER, new Recorders.Listener());
    SipRequest sent = stack.transport.sentRequests().get(0);

    assertThat(sent.headers().headerName(0)).isEqualTo(HeaderName.VIA);
    assertThat(sent.headers().value(0)).isEqualTo(expectedVia(sent));
    assertThat(sent.topVia().hasRport()).isTrue();
    assertThat(sent).isEqualTo(
        request.toBuilder().addFirstHeader(HeaderName.VIA, sent.headers().value(0)).build());
    assertThat(sent.policy()).isSameAs(CompliancePolicy.STRICT);
  }

  @Test
  void aStatelessRequestGetsTheSameVia() {
    SipRequest ack = Messages.request(SipMethod.ACK);
    stack.layer.sendAck(ack, Stack.UDP_PEER);
    SipRequest sent = stack.transport.sentRequests().get(0);
    assertThat(sent.headers().value(0)).isEqualTo(expectedVia(sent));
    assertThat(sent.vias()).hasSize(1);
  }

  @Test
  void aParsedRequestIsBuiltAgainWithItsViaOnTop() {
    // a parsed request without Content-Length (allowed over UDP): the copy sent has one
    String text = new String(Messages.request(SipMethod.OPTIONS).encode(),
        java.nio.charset.StandardCharsets.UTF_8).replace("Content-Length: 0\r\n", "");
    SipRequest parsed = (SipRequest) SipParser.create().parse(text);
    assertThat(parsed.headers().contains(HeaderName.CONTENT_LENGTH)).isFalse();
    stack.layer.sendRequest(parsed, Stack.UDP_PEER, new Recorders.Listener());
    SipRequest sent = stack.transport.sentRequests().get(0);

    assertThat(sent.headers().value(0)).isEqualTo(expectedVia(sent));
    assertThat(sent.headers().get(HeaderName.CONTENT_LENGTH)).isEqualTo("0");
    assertThat(sent.policy()).isSameAs(CompliancePolicy.STRICT);
  }
}
