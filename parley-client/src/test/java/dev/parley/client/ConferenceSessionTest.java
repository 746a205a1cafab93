package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Conference sessions against a scripted focus on loopback ({@link FakeFocus}, the wire contract
 * of issue 13): creating and entering, leaving, IM with per-recipient results and relayed
 * messages naming their writer, dial-out reaching a third endpoint as a CONFERENCE invitation,
 * removal, refusals, and what the API refuses.
 */
class ConferenceSessionTest {
  private static final long WAIT = 30;
  private final List<Endpoint> endpoints = new ArrayList<>();
  private FakeFocus focus;
  private Endpoint alice;
  private Endpoint bob;
  private Endpoint carol;
  private final BlockingQueue<IncomingSessionEvent> carolInvitations = new LinkedBlockingQueue<>();

  private Endpoint endpoint(String user) {
    Endpoint e = Endpoint.builder("sip:" + user + "@127.0.0.1").listen("udp:127.0.0.1:0")
        .conferenceFactory(focus.factory()).build();
    endpoints.add(e);
    e.enable().join();
    return e;
  }

  @BeforeEach
  void start() {
    focus = FakeFocus.start();
    alice = endpoint("alice");
    bob = endpoint("bob");
    carol = endpoint("carol");
    carol.sessionManager().setListener((source, e) -> carolInvitations.add(e));
  }

  @AfterEach
  void stop() {
    endpoints.forEach(Endpoint::close);
    focus.close();
  }

  private static ConferenceSession conference(Endpoint e) {
    return (ConferenceSession) e.sessionManager().createSession(SessionType.CONFERENCE,
        SessionContext.EMPTY);
  }

  /** Records a conference's events as lines. */
  private static final class Events implements ConferenceSession.Listener {
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final BlockingQueue<InstantMessage> messages = new LinkedBlockingQueue<>();

    @Override
    public void onEntered(ConferenceSession s, SipUri uri) {
      lines.add("entered " + uri);
    }

    @Override
    public void onParticipantAdded(Session s, Participant p) {
      lines.add("added " + p.uri());
      p.addListener((who, e) -> lines.add(who.uri() + " " + e.newState() + " " + e.reason()));
    }

    @Override
    public void onParticipantRemoved(Session s, Participant p) {
      lines.add("removed " + p.uri());
    }

    @Override
    public void onMessageReceived(InstantMessagingSession s, InstantMessage m) {
      messages.add(m);
    }

    @Override
    public void onTerminated(Session s) {
      lines.add("terminated");
    }

    @Override
    public void onRosterChanged(ConferenceSession s) {
      lines.add("roster");
    }

    void await(String line) {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(WAIT))
          .until(() -> lines.contains(line));
    }
  }

  /** The participants but us, as "URI STATE". */
  private static List<String> others(Session s) {
    return s.participants().stream().filter(p -> !p.isLocal())
        .map(p -> p.uri() + " " + p.state()).toList();
  }

  @Test
  void enterWithoutUriCreatesAnAdHocConferenceAtTheFactoryAndLeaveSendsBye() throws Exception {
    ConferenceSession conf = conference(alice);
    Events events = new Events();
    conf.addListener(events);
    assertThat(conf.focus()).isEmpty();
    assertThat(conf.conferenceUri()).isEmpty();

    SipUri uri = conf.enter().get(WAIT, TimeUnit.SECONDS);

    // the focus's user at the factory's host and port (here the scripted focus's)
    assertThat(uri.user()).isEqualTo("conf-test1");
    assertThat(uri.host()).isEqualTo("127.0.0.1");
    assertThat(uri.port()).isPositive();
    assertThat(conf.conferenceUri()).contains(uri);
    assertThat(conf.focus()).hasValueSatisfying(
        f -> assertThat(f.state()).isEqualTo(ParticipantState.CONNECTED));
    assertThat(conf.participants()).containsExactly(conf.localParticipant());
    SipRequest invite = focus.invites.poll(WAIT, TimeUnit.SECONDS);
    assertThat(invite.requestUri()).isEqualTo(focus.factory());
    assertThat(invite.headers().get(HeaderName.MS_CONVERSATION_ID))
        .isEqualTo(conf.context().get(SessionContext.CONVERSATION_ID).orElseThrow());
    assertThat(new String(invite.body(), StandardCharsets.US_ASCII)).contains("m=message ");
    events.await("entered " + uri);

    conf.leave().get(WAIT, TimeUnit.SECONDS);
    assertThat(conf.isTerminated()).isTrue();
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> focus.legCount() == 0);
    events.await("terminated");
    assertThat(conf.trace().ladder()).contains("BYE");
  }

  @Test
  void sendGoesToTheFocusAndCompletesWithOneResultPerRecipientAndTheRelayNamesTheWriter()
      throws Exception {
    ConferenceSession a = conference(alice);
    a.enter().get(WAIT, TimeUnit.SECONDS);
    ConferenceSession b = conference(bob);
    Events bobEvents = new Events();
    b.addListener(bobEvents);
    assertThat(b.enter(focus.conference()).get(WAIT, TimeUnit.SECONDS))
        .isEqualTo(focus.conference());
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> focus.legCount() == 2); // bob's ACK in
    // the roster (SUBSCRIBE Event: conference, NOTIFY conference-info) lists everyone but us
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> others(a).equals(
        List.of("sip:bob@127.0.0.1 CONNECTED")));
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> others(b).equals(
        List.of("sip:alice@127.0.0.1 CONNECTED")));
    bobEvents.await("added sip:alice@127.0.0.1");
    bobEvents.await("sip:alice@127.0.0.1 CONNECTED NORMAL");
    assertThat(bobEvents.lines).contains("roster");
    SipRequest subscribe = focus.subscribes.poll(WAIT, TimeUnit.SECONDS);
    assertThat(subscribe.headers().get(HeaderName.ACCEPT))
        .isEqualTo("application/conference-info+xml");
    assertThat(((SipUri) subscribe.to().uri()).user()).isEqualTo("conf-test1"); // the conference
    assertThat(subscribe.headers().get(HeaderName.EVENT)).isEqualTo("conference");

    List<DeliveryResult> results = a.send("hello all").get(WAIT, TimeUnit.SECONDS);

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.recipient().uri()).hasToString("sip:bob@127.0.0.1");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.isDelivered()).isTrue();
    });
    InstantMessage m = bobEvents.messages.poll(WAIT, TimeUnit.SECONDS);
    assertThat(m).isNotNull();
    assertThat(m.text()).isEqualTo("hello all");
    assertThat(m.contentType().is("text", "plain")).isTrue();
    assertThat(m.sender().uri()).hasToString("sip:alice@127.0.0.1"); // the writer, not the focus
    assertThat(b.participants()).contains(m.sender()); // the writer became a participant
    assertThat(m.sender().state()).isEqualTo(ParticipantState.CONNECTED);
    SipRequest message = focus.received.stream()
        .filter(r -> r.method().equals(SipMethod.MESSAGE)).findFirst().orElseThrow();
    assertThat(message.headers().get(HeaderName.MS_CONVERSATION_ID))
        .isEqualTo(a.context().get(SessionContext.CONVERSATION_ID).orElseThrow());

    b.leave().get(WAIT, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> focus.legCount() == 1);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> others(a).isEmpty()); // bob left
    List<DeliveryResult> alone = a.send("anyone?").get(WAIT, TimeUnit.SECONDS);
    assertThat(alone).singleElement().satisfies(r -> {
      assertThat(r.statusCode()).isEqualTo(480); // nobody else: the focus's answer, for the focus
      assertThat(r.recipient()).isSameAs(a.focus().orElseThrow());
    });
    a.leave().get(WAIT, TimeUnit.SECONDS);
  }

  @Test
  void addParticipantDialsOutThroughTheFocusAndTheInviteeSeesAConferenceInvitation()
      throws Exception {
    ConferenceSession a = conference(alice);
    Events events = new Events();
    a.addListener(events);
    a.enter().get(WAIT, TimeUnit.SECONDS);

    var added = a.addParticipant(carol.contactUri());

    IncomingSessionEvent invitation = carolInvitations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(invitation).isNotNull();
    assertThat(invitation.session().type()).isEqualTo(SessionType.CONFERENCE);
    assertThat(invitation.referredBy()).contains(alice.uri());
    assertThat(invitation.session().context().get(SessionContext.CONVERSATION_ID))
        .isEqualTo(a.context().get(SessionContext.CONVERSATION_ID));
    assertThat(invitation.inviter().uri()).hasToString("sip:conf-test1@127.0.0.1");
    ConferenceSession c = (ConferenceSession) invitation.session();
    assertThat(c.conferenceUri()).hasValueSatisfying(
        u -> assertThat(u).hasToString("sip:conf-test1@127.0.0.1"));
    Events carolEvents = new Events();
    c.addListener(carolEvents);
    invitation.accept().get(WAIT, TimeUnit.SECONDS);
    carolEvents.await("entered sip:conf-test1@127.0.0.1");
    assertThatThrownBy(c::enter).isInstanceOf(IllegalStateException.class);

    Participant carolInAlice = added.get(WAIT, TimeUnit.SECONDS);
    assertThat(carolInAlice.state()).isEqualTo(ParticipantState.CONNECTED);
    assertThat(a.participants()).containsExactly(a.localParticipant(), carolInAlice);
    events.await("added " + carol.contactUri());
    events.await(carol.contactUri() + " CONNECTING TRYING");
    events.await(carol.contactUri() + " CONNECTED NORMAL");
    SipRequest refer = focus.received.stream()
        .filter(r -> r.method().equals(SipMethod.REFER)).findFirst().orElseThrow();
    assertThat(refer.headers().get(HeaderName.REFER_TO)).contains(carol.contactUri().toString());
    assertThat(refer.headers().get(HeaderName.REFERRED_BY)).contains("sip:alice@127.0.0.1");

    // IM reaches the dialled-out participant too, and removal is a REFER with method=BYE
    assertThat(a.send("welcome carol").get(WAIT, TimeUnit.SECONDS))
        .singleElement().satisfies(r -> assertThat(r.isDelivered()).isTrue());
    assertThat(carolEvents.messages.poll(WAIT, TimeUnit.SECONDS).text()).isEqualTo("welcome carol");
    a.removeParticipant(carolInAlice).get(WAIT, TimeUnit.SECONDS);
    c.termination().get(WAIT, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> a.participants().size() == 1);
    events.await("removed " + carol.contactUri());
    a.leave().get(WAIT, TimeUnit.SECONDS);
  }

  @Test
  void aDialOutTheInviteeRejectsFailsWithItsReasonAndLeavesTheCollection() throws Exception {
    carol.sessionManager().setListener((source, e) -> e.reject(RejectReason.BUSY));
    ConferenceSession a = conference(alice);
    Events events = new Events();
    a.addListener(events);
    a.enter().get(WAIT, TimeUnit.SECONDS);

    var added = a.addParticipant(carol.contactUri());

    assertThatThrownBy(() -> added.get(WAIT, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(InvitationRejectedException.class,
            e -> assertThat(e.reason()).contains(RejectReason.BUSY));
    events.await(carol.contactUri() + " DISCONNECTED REMOTE_HANGUP");
    events.await("removed " + carol.contactUri());
    assertThat(a.participants()).containsExactly(a.localParticipant());
    assertThat(a.isTerminated()).isFalse(); // the conference goes on
    a.leave().get(WAIT, TimeUnit.SECONDS);
  }

  @Test
  void aFocusThatRefusesToLetUsInFailsEnterAndEndsTheSession() throws Exception {
    focus.joinStatus = 404;
    ConferenceSession b = conference(bob);

    var entered = b.enter(focus.conference());

    assertThatThrownBy(() -> entered.get(WAIT, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(InvitationRejectedException.class,
            e -> assertThat(e.statusCode()).isEqualTo(404));
    b.termination().get(WAIT, TimeUnit.SECONDS);
    assertThat(b.isTerminated()).isTrue();
  }

  @Test
  void unreadableRelaysAndRosterDocumentsAreRefusedOrIgnoredAndTheConferenceGoesOn()
      throws Exception {
    ConferenceSession a = conference(alice);
    Events events = new Events();
    a.addListener(events);
    a.enter().get(WAIT, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> focus.watcherCount() == 1);

    SipResponse noCpim = focus.sendOnFirstLeg(MediaType.parse("message/cpim"),
        "not a CPIM message at all".getBytes(StandardCharsets.UTF_8)).get(WAIT, TimeUnit.SECONDS);
    assertThat(noCpim.statusCode()).isEqualTo(400);
    SipResponse noFrom = focus.sendOnFirstLeg(MediaType.parse("message/cpim"),
        "To: <sip:x@y>\r\n\r\nContent-Type: text/plain\r\n\r\nhi".getBytes(StandardCharsets.UTF_8))
        .get(WAIT, TimeUnit.SECONDS);
    assertThat(noFrom.statusCode()).isEqualTo(400);
    focus.notifyRaw("<conference-info><user".getBytes(StandardCharsets.UTF_8));

    ConferenceSession b = conference(bob);
    b.enter(focus.conference()).get(WAIT, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> others(a).equals(
        List.of("sip:bob@127.0.0.1 CONNECTED"))); // the next good document applies
    assertThat(events.messages).isEmpty();
    assertThat(a.isTerminated()).isFalse();
    b.leave().get(WAIT, TimeUnit.SECONDS);
    a.leave().get(WAIT, TimeUnit.SECONDS);
  }

  @Test
  void aParticipantOnHoldOrMutedByTheFocusStaysConnectedAndItsAudioSaysIt() throws Exception {
    ConferenceSession a = conference(alice);
    Events events = new Events();
    a.addListener(events);
    a.enter().get(WAIT, TimeUnit.SECONDS);
    ConferenceSession b = conference(bob);
    b.enter(focus.conference()).get(WAIT, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> others(a).equals(
        List.of("sip:bob@127.0.0.1 CONNECTED")));
    events.lines.clear();

    // UCCAPI's participant states (UCC_SESSION_ENTITY_STATE) have no hold: an RFC 4575
    // on-hold or muted-via-focus endpoint is in the conference, CONNECTED
    for (var status : List.of(dev.parley.sip.body.EndpointStatus.ON_HOLD,
        dev.parley.sip.body.EndpointStatus.MUTED_VIA_FOCUS)) {
      focus.notifyRaw(dev.parley.sip.body.ConferenceInfo.builder(
              "sip:" + FakeFocus.ID + "@127.0.0.1", 1000 + status.ordinal()).userCount(2)
          .addUser(dev.parley.sip.body.ConferenceInfo.User.builder("sip:alice@127.0.0.1")
              .addEndpoint(dev.parley.sip.body.ConferenceInfo.Endpoint.builder(
                  "sip:alice@127.0.0.1:1").status(dev.parley.sip.body.EndpointStatus.CONNECTED)
                  .build()).build())
          .addUser(dev.parley.sip.body.ConferenceInfo.User.builder("sip:bob@127.0.0.1")
              .addEndpoint(dev.parley.sip.body.ConferenceInfo.Endpoint.builder(
                  "sip:bob@127.0.0.1:2").status(status).build()).build())
          .build().toBytes());
      events.await("roster");
      events.lines.remove("roster");
      assertThat(others(a)).as(status.name()).containsExactly("sip:bob@127.0.0.1 CONNECTED");
      // its audio says it instead (ConferenceSession.audioState)
      assertThat(a.audioState(a.participants().get(1))).as(status.name()).isEqualTo(
          status == dev.parley.sip.body.EndpointStatus.ON_HOLD
              ? ConferenceSession.AudioState.ON_HOLD : ConferenceSession.AudioState.MUTED_BY_FOCUS);
    }
    assertThat(events.lines).isEmpty(); // no state change, nobody added or removed
    b.leave().get(WAIT, TimeUnit.SECONDS);
    a.leave().get(WAIT, TimeUnit.SECONDS);
  }

  @Test
  void operationsThatNeedTheConferenceAreRefusedBeforeEnteringAndEnterIsOnce() throws Exception {
    ConferenceSession conf = conference(alice);
    assertThatThrownBy(() -> conf.send("too early")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("enter()");
    assertThatThrownBy(() -> conf.addParticipant(bob.contactUri()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> conf.enter(null)).isInstanceOf(NullPointerException.class);

    conf.enter().get(WAIT, TimeUnit.SECONDS);

    assertThatThrownBy(conf::enter).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already");
    assertThatThrownBy(() -> conf.enter(focus.conference()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> conf.removeParticipant(conf.localParticipant()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(conf.isPagerMode()).isFalse();
    conf.leave().get(WAIT, TimeUnit.SECONDS);
    assertThatThrownBy(() -> conf.send("too late")).isInstanceOf(IllegalStateException.class);
  }
}
