package dev.parley.dialog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.SubscriptionState;
import dev.parley.testkit.FakeScheduler;
import dev.parley.testkit.FakeTransportLayer;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.Hop;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** REFER (RFC 3515) and its implicit subscription, with RFC 4488's Refer-Sub, on virtual time. */
class ReferTest {
  static final SipUri BOB_URI = SipUri.parse("sip:bob@127.0.0.2:5070");
  static final Address ALICE = Address.of(SipUri.parse("sip:alice@127.0.0.1"));
  static final Address CAROL = Address.of(SipUri.parse("sip:carol@example.com"));

  final FakeScheduler clock = new FakeScheduler();
  FakeTransportLayer aliceNet;
  FakeTransportLayer bobNet;
  UserAgent alice;
  UserAgent bob;
  /** The referrals Bob accepted, in order. */
  final List<Subscription> referrals = new ArrayList<>();
  final List<String> bobEnded = new ArrayList<>();
  final Subscription.Listener bobListener = new Subscription.Listener() {
    @Override
    public void onEnded(Subscription s, String reason) {
      bobEnded.add(reason);
    }
  };

  /** Progress as the referrer hears it. */
  static final class Progress implements OutgoingSubscription.Listener {
    final List<String> statuses = new ArrayList<>();
    final List<String> states = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    final List<String> ends = new ArrayList<>();

    @Override
    public void onNotify(OutgoingSubscription s, SipRequest notify, SubscriptionState state) {
      ReferStatus status = ReferStatus.of(notify);
      if (status != null) { // a final NOTIFY on expiry has no body
        statuses.add(status.statusCode() + " " + status.reasonPhrase());
      }
      states.add(state.toString());
      events.add(notify.headers().get(HeaderName.EVENT));
    }

    @Override
    public void onTerminated(OutgoingSubscription s, String reason) {
      ends.add(reason);
    }
  }

  @BeforeEach
  void wire() {
    aliceNet = new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.1:5060"));
    bobNet = new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.2:5070"));
    aliceNet.connect(bobNet);
    alice = UserAgent.builder(aliceNet).contactUser("alice").build();
    bob = UserAgent.builder(bobNet).contactUser("bob").handler(new UserAgent.Handler() {
      @Override
      public void onInvite(IncomingInvite invite) {
        invite.accept(null, null);
      }

      @Override
      public void onRequest(ServerTransaction tx, SipRequest request) {
        referrals.add(bob.acceptRefer(tx, request, null, bobListener));
      }

      @Override
      public void onDialogRequest(Dialog dialog, ServerTransaction tx, SipRequest request) {
        referrals.add(bob.acceptRefer(tx, request, null, bobListener));
      }
    }).build();
  }

  static Hop bobHop() {
    return new Hop(Transport.UDP, new InetSocketAddress("127.0.0.2", 5070));
  }

  Dialog call() {
    SipRequest invite = alice.newRequest(SipMethod.INVITE, BOB_URI, ALICE, Address.of(BOB_URI),
        Transport.UDP).build();
    return alice.invite(invite, bobHop()).join();
  }

  List<SipRequest> notifiesSentByBob() {
    return bobNet.sentRequests().stream().filter(r -> r.method().equals(SipMethod.NOTIFY)).toList();
  }

  @Test
  void referOutsideADialogGets202ThenTryingThenTheFinalStatusAsSipfrag() {
    SipRequest refer = alice.newRequest(SipMethod.REFER, BOB_URI, ALICE, Address.of(BOB_URI),
        Transport.UDP).header(HeaderName.REFER_TO, CAROL).header(HeaderName.REFERRED_BY, ALICE).build();
    Progress progress = new Progress();
    OutgoingSubscription sub = alice.subscribe(refer, bobHop(), progress);

    assertThat(sub.accepted().join().statusCode()).isEqualTo(202);
    Subscription referral = referrals.get(0);
    assertThat(referral.request().header(dev.parley.sip.Header.REFER_TO)).isEqualTo(CAROL);
    referral.notifyProgress(100, "Trying");
    clock.advance(Duration.ofSeconds(5));
    referral.notifyProgress(200, "OK").join();

    assertThat(progress.statuses).containsExactly("100 Trying", "200 OK");
    assertThat(progress.states).containsExactly("active;expires=300", "terminated;reason=noresource");
    assertThat(progress.events).containsExactly("refer", "refer");
    assertThat(notifiesSentByBob()).allSatisfy(n ->
        assertThat(n.contentType().is("message", "sipfrag")).isTrue());
    assertThat(progress.ends).containsExactly("noresource");
    assertThat(bobEnded).containsExactly("noresource");
    clock.advance(Duration.ofSeconds(40));
    assertThat(alice.dialogCount() + bob.dialogCount()).isZero();
    assertThat(alice.subscriptionCount() + bob.subscriptionCount()).isZero();
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void referSubFalseIsHonouredWithNoSubscriptionAndNoNotify() {
    Dialog dialog = call();
    OutgoingSubscription sub = alice.refer(dialog, CAROL, ALICE, null);

    SipResponse accepted = sub.accepted().join();
    assertThat(accepted.statusCode()).isEqualTo(202);
    assertThat(accepted.headers().get(HeaderName.of("Refer-Sub"))).isEqualTo("false");
    SipRequest refer = aliceNet.sentRequests().stream()
        .filter(r -> r.method().equals(SipMethod.REFER)).findFirst().orElseThrow();
    assertThat(refer.headers().get(HeaderName.of("Refer-Sub"))).isEqualTo("false");
    assertThat(refer.headers().get(HeaderName.REFERRED_BY)).contains("alice");
    assertThat(sub.terminated()).isCompletedWithValue("norefersub");
    assertThat(referrals.get(0).ended()).isCompletedWithValue("norefersub");
    assertThat(referrals.get(0).notifyProgress(200, "OK")).isCompletedExceptionally();
    assertThat(notifiesSentByBob()).isEmpty();
    assertThat(alice.subscriptionCount() + bob.subscriptionCount()).isZero();
    assertThat(alice.dialogCount()).isEqualTo(1);
    assertThat(bob.dialogCount()).isEqualTo(1);
  }

  @Test
  void twoReferralsInOneInviteDialogAreToldApartByTheIdOfTheSecond() {
    Dialog dialog = call();
    Progress first = new Progress();
    Progress second = new Progress();
    alice.refer(dialog, CAROL, ALICE, first).accepted().join();
    OutgoingSubscription two = alice.refer(dialog,
        Address.of(SipUri.parse("sip:dave@example.com")), ALICE, second);
    long secondCseq = two.accepted().join().cseq().sequence();

    referrals.get(1).notifyProgress(100, "Trying").join();
    referrals.get(0).notifyProgress(200, "OK").join();
    referrals.get(1).notifyProgress(486, "Busy Here").join();

    assertThat(first.statuses).containsExactly("200 OK");
    assertThat(first.events).containsExactly("refer");
    assertThat(second.statuses).containsExactly("100 Trying", "486 Busy Here");
    assertThat(second.events).containsOnly("refer;id=" + secondCseq);
    assertThat(first.ends).containsExactly("noresource");
    assertThat(second.ends).containsExactly("noresource");
    assertThat(alice.subscriptionCount() + bob.subscriptionCount()).isZero();
    assertThat(alice.dialogCount()).isEqualTo(1); // the call goes on
    assertThat(bob.dialogCount()).isEqualTo(1);
  }

  @Test
  void theReferrerEndsEitherReferralsSubscriptionByUnsubscribingUnderItsId() {
    Dialog dialog = call();
    Progress first = new Progress();
    Progress second = new Progress();
    OutgoingSubscription one = alice.refer(dialog, CAROL, ALICE, first);
    OutgoingSubscription two = alice.refer(dialog, CAROL, ALICE, second);
    referrals.get(0).notifyProgress(100, "Trying").join();
    referrals.get(1).notifyProgress(100, "Trying").join();

    assertThat(two.unsubscribe()).isCompletedWithValue("terminated");
    assertThat(bobEnded).containsExactly("unsubscribed");
    assertThat(referrals.get(0).isActive()).isTrue();
    assertThat(one.unsubscribe()).isCompletedWithValue("terminated");
    assertThat(bobEnded).containsExactly("unsubscribed", "unsubscribed");
    List<String> events = aliceNet.sentRequests().stream()
        .filter(r -> r.method().equals(SipMethod.SUBSCRIBE))
        .map(r -> r.headers().get(HeaderName.EVENT) + " " + r.expires()).toList();
    assertThat(events).containsExactly("refer;id=" + two.accepted().join().cseq().sequence() + " 0",
        "refer 0");
    assertThat(alice.subscriptionCount() + bob.subscriptionCount()).isZero();
    assertThat(bob.dialogCount()).isEqualTo(1);
  }

  @Test
  void byeEndsTheReferSubscriptionsLivingInTheDialog() {
    Dialog dialog = call();
    Progress progress = new Progress();
    alice.refer(dialog, CAROL, ALICE, progress).accepted().join();
    referrals.get(0).notifyProgress(100, "Trying").join();

    alice.bye(dialog).join();
    assertThat(progress.ends).containsExactly("dialog-ended");
    assertThat(bobEnded).containsExactly("dialog-ended");
    assertThat(alice.subscriptionCount() + bob.subscriptionCount()).isZero();
    clock.advance(Duration.ofSeconds(40));
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void aReferSubscriptionNeverEndedByTheNotifierExpires() {
    Dialog dialog = call();
    Progress progress = new Progress();
    alice.refer(dialog, CAROL, ALICE, progress).accepted().join();
    referrals.get(0).notifyProgress(100, "Trying").join();

    clock.advance(Duration.ofSeconds(Subscription.REFER_EXPIRES));
    assertThat(progress.states).last().isEqualTo("terminated;reason=timeout");
    assertThat(progress.ends).containsExactly("timeout");
    assertThat(bobEnded).containsExactly("timeout");
    assertThat(alice.subscriptionCount() + bob.subscriptionCount()).isZero();
  }

  @Test
  void referInADialogIsDeclinedByTheDefaultHandler() {
    UserAgent plain = UserAgent.builder(new FakeTransportLayer(clock,
        ListenPoint.parse("udp:127.0.0.3:5060")).connect(aliceNet))
        .handler(invite -> invite.accept(null, null)).build();
    SipUri carolUri = SipUri.parse("sip:carol@127.0.0.3:5060");
    Dialog dialog = alice.invite(alice.newRequest(SipMethod.INVITE, carolUri, ALICE,
        Address.of(carolUri), Transport.UDP).build(),
        new Hop(Transport.UDP, new InetSocketAddress("127.0.0.3", 5060))).join();
    Progress progress = new Progress();
    OutgoingSubscription sub = alice.refer(dialog, CAROL, ALICE, progress);
    assertThat(sub.accepted().handle((r, e) -> ((SipFailure) e).statusCode()).join()).isEqualTo(603);
    assertThat(progress.ends).containsExactly("failed");
    assertThat(plain.subscriptionCount()).isZero();
  }

  @Test
  void referToAnEndedDialogIsRefused() {
    Dialog dialog = call();
    alice.bye(dialog).join();
    assertThatThrownBy(() -> alice.refer(dialog, CAROL, ALICE, new Progress()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void sipfragStatusLinesAreRead() {
    assertThat(ReferStatus.parse("SIP/2.0 100 Trying\r\n".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new ReferStatus(100, "Trying"));
    assertThat(ReferStatus.parse("SIP/2.0 603 Declined\r\nContent-Length: 0\r\n\r\n"
        .getBytes(StandardCharsets.UTF_8))).isEqualTo(new ReferStatus(603, "Declined"));
    assertThat(ReferStatus.parse("SIP/2.0 200".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new ReferStatus(200, ""));
    assertThat(ReferStatus.parse("SIP/2.0 2000 OK".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(ReferStatus.parse("INVITE sip:x SIP/2.0".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(ReferStatus.parse("SIP/2.0 099 Low".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(ReferStatus.parse(new byte[0])).isNull();
    assertThat(new ReferStatus(180, "Ringing").isFinal()).isFalse();
  }
}
