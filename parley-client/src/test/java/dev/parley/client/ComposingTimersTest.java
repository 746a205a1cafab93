package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipMessage;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.testkit.FakeScheduler;
import dev.parley.testkit.FakeTransportLayer;
import dev.parley.transport.ListenPoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 3994 timers on virtual time: our idle timeout and refresh, the peer's refresh expiry, and the
 * quiet end of a pager session. Fake transports, callbacks on the test thread.
 */
class ComposingTimersTest {
  private final FakeScheduler clock = new FakeScheduler();
  private FakeTransportLayer aliceNet;
  private FakeTransportLayer bobNet;
  private Endpoint alice;
  private Endpoint bob;
  private final List<IncomingSessionEvent> invitations = new ArrayList<>();
  private ImRecorder bobSide;

  @BeforeEach
  void start() {
    aliceNet = new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.1:5062"));
    bobNet = new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.2:5064"));
    aliceNet.connect(bobNet);
    alice = Endpoint.builder("sip:alice@127.0.0.1").transport(aliceNet).executor(Runnable::run)
        .build();
    bob = Endpoint.builder("sip:bob@127.0.0.2").transport(bobNet).executor(Runnable::run)
        .pagerSessionIdleTimeout(Duration.ofMinutes(5)).build();
    alice.enable();
    bob.enable();
    bob.sessionManager().setListener((source, e) -> {
      invitations.add(e);
      bobSide = ImRecorder.on(e.session());
      e.accept();
    });
  }

  private InstantMessagingSession connectedIm(SessionContext context) {
    InstantMessagingSession im = (InstantMessagingSession) alice.sessionManager()
        .createSession(SessionType.INSTANT_MESSAGING, context);
    im.addParticipant(SipUri.parse("sip:bob@127.0.0.2:5064"));
    return im;
  }

  private static boolean isIndication(SipMessage m, String state) {
    return m instanceof SipRequest r && r.method().equals(SipMethod.MESSAGE)
        && r.bodyAsString().contains("<state>" + state + "</state>");
  }

  private long indicationsSent(String state) {
    return aliceNet.sentRequests().stream().filter(r -> isIndication(r, state)).count();
  }

  @Test
  void idleIsSentAfterTheIdleTimeoutCountedFromTheLastKeystroke() {
    InstantMessagingSession im = connectedIm(SessionContext.EMPTY);
    assertThat(invitations).hasSize(1);

    im.setComposing(true);
    assertThat(bobSide.events).containsExactly("composing sip:alice@127.0.0.1");
    clock.advance(Duration.ofSeconds(10));
    im.setComposing(true); // another keystroke: no new indication, the idle deadline moves
    assertThat(indicationsSent("active")).isEqualTo(1);
    clock.advance(Duration.ofSeconds(14));
    assertThat(indicationsSent("idle")).isZero();
    clock.advance(Duration.ofSeconds(1)); // 15 s after the last keystroke

    assertThat(indicationsSent("idle")).isEqualTo(1);
    assertThat(bobSide.events).containsExactly("composing sip:alice@127.0.0.1",
        "idle sip:alice@127.0.0.1");
  }

  @Test
  void activeIsRefreshedWhileTypingGoesOn() {
    InstantMessagingSession im = connectedIm(SessionContext.EMPTY);
    for (int s = 0; s <= 100; s += 10) {
      im.setComposing(true);
      clock.advance(Duration.ofSeconds(10));
    }
    assertThat(indicationsSent("active")).isEqualTo(2); // at 0 s and at the 90 s refresh
    assertThat(aliceNet.sentRequests().stream().filter(r -> isIndication(r, "active")).findFirst()
        .orElseThrow().bodyAsString()).contains("<refresh>90</refresh>");
    assertThat(bobSide.events).containsExactly("composing sip:alice@127.0.0.1");
  }

  @Test
  void thePeerGoesIdleWhenItsActiveIndicationIsNotRefreshed() {
    aliceNet.dropWhen(m -> isIndication(m, "idle")); // the idle indication is lost
    InstantMessagingSession im = connectedIm(SessionContext.EMPTY);
    im.setComposing(true);
    clock.advance(Duration.ofSeconds(89));
    InstantMessagingSession bobIm = (InstantMessagingSession) invitations.get(0).session();
    assertThat(bobIm.isComposing(invitations.get(0).inviter())).isTrue();

    clock.advance(Duration.ofSeconds(1)); // the refresh (90 s) the active indication gave

    assertThat(bobIm.isComposing(invitations.get(0).inviter())).isFalse();
    assertThat(bobSide.events).containsExactly("composing sip:alice@127.0.0.1",
        "idle sip:alice@127.0.0.1");
  }

  @Test
  void aQuietPagerSessionEndsByItself() {
    InstantMessagingSession im = connectedIm(
        SessionContext.builder().set(SessionContext.PAGER_MODE, true).build());
    im.send("hello over MESSAGE");
    assertThat(invitations).hasSize(1);
    assertThat(invitations.get(0).message()).isPresent();
    Session bobSession = invitations.get(0).session();
    assertThat(bobSide.events).containsExactly("message hello over MESSAGE");

    clock.advance(Duration.ofMinutes(4));
    im.send("still here");
    clock.advance(Duration.ofMinutes(4));
    assertThat(bobSession.isTerminated()).isFalse();
    clock.advance(Duration.ofMinutes(2)); // 5 minutes after the last message

    assertThat(bobSession.isTerminated()).isTrue();
    assertThat(bobSide.events).containsExactly("message hello over MESSAGE", "message still here",
        "terminated");
    assertThat(bob.sessionManager().sessions()).isEmpty();
  }
}
