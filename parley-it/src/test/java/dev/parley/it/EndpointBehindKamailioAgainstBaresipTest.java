package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.DeliveryResult;
import dev.parley.client.Endpoint;
import dev.parley.client.EndpointState;
import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.InstantMessage;
import dev.parley.client.InstantMessagingSession;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.ParticipantStateChangedEvent;
import dev.parley.client.RejectReason;
import dev.parley.client.Session;
import dev.parley.client.SessionType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's interop case: a Parley client {@link Endpoint} registered with digest to a real
 * Kamailio (registrar + stateful proxy) receives calls from a real baresip registered to the same
 * Kamailio. It rejects the first with BUSY, and baresip must see 486; it accepts the second,
 * baresip must see the call established, and when baresip hangs up the Parley session must end
 * with the inviter DISCONNECTED by a remote hangup. And baresip's pager-mode MESSAGE must reach
 * the application as an IM invitation carrying the message, and the application's reply must
 * reach baresip.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EndpointBehindKamailioAgainstBaresipTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path work;

  private Kamailio kamailio;
  private Baresip caller;
  private Endpoint parley;
  private final BlockingQueue<IncomingSessionEvent> invitations = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    Kamailio.requireInstalled();
    Baresip.requireInstalled();
    kamailio = Kamailio.builder(work.resolve("kamailio"))
        .user("parley", "parley-pw").user("carol", "carol-pw").start();
    parley = Endpoint.builder("sip:parley@127.0.0.1")
        .credentials("parley", "parley-pw")
        .server("sip:" + kamailio.hostPort())
        .listen("udp:127.0.0.1:0")
        .registrationExpiry(Duration.ofSeconds(600))
        .build();
    parley.sessionManager().setListener((source, invitation) -> invitations.add(invitation));
    parley.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(parley.state()).isEqualTo(EndpointState.ENABLED);
    caller = Baresip.builder(work.resolve("carol"))
        .account("carol", "carol-pw", kamailio.hostPort())
        .contact("Parley", kamailio.aor("parley")).start();
    caller.awaitRegistered(WAIT);
  }

  @AfterEach
  void stop() {
    try {
      if (parley != null) {
        parley.disable().get(10, TimeUnit.SECONDS);
      }
    } catch (Exception ignored) {
      // signing out is a courtesy here: Kamailio is stopped next anyway
    } finally {
      if (parley != null) {
        parley.close();
      }
      if (caller != null) {
        caller.close();
      }
      if (kamailio != null) {
        kamailio.close();
      }
    }
  }

  @Test
  void baresipHearsBusyWhenRejectedThenTalksAndHangsUpWhenAccepted() throws Exception {
    // 1. rejected with BUSY: baresip's call closes with 486
    caller.dial(kamailio.aor("parley"));
    IncomingSessionEvent first = nextInvitation();
    assertThat(first.session().type()).isEqualTo(SessionType.AUDIO_VIDEO);
    assertThat(first.inviter().uri().toString()).as("inviter").contains("carol@");
    assertThat(first.inviter().state()).isEqualTo(ParticipantState.CONNECTED);
    caller.awaitEvent("CALL_RINGING", WAIT);

    assertThat(first.reject(RejectReason.BUSY)).isTrue();

    Baresip.Event busy = caller.awaitEvent("CALL_CLOSED", WAIT);
    assertThat(busy.param()).as("%s", diagnostics()).startsWith("486");
    first.session().termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(first.inviter().state()).isEqualTo(ParticipantState.DISCONNECTED);

    // 2. accepted: established on both sides, then baresip hangs up and the session ends
    caller.dial(kamailio.aor("parley"));
    IncomingSessionEvent second = nextInvitation();
    assertThat(second.session().type()).isEqualTo(SessionType.AUDIO_VIDEO);
    Participant inviter = second.inviter();
    List<ParticipantStateChangedEvent> inviterChanges = new CopyOnWriteArrayList<>();
    inviter.addListener(new Participant.Listener() {
      @Override
      public void onStateChanged(Participant p, ParticipantStateChangedEvent e) {
        inviterChanges.add(e);
      }
    });

    Session session;
    try {
      session = second.accept().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("accept() failed: " + e + "\n" + diagnostics(), e);
    }
    Baresip.Event established = caller.awaitEvent("CALL_ESTABLISHED", WAIT);
    assertThat(established.fields().get("peeruri")).contains("parley@");
    assertThat(session.isTerminated()).isFalse();
    assertThat(session.localParticipant().state()).isEqualTo(ParticipantState.CONNECTED);

    caller.hangup();

    session.termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(session.isTerminated()).isTrue();
    assertThat(inviter.state()).isEqualTo(ParticipantState.DISCONNECTED);
    assertThat(inviterChanges).as("%s", diagnostics())
        .anySatisfy(e -> {
          assertThat(e.newState()).isEqualTo(ParticipantState.DISCONNECTED);
          assertThat(e.reason()).isEqualTo(ParticipantStateChangeReason.REMOTE_HANGUP);
        });
    caller.awaitEvent("CALL_CLOSED", WAIT);
    assertThat(parley.sessionManager().sessions()).isEmpty();
  }

  @Test
  void baresipMessageIsAnImInvitationAndTheReplyReachesBaresip() throws Exception {
    // baresip's /message sends a bare MESSAGE (pager mode) to its current contact, parley's AOR
    caller.message("hello parley, carol here");
    IncomingSessionEvent invitation = nextInvitation();
    assertThat(invitation.session().type()).isEqualTo(SessionType.INSTANT_MESSAGING);
    assertThat(invitation.inviter().uri().toString()).as("inviter").contains("carol@");
    assertThat(invitation.message()).as("the MESSAGE that opened it")
        .hasValueSatisfying(m -> assertThat(m.text()).isEqualTo("hello parley, carol here"));
    InstantMessagingSession im = (InstantMessagingSession) invitation.session();
    assertThat(im.isPagerMode()).isTrue();
    BlockingQueue<InstantMessage> received = new LinkedBlockingQueue<>();
    im.addListener(new InstantMessagingSession.Listener() {
      @Override
      public void onMessageReceived(InstantMessagingSession s, InstantMessage m) {
        received.add(m);
      }
    });

    invitation.accept().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(nextMessage(received).text()).isEqualTo("hello parley, carol here");

    // the reply goes as MESSAGE to carol's AOR through Kamailio, which relays it to baresip
    List<DeliveryResult> results = im.send("hi carol, parley answers")
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(results).as("%s", diagnostics()).singleElement()
        .satisfies(r -> assertThat(r.isDelivered()).as("%s", r).isTrue());
    String sender = caller.awaitMessage("hi carol, parley answers", WAIT);
    assertThat(sender).as("%s", caller.log()).contains("parley@");

    // baresip's next MESSAGE joins the same session: no second invitation
    caller.message("and a second one");
    assertThat(nextMessage(received).text()).isEqualTo("and a second one");
    assertThat(invitations).isEmpty();
    assertThat(parley.sessionManager().sessions()).containsExactly(im);
  }

  private InstantMessage nextMessage(BlockingQueue<InstantMessage> received)
      throws InterruptedException {
    InstantMessage m = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(m).as("a message at the Parley endpoint\n%s", diagnostics()).isNotNull();
    return m;
  }

  private IncomingSessionEvent nextInvitation() throws InterruptedException {
    IncomingSessionEvent e = invitations.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(e).as("an invitation at the Parley endpoint\n%s", diagnostics()).isNotNull();
    return e;
  }

  private String diagnostics() {
    return caller.log() + "\n" + kamailio.log();
  }
}
