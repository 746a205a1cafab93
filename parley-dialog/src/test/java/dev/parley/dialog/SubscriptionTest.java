package dev.parley.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 6665 subscriptions, both sides, between two user agents over a fake network on virtual time. */
class SubscriptionTest {
  static final MediaType CONFERENCE_INFO = MediaType.parse("application/conference-info+xml");
  static final SipUri BOB_URI = SipUri.parse("sip:bob@127.0.0.2:5070");
  static final Address ALICE = Address.of(SipUri.parse("sip:alice@127.0.0.1"));

  final FakeScheduler clock = new FakeScheduler();
  FakeTransportLayer aliceNet;
  FakeTransportLayer bobNet;
  UserAgent alice;
  UserAgent bob;
  /** Bob's subscriptions, in the order accepted. */
  final List<Subscription> accepted = new ArrayList<>();
  /** What Bob's listener heard: "subscribe expires=N" and "ended REASON". */
  final List<String> bobHeard = new ArrayList<>();
  /** What Bob's handler sends as the first NOTIFY of a new subscription (null for none). */
  String firstState = "<conference-info state=\"full\" version=\"1\"/>";
  Subscription.Expiry expiry = new Subscription.Expiry(3600, 60, 3600);

  final Subscription.Listener bobListener = new Subscription.Listener() {
    @Override
    public void onSubscribe(Subscription s, SipRequest subscribe) {
      bobHeard.add("subscribe expires=" + subscribe.expires());
      s.notify(CONFERENCE_INFO, bytes("<conference-info state=\"full\" version=\"9\"/>"));
    }

    @Override
    public void onEnded(Subscription s, String reason) {
      bobHeard.add("ended " + reason);
    }
  };

  /** What a subscriber listener heard. */
  static final class Heard implements OutgoingSubscription.Listener {
    final List<String> bodies = new ArrayList<>();
    final List<String> states = new ArrayList<>();
    final List<SipRequest> notifies = new ArrayList<>();
    final List<String> ends = new ArrayList<>();

    @Override
    public void onNotify(OutgoingSubscription s, SipRequest notify, SubscriptionState state) {
      notifies.add(notify);
      bodies.add(notify.bodyAsString());
      states.add(state.toString());
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
    bob = bob(SubscriptionConfig.defaults());
  }

  UserAgent bob(SubscriptionConfig config) {
    return UserAgent.builder(bobNet).subscriptions(config.withAllowEvents("conference, refer"))
        .contactUser("bob").handler(new UserAgent.Handler() {
      @Override
      public void onInvite(IncomingInvite invite) {
        invite.accept(null, null);
      }

      @Override
      public void onRequest(ServerTransaction tx, SipRequest request) {
        if (request.method().equals(SipMethod.SUBSCRIBE)) {
          Subscription s = builtBob().acceptSubscription(tx, request, expiry, null, bobListener);
          accepted.add(s);
          if (firstState != null) {
            s.notify(CONFERENCE_INFO, bytes(firstState));
          }
        } else {
          UserAgent.Handler.super.onRequest(tx, request);
        }
      }

      @Override
      public void onDialogRequest(Dialog dialog, ServerTransaction tx, SipRequest request) {
        if (request.method().equals(SipMethod.SUBSCRIBE)) {
          accepted.add(builtBob().acceptSubscription(tx, request, expiry, null, bobListener));
        } else {
          UserAgent.Handler.super.onDialogRequest(dialog, tx, request);
        }
      }
    }).build();
  }

  UserAgent builtBob() {
    return bob;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Hop bobHop() {
    return new Hop(Transport.UDP, new InetSocketAddress("127.0.0.2", 5070));
  }

  SipRequest subscribeRequest(int expires) {
    return alice.newRequest(SipMethod.SUBSCRIBE, BOB_URI, ALICE, Address.of(BOB_URI), Transport.UDP)
        .header(HeaderName.EVENT, "conference")
        .header(HeaderName.EXPIRES, Integer.toString(expires))
        .header(HeaderName.ACCEPT, "application/conference-info+xml").build();
  }

  List<SipRequest> notifiesSentByBob() {
    return bobNet.sentRequests().stream().filter(r -> r.method().equals(SipMethod.NOTIFY)).toList();
  }

  void assertNothingLeft() {
    clock.advance(Duration.ofSeconds(40));
    assertThat(alice.subscriptionCount()).isZero();
    assertThat(bob.subscriptionCount()).isZero();
    assertThat(alice.dialogCount()).isZero();
    assertThat(bob.dialogCount()).isZero();
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void subscribeGetsOkThenAFullNotifyAndLaterPartialOnes() {
    Heard heard = new Heard();
    OutgoingSubscription sub = alice.subscribe(subscribeRequest(3600), bobHop(), heard);

    SipResponse ok = sub.accepted().join();
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.expires()).isEqualTo(3600);
    assertThat(ok.headers().get(HeaderName.ALLOW_EVENTS)).isEqualTo("conference, refer");
    assertThat(heard.bodies).containsExactly("<conference-info state=\"full\" version=\"1\"/>");
    assertThat(heard.states).containsExactly("active;expires=3600");
    SipRequest first = heard.notifies.get(0);
    assertThat(first.headers().get(HeaderName.EVENT)).isEqualTo("conference");
    assertThat(first.contentType().is(CONFERENCE_INFO)).isTrue();
    assertThat(first.contacts()).hasSize(1);
    assertThat(sub.dialog()).isNotNull();
    assertThat(accepted.get(0).dialog().id().callId()).isEqualTo(sub.dialog().id().callId());

    clock.advance(Duration.ofSeconds(100));
    accepted.get(0).notify(CONFERENCE_INFO, bytes("<conference-info state=\"partial\" version=\"2\"/>"))
        .join();
    assertThat(heard.bodies).last().asString().contains("partial");
    assertThat(heard.states).last().isEqualTo("active;expires=3500");
    assertThat(alice.dialogCount()).isEqualTo(1);
    assertThat(bob.dialogCount()).isEqualTo(1);
    assertThat(alice.subscriptionCount()).isEqualTo(1);
    assertThat(bob.subscriptionCount()).isEqualTo(1);
    assertThat(heard.ends).isEmpty();
  }

  @Test
  void subscriberRefreshesBeforeExpiryAndTheNotifierSendsStateAgain() {
    Heard heard = new Heard();
    OutgoingSubscription sub = alice.subscribe(subscribeRequest(3600), bobHop(), heard);
    sub.accepted().join();

    clock.advance(Duration.ofSeconds(3240));
    List<SipRequest> refreshes = aliceNet.sentRequests().stream()
        .filter(r -> r.method().equals(SipMethod.SUBSCRIBE) && r.to().tag() != null).toList();
    assertThat(refreshes).hasSize(1);
    assertThat(refreshes.get(0).headers().get(HeaderName.EVENT)).isEqualTo("conference");
    assertThat(refreshes.get(0).headers().get(HeaderName.ACCEPT)).contains("conference-info");
    assertThat(refreshes.get(0).cseq().sequence()).isGreaterThan(1);
    assertThat(bobHeard).containsExactly("subscribe expires=3600");
    assertThat(heard.bodies).hasSize(2).last().asString().contains("version=\"9\"");
    assertThat(heard.states).last().isEqualTo("active;expires=3600");

    clock.advance(Duration.ofSeconds(2000)); // past the first lifetime: still alive
    assertThat(heard.ends).isEmpty();
    assertThat(accepted.get(0).isActive()).isTrue();
  }

  @Test
  void unsubscribeEndsBothSidesAfterAFinalNotify() {
    Heard heard = new Heard();
    OutgoingSubscription sub = alice.subscribe(subscribeRequest(3600), bobHop(), heard);
    sub.accepted().join();

    assertThat(sub.unsubscribe()).isCompletedWithValue("terminated");
    assertThat(bobHeard).containsExactly("subscribe expires=0", "ended unsubscribed");
    assertThat(heard.states).last().isEqualTo("terminated");
    assertThat(heard.bodies).last().asString().contains("version=\"9\""); // the owner's final state
    assertThat(heard.ends).containsExactly("terminated");
    assertNothingLeft();
  }

  @Test
  void unsubscribeWithoutAFinalStateFromTheOwnerStillGetsAFinalNotify() {
    Subscription.Listener quiet = new Subscription.Listener() {};
    UserAgent carol = UserAgent.builder(new FakeTransportLayer(clock,
        ListenPoint.parse("udp:127.0.0.3:5060")).connect(aliceNet)).handler(new UserAgent.Handler() {
          @Override
          public void onInvite(IncomingInvite invite) {
            invite.reject(603);
          }

          @Override
          public void onRequest(ServerTransaction tx, SipRequest request) {
            accepted.add(builtCarol[0].acceptSubscription(tx, request, expiry, null, quiet));
          }
        }).build();
    builtCarol[0] = carol;
    Heard heard = new Heard();
    OutgoingSubscription sub = alice.subscribe(subscribeRequest(600), new Hop(Transport.UDP,
        new InetSocketAddress("127.0.0.3", 5060)), heard);
    sub.accepted().join();
    accepted.get(0).notify(CONFERENCE_INFO, bytes("<full/>"));

    sub.unsubscribe();
    assertThat(heard.states).containsExactly("active;expires=600", "terminated");
    assertThat(heard.notifies.get(1).bodyLength()).isZero();
    assertThat(accepted.get(0).ended()).isCompletedWithValue("unsubscribed");
    assertThat(carol.subscriptionCount()).isZero();
    assertThat(carol.dialogCount()).isZero();
  }

  private final UserAgent[] builtCarol = new UserAgent[1];

  @Test
  void notifyThatOvertakesTheOkCreatesTheDialog() {
    boolean[] dropped = {false};
    bobNet.dropWhen(m -> m instanceof SipResponse r && r.statusCode() == 200
        && r.cseq().method().equals(SipMethod.SUBSCRIBE) && !dropped[0] && (dropped[0] = true));
    Heard heard = new Heard();
    OutgoingSubscription sub = alice.subscribe(subscribeRequest(3600), bobHop(), heard);

    assertThat(sub.accepted()).isNotDone();
    assertThat(heard.bodies).hasSize(1);
    assertThat(sub.dialog()).isNotNull();
    assertThat(alice.dialogCount()).isEqualTo(1);

    clock.advance(Duration.ofMillis(600)); // the SUBSCRIBE is retransmitted, the 200 too
    assertThat(sub.accepted()).isCompleted();
    assertThat(alice.dialogCount()).isEqualTo(1);
    assertThat(sub.dialog().id().remoteTag()).isEqualTo(sub.accepted().join().to().tag());

    accepted.get(0).notify(CONFERENCE_INFO, bytes("<partial/>")).join();
    assertThat(heard.bodies).hasSize(2);
    sub.unsubscribe();
    assertNothingLeft();
  }

  @Test
  void expiryWithoutRefreshSendsTerminatedTimeoutAndForgetsTheDialog() {
    expiry = new Subscription.Expiry(60, 60, 60);
    aliceNet.dropWhen(m -> m instanceof SipRequest r && r.method().equals(SipMethod.SUBSCRIBE)
        && r.to().tag() != null); // refreshes are lost
    Heard heard = new Heard();
    OutgoingSubscription sub = alice.subscribe(subscribeRequest(3600), bobHop(), heard);
    assertThat(sub.accepted().join().expires()).isEqualTo(60);

    clock.advance(Duration.ofSeconds(60));
    assertThat(notifiesSentByBob()).last().extracting(r -> r.headers().get(HeaderName.SUBSCRIPTION_STATE))
        .isEqualTo("terminated;reason=timeout");
    assertThat(heard.ends).containsExactly("timeout");
    assertThat(bobHeard).containsExactly("ended timeout");
    assertNothingLeft();
  }

  @Test
  void aSubscriberThatVanishesIsForgottenWhenANotifyGoesUnanswered() {
    Heard heard = new Heard();
    alice.subscribe(subscribeRequest(3600), bobHop(), heard).accepted().join();
    aliceNet.dropWhen(m -> true); // alice is gone

    CompletableFuture<SipResponse> lost = accepted.get(0).notify(CONFERENCE_INFO, bytes("<p/>"));
    clock.advance(Duration.ofSeconds(40));
    assertThat(lost).isCompletedExceptionally();
    assertThat(bobHeard).containsExactly("ended notify-failed");
    assertThat(bob.subscriptionCount()).isZero();
    assertThat(bob.dialogCount()).isZero();
  }

  @Test
  void notifyMatchingNoSubscriptionGets481() {
    SipRequest stray = alice.newRequest(SipMethod.NOTIFY, BOB_URI, ALICE,
        Address.of(BOB_URI).withTag("nosuchtag"), Transport.UDP)
        .header(HeaderName.EVENT, "conference")
        .header(HeaderName.SUBSCRIPTION_STATE, "active;expires=60").build();
    assertThat(alice.request(stray, bobHop()).join().statusCode()).isEqualTo(481);
  }

  @Test
  void notifyForAnotherEventInTheDialogGets481() {
    Heard heard = new Heard();
    OutgoingSubscription sub = alice.subscribe(subscribeRequest(3600), bobHop(), heard);
    sub.accepted().join();
    Dialog bobSide = accepted.get(0).dialog();
    SipResponse r = bob.request(bobSide, SipMethod.NOTIFY, b -> b
        .header(HeaderName.EVENT, "presence")
        .header(HeaderName.SUBSCRIPTION_STATE, "active;expires=60")).join();
    assertThat(r.statusCode()).isEqualTo(481);
    assertThat(heard.ends).isEmpty();
  }

  @Test
  void subscriptionsBeyondTheBoundAreRefusedWith503() {
    bob = bob(SubscriptionConfig.defaults().withMaxSubscriptions(1));
    OutgoingSubscription first = alice.subscribe(subscribeRequest(3600), bobHop(), new Heard());
    Heard second = new Heard();
    OutgoingSubscription refused = alice.subscribe(subscribeRequest(3600), bobHop(), second);

    assertThat(first.accepted().join().statusCode()).isEqualTo(200);
    assertThat(refused.accepted()).isCompletedExceptionally();
    assertThat(refused.accepted().handle((x, e) -> ((SipFailure) e).statusCode()).join())
        .isEqualTo(503);
    assertThat(second.ends).containsExactly("failed");
    assertThat(bob.subscriptionCount()).isEqualTo(1);
    assertThat(bob.dialogCount()).isEqualTo(1);
    assertThat(alice.subscriptionCount()).isEqualTo(1);
  }

  @Test
  void notifiesBeyondTheQueueBoundFailAndTheOthersGoOutInOrder() {
    bob = bob(SubscriptionConfig.defaults().withMaxQueuedNotifies(1));
    firstState = null;
    Heard heard = new Heard();
    alice.subscribe(subscribeRequest(3600), bobHop(), heard).accepted().join();
    bobNet.latency(Duration.ofMillis(100)); // NOTIFYs are outstanding for a while
    Subscription s = accepted.get(0);

    CompletableFuture<SipResponse> one = s.notify(CONFERENCE_INFO, bytes("1"));
    CompletableFuture<SipResponse> two = s.notify(CONFERENCE_INFO, bytes("2"));
    CompletableFuture<SipResponse> three = s.notify(CONFERENCE_INFO, bytes("3"));
    assertThat(three).isCompletedExceptionally();
    clock.advance(Duration.ofSeconds(1));
    assertThat(one.join().statusCode()).isEqualTo(200);
    assertThat(two.join().statusCode()).isEqualTo(200);
    assertThat(heard.bodies).containsExactly("1", "2");
  }

  @Test
  void fetchWithExpiresZeroGetsOneTerminatedNotify() {
    Heard heard = new Heard();
    OutgoingSubscription sub = alice.subscribe(subscribeRequest(0), bobHop(), heard);
    assertThat(sub.accepted().join().expires()).isZero();
    assertThat(heard.states).containsExactly("terminated;reason=timeout");
    assertThat(heard.bodies.get(0)).contains("full");
    assertThat(heard.ends).containsExactly("timeout");
    assertNothingLeft();
  }

  @Test
  void aBriefExpiresGets423WithMinExpires() {
    Heard heard = new Heard();
    OutgoingSubscription sub = alice.subscribe(subscribeRequest(10), bobHop(), heard);
    SipFailure f = (SipFailure) sub.accepted().handle((x, e) -> e).join();
    assertThat(f.statusCode()).isEqualTo(423);
    assertThat(f.response().headers().get(HeaderName.MIN_EXPIRES)).isEqualTo("60");
    assertThat(bob.subscriptionCount()).isZero();
    assertThat(bob.dialogCount()).isZero();
  }

  @Test
  void theNotifierEndingTheSubscriptionIsReportedOnceWithItsReason() {
    Heard heard = new Heard();
    AtomicReference<String> reason = new AtomicReference<>();
    OutgoingSubscription sub = alice.subscribe(subscribeRequest(3600), bobHop(), heard);
    sub.terminated().thenAccept(reason::set);
    sub.accepted().join();

    accepted.get(0).terminate("noresource").join();
    assertThat(heard.states).last().isEqualTo("terminated;reason=noresource");
    assertThat(heard.ends).containsExactly("noresource");
    assertThat(reason.get()).isEqualTo("noresource");
    assertThat(accepted.get(0).notify(CONFERENCE_INFO, bytes("late"))).isCompletedExceptionally();
    assertNothingLeft();
  }

  @Test
  void aChallengedSubscribeIsRetriedWithCredentialsAndTheRefreshFollowsItsCseq() {
    dev.parley.auth.DigestAuthenticator auth = dev.parley.auth.DigestAuthenticator
        .builder((user, realm, algorithm) -> user.equals("alice")
            ? dev.parley.auth.Ha1.compute(algorithm, user, realm, "secret") : null)
        .build();
    UserAgent[] guard = new UserAgent[1];
    FakeTransportLayer guardNet = new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.3:5060"));
    guard[0] = UserAgent.builder(guardNet).handler(new UserAgent.Handler() {
      @Override
      public void onInvite(IncomingInvite invite) {
        invite.reject(480);
      }

      @Override
      public void onRequest(ServerTransaction tx, SipRequest request) {
        if (auth.authenticate(request, "example.test").isOk()) {
          accepted.add(guard[0].acceptSubscription(tx, request, expiry, null, bobListener));
          accepted.get(accepted.size() - 1).notify(CONFERENCE_INFO, bytes("<full/>"));
        } else {
          SipResponse.Builder b = request.response(401, "t1");
          for (dev.parley.sip.Challenge c : auth.challenges("example.test", false)) {
            b.header(HeaderName.WWW_AUTHENTICATE, c.toString());
          }
          tx.respond(b.build());
        }
      }
    }).build();
    FakeTransportLayer carolNet = new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.1:5062"));
    carolNet.connect(guardNet);
    UserAgent carol = UserAgent.builder(carolNet).credentials(dev.parley.auth.CredentialsProvider
        .of(dev.parley.auth.UserSecret.ofPassword("alice", "secret"))).build();
    SipUri target = SipUri.parse("sip:conf@127.0.0.3");
    SipRequest subscribe = carol.newRequest(SipMethod.SUBSCRIBE, target,
        Address.of(SipUri.parse("sip:alice@example.test")), Address.of(target), Transport.UDP)
        .header(HeaderName.EVENT, "conference").header(HeaderName.EXPIRES, "600").build();
    Heard heard = new Heard();
    OutgoingSubscription sub = carol.subscribe(subscribe,
        new Hop(Transport.UDP, new InetSocketAddress("127.0.0.3", 5060)), heard);

    assertThat(sub.accepted().join().cseq().sequence()).isEqualTo(2);
    assertThat(heard.bodies).containsExactly("<full/>");
    clock.advance(Duration.ofSeconds(540)); // the refresh, in the dialog, with the next CSeq
    SipRequest refresh = carolNet.sentRequests().stream()
        .filter(r -> r.method().equals(SipMethod.SUBSCRIBE) && r.to().tag() != null)
        .findFirst().orElseThrow();
    assertThat(refresh.cseq().sequence()).isEqualTo(3);
    assertThat(heard.bodies).hasSize(2);
    assertThat(heard.ends).isEmpty();
  }

  @Test
  void aSubscriptionInsideAnInviteDialogSharesItAndItsEndLeavesTheCallAlone() {
    Dialog call = alice.invite(alice.newRequest(SipMethod.INVITE, BOB_URI, ALICE, Address.of(BOB_URI),
        Transport.UDP).build(), bobHop()).join();
    SipResponse ok = alice.request(call, SipMethod.SUBSCRIBE, b -> b
        .header(HeaderName.EVENT, "conference").header(HeaderName.EXPIRES, "600")
        .header(HeaderName.CONTACT, alice.contact(Transport.UDP))).join();
    assertThat(ok.statusCode()).isEqualTo(200);
    Subscription inCall = accepted.get(0);
    assertThat(inCall.dialog().id().callId()).isEqualTo(call.id().callId());
    assertThat(bob.dialogCount()).isEqualTo(1);

    // Alice keeps no subscription for it (she sent the SUBSCRIBE by hand): 481 ends it at Bob's.
    CompletableFuture<SipResponse> notify = inCall.notify(CONFERENCE_INFO, bytes("<full/>"));
    assertThat(notify.join().statusCode()).isEqualTo(481);
    assertThat(bobHeard).containsExactly("ended notify-failed");
    assertThat(bob.subscriptionCount()).isZero();
    assertThat(bob.dialogCount()).isEqualTo(1); // the call goes on
    assertThat(alice.bye(call).join().statusCode()).isEqualTo(200);
  }
}
