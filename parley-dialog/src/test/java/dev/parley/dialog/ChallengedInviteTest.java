package dev.parley.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.auth.CredentialsProvider;
import dev.parley.auth.UserSecret;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.testkit.FakeScheduler;
import dev.parley.testkit.FakeTransportLayer;
import dev.parley.transport.Hop;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An INVITE answered with a digest challenge and sent again (RFC 3261 §22.2): the retry is the
 * INVITE a CANCEL must reach, also when the challenge was answered before the first send was
 * reported (the fake network delivers at once, so the retry's transaction is reported first, as
 * an event loop does when the sending thread is descheduled after its send).
 */
class ChallengedInviteTest {
  private static final String CHALLENGE = "Digest realm=\"example.com\", nonce=\"abc123\","
      + " algorithm=MD5, qop=\"auth\"";

  private final FakeScheduler clock = new FakeScheduler();
  private FakeTransportLayer aliceNet;
  private UserAgent alice;
  private IncomingInvite ringing;

  @BeforeEach
  void wire() {
    aliceNet = new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.1:5060"));
    FakeTransportLayer proxyNet =
        new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.2:5070"));
    aliceNet.connect(proxyNet);
    alice = UserAgent.builder(aliceNet).contactUser("alice")
        .credentials(CredentialsProvider.of(UserSecret.ofPassword("alice", "secret")))
        .handler(invite -> invite.reject(486))
        .build();
    UserAgent.builder(proxyNet).contactUser("bob").handler(new UserAgent.Handler() {
      @Override
      public void onInvite(IncomingInvite invite) {
        if (!invite.request().headers().contains(HeaderName.PROXY_AUTHORIZATION)) {
          invite.reject(invite.request().response(407)
              .header(HeaderName.PROXY_AUTHENTICATE, CHALLENGE).build());
        } else {
          ringing = invite;
          invite.ringing();
        }
      }
    }).build();
  }

  private OutgoingInvite call() {
    SipUri bobUri = SipUri.parse("sip:bob@127.0.0.2:5070");
    SipRequest invite = alice.newRequest(SipMethod.INVITE, bobUri,
        Address.of(SipUri.parse("sip:alice@127.0.0.1")), Address.of(bobUri), Transport.UDP)
        .body(MediaType.APPLICATION_SDP, "v=0\r\n").build();
    return alice.invite(invite, new Hop(Transport.UDP, new InetSocketAddress("127.0.0.2", 5070)),
        null);
  }

  private List<SipRequest> sent(SipMethod method) {
    return aliceNet.sentRequests().stream().filter(r -> r.method().equals(method)).toList();
  }

  @Test
  void aCancelReachesTheRetryEvenWhenTheRetryWasReportedBeforeTheFirstSend() {
    OutgoingInvite call = call();
    List<SipRequest> invites = sent(SipMethod.INVITE);
    assertThat(invites).hasSize(2);
    assertThat(ringing).as("the retry rings").isNotNull();

    call.cancel();

    List<SipRequest> cancels = sent(SipMethod.CANCEL);
    assertThat(cancels).as("a CANCEL for the retry, not for the challenged INVITE").hasSize(1);
    assertThat(cancels.get(0).topVia().branch()).isEqualTo(invites.get(1).topVia().branch());
    assertThat(ringing.isCancelled()).isTrue();
  }

  @Test
  void theChallengedAttemptEndingLeavesTheRetrysEarlyDialogAlone() {
    OutgoingInvite call = call();
    assertThat(call.earlyDialogs()).hasSize(1);

    clock.advance(Duration.ofSeconds(33)); // Timer D of the challenged INVITE (32 s over UDP)

    assertThat(call.earlyDialogs()).as("the retry still rings").hasSize(1);
    assertThat(call.dialog()).isNotDone();
  }
}
