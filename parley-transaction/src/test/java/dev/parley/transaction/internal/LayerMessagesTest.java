package dev.parley.transaction.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Uri;
import dev.parley.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ACK and the CANCEL the layer writes copy the top Via of the INVITE it sent as its text,
 * without parsing it: the same bytes as when that Via was parsed and written again.
 */
class LayerMessagesTest {
  private static final List<String> HOSTS = List.of("127.0.0.1", "192.0.2.10",
      "[0:0:0:0:0:0:0:1]", "[2001:db8:0:0:0:0:0:7]");

  private static SipRequest parse(String text) {
    return (SipRequest) SipParser.create().parse(text.getBytes(StandardCharsets.UTF_8));
  }

  /** An INVITE as the layer sends it: our Via first, then the ones it carried. */
  private static SipRequest invite(String ourVia) {
    return SipRequest.builder(SipMethod.INVITE, Uri.parse("sip:bob@192.0.2.20:5070;transport=udp"))
        .header(HeaderName.VIA, ourVia)
        .header(HeaderName.VIA, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-up;received=192.0.2.11, SIP/2.0/TCP a.example")
        .header(HeaderName.RECORD_ROUTE, "<sip:192.0.2.30;lr>")
        .header(HeaderName.ROUTE, "<sip:192.0.2.40;lr>")
        .header(HeaderName.ROUTE, "<sip:192.0.2.41;lr>, <sip:192.0.2.42;lr>")
        .header(HeaderName.MAX_FORWARDS, "69")
        .header(HeaderName.FROM, "\"Alice\" <sip:alice@192.0.2.10>;tag=a1")
        .header(HeaderName.TO, "<sip:bob@192.0.2.20>")
        .header(HeaderName.CALL_ID, "ack-text@192.0.2.10")
        .header(HeaderName.CSEQ, "314 INVITE")
        .header(HeaderName.CONTACT, "<sip:alice@192.0.2.10>")
        .body(dev.parley.sip.MediaType.parse("application/sdp"), "v=0\r\n")
        .build();
  }

  /** The ACK as it was built before: from the INVITE's top Via parsed and written again. */
  private static SipRequest ackFromParsedVia(SipRequest invite, SipResponse response) {
    SipRequest.Builder b = SipRequest.builder(SipMethod.ACK, invite.requestUri())
        .header(HeaderName.VIA, invite.topVia().toString())
        .header(HeaderName.MAX_FORWARDS, "70")
        .header(HeaderName.FROM, invite.headers().get(HeaderName.FROM))
        .header(HeaderName.TO, response.headers().get(HeaderName.TO))
        .header(HeaderName.CALL_ID, invite.headers().get(HeaderName.CALL_ID))
        .header(HeaderName.CSEQ, invite.cseq().sequence() + " ACK");
    for (String route : invite.headers().values(HeaderName.ROUTE)) {
      b.header(HeaderName.ROUTE, route);
    }
    return b.build();
  }

  @Test
  void ourViaTextIsTheTextOfTheViaParsedFromIt() {
    for (Transport transport : Transport.values()) {
      for (String host : HOSTS) {
        for (int port : new int[] {5060, 44370}) {
          String text = LayerMessages.ownViaText(transport.viaToken(), host, port, "z9hG4bK-o.1_x~");
          SipRequest r = parse("OPTIONS sip:b@192.0.2.20 SIP/2.0\r\nVia: " + text + "\r\n"
              + "From: <sip:a@192.0.2.10>;tag=1\r\nTo: <sip:b@192.0.2.20>\r\nCall-ID: v\r\n"
              + "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
          assertThat(r.topVia().toString()).as(text).isEqualTo(text);
        }
      }
    }
  }

  @Test
  void theAckAndCancelOfAnInviteSentAreTheBytesItsParsedTopViaMade() {
    for (Transport transport : Transport.values()) {
      for (String host : HOSTS) {
        SipRequest invite = invite(LayerMessages.ownViaText(transport.viaToken(), host, 44370,
            "z9hG4bK-ack-" + transport));
        SipResponse busy = (SipResponse) SipParser.create()
            .parse(invite.response(486, "bob-tag").build().encode());
        // as sent, and as parsed again from the bytes a lingering transaction keeps
        for (SipRequest sent : List.of(invite, (SipRequest) SipParser.create().parse(invite.encode()))) {
          assertThat(LayerMessages.ackFor(sent, busy).encode()).as(transport + " " + host)
              .isEqualTo(ackFromParsedVia(sent, busy).encode());
          String cancel = new String(LayerMessages.cancelFor(sent, "SIP;cause=200").encode(),
              StandardCharsets.UTF_8);
          assertThat(cancel).as(transport + " " + host)
              .startsWith("CANCEL sip:bob@192.0.2.20:5070;transport=udp SIP/2.0\r\nVia: "
                  + sent.topVia() + "\r\nMax-Forwards: 70\r\n");
        }
      }
    }
  }

  @Test
  void aViaWithAnIpv6ZoneIsParsedAndRefusedAsBefore() {
    SipRequest invite = invite(LayerMessages.ownViaText("UDP", "[fe80:0:0:0:0:0:0:1%lo]", 5060,
        "z9hG4bK-zone"));
    SipResponse busy = (SipResponse) SipParser.create()
        .parse(invite.response(486, "bob-tag").build().encode());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LayerMessages.ackFor(invite, busy))
        .isInstanceOf(dev.parley.sip.SipParseException.class);
  }

  @Test
  void aRequestWithoutAViaFirstHasItsTopViaParsedAndWrittenAgain() {
    SipRequest invite = invite(LayerMessages.ownViaText("UDP", "127.0.0.1", 5060, "z9hG4bK-first"));
    SipRequest viaSecond = invite.withFirstHeader(HeaderName.SUBJECT, "x")
        .withHeaderValue(1, "SIP/2.0/UDP   192.0.2.99 ; branch=z9hG4bK-spaced");
    assertThat(LayerMessages.ownTopVia(viaSecond)).isEqualTo(viaSecond.topVia().toString())
        .isEqualTo("SIP/2.0/UDP 192.0.2.99;branch=z9hG4bK-spaced");
  }
}
