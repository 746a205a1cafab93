package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.client.internal.DefaultEndpoint;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipUri;
import dev.parley.testkit.MockSipPeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Invitations between serverless endpoints over real UDP sockets on loopback. */
class InvitationTest {
  private final List<Endpoint> endpoints = new ArrayList<>();
  private Endpoint alice;
  private Endpoint bob;
  private final BlockingQueue<IncomingSessionEvent> bobInvitations = new LinkedBlockingQueue<>();

  private Endpoint endpoint(String user) {
    Endpoint e = Endpoint.builder("sip:" + user + "@127.0.0.1").listen("udp:127.0.0.1:0").build();
    endpoints.add(e);
    e.enable().join();
    return e;
  }

  @BeforeEach
  void start() {
    alice = endpoint("alice");
    bob = endpoint("bob");
    bob.sessionManager().setListener((source, e) -> bobInvitations.add(e));
  }

  @AfterEach
  void stop() {
    endpoints.forEach(Endpoint::close);
  }

  private IncomingSessionEvent nextInvitation() throws InterruptedException {
    IncomingSessionEvent e = bobInvitations.poll(5, TimeUnit.SECONDS);
    assertThat(e).as("invitation").isNotNull();
    return e;
  }

  private static SipUri addressOf(Endpoint e) {
    return e.contactUri();
  }

  @Test
  void acceptConnectsBothSidesAndTheInviterSeesConnected() throws Exception {
    Session session = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.EMPTY);
    Recorder aliceSide = Recorder.on(session);
    CompletableFuture<Participant> added = session.addParticipant(addressOf(bob));

    IncomingSessionEvent invitation = nextInvitation();
    assertThat(invitation.session().type()).isEqualTo(SessionType.INSTANT_MESSAGING);
    assertThat(invitation.inviter().uri().toString()).isEqualTo("sip:alice@127.0.0.1");
    assertThat(invitation.inviter().state()).isEqualTo(ParticipantState.CONNECTED);
    assertThat(invitation.session().participants()).hasSize(2);
    await().until(() -> aliceSide.events.contains("CONNECTING/RINGING/180"));

    Session bobSession = invitation.accept().get(5, TimeUnit.SECONDS);
    Participant bobParticipant = added.get(5, TimeUnit.SECONDS);

    assertThat(bobParticipant.state()).isEqualTo(ParticipantState.CONNECTED);
    assertThat(bobSession.localParticipant().state()).isEqualTo(ParticipantState.CONNECTED);
    await().until(() -> aliceSide.events.contains("CONNECTED/NORMAL/200"));
    assertThat(aliceSide.events).containsSubsequence("added " + addressOf(bob),
        "CONNECTING/TRYING", "CONNECTING/RINGING/180", "CONNECTED/NORMAL/200");
    assertThat(aliceSide.threads).allSatisfy(t -> assertThat(t.getName()).startsWith("parley-client-"));

    Recorder bobSide = Recorder.on(bobSession);
    session.terminate(RejectReason.DECLINE).get(5, TimeUnit.SECONDS);
    bobSession.termination().get(5, TimeUnit.SECONDS);
    await().until(() -> bobSide.events.contains("terminated"));
    assertThat(bobSide.events).containsSubsequence("DISCONNECTED/REMOTE_HANGUP/603", "terminated");
    assertThat(aliceSide.last().newState()).isEqualTo(ParticipantState.DISCONNECTED);
    assertThat(aliceSide.last().reason()).isEqualTo(ParticipantStateChangeReason.NORMAL);
    assertNothingLeft();
  }

  @ParameterizedTest
  @EnumSource(value = RejectReason.class, names = {"TIMEOUT", "UNAVAILABLE", "BUSY",
      "NOT_ACCEPTABLE", "DECLINE", "DECLINE_EVERYWHERE"})
  void rejectReachesTheInviterAsThatReason(RejectReason reason) throws Exception {
    Session session = alice.sessionManager().createSession(SessionType.AUDIO_VIDEO,
        SessionContext.EMPTY);
    Recorder aliceSide = Recorder.on(session);
    CompletableFuture<Participant> added = session.addParticipant(addressOf(bob));
    IncomingSessionEvent invitation = nextInvitation();
    assertThat(invitation.session().type()).isEqualTo(SessionType.AUDIO_VIDEO);

    assertThat(invitation.reject(reason)).isTrue();

    ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, () -> added.get(5, TimeUnit.SECONDS));
    assertThat(failure.getCause()).isInstanceOf(InvitationRejectedException.class);
    assertThat(((InvitationRejectedException) failure.getCause()).reason()).contains(reason);
    await().until(() -> aliceSide.events.contains("terminated"));
    ParticipantStateChangedEvent outcome = aliceSide.changes.stream()
        .filter(e -> e.newState() == ParticipantState.DISCONNECTED).findFirst().orElseThrow();
    assertThat(outcome.oldState()).isEqualTo(ParticipantState.CONNECTING);
    assertThat(outcome.statusCode()).isEqualTo(reason.statusCode());
    assertThat(outcome.rejectReason()).contains(reason);
    assertThat(outcome.reason()).isEqualTo(ParticipantStateChangeReason.REMOTE_HANGUP);
    assertThat(invitation.inviter().state()).isEqualTo(ParticipantState.DISCONNECTED);
    assertThat(invitation.session().isTerminated()).isTrue();
    assertThat(invitation.accept()).failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class);
    assertNothingLeft();
  }

  @Test
  void notSpecifiedIsRefusedByRejectAndTerminate() throws Exception {
    Session session = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.EMPTY);
    session.addParticipant(addressOf(bob));
    IncomingSessionEvent invitation = nextInvitation();
    assertThatThrownBy(() -> invitation.reject(RejectReason.NOT_SPECIFIED))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
    assertThatThrownBy(() -> invitation.reject(RejectReason.FORWARDED))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("forward");
    assertThatThrownBy(() -> session.terminate(RejectReason.NOT_SPECIFIED))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
    assertThat(invitation.isPending()).isTrue();
    invitation.reject(RejectReason.DECLINE);
    session.termination().get(5, TimeUnit.SECONDS);
  }

  @Test
  void inviterCancelDisconnectsTheInviterAndAcceptFailsWithTypedException() throws Exception {
    Session session = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.EMPTY);
    Recorder aliceSide = Recorder.on(session);
    CompletableFuture<Participant> added = session.addParticipant(addressOf(bob));
    IncomingSessionEvent invitation = nextInvitation();
    Recorder bobSide = Recorder.on(invitation.session());
    await().until(() -> aliceSide.events.contains("CONNECTING/RINGING/180"));

    session.terminate(RejectReason.DECLINE).get(5, TimeUnit.SECONDS);

    await().until(() -> invitation.inviter().state() == ParticipantState.DISCONNECTED);
    assertThat(invitation.accept()).failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(InvitationCancelledException.class);
    assertThat(added).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(InvitationCancelledException.class);
    await().until(() -> bobSide.events.contains("terminated"));
    assertThat(bobSide.events).containsSubsequence("DISCONNECTED/REMOTE_HANGUP/487",
        "removed sip:alice@127.0.0.1", "terminated");
    assertThat(bobSide.last().remoteReason()).get().satisfies(r -> {
      assertThat(r.protocol()).isEqualTo("SIP");
      assertThat(r.cause()).isEqualTo(603);
      assertThat(r.text()).isEqualTo("Decline");
    });
    assertThat(wire(session.trace(), "CANCEL"))
        .contains("\r\nReason: SIP;cause=603;text=\"Decline\"\r\n");
    assertNothingLeft();
  }

  @Test
  void sessionIdsCountFromOneInCreationOrderAndStayTheSame() throws Exception {
    Session first = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.EMPTY);
    Session second = alice.sessionManager().createSession(SessionType.AUDIO_VIDEO,
        SessionContext.EMPTY);
    assertThat(first.id()).isEqualTo(1);
    assertThat(second.id()).isEqualTo(2);

    first.addParticipant(addressOf(bob));
    IncomingSessionEvent invitation = nextInvitation();
    Session incoming = invitation.session();
    Session bobOwn = bob.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.EMPTY);
    assertThat(incoming.id()).isEqualTo(1); // bob's first: incoming and outgoing share the count
    assertThat(bobOwn.id()).isEqualTo(2);
    invitation.accept().get(5, TimeUnit.SECONDS);
    first.terminate(RejectReason.DECLINE).get(5, TimeUnit.SECONDS);
    incoming.termination().get(5, TimeUnit.SECONDS);
    assertThat(first.id()).isEqualTo(1);
    assertThat(incoming.id()).isEqualTo(1);
    assertThat(alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.EMPTY).id()).isEqualTo(3); // never reused
    second.terminate(RejectReason.DECLINE);
    bobOwn.terminate(RejectReason.DECLINE);
  }

  @Test
  void aSessionWeEndWithByeEndsAfterTheByeIsAnsweredSoItsTraceIsComplete() throws Exception {
    bob.sessionManager().setListener((source, e) -> e.accept());
    Session call = alice.sessionManager().createSession(SessionType.AUDIO_VIDEO,
        SessionContext.EMPTY);
    Recorder aliceSide = Recorder.on(call);
    List<String> tracedAtTheEnd = new java.util.concurrent.CopyOnWriteArrayList<>();
    call.addListener(new Session.Listener() {
      @Override
      public void onTerminated(Session s) {
        tracedAtTheEnd.addAll(labels(s.trace()));
      }
    });
    call.addParticipant(addressOf(bob)).get(5, TimeUnit.SECONDS);

    call.terminate(RejectReason.DECLINE).get(5, TimeUnit.SECONDS);

    // no waiting: already there (a PRACK of the reliable 180 may come late, hence not endsWith)
    assertThat(labels(call.trace())).containsSubsequence("ACK", "BYE", "200 OK (BYE)");
    await().until(() -> aliceSide.events.contains("terminated"));
    assertThat(tracedAtTheEnd).containsSubsequence("ACK", "BYE", "200 OK (BYE)");
    assertThat(aliceSide.events).containsSubsequence("CONNECTED/NORMAL/200",
        "DISCONNECTING/NORMAL", "DISCONNECTED/NORMAL", "removed " + addressOf(bob), "terminated");
    assertNothingLeft();
  }

  @Test
  void ourByeCarriesTheTerminateReasonAndThePeerSeesItOnItsEvent() throws Exception {
    Session call = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.EMPTY);
    CompletableFuture<Participant> added = call.addParticipant(addressOf(bob));
    IncomingSessionEvent invitation = nextInvitation();
    Session bobSession = invitation.accept().get(5, TimeUnit.SECONDS);
    Recorder bobSide = Recorder.on(bobSession);
    added.get(5, TimeUnit.SECONDS);

    call.terminate(RejectReason.BUSY).get(5, TimeUnit.SECONDS);

    bobSession.termination().get(5, TimeUnit.SECONDS);
    await().until(() -> bobSide.events.contains("terminated"));
    ParticipantStateChangedEvent hangup = bobSide.last();
    assertThat(hangup.oldState()).isEqualTo(ParticipantState.CONNECTED);
    assertThat(hangup.newState()).isEqualTo(ParticipantState.DISCONNECTED);
    assertThat(hangup.reason()).isEqualTo(ParticipantStateChangeReason.REMOTE_HANGUP);
    assertThat(hangup.statusCode()).isEqualTo(486);
    assertThat(hangup.remoteReason()).get().hasToString("SIP;cause=486;text=\"Busy Here\"");
    assertThat(wire(call.trace(), "BYE"))
        .contains("\r\nReason: SIP;cause=486;text=\"Busy Here\"\r\n");
    assertNothingLeft();
  }

  @Test
  void aNormalTerminateHangsUpWithoutReasonAndThePeerSeesAnOrdinaryHangUp() throws Exception {
    Session call = alice.sessionManager().createSession(SessionType.AUDIO_VIDEO,
        SessionContext.EMPTY);
    Recorder aliceSide = Recorder.on(call);
    CompletableFuture<Participant> added = call.addParticipant(addressOf(bob));
    IncomingSessionEvent invitation = nextInvitation();
    Session bobSession = invitation.accept().get(5, TimeUnit.SECONDS);
    Recorder bobSide = Recorder.on(bobSession);
    added.get(5, TimeUnit.SECONDS);

    call.terminate().get(5, TimeUnit.SECONDS);

    bobSession.termination().get(5, TimeUnit.SECONDS);
    await().until(() -> bobSide.events.contains("terminated"));
    ParticipantStateChangedEvent hangup = bobSide.last();
    assertThat(hangup.oldState()).isEqualTo(ParticipantState.CONNECTED);
    assertThat(hangup.newState()).isEqualTo(ParticipantState.DISCONNECTED);
    assertThat(hangup.reason()).isEqualTo(ParticipantStateChangeReason.REMOTE_HANGUP);
    assertThat(hangup.statusCode()).as("no decline, no cause").isZero();
    assertThat(hangup.rejectReason()).isEmpty();
    assertThat(hangup.remoteReason()).isEmpty();
    assertThat(wire(call.trace(), "BYE")).doesNotContain("\r\nReason:");
    await().until(() -> aliceSide.events.contains("terminated"));
    assertThat(aliceSide.events).containsSubsequence("DISCONNECTING/NORMAL", "DISCONNECTED/NORMAL");
    assertNothingLeft();
  }

  @Test
  void aNormalTerminateWhileRingingCancelsWithoutReason() throws Exception {
    Session call = alice.sessionManager().createSession(SessionType.AUDIO_VIDEO,
        SessionContext.EMPTY);
    Recorder aliceSide = Recorder.on(call);
    CompletableFuture<Participant> added = call.addParticipant(addressOf(bob));
    IncomingSessionEvent invitation = nextInvitation();
    Recorder bobSide = Recorder.on(invitation.session());
    await().until(() -> aliceSide.events.contains("CONNECTING/RINGING/180"));

    call.terminate().get(5, TimeUnit.SECONDS);

    assertThat(added).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(InvitationCancelledException.class);
    await().until(() -> bobSide.events.contains("terminated"));
    assertThat(bobSide.events).contains("DISCONNECTED/REMOTE_HANGUP/487");
    assertThat(bobSide.last().rejectReason()).isEmpty();
    assertThat(bobSide.last().remoteReason()).isEmpty();
    assertThat(wire(call.trace(), "CANCEL")).doesNotContain("\r\nReason:");
    assertNothingLeft();
  }

  @Test
  void aNormalTerminateDeclinesAnInvitationNobodyAnswered() throws Exception {
    Session call = alice.sessionManager().createSession(SessionType.AUDIO_VIDEO,
        SessionContext.EMPTY);
    CompletableFuture<Participant> added = call.addParticipant(addressOf(bob));
    IncomingSessionEvent invitation = nextInvitation();

    invitation.session().terminate().get(5, TimeUnit.SECONDS);

    assertThat(added).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(InvitationRejectedException.class)
        .satisfies(e -> assertThat(((InvitationRejectedException) e).reason())
            .contains(RejectReason.DECLINE));
    assertThat(invitation.isPending()).isFalse();
    assertNothingLeft();
  }

  @Test
  void removeParticipantHangsUpNormally() throws Exception {
    Session call = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.EMPTY);
    CompletableFuture<Participant> added = call.addParticipant(addressOf(bob));
    IncomingSessionEvent invitation = nextInvitation();
    Session bobSession = invitation.accept().get(5, TimeUnit.SECONDS);
    Recorder bobSide = Recorder.on(bobSession);
    Participant bobThere = added.get(5, TimeUnit.SECONDS);

    call.removeParticipant(bobThere).get(5, TimeUnit.SECONDS);

    await().until(() -> bobSide.events.contains("terminated"));
    assertThat(bobSide.last().reason()).isEqualTo(ParticipantStateChangeReason.REMOTE_HANGUP);
    assertThat(bobSide.last().statusCode()).isZero();
    assertThat(bobSide.last().remoteReason()).isEmpty();
    assertThat(wire(call.trace(), "BYE")).doesNotContain("\r\nReason:");
    assertNothingLeft();
  }

  @Test
  void aReasonHeaderOnTheRejectingResponseReachesTheInvitersEvent() throws Exception {
    try (MockSipPeer dave = MockSipPeer.start()) {
      Session call = alice.sessionManager().createSession(SessionType.AUDIO_VIDEO,
          SessionContext.EMPTY);
      Recorder aliceSide = Recorder.on(call);
      CompletableFuture<Participant> added = call.addParticipant(SipUri.parse(dave.uri("dave")));
      dev.parley.sip.SipRequest invite = dave.takeRequest(SipMethod.INVITE);

      dave.respond(invite, 480, "Reason", "Q.850;cause=18;text=\"No user responding\"");

      assertThat(added).failsWithin(Duration.ofSeconds(5));
      await().until(() -> aliceSide.events.contains("terminated"));
      ParticipantStateChangedEvent outcome = aliceSide.changes.stream()
          .filter(e -> e.newState() == ParticipantState.DISCONNECTED).findFirst().orElseThrow();
      assertThat(outcome.statusCode()).isEqualTo(480);
      assertThat(outcome.remoteReason()).get().satisfies(r -> {
        assertThat(r.protocol()).isEqualTo("Q.850");
        assertThat(r.cause()).isEqualTo(18);
        assertThat(r.text()).isEqualTo("No user responding");
      });
      assertThat(aliceSide.changes).filteredOn(e -> e.newState() != ParticipantState.DISCONNECTED)
          .allSatisfy(e -> assertThat(e.remoteReason()).isEmpty());
    }
  }

  @Test
  void theDeadlineIsTheArrivalPlusTheInvitationTimeout() throws Exception {
    Session session = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.EMPTY);
    java.time.Instant before = java.time.Instant.now();
    session.addParticipant(addressOf(bob));
    IncomingSessionEvent invitation = nextInvitation();
    java.time.Instant after = java.time.Instant.now();

    assertThat(invitation.deadline()).isBetween(before.plusSeconds(30), after.plusSeconds(30));
    invitation.reject(RejectReason.DECLINE);
    assertThat(invitation.deadline()).isBetween(before.plusSeconds(30), after.plusSeconds(30));
    session.termination().get(5, TimeUnit.SECONDS);
  }

  /** The label of each message of {@code trace}, in order. */
  static List<String> labels(SessionTrace trace) {
    return trace.messages().stream().map(SessionTrace.Message::label).toList();
  }

  /** The wire text of the first message of {@code trace} labelled {@code label}. */
  static String wire(SessionTrace trace, String label) {
    return trace.messages().stream().filter(m -> m.label().equals(label)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + label + " in " + labels(trace))).text();
  }

  @Test
  void aBlockingCallbackOnOneEndpointDoesNotDelayAnother() throws Exception {
    Endpoint carol = endpoint("carol");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch carolCalled = new CountDownLatch(1);
    carol.sessionManager().setListener((source, e) -> {
      carolCalled.countDown();
      try {
        release.await(); // a modal dialog nobody answers yet
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      e.reject(RejectReason.BUSY);
    });
    Session toCarol = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.EMPTY);
    CompletableFuture<Participant> carolOutcome = toCarol.addParticipant(addressOf(carol));
    assertThat(carolCalled.await(5, TimeUnit.SECONDS)).isTrue();

    bob.sessionManager().setListener((source, e) -> e.accept());
    Session toBob = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.EMPTY);
    Participant bobParticipant = toBob.addParticipant(addressOf(bob)).get(5, TimeUnit.SECONDS);
    assertThat(bobParticipant.state()).isEqualTo(ParticipantState.CONNECTED);
    assertThat(carolOutcome).isNotDone();

    release.countDown();
    assertThat(carolOutcome).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(InvitationRejectedException.class);
    toBob.terminate(RejectReason.DECLINE).get(5, TimeUnit.SECONDS);
  }

  @Test
  void conversationIdIsGeneratedByTheInitiatorAndKeptByTheReceiver() throws Exception {
    Session session = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.builder().set(SessionContext.SUBJECT, "Release plan").build());
    String id = session.context().get(SessionContext.CONVERSATION_ID).orElseThrow();
    session.addParticipant(addressOf(bob));
    IncomingSessionEvent invitation = nextInvitation();
    assertThat(invitation.session().context().get(SessionContext.CONVERSATION_ID)).contains(id);
    assertThat(invitation.session().context().get(SessionContext.SUBJECT)).contains("Release plan");
    invitation.reject(RejectReason.DECLINE);

    Session again = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.builder().set(SessionContext.CONVERSATION_ID, "{given-id}").build());
    again.addParticipant(addressOf(bob));
    IncomingSessionEvent second = nextInvitation();
    assertThat(second.session().context().get(SessionContext.CONVERSATION_ID)).contains("{given-id}");
    second.reject(RejectReason.DECLINE);
    again.termination().get(5, TimeUnit.SECONDS);
  }

  @Test
  void byeFromTheInviteeIsRemoteHangupForTheInviter() throws Exception {
    Session session = alice.sessionManager().createSession(SessionType.APPLICATION,
        SessionContext.EMPTY);
    Recorder aliceSide = Recorder.on(session);
    CompletableFuture<Participant> added = session.addParticipant(addressOf(bob));
    IncomingSessionEvent invitation = nextInvitation();
    assertThat(invitation.session().type()).isEqualTo(SessionType.APPLICATION);
    Session bobSession = invitation.accept().get(5, TimeUnit.SECONDS);
    added.get(5, TimeUnit.SECONDS);

    bobSession.terminate(RejectReason.BUSY).get(5, TimeUnit.SECONDS);

    session.termination().get(5, TimeUnit.SECONDS);
    await().until(() -> aliceSide.events.contains("terminated"));
    assertThat(aliceSide.last().newState()).isEqualTo(ParticipantState.DISCONNECTED);
    assertThat(aliceSide.last().oldState()).isEqualTo(ParticipantState.CONNECTED);
    assertThat(aliceSide.last().reason()).isEqualTo(ParticipantStateChangeReason.REMOTE_HANGUP);
    assertNothingLeft();
  }

  @Test
  void invitationsWithoutAListenerAreRejectedUnavailable() throws Exception {
    bob.sessionManager().setListener(null);
    Session session = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.EMPTY);
    assertThat(session.addParticipant(addressOf(bob))).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(InvitationRejectedException.class)
        .satisfies(e -> assertThat(((InvitationRejectedException) e).reason())
            .contains(RejectReason.UNAVAILABLE));
  }

  private void assertNothingLeft() {
    for (Endpoint e : List.of(alice, bob)) {
      DefaultEndpoint d = (DefaultEndpoint) e;
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(d.sessionManager().sessions()).as("sessions of " + e.uri()).isEmpty();
        assertThat(d.userAgent().dialogCount()).as("dialogs of " + e.uri()).isZero();
        assertThat(d.userAgent().pendingInviteCount()).as("pending INVITEs of " + e.uri()).isZero();
      });
    }
  }
}
