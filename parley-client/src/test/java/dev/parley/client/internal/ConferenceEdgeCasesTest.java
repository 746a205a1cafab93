package dev.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.client.ConferenceSession;
import dev.parley.client.Endpoint;
import dev.parley.client.InstantMessage;
import dev.parley.client.InstantMessagingSession;
import dev.parley.client.InvitationRejectedException;
import dev.parley.client.Participant;
import dev.parley.client.Session;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.dialog.Dialog;
import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.Subscription;
import dev.parley.dialog.UserAgent;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.body.ConferenceInfo;
import dev.parley.sip.body.EndpointStatus;
import dev.parley.testkit.FakeScheduler;
import dev.parley.testkit.FakeTransportLayer;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.ListenPoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A conference session's edge cases against a focus the test scripts message by message, on
 * virtual time (fake transports, callbacks on the test thread): dial-outs whose outcome comes
 * late, never, or only from the roster; relayed messages and composing indications from
 * someone the roster does not list, or from our own address; roster updates that change nothing.
 */
class ConferenceEdgeCasesTest {
  private static final String CONTACT = "<sip:conf-test1@127.0.0.2:5070>;isfocus";
  private static final MediaType CONFERENCE_INFO = MediaType.parse(ConferenceInfo.CONTENT_TYPE);
  private static final SipUri CAROL = SipUri.parse("sip:carol@127.0.0.1");

  private final FakeScheduler clock = new FakeScheduler();
  private FakeTransportLayer aliceNet;
  private FakeTransportLayer focusNet;
  private DefaultEndpoint alice;
  private UserAgent focus;
  /** Alice's leg at the focus, her roster subscription, and each REFER she sent. */
  private Dialog leg;
  private Subscription roster;
  private final List<SipRequest> refers = new ArrayList<>();
  private final List<SipRequest> inDialog = new ArrayList<>();
  private long version;
  /** Who a new roster subscription's first full state lists. */
  private ConferenceInfo.User[] listedAtSubscribe = {};
  /** The full state a roster subscription sends when it is unsubscribed (as Parley's focus), or null. */
  private byte[] stateAtUnsubscribe;
  /** Whether each new roster subscription's versions start again at 1 (as Parley's focus). */
  private boolean versionsPerSubscription;
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<InstantMessage> messages = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    aliceNet = new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.1:5062"));
    focusNet = new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.2:5070"));
    aliceNet.connect(focusNet);
    focus = UserAgent.builder(focusNet).contactUser("conf-test1").handler(new Focus()).build();
    focus.start();
    alice = (DefaultEndpoint) Endpoint.builder("sip:alice@127.0.0.1").transport(aliceNet)
        .executor(Runnable::run).conferenceFactory(SipUri.parse("sip:conference@127.0.0.2:5070"))
        .build();
    alice.enable();
  }

  @AfterEach
  void stop() {
    alice.close();
    focus.close();
  }

  /** The scripted focus: accepts the INVITE and the roster SUBSCRIBE; REFERs get 202 only. */
  private final class Focus implements UserAgent.Handler {
    @Override
    public void onInvite(IncomingInvite invite) {
      String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n"
          + "m=message 5070 sip sip:conf-test1@127.0.0.2\r\n";
      invite.contact(Address.parse(CONTACT)).accept(MediaType.APPLICATION_SDP,
          sdp.getBytes(StandardCharsets.US_ASCII)).thenAccept(d -> leg = d);
    }

    @Override
    public void onRequest(ServerTransaction tx, SipRequest request) {
      if (!request.method().equals(SipMethod.SUBSCRIBE)) {
        UserAgent.Handler.super.onRequest(tx, request);
        return;
      }
      roster = focus.acceptSubscription(tx, request, Subscription.Expiry.of(3600),
          Address.parse(CONTACT), new Subscription.Listener() {
            @Override
            public void onSubscribe(Subscription s, SipRequest subscribe) {
              if (subscribe.expires() == 0 && stateAtUnsubscribe != null) {
                s.notify(CONFERENCE_INFO, stateAtUnsubscribe);
              }
            }
          });
      if (versionsPerSubscription) {
        version = 0;
      }
      rosterNotify(listedAtSubscribe); // nobody else yet, unless the test says
    }

    @Override
    public void onDialogRequest(Dialog dialog, ServerTransaction tx, SipRequest request) {
      inDialog.add(request);
      if (request.method().equals(SipMethod.REFER)) {
        refers.add(request);
        tx.respond(request.response(202).build()); // its NOTIFYs are the test's to send
      } else {
        tx.respond(request.response(200).build());
      }
    }
  }

  /** A full roster NOTIFY listing {@code users} (each built by the caller). */
  private void rosterNotify(ConferenceInfo.User... users) {
    ConferenceInfo.Builder b = ConferenceInfo.builder("sip:conf-test1@127.0.0.2", ++version);
    for (ConferenceInfo.User u : users) {
      b.addUser(u);
    }
    roster.notify(CONFERENCE_INFO, b.build().toBytes());
  }

  private static ConferenceInfo.User user(SipUri aor, EndpointStatus status, String how) {
    return ConferenceInfo.User.builder(aor.toString()).addEndpoint(
        ConferenceInfo.Endpoint.builder(aor.toString()).status(status).disconnectionMethod(how)
            .build()).build();
  }

  /** A NOTIFY of {@code refer}'s subscription with {@code state} and the sipfrag {@code frag}. */
  private void referNotify(SipRequest refer, String state, String frag) {
    focus.request(leg, SipMethod.NOTIFY, b -> b
        .header(HeaderName.EVENT, "refer;id=" + refer.cseq().sequence())
        .header(HeaderName.SUBSCRIPTION_STATE, state)
        .header(HeaderName.CONTACT, CONTACT)
        .body(Subscription.SIPFRAG, frag.getBytes(StandardCharsets.US_ASCII)));
  }

  /** A relayed MESSAGE on alice's leg: {@code type} content written by {@code from}. */
  private SipResponse relay(String from, String type, String content) {
    String cpim = "From: <" + from + ">\r\nTo: <sip:conf-test1@127.0.0.2>\r\n\r\nContent-Type: "
        + type + "\r\n\r\n" + content;
    CompletableFuture<SipResponse> answer = focus.request(leg, SipMethod.MESSAGE,
        b -> b.body(MediaType.parse("message/cpim"), cpim.getBytes(StandardCharsets.UTF_8)));
    clock.advance(Duration.ofMillis(100));
    assertThat(answer).isDone();
    return answer.join();
  }

  private static String composing(String state) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<isComposing xmlns=\"urn:ietf:params:xml:ns:im-iscomposing\"><state>" + state
        + "</state><refresh>60</refresh></isComposing>";
  }

  /** Alice's conference, entered and subscribed to the roster, its events recorded. */
  private DefaultConferenceSession entered() {
    DefaultConferenceSession conf = (DefaultConferenceSession) alice.sessionManager()
        .createSession(SessionType.CONFERENCE, SessionContext.EMPTY);
    conf.addListener(new ConferenceSession.Listener() {
      @Override
      public void onParticipantAdded(Session s, Participant p) {
        events.add("added " + p.uri());
        p.addListener((who, e) -> events.add(who.uri() + " " + e.newState() + " " + e.reason()));
      }

      @Override
      public void onParticipantRemoved(Session s, Participant p) {
        events.add("removed " + p.uri());
      }

      @Override
      public void onMessageReceived(InstantMessagingSession s, InstantMessage m) {
        messages.add(m);
      }

      @Override
      public void onComposing(InstantMessagingSession s, Participant p) {
        events.add("composing " + p.uri());
      }

      @Override
      public void onIdle(InstantMessagingSession s, Participant p) {
        events.add("idle " + p.uri());
      }
    });
    CompletableFuture<SipUri> in = conf.enter();
    clock.advance(Duration.ofSeconds(1));
    assertThat(in).isCompletedWithValue(SipUri.parse("sip:conf-test1@127.0.0.2:5070"));
    assertThat(roster).isNotNull();
    return conf;
  }

  private int pendingReferrals(DefaultConferenceSession conf) {
    synchronized (alice.lock) {
      int n = 0;
      for (Participant p : conf.roster.membersLocked()) {
        n += conf.referrals.dialingLocked((DefaultParticipant) p) ? 1 : 0;
      }
      return n;
    }
  }

  private static List<String> others(Session s) {
    return s.participants().stream().filter(p -> !p.isLocal())
        .map(p -> p.uri() + " " + p.state()).toList();
  }

  private static InvitationRejectedException rejection(CompletableFuture<?> f) {
    assertThat(f).isCompletedExceptionally();
    try {
      f.get();
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(InvitationRejectedException.class);
      return (InvitationRejectedException) e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("not failed: " + f);
  }

  // ------------------------------------------------------------------------------ dial-out

  @Test
  void aDialOutTheRosterListsDisconnectedFailsWithTheFocussFinalReportThatFollows() {
    DefaultConferenceSession conf = entered();
    CompletableFuture<Participant> added = conf.addParticipant(CAROL);
    clock.advance(Duration.ofMillis(100));
    SipRequest refer = refers.get(0);
    referNotify(refer, "active;expires=300", "SIP/2.0 100 Trying");
    rosterNotify(user(CAROL, EndpointStatus.DIALING_OUT, null));

    rosterNotify(user(CAROL, EndpointStatus.DISCONNECTED, "failed")); // overtakes the report
    clock.advance(Duration.ofMillis(100));

    assertThat(added).isNotDone(); // the report decides, not the roster's NOTIFY
    referNotify(refer, "terminated;reason=noresource", "SIP/2.0 603 Decline");
    clock.advance(Duration.ofMillis(100));
    InvitationRejectedException e = rejection(added);
    assertThat(e.statusCode()).isEqualTo(603);
    assertThat(events).contains("removed " + CAROL);
    assertThat(others(conf)).isEmpty();
    assertThat(pendingReferrals(conf)).isZero();
  }

  @Test
  void aDialOutTheRosterListsDisconnectedWithoutAReportFailsAsTheRosterSaysAfterAGrace() {
    DefaultConferenceSession conf = entered();
    CompletableFuture<Participant> added = conf.addParticipant(CAROL);
    clock.advance(Duration.ofMillis(100));
    referNotify(refers.get(0), "active;expires=300", "SIP/2.0 100 Trying");

    rosterNotify(user(CAROL, EndpointStatus.DISCONNECTED, "busy"));
    clock.advance(Duration.ofSeconds(ConferenceReferrals.DISCONNECTED_GRACE_SECONDS - 1));
    assertThat(added).isNotDone();
    clock.advance(Duration.ofSeconds(2));

    InvitationRejectedException e = rejection(added);
    assertThat(e.statusCode()).isEqualTo(486); // not 0: the roster's disconnection method
    assertThat(e.getMessage()).contains("disconnected (busy)");
    assertThat(others(conf)).isEmpty();
    assertThat(pendingReferrals(conf)).isZero();
  }

  @Test
  void aDialOutTheRosterListsAgainAfterDisconnectedWaitsForTheWholeOutcomeDeadline() {
    DefaultConferenceSession conf = entered();
    CompletableFuture<Participant> added = conf.addParticipant(CAROL);
    clock.advance(Duration.ofMillis(100));
    referNotify(refers.get(0), "active", "SIP/2.0 100 Trying");
    rosterNotify(user(CAROL, EndpointStatus.DISCONNECTED, "departed")); // she left earlier
    clock.advance(Duration.ofSeconds(1));

    rosterNotify(user(CAROL, EndpointStatus.ALERTING, null)); // the focus dials her again
    clock.advance(Duration.ofSeconds(ConferenceReferrals.DISCONNECTED_GRACE_SECONDS + 1));

    assertThat(added).isNotDone(); // the grace the roster's disconnected started is over
    assertThat(others(conf)).containsExactly(CAROL + " CONNECTING");
    assertThat(pendingReferrals(conf)).isOne();
    clock.advance(Duration.ofSeconds(ConferenceReferrals.OUTCOME_TIMEOUT_SECONDS));
    InvitationRejectedException e = rejection(added); // at the REFER's own deadline
    assertThat(e.statusCode()).isEqualTo(408);
    assertThat(e.getMessage()).doesNotContain("disconnected");
  }

  @Test
  void aDialOutOfAUserListedWithALeftAndARingingEndpointFollowsTheRingingOne() {
    DefaultConferenceSession conf = entered();
    CompletableFuture<Participant> added = conf.addParticipant(CAROL);
    clock.advance(Duration.ofMillis(100));
    referNotify(refers.get(0), "active", "SIP/2.0 180 Ringing");

    rosterNotify(ConferenceInfo.User.builder(CAROL.toString())
        .addEndpoint(ConferenceInfo.Endpoint.builder("sip:carol@127.0.0.9")
            .status(EndpointStatus.DISCONNECTED).disconnectionMethod("departed").build())
        .addEndpoint(ConferenceInfo.Endpoint.builder("sip:carol@127.0.0.1")
            .status(EndpointStatus.ALERTING).build())
        .build());
    clock.advance(Duration.ofSeconds(ConferenceReferrals.DISCONNECTED_GRACE_SECONDS + 1));

    assertThat(added).isNotDone();
    assertThat(others(conf)).containsExactly(CAROL + " CONNECTING");
    referNotify(refers.get(0), "terminated;reason=noresource", "SIP/2.0 200 OK");
    clock.advance(Duration.ofMillis(100));
    assertThat(added).isCompleted();
    assertThat(others(conf)).containsExactly(CAROL + " CONNECTED");
  }

  @Test
  void aDialOutWhoseFocusNeverReportsTheOutcomeFailsAtTheDeadlineAndLeavesNothingBehind() {
    DefaultConferenceSession conf = entered();
    CompletableFuture<Participant> added = conf.addParticipant(CAROL);
    clock.advance(Duration.ofMillis(100));
    // active without expires: the subscription itself would never end
    referNotify(refers.get(0), "active", "SIP/2.0 100 Trying");
    int subscriptions = alice.ua.subscriptionCount();

    clock.advance(Duration.ofSeconds(ConferenceReferrals.OUTCOME_TIMEOUT_SECONDS - 1));
    assertThat(added).isNotDone();
    clock.advance(Duration.ofSeconds(2));

    InvitationRejectedException e = rejection(added);
    assertThat(e.statusCode()).isEqualTo(408);
    assertThat(e.getMessage()).contains("no outcome from the focus");
    assertThat(events).contains(CAROL + " DISCONNECTED ERROR", "removed " + CAROL);
    assertThat(pendingReferrals(conf)).isZero();
    assertThat(inDialog).anySatisfy(r -> { // the REFER's subscription is ended
      assertThat(r.method()).isEqualTo(SipMethod.SUBSCRIBE);
      assertThat(r.headers().get(HeaderName.EXPIRES)).isEqualTo("0");
    });
    clock.advance(Duration.ofSeconds(64)); // no final NOTIFY comes: it ends anyway
    assertThat(alice.ua.subscriptionCount()).isEqualTo(subscriptions - 1);
    // and the same user can be invited again
    conf.addParticipant(CAROL);
    clock.advance(Duration.ofMillis(100));
    assertThat(refers).hasSize(2);
  }

  @Test
  void aDialOutTheRosterShowsConnectedIsNotFailedWhenItsReportNeverComes() {
    DefaultConferenceSession conf = entered();
    CompletableFuture<Participant> added = conf.addParticipant(CAROL);
    clock.advance(Duration.ofMillis(100));
    referNotify(refers.get(0), "active", "SIP/2.0 100 Trying");
    rosterNotify(user(CAROL, EndpointStatus.CONNECTED, null));
    clock.advance(Duration.ofMillis(100));
    assertThat(added).isCompleted();

    clock.advance(Duration.ofSeconds(ConferenceReferrals.OUTCOME_TIMEOUT_SECONDS + 1));

    assertThat(others(conf)).containsExactly(CAROL + " CONNECTED"); // still in
    assertThat(pendingReferrals(conf)).isZero(); // but no longer waited for
  }

  @Test
  void aDialOutReportedJoinedStaysWhenARosterMadeBeforeTheJoinArrivesAfterTheReport() {
    DefaultConferenceSession conf = entered();
    CompletableFuture<Participant> added = conf.addParticipant(CAROL);
    clock.advance(Duration.ofMillis(100));
    referNotify(refers.get(0), "terminated;reason=noresource", "SIP/2.0 200 OK");
    clock.advance(Duration.ofMillis(100));
    assertThat(added).isCompleted();
    Participant carol = added.join();

    rosterNotify(); // made before carol joined, it overtook nothing but comes late
    clock.advance(Duration.ofMillis(100));
    assertThat(others(conf)).containsExactly(CAROL + " CONNECTED");
    rosterNotify(user(CAROL, EndpointStatus.CONNECTED, null)); // the roster catches up
    clock.advance(Duration.ofMillis(100));

    assertThat(conf.participants()).contains(carol); // the same member, never removed
    assertThat(events).doesNotContain("removed " + CAROL);
    rosterNotify(); // once listed, a full state without her means she left
    clock.advance(Duration.ofMillis(100));
    assertThat(others(conf)).isEmpty();
    assertThat(events).contains("removed " + CAROL);
  }

  @Test
  void aDialOutTheRosterNeverListsLeavesWithAFullStateAfterTheListingGrace() {
    DefaultConferenceSession conf = entered();
    CompletableFuture<Participant> added = conf.addParticipant(CAROL);
    clock.advance(Duration.ofMillis(100));
    referNotify(refers.get(0), "terminated;reason=noresource", "SIP/2.0 200 OK");
    clock.advance(Duration.ofMillis(100));
    assertThat(added).isCompleted();

    clock.advance(Duration.ofMillis(ConferenceRoster.LISTING_GRACE_MILLIS));
    rosterNotify();
    clock.advance(Duration.ofMillis(100));

    assertThat(others(conf)).isEmpty();
    assertThat(events).contains("removed " + CAROL);
  }

  @Test
  void aRemovalWhoseFocusNeverReportsTheOutcomeFailsAtTheDeadline() {
    DefaultConferenceSession conf = entered();
    SipUri bob = SipUri.parse("sip:bob@127.0.0.1");
    rosterNotify(user(bob, EndpointStatus.CONNECTED, null));
    clock.advance(Duration.ofMillis(100));
    Participant member = conf.participants().stream().filter(p -> p.uri().equals(bob))
        .findFirst().orElseThrow();
    CompletableFuture<Void> removed = conf.removeParticipant(member);
    clock.advance(Duration.ofMillis(100));
    assertThat(refers.get(0).headers().get(HeaderName.REFER_TO)).contains("method=BYE");
    referNotify(refers.get(0), "active", "SIP/2.0 100 Trying");

    clock.advance(Duration.ofSeconds(ConferenceReferrals.OUTCOME_TIMEOUT_SECONDS + 1));

    assertThat(removed).isCompletedExceptionally();
    assertThatThrownBy(removed::join).hasMessageContaining("408");
    assertThat(others(conf)).containsExactly(bob + " CONNECTED"); // the focus never said it left
  }

  @Test
  void aRemovalCompletesWhenTheRosterListsTheMemberDisconnected() {
    DefaultConferenceSession conf = entered();
    SipUri bob = SipUri.parse("sip:bob@127.0.0.1");
    rosterNotify(user(bob, EndpointStatus.CONNECTED, null));
    clock.advance(Duration.ofMillis(100));
    Participant member = conf.participants().stream().filter(p -> p.uri().equals(bob))
        .findFirst().orElseThrow();
    CompletableFuture<Void> removed = conf.removeParticipant(member);
    clock.advance(Duration.ofMillis(100));
    referNotify(refers.get(0), "active", "SIP/2.0 100 Trying");

    rosterNotify(user(bob, EndpointStatus.DISCONNECTED, "booted"));
    clock.advance(Duration.ofMillis(100));

    assertThat(removed).isCompleted(); // the roster's word is enough for a removal
    assertThat(others(conf)).isEmpty();
  }

  @Test
  void aRemovalTheRosterConfirmsEndsItsReferSubscriptionAtOnce() {
    DefaultConferenceSession conf = entered();
    SipUri bob = SipUri.parse("sip:bob@127.0.0.1");
    rosterNotify(user(bob, EndpointStatus.CONNECTED, null));
    clock.advance(Duration.ofMillis(100));
    Participant member = conf.participants().stream().filter(p -> p.uri().equals(bob))
        .findFirst().orElseThrow();
    CompletableFuture<Void> removed = conf.removeParticipant(member);
    clock.advance(Duration.ofMillis(100));
    referNotify(refers.get(0), "active", "SIP/2.0 100 Trying");
    clock.advance(Duration.ofMillis(100));
    int subscriptions = alice.ua.subscriptionCount();

    rosterNotify(user(bob, EndpointStatus.DISCONNECTED, "booted"));
    clock.advance(Duration.ofMillis(100));

    assertThat(removed).isCompleted();
    assertThat(inDialog).anySatisfy(r -> { // no slot held until the focus's final NOTIFY
      assertThat(r.method()).isEqualTo(SipMethod.SUBSCRIBE);
      assertThat(r.headers().get(HeaderName.EXPIRES)).isEqualTo("0");
    });
    clock.advance(Duration.ofSeconds(64)); // no final NOTIFY comes: it ends anyway
    assertThat(alice.ua.subscriptionCount()).isEqualTo(subscriptions - 1);
    referNotify(refers.get(0), "terminated;reason=noresource", "SIP/2.0 481 Gone"); // too late
    clock.advance(Duration.ofMillis(100));
    assertThat(removed).isCompletedWithValue(null);
  }

  /** A partial roster NOTIFY naming {@code users}. */
  private void partialRosterNotify(ConferenceInfo.User... users) {
    ConferenceInfo.Builder b = ConferenceInfo.builder("sip:conf-test1@127.0.0.2", ++version)
        .state(ConferenceInfo.State.PARTIAL);
    for (ConferenceInfo.User u : users) {
      b.addUser(u);
    }
    roster.notify(CONFERENCE_INFO, b.build().toBytes());
  }

  /** The roster SUBSCRIBEs that start a subscription (not refreshes, not unsubscribes). */
  private long newRosterSubscriptions() {
    return aliceNet.sentRequests().stream()
        .filter(r -> r.method().equals(SipMethod.SUBSCRIBE) && r.to().tag() == null).count();
  }

  @Test
  void aSecondVersionGapSoonAfterTheFirstSubscribesAgainOnceTheWaitIsOver() {
    DefaultConferenceSession conf = entered();
    assertThat(newRosterSubscriptions()).isEqualTo(1);

    version++; // a NOTIFY went missing: the next one shows the gap
    partialRosterNotify(user(CAROL, EndpointStatus.CONNECTED, null));
    clock.advance(Duration.ofSeconds(1));
    assertThat(newRosterSubscriptions()).as("a new subscription at the first gap").isEqualTo(2);

    version++; // and again, a second later: too soon for another subscription
    partialRosterNotify(user(CAROL, EndpointStatus.CONNECTED, null));
    clock.advance(Duration.ofSeconds(1));
    assertThat(newRosterSubscriptions()).isEqualTo(2);
    assertThat(others(conf)).as("the gap's NOTIFY is not applied").isEmpty();

    // no NOTIFY comes after it: the roster would wait for a full state for good; put off, the
    // new subscription comes once the wait is over and its full state lists carol
    clock.advance(Duration.ofMillis(ConferenceRoster.RESUBSCRIBE_MILLIS));
    assertThat(newRosterSubscriptions()).as("a new subscription after the wait").isEqualTo(3);
    rosterNotify(user(CAROL, EndpointStatus.CONNECTED, null));
    clock.advance(Duration.ofSeconds(1));
    assertThat(others(conf)).containsExactly(CAROL + " CONNECTED");
  }

  @Test
  void theReplacedRosterSubscriptionsLastStateIsNotMergedIntoTheNewOnes() {
    DefaultConferenceSession conf = entered(); // version 1: nobody else
    SipUri bob = SipUri.parse("sip:bob@127.0.0.1");
    rosterNotify(user(CAROL, EndpointStatus.CONNECTED, null)); // version 2
    clock.advance(Duration.ofSeconds(1));
    assertThat(others(conf)).containsExactly(CAROL + " CONNECTED");

    // a NOTIFY went missing (version 3): version 4 shows the gap and alice subscribes again.
    // As Parley's focus does, the old subscription answers her unsubscribe with its full state
    // in its own versions (5, older news: carol only); the new one's start again at 1 (RFC 4575)
    stateAtUnsubscribe = ConferenceInfo.builder("sip:conf-test1@127.0.0.2", 5)
        .addUser(user(CAROL, EndpointStatus.CONNECTED, null)).build().toBytes();
    listedAtSubscribe = new ConferenceInfo.User[] {user(CAROL, EndpointStatus.CONNECTED, null),
        user(bob, EndpointStatus.CONNECTED, null)};
    versionsPerSubscription = true;
    version++;
    partialRosterNotify(user(bob, EndpointStatus.CONNECTED, null));
    clock.advance(Duration.ofSeconds(1));
    assertThat(newRosterSubscriptions()).isEqualTo(2);
    assertThat(others(conf)).as("the new subscription's state, not the old one's last")
        .containsExactly(CAROL + " CONNECTED", bob + " CONNECTED");

    rosterNotify(user(bob, EndpointStatus.CONNECTED, null)); // the new one's version 2
    clock.advance(Duration.ofSeconds(1));
    assertThat(others(conf)).containsExactly(bob + " CONNECTED");
    clock.advance(Duration.ofMillis(3 * ConferenceRoster.RESUBSCRIBE_MILLIS));
    assertThat(newRosterSubscriptions()).as("the old one's end asks for no other").isEqualTo(2);
  }

  @Test
  void aRosterUpdateThatKeepsTheStateKeepsTheRingingReasonAndRaisesNoEvent() {
    DefaultConferenceSession conf = entered();
    conf.addParticipant(CAROL);
    clock.advance(Duration.ofMillis(100));
    referNotify(refers.get(0), "active;expires=300", "SIP/2.0 180 Ringing");
    clock.advance(Duration.ofMillis(100));
    assertThat(events).containsExactly("added " + CAROL, CAROL + " CONNECTING TRYING",
        CAROL + " CONNECTING RINGING");

    rosterNotify(user(CAROL, EndpointStatus.ALERTING, null));
    rosterNotify(user(CAROL, EndpointStatus.DIALING_OUT, null));
    clock.advance(Duration.ofMillis(100));

    assertThat(events).containsExactly("added " + CAROL, CAROL + " CONNECTING TRYING",
        CAROL + " CONNECTING RINGING");
    rosterNotify(user(CAROL, EndpointStatus.CONNECTED, null)); // a new state is an event
    clock.advance(Duration.ofMillis(100));
    assertThat(events).endsWith(CAROL + " CONNECTED NORMAL");
  }

  // ------------------------------------------------------------------------------ relayed

  @Test
  void composingFromSomeoneTheRosterDoesNotListIsIgnored() {
    DefaultConferenceSession conf = entered();
    SipUri bob = SipUri.parse("sip:bob@127.0.0.1");
    rosterNotify(user(bob, EndpointStatus.CONNECTED, null));

    SipResponse stranger = relay("sip:mallory@127.0.0.1", "application/im-iscomposing+xml",
        composing("active"));

    assertThat(stranger.statusCode()).isEqualTo(200);
    assertThat(events).noneMatch(l -> l.contains("mallory"));
    assertThat(others(conf)).containsExactly(bob + " CONNECTED");
    relay(bob.toString(), "application/im-iscomposing+xml", composing("active"));
    assertThat(events).contains("composing " + bob); // a member's is shown
  }

  @Test
  void aMemberWhoLeavesWhileComposingStopsComposingSilently() {
    DefaultConferenceSession conf = entered();
    SipUri bob = SipUri.parse("sip:bob@127.0.0.1");
    rosterNotify(user(bob, EndpointStatus.CONNECTED, null));
    relay(bob.toString(), "application/im-iscomposing+xml", composing("active"));
    Participant member = conf.participants().stream().filter(p -> p.uri().equals(bob))
        .findFirst().orElseThrow();
    assertThat(conf.isComposing(member)).isTrue();

    rosterNotify(); // bob has left
    clock.advance(Duration.ofSeconds(61)); // past the refresh of his indication

    assertThat(events).contains("removed " + bob).noneMatch(l -> l.startsWith("idle"));
    assertThat(conf.isComposing(member)).isFalse();
  }

  @Test
  void ourOwnAddressAsTheWriterOfARelayedMessageNeverJoinsTheRoster() {
    DefaultConferenceSession conf = entered();

    SipResponse typing = relay("sip:alice@127.0.0.1", "application/im-iscomposing+xml",
        composing("active"));
    SipResponse message = relay("sip:alice@127.0.0.1:5099", "text/plain", "from my other phone");

    assertThat(typing.statusCode()).isEqualTo(200);
    assertThat(message.statusCode()).isEqualTo(200);
    assertThat(messages).singleElement().satisfies(m -> {
      assertThat(m.text()).isEqualTo("from my other phone");
      assertThat(m.sender().isLocal()).isFalse();
    });
    assertThat(others(conf)).isEmpty();
    assertThat(events).isEmpty(); // no one added, no one composing
    assertThatThrownBy(() -> conf.removeParticipant(messages.get(0).sender()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
