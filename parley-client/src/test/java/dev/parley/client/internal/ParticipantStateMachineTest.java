package dev.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.client.Endpoint;
import dev.parley.client.InvitationCancelledException;
import dev.parley.client.InvitationExpiredException;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.ParticipantStateChangedEvent;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.sip.SipUri;
import dev.parley.testkit.FakeScheduler;
import dev.parley.testkit.FakeTransportLayer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The state machines of a remote participant ({@link DefaultParticipant}) and of an incoming
 * invitation ({@link InvitationState}), driven directly under the endpoint's lock; events are
 * delivered on the calling thread and timers run on virtual time.
 */
class ParticipantStateMachineTest {
  private static final SipUri BOB = SipUri.parse("sip:bob@127.0.0.1");

  private final FakeScheduler clock = new FakeScheduler();
  private final DefaultEndpoint endpoint = (DefaultEndpoint) Endpoint.builder("sip:alice@127.0.0.1")
      .transport(new FakeTransportLayer(clock)).executor(Runnable::run).build();
  private final DefaultSession session = DefaultSession.create(endpoint, SessionType.AUDIO_VIDEO,
      SessionContext.EMPTY, false);
  private final List<ParticipantStateChangedEvent> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    endpoint.close();
  }

  private DefaultParticipant remote(DefaultParticipant p) {
    p.addListener((who, e) -> events.add(e));
    locked(() -> session.addRemote(p));
    return p;
  }

  private void locked(Runnable action) {
    synchronized (endpoint.lock) {
      action.run();
    }
    endpoint.kick();
  }

  private String changes() {
    StringBuilder b = new StringBuilder();
    for (ParticipantStateChangedEvent e : events) {
      b.append(e.oldState()).append("->").append(e.newState()).append(' ').append(e.reason())
          .append(' ').append(e.statusCode()).append('\n');
    }
    return b.toString();
  }

  @Test
  void anInviteeRaisesOneEventPerChangeTheApplicationCanSee() {
    DefaultParticipant bob = remote(DefaultParticipant.invitee(session, BOB));
    locked(() -> {
      bob.inviting();
      bob.provisional(100);
      bob.provisional(180);
      bob.provisional(180);
      bob.connected(200);
    });
    assertThat(changes()).isEqualTo("""
        IDLE->CONNECTING TRYING 0
        CONNECTING->CONNECTING RINGING 180
        CONNECTING->CONNECTED NORMAL 200
        """);
    assertThat(bob.connection()).isCompletedWithValue(bob);
    assertThat(session.localParticipant().state()).isEqualTo(ParticipantState.IDLE);
  }

  @Test
  void aParticipantWeHangUpOnCannotConnectAndIgnoresLateProvisionals() {
    DefaultParticipant bob = remote(DefaultParticipant.invitee(session, BOB));
    locked(() -> {
      bob.inviting();
      assertThat(bob.hangUp(null)).isNull(); // no INVITE out yet: it is cancelled once sent
      bob.provisional(180);
    });
    assertThat(bob.state()).isEqualTo(ParticipantState.DISCONNECTING);
    assertThat(bob.isHangingUp()).isTrue();
    assertThat(changes()).isEqualTo("""
        IDLE->CONNECTING TRYING 0
        CONNECTING->DISCONNECTING NORMAL 0
        """);
    synchronized (endpoint.lock) {
      assertThatThrownBy(() -> bob.connected(200)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("HANGING_UP cannot connect");
      assertThatThrownBy(bob::inviting).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void disconnectedIsFinalAndEndsTheTwoPartySession() {
    DefaultParticipant bob = remote(DefaultParticipant.inviter(session, BOB, null));
    AtomicInteger moved = new AtomicInteger();
    locked(() -> {
      if (bob.disconnect(ParticipantStateChangeReason.REMOTE_HANGUP, 0, null)) {
        moved.incrementAndGet();
      }
      session.disconnected(bob, ParticipantStateChangeReason.ERROR, 500);
      if (bob.disconnect(ParticipantStateChangeReason.ERROR, 500, null)) {
        moved.incrementAndGet();
      }
      bob.connected(200);
      bob.provisional(180);
      assertThat(bob.hangUp(null)).isNull();
    });
    assertThat(moved).hasValue(1);
    assertThat(changes()).isEqualTo("CONNECTED->DISCONNECTED REMOTE_HANGUP 0\n");
    assertThat(bob.disconnection()).isCompleted();
  }

  @Test
  void theDisconnectionAskedForBeforeCompletesWhenItDisconnectsAndNotBefore() {
    DefaultParticipant bob = remote(DefaultParticipant.inviter(session, BOB, null));
    var disconnection = bob.disconnection();
    assertThat(bob.disconnection()).isSameAs(disconnection);
    locked(() -> bob.provisional(180));
    assertThat(disconnection).isNotDone();

    locked(() -> bob.disconnect(ParticipantStateChangeReason.REMOTE_HANGUP, 0, null));

    assertThat(disconnection).isCompleted();
    assertThat(bob.disconnection()).isSameAs(disconnection);
  }

  @Test
  void hangingUpAnIdleParticipantDisconnectsItAtOnce() {
    DefaultParticipant bob = remote(DefaultParticipant.invitee(session, BOB));
    locked(() -> assertThat(bob.hangUp(null)).isNull());
    assertThat(changes()).isEqualTo("IDLE->DISCONNECTED NORMAL 0\n");
    assertThat(session.isTerminated()).isTrue();
    assertThat(session.localParticipant().state()).isEqualTo(ParticipantState.DISCONNECTED);
  }

  @Test
  void anUnansweredInvitationExpiresOnItsTimerAndDisconnectsTheInviterWith480() throws Exception {
    DefaultParticipant bob = remote(DefaultParticipant.inviter(session, BOB, null));
    InvitationState invitation = new InvitationState(session, bob);
    AtomicInteger answered480 = new AtomicInteger();
    invitation.start(clock, 30_000, answered480::incrementAndGet);
    clock.advanceMillis(29_999);
    assertThat(answered480).hasValue(0);
    clock.advanceMillis(1);
    assertThat(answered480).hasValue(1);
    assertThat(changes()).isEqualTo("CONNECTED->DISCONNECTED NORMAL 480\n");
    synchronized (endpoint.lock) {
      assertThat(invitation.isPending()).isFalse();
      assertThat(invitation.reject(603)).isFalse();
      CompletableFuture<Object> accept = invitation.accept(true, "it was rejected with 480");
      assertThatThrownBy(accept::get).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(InvitationExpiredException.class);
    }
  }

  @Test
  void anAcceptedInvitationStopsItsTimerAndRefusesEveryOtherEnd() {
    DefaultParticipant bob = remote(DefaultParticipant.inviter(session, BOB, null));
    InvitationState invitation = new InvitationState(session, bob);
    AtomicInteger answered480 = new AtomicInteger();
    invitation.start(clock, 30_000, answered480::incrementAndGet);
    synchronized (endpoint.lock) {
      assertThat(invitation.<Object>accept(true, "")).isNull();
      assertThat(invitation.isAccepting()).isTrue();
      assertThat(invitation.reject(603)).isFalse();
      assertThat(invitation.forward()).isFalse();
      assertThat(invitation.cancel(null, false)).isFalse(); // the dialog layer decides that race
      invitation.accepted();
      assertThat(invitation.<Object>accept(true, "")).isCompletedExceptionally();
      assertThatThrownBy(invitation::accepted).isInstanceOf(IllegalStateException.class);
    }
    clock.advanceMillis(60_000);
    assertThat(answered480).hasValue(0);
    assertThat(bob.state()).isEqualTo(ParticipantState.CONNECTED);
    assertThat(events).isEmpty();
  }

  @Test
  void aCancelThatWinsTheRaceWithOurAcceptDisconnectsTheInviterWith487() throws Exception {
    DefaultParticipant bob = remote(DefaultParticipant.inviter(session, BOB, null));
    InvitationState invitation = new InvitationState(session, bob);
    locked(() -> {
      invitation.accept(true, "");
      assertThat(invitation.cancel(null, true)).isTrue();
    });
    assertThat(changes()).isEqualTo("CONNECTED->DISCONNECTED REMOTE_HANGUP 487\n");
    synchronized (endpoint.lock) {
      assertThatThrownBy(invitation.accept(true, "")::get).hasCauseInstanceOf(
          InvitationCancelledException.class);
    }
  }

  @Test
  void aForwardedInvitationReportsForwarded302AndARejectNormalWithItsStatus() {
    DefaultParticipant bob = remote(DefaultParticipant.inviter(session, BOB, null));
    locked(() -> assertThat(new InvitationState(session, bob).forward()).isTrue());
    assertThat(changes()).isEqualTo("CONNECTED->DISCONNECTED FORWARDED 302\n");

    DefaultSession other = DefaultSession.create(endpoint, SessionType.AUDIO_VIDEO,
        SessionContext.EMPTY, true);
    DefaultParticipant carol = DefaultParticipant.inviter(other, SipUri.parse("sip:carol@127.0.0.1"),
        null);
    carol.addListener((who, e) -> events.add(e));
    events.clear();
    locked(() -> {
      other.addRemote(carol);
      assertThat(new InvitationState(other, carol).reject(302)).isTrue();
    });
    assertThat(changes()).isEqualTo("CONNECTED->DISCONNECTED NORMAL 302\n");
  }
}
