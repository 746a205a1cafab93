package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.OutgoingSubscription;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.Via;
import dev.parley.testkit.MockSipPeer;
import dev.parley.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the server hands the conference focus besides requests for its URIs: CANCELs go to
 * whoever took the INVITE they cancel, not by their Request-URI; stray responses go to the focus
 * only when they are 2xx to an INVITE of one of its dialogs, else to the proxy (dropped, counted
 * and charged to their source). Real sockets on loopback.
 */
class FocusRoutingTest extends ProxyFixture {
  private static final String IM_SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
      + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=message 5060 sip sip:someone@example.com\r\n";

  @Test
  void aCancelNamingTheFactoryCancelsTheInviteTheProxyIsForwarding() throws Exception {
    start();
    MockSipPeer desk = peer();
    bind("bob", desk.uri("bob"), 1.0f);
    MockSipPeer caller = peer();
    SipRequest invite = caller.request("INVITE", "sip:bob@" + DOMAIN,
        "sip:dave@elsewhere.example", "sip:bob@" + DOMAIN, "");
    caller.send(invite, udp());
    SipRequest atDesk = desk.takeRequest(SipMethod.INVITE);
    desk.respondWithTag(atDesk, 180, "desk");

    // same transaction (Via branch, Call-ID, From, CSeq number), but a Request-URI naming the
    // focus's factory: RFC 3261 §9.1 wants the INVITE's, a sloppy or hostile UA may not comply
    String cancel = "CANCEL sip:conference@" + DOMAIN + " SIP/2.0\r\n"
        + "Via: " + invite.headers().get(HeaderName.VIA) + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: " + invite.headers().get(HeaderName.FROM) + "\r\n"
        + "To: " + invite.headers().get(HeaderName.TO) + "\r\n"
        + "Call-ID: " + invite.callId() + "\r\n"
        + "CSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n";
    caller.send(cancel, udp());

    SipRequest cancelAtDesk = desk.takeRequest(SipMethod.CANCEL);
    assertThat(cancelAtDesk.topVia().branch()).isEqualTo(atDesk.topVia().branch());
    desk.respondWithTag(cancelAtDesk, 200, "desk");
    desk.respondWithTag(atDesk, 487, "desk");
    List<Integer> finals = new ArrayList<>();
    finals.add(caller.takeFinalResponse().statusCode());
    finals.add(caller.takeFinalResponse().statusCode());
    assertThat(finals).containsExactlyInAnyOrder(200, 487);
    assertThat(server.focus().conferences()).isEmpty();
  }

  @Test
  void aStrayResponseWithOnlyTheServersViaIsDroppedAndCountedByTheProxy() throws Exception {
    start();
    MockSipPeer mallory = peer();
    int port = udp().getPort();
    String[] cseqs = {"1 MESSAGE", "1 INVITE", "2 NOTIFY"};
    for (int i = 0; i < cseqs.length; i++) { // as if to the offline store's MESSAGE, and so on
      mallory.send("SIP/2.0 200 OK\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bKstray" + i + "\r\n"
          + "From: <sip:alice@" + DOMAIN + ">;tag=s" + i + "\r\n"
          + "To: <sip:bob@" + DOMAIN + ">;tag=t" + i + "\r\n"
          + "Call-ID: stray-" + i + "\r\n"
          + "CSeq: " + cseqs[i] + "\r\n"
          + "Content-Length: 0\r\n\r\n", udp());
    }
    await().atMost(Duration.ofSeconds(10))
        .until(() -> server.proxyStats().strayResponsesDropped() == cseqs.length);
  }

  @Test
  void aDialOutsTwoHundredThatComesAgainAfterItsTransactionGetsTheFocussAckAgain()
      throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    MockSipPeer desk = peer();
    bind("bob", desk.uri("bob"), 1.0f);
    SipUri factory = SipUri.parse("sip:conference@" + DOMAIN);
    Dialog aliceLeg = alice.ua.invite(alice.ua.newRequest(SipMethod.INVITE, factory, alice.aor(),
            Address.of(factory), Transport.UDP)
        .body(MediaType.APPLICATION_SDP, IM_SDP.getBytes(StandardCharsets.US_ASCII)).build(),
        alice.proxy).get(10, TimeUnit.SECONDS);
    OutgoingSubscription refer = alice.ua.refer(aliceLeg,
        Address.parse("<sip:bob@" + DOMAIN + ">"), alice.aor(), (s, notify, state) -> {});
    assertThat(refer.accepted().get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);

    SipRequest dialOut = desk.takeRequest(SipMethod.INVITE);
    SipResponse ok = dialOut.response(200, "desk")
        .header(HeaderName.CONTACT, "<" + desk.uri("bob") + ">")
        .body(MediaType.APPLICATION_SDP, IM_SDP.getBytes(StandardCharsets.US_ASCII)).build();
    int repliedAt = desk.received().size();
    desk.reply(dialOut, ok);
    assertThat(desk.takeRequest(SipMethod.ACK).callId()).isEqualTo(dialOut.callId());
    await().atMost(Duration.ofSeconds(10)).until(() ->
        server.focus().conferences().get(0).participants().size() == 2);

    // the 200 again, as the focus's INVITE left it (its Via only), in no transaction any more
    Via focusVia = dialOut.vias().get(1);
    String again = "SIP/2.0 200 OK\r\n"
        + "Via: " + focusVia.toString().replace(focusVia.branch(), MockSipPeer.newBranch()) + "\r\n"
        + "From: " + dialOut.headers().get(HeaderName.FROM) + "\r\n"
        + "To: " + ok.headers().get(HeaderName.TO) + "\r\n"
        + "Call-ID: " + dialOut.callId() + "\r\n"
        + "CSeq: " + dialOut.headers().get(HeaderName.CSEQ) + "\r\n"
        + "Contact: <" + desk.uri("bob") + ">\r\n"
        + "Content-Length: 0\r\n\r\n";
    desk.send(again, udp());

    // Every 200 the desk sent gets its ACK: ours, the copies MockSipPeer sent to Timer A's
    // retransmissions of the INVITE (a loaded machine makes some), and the stray one. Counting
    // them, not taking the next ACK: that could be one for a copy, and pass with the stray dropped.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        count(desk.received(), SipMethod.ACK, dialOut.callId(), 0))
        .isEqualTo(2 + count(desk.received(), SipMethod.INVITE, dialOut.callId(), repliedAt)));
    assertThat(server.proxyStats().strayResponsesDropped()).isZero();
  }

  /** Requests of {@code method} in {@code callId} among {@code received} from index {@code from}. */
  private static long count(java.util.List<dev.parley.sip.SipMessage> received, SipMethod method,
      String callId, int from) {
    return received.subList(Math.min(from, received.size()), received.size()).stream()
        .filter(m -> m instanceof SipRequest r && r.method().equals(method)
            && r.callId().equals(callId))
        .count();
  }
}
