package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.DeliveryResult;
import dev.parley.client.Endpoint;
import dev.parley.client.EndpointState;
import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.InstantMessage;
import dev.parley.client.InstantMessagingSession;
import dev.parley.client.SessionType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's IM case with Linphone: linphonec, registered to a real Kamailio, sends a chat message
 * (pager-mode MESSAGE, to a port-less Request-URI as Linphone writes them) to a Parley
 * {@link Endpoint} registered to the same Kamailio; it must reach the application as an IM
 * invitation carrying the message, and the application's reply must be shown by linphonec.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EndpointBehindKamailioAgainstLinphonecTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path work;

  private Kamailio kamailio;
  private Linphonec linphone;
  private Endpoint parley;
  private final BlockingQueue<IncomingSessionEvent> invitations = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    Kamailio.requireInstalled();
    Linphonec.requireInstalled();
    kamailio = Kamailio.builder(work.resolve("kamailio"))
        .user("parley", "parley-pw").user("lin", "lin-pw").start();
    parley = Endpoint.builder("sip:parley@127.0.0.1")
        .credentials("parley", "parley-pw")
        .server("sip:" + kamailio.hostPort())
        .listen("udp:127.0.0.1:0")
        .registrationExpiry(Duration.ofSeconds(600))
        .build();
    parley.sessionManager().setListener((source, invitation) -> invitations.add(invitation));
    parley.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(parley.state()).isEqualTo(EndpointState.ENABLED);
    linphone = Linphonec.builder(work.resolve("lin"))
        .account("lin", "lin-pw", kamailio.hostPort()).start();
    linphone.awaitRegistered(WAIT);
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
      if (linphone != null) {
        linphone.close();
      }
      if (kamailio != null) {
        kamailio.close();
      }
    }
  }

  @Test
  void linphoneChatMessageIsAnImInvitationAndTheReplyReachesLinphone() throws Exception {
    linphone.chat(kamailio.aor("parley"), "hello parley, linphone here");

    IncomingSessionEvent invitation = invitations.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(invitation).as("an IM invitation\n%s\n%s", linphone.log(), kamailio.log())
        .isNotNull();
    assertThat(invitation.session().type()).isEqualTo(SessionType.INSTANT_MESSAGING);
    assertThat(invitation.inviter().uri().toString()).contains("lin@");
    assertThat(invitation.message()).hasValueSatisfying(
        m -> assertThat(m.text()).isEqualTo("hello parley, linphone here"));
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
    InstantMessage first = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    assertThat(first.text()).isEqualTo("hello parley, linphone here");

    List<DeliveryResult> results = im.send("hi linphone, parley answers")
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(results).as("%s\n%s", im.trace().ladder(), linphone.log()).singleElement()
        .satisfies(r -> assertThat(r.isDelivered()).as("%s", r).isTrue());
    assertThat(linphone.awaitMessage("hi linphone, parley answers", WAIT)).contains("parley@");
  }
}
