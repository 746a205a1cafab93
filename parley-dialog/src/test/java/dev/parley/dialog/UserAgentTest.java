package dev.parley.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.Address;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.testkit.FakeScheduler;
import dev.parley.testkit.FakeTransportLayer;
import dev.parley.transport.Hop;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The user agent core over a fake transport on virtual time. */
class UserAgentTest {
  private static final byte[] SDP = ("v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\n"
      + "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n").getBytes(StandardCharsets.US_ASCII);

  private final FakeScheduler clock = new FakeScheduler();
  private FakeTransportLayer aliceNet;
  private FakeTransportLayer bobNet;
  private UserAgent alice;
  private UserAgent bob;
  private final AtomicReference<IncomingInvite> lastInvite = new AtomicReference<>();
  private final AtomicReference<CompletableFuture<Dialog>> lastAccept = new AtomicReference<>();
  private UserAgent.Handler bobAnswers = invite -> {
    lastInvite.set(invite);
    lastAccept.set(invite.accept(MediaType.APPLICATION_SDP, SDP));
  };

  @BeforeEach
  void wire() {
    aliceNet = new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.1:5060"));
    bobNet = new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.2:5070"));
    aliceNet.connect(bobNet);
    alice = UserAgent.builder(aliceNet).contactUser("alice").build();
    bob = UserAgent.builder(bobNet).contactUser("bob").handler(invite -> bobAnswers.onInvite(invite)).build();
  }

  private SipRequest invite() {
    SipUri bobUri = SipUri.parse("sip:bob@127.0.0.2:5070");
    return alice.newRequest(SipMethod.INVITE, bobUri, Address.of(SipUri.parse("sip:alice@127.0.0.1")),
        Address.of(bobUri), Transport.UDP).body(MediaType.APPLICATION_SDP, SDP).build();
  }

  private static Hop bobHop() {
    return new Hop(Transport.UDP, new InetSocketAddress("127.0.0.2", 5070));
  }

  private void settle() {
    clock.advance(Duration.ofSeconds(40));
  }

  @Test
  void acceptedInviteMakesDialogsOnBothSidesAndByeEndsThem() {
    CompletableFuture<Dialog> call = alice.invite(invite(), bobHop());
    assertThat(call).isCompleted();
    Dialog dialog = call.join();
    assertThat(dialog.state()).isEqualTo(Dialog.State.CONFIRMED);
    assertThat(alice.dialogCount()).isEqualTo(1);
    assertThat(bob.dialogCount()).isEqualTo(1);
    assertThat(aliceNet.sentRequests()).extracting(r -> r.method().name()).containsExactly("INVITE", "ACK");

    CompletableFuture<SipResponse> bye = alice.bye(dialog);
    assertThat(bye.join().statusCode()).isEqualTo(200);
    assertThat(lastAccept.get().join()).isNotNull();
    assertThat(alice.dialogCount()).isZero();
    assertThat(bob.dialogCount()).isZero();
    settle();
    assertThat(alice.transactions().clientCount() + alice.transactions().serverCount()).isZero();
    assertThat(bob.transactions().clientCount() + bob.transactions().serverCount()).isZero();
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void rejectedInviteFailsWithTheStatus() {
    bobAnswers = invite -> invite.reject(486);
    CompletableFuture<Dialog> call = alice.invite(invite(), bobHop());
    assertThat(call).isCompletedExceptionally();
    assertThat(call.handle((d, e) -> ((SipFailure) e).statusCode()).join()).isEqualTo(486);
    settle();
    assertThat(bob.pendingInviteCount()).isZero();
    assertThat(bob.dialogCount()).isZero();
  }

  @Test
  void uasRetransmits2xxUntilAckThenGivesUpWithBye() {
    aliceNet.dropWhen(m -> m instanceof SipRequest r && r.method().isAck());
    alice.invite(invite(), bobHop());
    settle();
    List<Long> okTimes = bobNet.sentTimes(m -> m instanceof SipResponse r && r.statusCode() == 200
        && r.cseq().method().isInvite());
    assertThat(okTimes).startsWith(0L, 500L, 1500L, 3500L, 7500L, 11500L);
    assertThat(bobNet.sentRequests()).extracting(r -> r.method().name()).contains("BYE");
    assertThat(bob.dialogCount()).isZero();
    assertThat(lastAccept.get()).isCompletedExceptionally();
  }

  @Test
  void byeForUnknownDialogGets481() {
    Dialog dialog = alice.invite(invite(), bobHop()).join();
    bob.bye(findBobDialog());
    assertThat(bob.dialogCount()).isZero();
    CompletableFuture<SipResponse> late = alice.request(dialog.newRequest(SipMethod.BYE, 0).build(), bobHop());
    assertThat(late.join().statusCode()).isEqualTo(481);
  }

  @Test
  void aRequestInADialogWhoseCustomizerThrowsFailsItsFutureAndTheDialogGoesOn() {
    Dialog dialog = alice.invite(invite(), bobHop()).join();
    IllegalArgumentException boom = new IllegalArgumentException("customizer: no such header");

    CompletableFuture<SipResponse> info = alice.request(dialog, SipMethod.INFO, b -> {
      throw boom;
    });

    assertThat(info).isCompletedExceptionally();
    org.assertj.core.api.Assertions.assertThatThrownBy(info::join).hasCause(boom);
    assertThat(alice.request(dialog, SipMethod.INFO, b -> { }).join().statusCode()).isEqualTo(200);
  }

  private Dialog findBobDialog() {
    IncomingInvite invite = lastInvite.get();
    SipResponse ok = bobNet.sentResponses().stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow();
    return Dialog.asUas(invite.request(), ok);
  }

  @Test
  void optionsOutsideDialogGets200WithAllow() {
    SipUri bobUri = SipUri.parse("sip:bob@127.0.0.2:5070");
    SipRequest options = alice.newRequest(SipMethod.OPTIONS, bobUri,
        Address.of(SipUri.parse("sip:alice@127.0.0.1")), Address.of(bobUri), Transport.UDP).build();
    SipResponse r = alice.request(options, bobHop()).join();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().get(dev.parley.sip.HeaderName.ALLOW)).contains("INVITE");
    assertThat(r.to().tag()).isNotNull();
  }

  @Test
  void challengedRequestIsRetriedOnceWithDigestCredentials() {
    dev.parley.auth.DigestAuthenticator auth = dev.parley.auth.DigestAuthenticator
        .builder((user, realm, algorithm) -> user.equals("alice")
            ? dev.parley.auth.Ha1.compute(algorithm, user, realm, "secret") : null)
        .build();
    UserAgent guarded = UserAgent.builder(new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.3:5060")))
        .handler(new UserAgent.Handler() {
          @Override
          public void onInvite(IncomingInvite invite) {
            invite.reject(480);
          }

          @Override
          public void onRequest(dev.parley.transaction.ServerTransaction tx, SipRequest request) {
            if (auth.authenticate(request, "example.test").isOk()) {
              tx.respond(request.response(200, "t1").build());
            } else {
              SipResponse.Builder b = request.response(401, "t1");
              for (dev.parley.sip.Challenge c : auth.challenges("example.test", false)) {
                b.header(dev.parley.sip.HeaderName.WWW_AUTHENTICATE, c.toString());
              }
              tx.respond(b.build());
            }
          }
        }).build();
    FakeTransportLayer aliceNet2 = new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.1:5062"));
    aliceNet2.connect((FakeTransportLayer) guarded.transport());
    UserAgent alice2 = UserAgent.builder(aliceNet2).credentials(dev.parley.auth.CredentialsProvider
        .of(dev.parley.auth.UserSecret.ofPassword("alice", "secret"))).build();
    SipUri target = SipUri.parse("sip:guard@127.0.0.3");
    SipRequest options = alice2.newRequest(SipMethod.OPTIONS, target,
        Address.of(SipUri.parse("sip:alice@example.test")), Address.of(target), Transport.UDP).build();
    SipResponse r = alice2.request(options, new Hop(Transport.UDP, new InetSocketAddress("127.0.0.3", 5060))).join();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(aliceNet2.sentRequests()).hasSize(2);
    assertThat(aliceNet2.sentRequests().get(1).cseq().sequence()).isEqualTo(2);
    assertThat(aliceNet2.sentRequests().get(1).vias()).hasSize(1);
  }

  @Test
  void contactUsesTheAdvertisedHostAndNeverAWildcard() {
    FakeTransportLayer wild = new FakeTransportLayer(clock, ListenPoint.parse("udp:0.0.0.0:5070"));
    assertThat(UserAgent.builder(wild).contactUser("w").build().contact(Transport.UDP).uri().toString())
        .isEqualTo("sip:w@127.0.0.1:5070");
    FakeTransportLayer natted = new FakeTransportLayer(clock, ListenPoint.parse("udp:0.0.0.0:5071"));
    assertThat(UserAgent.builder(natted).contactUser("n").advertisedHost("198.51.100.7").build()
        .contact(Transport.UDP).uri().toString()).isEqualTo("sip:n@198.51.100.7:5071");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> UserAgent.builder(natted).advertisedHost(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("advertisedHost");
  }
}
