package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.testkit.FakeScheduler;
import dev.parley.testkit.FakeTransportLayer;
import dev.parley.transport.Flow;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Timer-driven behaviour on virtual time: fake transports and a fake scheduler, callbacks run
 * directly on the test thread.
 */
class TimersTest {
  private final FakeScheduler clock = new FakeScheduler();
  private final List<EndpointStateChangedEvent> events = new ArrayList<>();

  private FakeTransportLayer net(String listen) {
    return new FakeTransportLayer(clock, ListenPoint.parse(listen));
  }

  private Endpoint.Builder builder(String uri, FakeTransportLayer net) {
    return Endpoint.builder(uri).transport(net).executor(Runnable::run);
  }

  @Test
  void registrationIsRefreshedAtHalfTheGrantedExpiry() {
    FakeTransportLayer aliceNet = net("udp:127.0.0.1:5062");
    FakeTransportLayer registrarNet = net("udp:127.0.0.2:5060");
    aliceNet.connect(registrarNet);
    ScriptedRegistrar registrar = new ScriptedRegistrar(registrarNet);
    registrar.grantedExpiry = 60;
    Endpoint alice = builder("sip:alice@example.test", aliceNet).credentials("alice", "secret")
        .server("sip:127.0.0.2:5060").build();

    CompletableFuture<Void> enabled = alice.enable();

    assertThat(enabled).isCompleted();
    assertThat(alice.state()).isEqualTo(EndpointState.ENABLED);
    assertThat(registrar.authorized()).hasSize(1);
    clock.advance(Duration.ofSeconds(29));
    assertThat(registrar.authorized()).hasSize(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(registrar.authorized()).hasSize(2);
    assertThat(registers(aliceNet)).extracting(r -> r.callId()).containsOnly(
        registers(aliceNet).get(0).callId());
    clock.advance(Duration.ofSeconds(30));
    assertThat(registrar.authorized()).hasSize(3);
    assertThat(alice.state()).isEqualTo(EndpointState.ENABLED);
  }

  @Test
  void aFailedRefreshGoesBackToEnablingAndRecoversWithBackoff() {
    FakeTransportLayer aliceNet = net("udp:127.0.0.1:5062");
    FakeTransportLayer registrarNet = net("udp:127.0.0.2:5060");
    aliceNet.connect(registrarNet);
    ScriptedRegistrar registrar = new ScriptedRegistrar(registrarNet);
    Endpoint alice = builder("sip:alice@example.test", aliceNet).credentials("alice", "secret")
        .server("sip:127.0.0.2:5060").retryBackoff(Duration.ofSeconds(10), Duration.ofSeconds(60))
        .build();
    alice.addListener((e, event) -> events.add(event));
    alice.enable();
    assertThat(alice.state()).isEqualTo(EndpointState.ENABLED);

    registrar.forcedStatus = 503; // the server restarts
    clock.advance(Duration.ofSeconds(30));

    assertThat(alice.state()).isEqualTo(EndpointState.ENABLING);
    EndpointStateChangedEvent lost = events.get(events.size() - 1);
    assertThat(lost.oldState()).isEqualTo(EndpointState.ENABLED);
    assertThat(lost.failure()).get().extracting(SignInException::statusCode).isEqualTo(503);

    registrar.forcedStatus = 0; // it is back
    clock.advance(Duration.ofSeconds(10)); // at most the base backoff

    assertThat(alice.state()).isEqualTo(EndpointState.ENABLED);
  }

  @Test
  void aClosedRegistrationConnectionReRegistersWithinTheReconnectDelay() {
    FakeTransportLayer aliceNet = net("tcp:127.0.0.1:5062");
    FakeTransportLayer registrarNet = net("tcp:127.0.0.2:5060");
    aliceNet.connect(registrarNet);
    ScriptedRegistrar registrar = new ScriptedRegistrar(registrarNet);
    Endpoint alice = builder("sip:alice@example.test", aliceNet).credentials("alice", "secret")
        .server("sip:127.0.0.2:5060;transport=tcp").reconnectDelay(Duration.ofSeconds(5))
        .build();
    alice.addListener((e, event) -> events.add(event));
    alice.enable();
    assertThat(alice.state()).isEqualTo(EndpointState.ENABLED);
    Flow registered = lastRegisterFlow(aliceNet);

    aliceNet.closeConnection(aliceNet.flow(Transport.TCP, "127.0.0.3", 40000)); // not ours
    assertThat(alice.state()).isEqualTo(EndpointState.ENABLED);

    aliceNet.closeConnection(registered); // the server restarted
    assertThat(alice.state()).isEqualTo(EndpointState.ENABLING);
    EndpointStateChangedEvent lost = events.get(events.size() - 1);
    assertThat(lost.oldState()).isEqualTo(EndpointState.ENABLED);
    assertThat(lost.failure()).get().extracting(SignInException::reason)
        .isEqualTo(SignInFailure.SERVER_UNREACHABLE);
    assertThat(lost.failure().get().getMessage()).contains("connection to the registrar closed");

    clock.advance(Duration.ofSeconds(5)); // the random wait is at most reconnectDelay

    assertThat(alice.state()).isEqualTo(EndpointState.ENABLED);
    assertThat(registrar.authorized()).hasSize(2);
    assertThat(lastRegisterFlow(aliceNet).connectionId())
        .as("a new connection").isNotEqualTo(registered.connectionId());
    assertThat(events).extracting(EndpointStateChangedEvent::newState).containsExactly(
        EndpointState.ENABLING, EndpointState.ENABLED, EndpointState.ENABLING,
        EndpointState.ENABLED);
  }

  @Test
  void aRefreshLostWithItsConnectionDoesNotCountAfterTheReRegistration() {
    FakeTransportLayer aliceNet = net("tcp:127.0.0.1:5062");
    FakeTransportLayer registrarNet = net("tcp:127.0.0.2:5060");
    aliceNet.connect(registrarNet);
    ScriptedRegistrar registrar = new ScriptedRegistrar(registrarNet);
    registrar.grantedExpiry = 60;
    Endpoint alice = builder("sip:alice@example.test", aliceNet).credentials("alice", "secret")
        .server("sip:127.0.0.2:5060;transport=tcp").reconnectDelay(Duration.ZERO).build();
    alice.addListener((e, event) -> events.add(event));
    alice.enable();
    Flow registered = lastRegisterFlow(aliceNet);

    aliceNet.dropWhen(m -> m instanceof SipRequest r && r.method().equals(SipMethod.REGISTER));
    clock.advance(Duration.ofSeconds(30)); // the refresh goes out and is never answered
    aliceNet.dropWhen(m -> false);
    aliceNet.closeConnection(registered);
    assertThat(alice.state()).isEqualTo(EndpointState.ENABLING);
    clock.advance(Duration.ZERO); // reconnectDelay zero: re-registers at once
    assertThat(alice.state()).isEqualTo(EndpointState.ENABLED);
    clock.advance(Duration.ofSeconds(33)); // the lost refresh's Timer F fires: ignored

    assertThat(alice.state()).isEqualTo(EndpointState.ENABLED);
    assertThat(events).extracting(EndpointStateChangedEvent::newState).containsExactly(
        EndpointState.ENABLING, EndpointState.ENABLED, EndpointState.ENABLING,
        EndpointState.ENABLED);
    assertThat(registrar.authorized()).hasSizeGreaterThanOrEqualTo(3); // + the next refresh
  }

  private static Flow lastRegisterFlow(FakeTransportLayer net) {
    List<FakeTransportLayer.Sent> sent = net.sent().stream()
        .filter(x -> x.message() instanceof SipRequest r && r.method().equals(SipMethod.REGISTER))
        .toList();
    return sent.get(sent.size() - 1).flow();
  }

  @Test
  void aServerThatNeverAnswersFailsWithTimeout() {
    FakeTransportLayer aliceNet = net("udp:127.0.0.1:5062"); // connected to nothing
    Endpoint alice = builder("sip:alice@example.test", aliceNet).credentials("alice", "secret")
        .server("sip:127.0.0.2:5060").build();
    CompletableFuture<Void> enabled = alice.enable();
    assertThat(alice.state()).isEqualTo(EndpointState.ENABLING);

    clock.advance(Duration.ofSeconds(33)); // Timer F = 64*T1

    assertThat(enabled).isCompletedExceptionally();
    SignInException failure = (SignInException) enabled.handle((v, e) -> e).join();
    assertThat(failure.reason()).isEqualTo(SignInFailure.TIMEOUT);
    assertThat(alice.state()).isEqualTo(EndpointState.DISABLED);
  }

  @Test
  void anUnansweredInvitationIsRejectedWith480AtItsDeadline() {
    FakeTransportLayer aliceNet = net("udp:127.0.0.1:5062");
    FakeTransportLayer bobNet = net("udp:127.0.0.2:5064");
    aliceNet.connect(bobNet);
    Endpoint alice = builder("sip:alice@127.0.0.1", aliceNet).build();
    Endpoint bob = builder("sip:bob@127.0.0.2", bobNet).invitationTimeout(Duration.ofSeconds(20))
        .build();
    alice.enable();
    bob.enable();
    List<IncomingSessionEvent> invitations = new ArrayList<>();
    bob.sessionManager().setListener((source, e) -> invitations.add(e)); // ignores them
    Session session = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
        SessionContext.EMPTY);
    Recorder aliceSide = Recorder.on(session);
    java.time.Instant before = java.time.Instant.now();
    CompletableFuture<Participant> added = session.addParticipant(SipUri.parse("sip:bob@127.0.0.2:5064"));
    java.time.Instant after = java.time.Instant.now();
    assertThat(invitations).hasSize(1);
    Recorder bobSide = Recorder.on(invitations.get(0).session());
    assertThat(invitations.get(0).deadline()).isBetween(before.plusSeconds(20), after.plusSeconds(20));

    clock.advance(Duration.ofSeconds(19));
    assertThat(added).isNotDone();
    assertThat(aliceSide.events).contains("CONNECTING/RINGING/180");
    clock.advance(Duration.ofSeconds(1));

    assertThat(bobNet.sentResponses()).extracting(SipResponse::statusCode).contains(180, 480);
    assertThat(added).isCompletedExceptionally();
    assertThat(aliceSide.last().rejectReason()).contains(RejectReason.UNAVAILABLE);
    assertThat(bobSide.events).containsExactly("DISCONNECTED/NORMAL/480",
        "removed sip:alice@127.0.0.1", "terminated");
    assertThat(invitations.get(0).accept()).isCompletedExceptionally();
    assertThat(invitations.get(0).accept().handle((s, e) -> e).join())
        .isInstanceOf(InvitationExpiredException.class);
    assertThat(bob.sessionManager().sessions()).isEmpty();
    assertThat(alice.sessionManager().sessions()).isEmpty();
    clock.advance(Duration.ofSeconds(40));
    assertThat(((dev.parley.client.internal.DefaultEndpoint) bob).userAgent().dialogCount()).isZero();
    assertThat(((dev.parley.client.internal.DefaultEndpoint) bob).userAgent().pendingInviteCount()).isZero();
  }

  @Test
  void aByeNobodyAnswersEndsTheSessionAtTimerF() {
    FakeTransportLayer aliceNet = net("udp:127.0.0.1:5062");
    FakeTransportLayer bobNet = net("udp:127.0.0.2:5064");
    aliceNet.connect(bobNet);
    Endpoint alice = builder("sip:alice@127.0.0.1", aliceNet).build();
    Endpoint bob = builder("sip:bob@127.0.0.2", bobNet).build();
    alice.enable();
    bob.enable();
    bob.sessionManager().setListener((source, e) -> e.accept());
    // an application session: its SDP needs no RTP socket, so all of it runs in virtual time
    Session call = alice.sessionManager().createSession(SessionType.APPLICATION,
        SessionContext.EMPTY);
    Recorder aliceSide = Recorder.on(call);
    assertThat(call.addParticipant(SipUri.parse("sip:bob@127.0.0.2:5064"))).isCompleted();
    bobNet.dropWhen(m -> m instanceof SipResponse r && r.cseq().method().equals(SipMethod.BYE));

    CompletableFuture<Void> ended = call.terminate(RejectReason.DECLINE);

    assertThat(aliceSide.events).endsWith("DISCONNECTING/NORMAL");
    clock.advance(Duration.ofMillis(31_900));
    assertThat(ended).isNotDone();
    assertThat(call.isTerminated()).isFalse();
    clock.advance(Duration.ofMillis(200)); // Timer F = 64*T1 = 32 s
    assertThat(ended).isCompleted();
    assertThat(aliceSide.events).endsWith("DISCONNECTED/NORMAL", "removed sip:bob@127.0.0.2:5064",
        "terminated");
  }

  private static List<SipRequest> registers(FakeTransportLayer net) {
    return net.sentRequests().stream().filter(r -> r.method().equals(SipMethod.REGISTER)).toList();
  }
}
