package dev.parley.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import dev.parley.testkit.FakeScheduler;
import dev.parley.testkit.FakeTransportLayer;
import dev.parley.transport.Hop;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Early dialogs, CANCEL, PRACK, re-INVITE, UPDATE, glare, forking and 420, on virtual time. */
class DialogFeaturesTest {
  private static final byte[] SDP = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
      + "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n").getBytes(StandardCharsets.US_ASCII);

  private final FakeScheduler clock = new FakeScheduler();
  private FakeTransportLayer aliceNet;
  private FakeTransportLayer bobNet;
  private UserAgent alice;
  private UserAgent bob;
  private final AtomicReference<IncomingInvite> bobInvite = new AtomicReference<>();
  private final List<String> ended = new ArrayList<>();

  /** What Bob does with an initial INVITE; tests replace it. */
  private java.util.function.Consumer<IncomingInvite> bobDoes = IncomingInvite::ringing;
  /** What Bob does with a re-INVITE; tests replace it. */
  private java.util.function.Consumer<IncomingInvite> bobReinviteDoes =
      i -> i.accept(MediaType.APPLICATION_SDP, SDP);

  @BeforeEach
  void wire() {
    aliceNet = new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.1:5060"));
    bobNet = new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.2:5070"));
    aliceNet.connect(bobNet);
    alice = UserAgent.builder(aliceNet).contactUser("alice").handler(accepting("alice")).build();
    bob = UserAgent.builder(bobNet).contactUser("bob").handler(new UserAgent.Handler() {
      @Override
      public void onInvite(IncomingInvite invite) {
        bobInvite.set(invite);
        bobDoes.accept(invite);
      }

      @Override
      public void onReInvite(Dialog dialog, IncomingInvite invite) {
        bobReinviteDoes.accept(invite);
      }

      @Override
      public void onDialogEnded(Dialog dialog, SipRequest bye) {
        ended.add("bob");
      }
    }).build();
  }

  private UserAgent.Handler accepting(String who) {
    return new UserAgent.Handler() {
      @Override
      public void onInvite(IncomingInvite invite) {
        invite.accept(MediaType.APPLICATION_SDP, SDP);
      }

      @Override
      public void onReInvite(Dialog dialog, IncomingInvite invite) {
        invite.accept(MediaType.APPLICATION_SDP, SDP);
      }
    };
  }

  private SipRequest invite() {
    SipUri bobUri = SipUri.parse("sip:bob@127.0.0.2:5070");
    return alice.newRequest(SipMethod.INVITE, bobUri, Address.of(SipUri.parse("sip:alice@127.0.0.1")),
        Address.of(bobUri), Transport.UDP).body(MediaType.APPLICATION_SDP, SDP).build();
  }

  private static Hop bobHop() {
    return new Hop(Transport.UDP, new InetSocketAddress("127.0.0.2", 5070));
  }

  private Dialog call() {
    bobDoes = i -> i.accept(MediaType.APPLICATION_SDP, SDP);
    return alice.invite(invite(), bobHop()).join();
  }

  private static int status(CompletableFuture<?> f) {
    return f.handle((v, e) -> e instanceof SipFailure s ? s.statusCode() : -1).join();
  }

  @Test
  void ringingCreatesEarlyDialogsAndCancelEndsThemWith487() {
    List<Integer> provisionals = new ArrayList<>();
    OutgoingInvite call = alice.invite(invite(), bobHop(), r -> provisionals.add(r.statusCode()));
    assertThat(provisionals).contains(180);
    assertThat(alice.dialogCount()).isEqualTo(1);
    assertThat(bob.dialogCount()).isEqualTo(1);
    call.cancel();
    assertThat(status(call.dialog())).isEqualTo(487);
    assertThat(bobInvite.get().isCancelled()).isTrue();
    assertThat(bob.dialogCount()).isZero();
    clock.advance(Duration.ofSeconds(40));
    assertThat(alice.dialogCount()).isZero();
    assertThat(alice.transactions().clientCount() + bob.transactions().serverCount()).isZero();
  }

  @Test
  void reliableRingingIsPrackedAndNotRetransmittedAfterwards() {
    OutgoingInvite call = alice.invite(invite(), bobHop(), null);
    SipResponse ringing = bobNet.sentResponses().stream().filter(r -> r.statusCode() == 180)
        .findFirst().orElseThrow();
    assertThat(ringing.headers().get(HeaderName.REQUIRE)).isEqualTo("100rel");
    assertThat(ringing.headers().get(HeaderName.RSEQ)).isNotNull();
    SipRequest prack = aliceNet.sentRequests().stream().filter(r -> r.method().equals(SipMethod.PRACK))
        .findFirst().orElseThrow();
    assertThat(prack.headers().get(HeaderName.RACK))
        .isEqualTo(ringing.headers().get(HeaderName.RSEQ) + " 1 INVITE");
    assertThat(prack.cseq().sequence()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(10));
    assertThat(bobNet.sentTimes(m -> m instanceof SipResponse r && r.statusCode() == 180)).containsExactly(0L);
    bobInvite.get().accept(MediaType.APPLICATION_SDP, SDP);
    assertThat(call.dialog()).isCompleted();
  }

  @Test
  void aByeAfterAPrackedRingingTakesTheNextCseqAndIsAnswered200() {
    OutgoingInvite call = alice.invite(invite(), bobHop(), null);
    bobInvite.get().accept(MediaType.APPLICATION_SDP, SDP);
    Dialog d = call.dialog().join();
    SipRequest prack = aliceNet.sentRequests().stream()
        .filter(r -> r.method().equals(SipMethod.PRACK)).findFirst().orElseThrow();

    SipResponse ok = alice.bye(d).join();

    SipRequest bye = aliceNet.sentRequests().stream()
        .filter(r -> r.method().equals(SipMethod.BYE)).findFirst().orElseThrow();
    assertThat(bye.cseq().sequence()).isGreaterThan(prack.cseq().sequence());
    assertThat(ok.statusCode()).isEqualTo(200);
  }

  @Test
  void reliableRingingWithoutPrackIsRetransmittedThenRejected504() {
    aliceNet.dropWhen(m -> m instanceof SipRequest r && r.method().equals(SipMethod.PRACK));
    OutgoingInvite call = alice.invite(invite(), bobHop(), null);
    clock.advance(Duration.ofSeconds(40));
    assertThat(bobNet.sentTimes(m -> m instanceof SipResponse r && r.statusCode() == 180))
        .startsWith(0L, 500L, 1500L, 3500L, 7500L, 15500L);
    assertThat(status(call.dialog())).isEqualTo(504);
    assertThat(bob.dialogCount()).isZero();
  }

  @Test
  void reinviteIsAnsweredAcknowledgedAndCountsCseq() {
    Dialog dialog = call();
    SipResponse ok = alice.reinvite(dialog, MediaType.APPLICATION_SDP, SDP).join();
    assertThat(ok.statusCode()).isEqualTo(200);
    List<SipRequest> acks = aliceNet.sentRequests().stream().filter(r -> r.method().isAck()).toList();
    assertThat(acks).hasSize(2);
    assertThat(acks.get(1).cseq().sequence()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(10));
    assertThat(bobNet.sentTimes(m -> m instanceof SipResponse r && r.statusCode() == 200
        && r.cseq().sequence() == 2)).containsExactly(0L);
  }

  @Test
  void aReinviteFromTheCalleeKeepsTheCallersTargetAndItsByeGoesToTheCallee() {
    Dialog aliceSide = call();
    Uri bobTarget = aliceSide.remoteTarget();
    List<Address> routeSet = aliceSide.routeSet();
    assertThat(bobTarget.toString()).contains("bob@");

    SipResponse ok = bob.reinvite(bobDialog(), MediaType.APPLICATION_SDP, SDP).join();
    assertThat(ok.statusCode()).isEqualTo(200);
    // Alice answered the callee's re-INVITE: her own 200's Contact and (absent) Record-Route
    // must not become her target and route set (they did: her BYE then went to herself)
    assertThat(aliceSide.remoteTarget()).isEqualTo(bobTarget);
    assertThat(aliceSide.routeSet()).isEqualTo(routeSet);

    alice.bye(aliceSide).join();
    SipRequest bye = aliceNet.sentRequests().stream().filter(r -> r.method() == SipMethod.BYE)
        .findFirst().orElseThrow();
    assertThat(bye.requestUri()).isEqualTo(bobTarget);
    assertThat(ended).contains("bob");
  }

  @Test
  void reinviteGlareIsResolvedByThe491RetryTimer() {
    Dialog aliceSide = call();
    Dialog bobSide = bobDialog();
    aliceNet.latency(Duration.ofMillis(50));
    bobNet.latency(Duration.ofMillis(50));
    CompletableFuture<SipResponse> a = alice.reinvite(aliceSide, MediaType.APPLICATION_SDP, SDP);
    CompletableFuture<SipResponse> b = bob.reinvite(bobSide, MediaType.APPLICATION_SDP, SDP);
    clock.advance(Duration.ofSeconds(20));
    assertThat(a.join().statusCode()).isEqualTo(200);
    assertThat(b.join().statusCode()).isEqualTo(200);
    assertThat(bobNet.sentResponses()).extracting(SipResponse::statusCode).contains(491);
    assertThat(aliceNet.sentResponses()).extracting(SipResponse::statusCode).contains(491);
  }

  @Test
  void anInviteInsideAnEarlyDialogGets500WithRetryAfterAndDoesNotMoveTheTarget() {
    OutgoingInvite call = alice.invite(invite(), bobHop(), null); // Bob rings: an early dialog
    Dialog aliceEarly = call.earlyDialogs().get(0);
    Dialog bobEarly = bobDialog(180);
    Uri aliceTarget = bobEarly.remoteTarget();
    assertThat(alice.reinvite(aliceEarly, MediaType.APPLICATION_SDP, SDP))
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableThat().withCauseInstanceOf(IllegalStateException.class)
        .withMessageContaining("early dialog");

    SipResponse refused = sendRaw(aliceEarly.newRequest(SipMethod.INVITE, 0)
        .header(HeaderName.CONTACT, "<sip:alice@192.0.2.9:5060>")
        .body(MediaType.APPLICATION_SDP, SDP).build());

    assertThat(refused.statusCode()).isEqualTo(500); // RFC 3261 §14.2
    assertThat(Integer.parseInt(refused.headers().get(HeaderName.RETRY_AFTER))).isBetween(0, 10);
    assertThat(bobEarly.remoteTarget()).isEqualTo(aliceTarget);
    assertThat(bobEarly.state()).isEqualTo(Dialog.State.EARLY);
  }

  @Test
  void aReinviteRefusedInGlareDoesNotMoveTheTarget() {
    Dialog aliceSide = call();
    Dialog bobSide = bobDialog();
    Uri aliceTarget = bobSide.remoteTarget();
    bobNet.latency(Duration.ofMillis(50));
    CompletableFuture<SipResponse> bobsOffer = bob.reinvite(bobSide, MediaType.APPLICATION_SDP, SDP);

    SipResponse refused = sendRaw(aliceSide.newRequest(SipMethod.INVITE, 0)
        .header(HeaderName.CONTACT, "<sip:alice@192.0.2.9:5060>")
        .body(MediaType.APPLICATION_SDP, SDP).build());

    assertThat(refused.statusCode()).isEqualTo(491);
    assertThat(bobSide.remoteTarget()).isEqualTo(aliceTarget);
    clock.advance(Duration.ofSeconds(5));
    assertThat(bobsOffer.join().statusCode()).isEqualTo(200);
  }

  @Test
  void aReinviteTheApplicationRefusesLeavesTheTargetAndOneItAcceptsMovesIt() {
    Dialog aliceSide = call();
    Dialog bobSide = bobDialog();
    Uri aliceTarget = bobSide.remoteTarget();
    bobReinviteDoes = i -> i.reject(488);
    SipResponse refused = sendRaw(aliceSide.newRequest(SipMethod.INVITE, 0)
        .header(HeaderName.CONTACT, "<sip:alice@192.0.2.9:5060>")
        .body(MediaType.APPLICATION_SDP, SDP).build());
    assertThat(refused.statusCode()).isEqualTo(488);
    assertThat(bobSide.remoteTarget()).isEqualTo(aliceTarget);

    bobReinviteDoes = i -> i.accept(MediaType.APPLICATION_SDP, SDP);
    SipResponse ok = sendRaw(aliceSide.newRequest(SipMethod.INVITE, 0)
        .header(HeaderName.CONTACT, "<sip:alice@192.0.2.9:5060>")
        .body(MediaType.APPLICATION_SDP, SDP).build());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(bobSide.remoteTarget().toString()).isEqualTo("sip:alice@192.0.2.9:5060");
  }

  /** Sends {@code request} from Alice's transaction layer as is (no dialog checks) to Bob. */
  private SipResponse sendRaw(SipRequest request) {
    CompletableFuture<SipResponse> last = new CompletableFuture<>();
    alice.transactions().sendRequest(request, bobHop(), (tx, response) -> {
      if (!response.isProvisional()) {
        last.complete(response);
      }
    });
    clock.advance(Duration.ofSeconds(1));
    return last.join();
  }

  private Dialog bobDialog(int status) {
    SipResponse r = bobNet.sentResponses().stream()
        .filter(x -> x.statusCode() == status && x.cseq().method().isInvite()).findFirst()
        .orElseThrow();
    return new DialogLookup(bob).find(r);
  }

  private Dialog bobDialog() {
    SipResponse ok = bobNet.sentResponses().stream()
        .filter(r -> r.statusCode() == 200 && r.cseq().method().isInvite()).findFirst().orElseThrow();
    return new DialogLookup(bob).find(ok);
  }

  /** Finds Bob's live dialog object from his 200 (tests only). */
  private record DialogLookup(UserAgent agent) {
    Dialog find(SipResponse ok) {
      return agent.find(new DialogId(ok.callId(), ok.to().tag(), ok.from().tag())).dialog;
    }
  }

  @Test
  void updateRefreshesTheSessionInsideTheDialog() {
    Dialog dialog = call();
    SipResponse ok = alice.update(dialog, MediaType.APPLICATION_SDP, SDP).join();
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(aliceNet.sentRequests()).extracting(r -> r.method().name()).contains("UPDATE");
  }

  @Test
  void secondForksTwoHundredIsAcknowledgedThenEndedWithBye() {
    Dialog first = call();
    SipRequest sentInvite = aliceNet.sentRequests().get(0);
    SipResponse fork = sentInvite.response(200, "fork2")
        .header(HeaderName.CONTACT, "<sip:carol@127.0.0.2:5070>").build();
    aliceNet.receive(fork, aliceNet.flow(Transport.UDP, "127.0.0.2", 5070));
    List<SipRequest> toFork = aliceNet.sentRequests().stream()
        .filter(r -> "fork2".equals(r.to().tag())).toList();
    assertThat(toFork).extracting(r -> r.method().name()).containsExactly("ACK", "BYE");
    assertThat(first.state()).isEqualTo(Dialog.State.CONFIRMED);
  }

  @Test
  void unsupportedRequireGets420WithUnsupported() {
    SipRequest inv = invite().toBuilder().header(HeaderName.REQUIRE, "foo, 100rel").build();
    CompletableFuture<Dialog> call = alice.invite(inv, bobHop());
    assertThat(status(call)).isEqualTo(420);
    SipResponse r = bobNet.sentResponses().stream().filter(x -> x.statusCode() == 420).findFirst().orElseThrow();
    assertThat(r.headers().get(HeaderName.UNSUPPORTED)).isEqualTo("foo");
  }

  @Test
  void byeInAnEarlyDialogEndsTheInviteWith487() {
    OutgoingInvite call = alice.invite(invite(), bobHop(), null);
    assertThat(alice.dialogCount()).isEqualTo(1);
    Dialog early = call.earlyDialogs().get(0);
    assertThat(early.state()).isEqualTo(Dialog.State.EARLY);
    SipResponse byeOk = alice.bye(early).join();
    assertThat(byeOk.statusCode()).isEqualTo(200);
    assertThat(status(call.dialog())).isEqualTo(487);
    assertThat(ended).contains("bob");
  }

  @Test
  void byeAndCancelCarryTheReasonHeader() {
    Dialog dialog = call();
    alice.bye(dialog, dev.parley.sip.Reason.sip(486, "Busy Here")).join();
    SipRequest bye = aliceNet.sentRequests().stream().filter(r -> r.method().equals(SipMethod.BYE))
        .findFirst().orElseThrow();
    assertThat(bye.header(dev.parley.sip.Header.REASON).cause()).isEqualTo(486);

    bobDoes = IncomingInvite::ringing;
    OutgoingInvite call = alice.invite(invite(), bobHop(), null);
    call.cancel(dev.parley.sip.Reason.sip(603, "Decline"));
    SipRequest cancel = aliceNet.sentRequests().stream().filter(r -> r.method().isCancel())
        .findFirst().orElseThrow();
    assertThat(cancel.header(dev.parley.sip.Header.REASON).text()).isEqualTo("Decline");
    assertThat(bobInvite.get().isCancelled()).isTrue();
  }

  @Test
  void cancelArrivingAfterTheAnswerChangesNothing() {
    bobDoes = IncomingInvite::ringing;
    OutgoingInvite call = alice.invite(invite(), bobHop(), null);
    bobInvite.get().accept(MediaType.APPLICATION_SDP, SDP);
    call.cancel();
    assertThat(bobInvite.get().isCancelled()).isFalse();
    assertThat(bobInvite.get().cancellation()).isNotDone();
    assertThat(call.dialog()).isCompleted();
  }
}
