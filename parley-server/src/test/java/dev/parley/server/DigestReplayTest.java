package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's "digest nonce reuse and replay refused", over the wire through a real server: a
 * captured Authorization (same nonce, same nc) sent again in a new REGISTER is refused from the
 * client's own address and from another one, a nonce count that does not increase is refused, and
 * the next count on the same nonce is still accepted (RFC 7616 §3.4, §5.2 and §5.11). The unit
 * tests of each rule are {@code DigestAuthenticatorTest}'s.
 */
class DigestReplayTest extends ProxyFixture {

  private UdpSipClient client(String address) throws Exception {
    return keep(new UdpSipClient(udp(), InetAddress.getByName(address)));
  }

  /** {@code request} as a new transaction: another branch, the given CSeq, same credentials. */
  private static SipRequest again(UdpSipClient from, SipRequest request, long cseq) {
    return request.toBuilder()
        .setHeader(HeaderName.VIA, "SIP/2.0/UDP 127.0.0.1:" + from.port() + ";branch="
            + MockSipPeer.newBranch() + ";rport")
        .setHeader(HeaderName.CSEQ, cseq + " REGISTER").build();
  }

  @Test
  void aReplayedAuthorizationIsRefusedAndTheNextNonceCountIsAccepted() throws Exception {
    start();
    UdpSipClient alice = client("127.0.0.1");
    String contact = "Contact: <sip:alice@127.0.0.1:" + alice.port() + ">\r\n";
    SipRequest first = alice.register("alice", DOMAIN, "replay-1", 1, contact);
    SipResponse challenge = alice.send(first);
    assertThat(challenge.statusCode()).isEqualTo(401);
    SipRequest signed = alice.authorize(first, challenge, "alice", "secret");
    assertThat(signed.headers().get(HeaderName.AUTHORIZATION)).contains("nc=00000001");
    assertThat(alice.send(signed).statusCode()).isEqualTo(200);

    // the same Authorization (nonce and nc=1) in a new request: a replay
    SipResponse replay = alice.send(again(alice, signed, 3));
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.headers().values(HeaderName.WWW_AUTHENTICATE))
        .as("a fresh challenge marked stale").allSatisfy(v -> assertThat(v).contains("stale=true"));

    // the next count on the same nonce, computed by the client, is accepted
    SipRequest second = alice.register("alice", DOMAIN, "replay-1", 4, contact);
    SipRequest signedAgain = alice.authorize(second, challenge, "alice", "secret");
    assertThat(signedAgain.headers().get(HeaderName.AUTHORIZATION)).contains("nc=00000002");
    assertThat(alice.send(signedAgain).statusCode()).isEqualTo(200);

    // and once count 2 is used, count 2 again (and count 1) are refused
    assertThat(alice.send(again(alice, signedAgain, 5)).statusCode()).isEqualTo(401);
    assertThat(alice.send(again(alice, signed, 6)).statusCode()).isEqualTo(401);
    assertThat(server.status().rateLimits().authFailures())
        .as("a replay proves no password wrong").isZero();
  }

  @Test
  void anAuthorizationCapturedAndReplayedFromAnotherAddressIsRefused() throws Exception {
    start();
    UdpSipClient alice = client("127.0.0.1");
    SipRequest first = alice.register("alice", DOMAIN, "capture-1", 1,
        "Contact: <sip:alice@127.0.0.1:" + alice.port() + ">\r\n");
    SipResponse challenge = alice.send(first);
    SipRequest signed = alice.authorize(first, challenge, "alice", "secret");

    // captured before it reached the server, sent first by the eavesdropper from 127.0.0.9
    UdpSipClient eve = client("127.0.0.9");
    SipResponse stolen = eve.send(signed.toBuilder()
        .setHeader(HeaderName.VIA, "SIP/2.0/UDP 127.0.0.9:" + eve.port() + ";branch="
            + MockSipPeer.newBranch() + ";rport")
        .setHeader(HeaderName.CONTACT, "<sip:eve@127.0.0.9:" + eve.port() + ">").build());
    assertThat(stolen.statusCode()).as("a nonce issued to 127.0.0.1").isEqualTo(401);
    assertThat(server.location().lookup(new dev.parley.server.registrar.Aor("alice", DOMAIN)))
        .as("eve bound nothing").isEmpty();

    // the genuine request still goes through: the refused copy used up nothing
    assertThat(alice.send(signed).statusCode()).isEqualTo(200);
  }
}
