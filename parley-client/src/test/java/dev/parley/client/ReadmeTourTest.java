package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.store.Account;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.SipServer;
import dev.parley.server.store.Store;
import dev.parley.sip.SipUri;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's tour, in the order a user meets it, as code that must keep compiling and working:
 * a Parley server with two users (what {@code ./parley user add} and {@code ./parley server}
 * make), Bob signs in with {@link Endpoint} and answers invitations, Alice signs in and sends
 * him an instant message. Keep the snippets of the README and this test the same.
 */
class ReadmeTourTest {
  @TempDir Path data;

  @Test
  void bobSignsInAnswersAlicesInvitationAndReadsHerMessage() throws Exception {
    try (Store store = Store.embedded(data)) {
      store.addAccount(Account.withPassword("example.test", "alice", "secret"));
      store.addAccount(Account.withPassword("example.test", "bob", "secret"));
    }
    try (SipServer server = SipServer.start(ServerConfig.builder().domain("example.test")
        .dataDir(data).listen("udp:127.0.0.1:0").statusListen("off").build())) {
      String serverUri = "sip:127.0.0.1:" + server.listenPoints().get(0).address().getPort();
      BlockingQueue<String> printed = new LinkedBlockingQueue<>();
      BlockingQueue<String> states = new LinkedBlockingQueue<>();

      // README, "Sign in with Endpoint"
      Endpoint bob = Endpoint.builder("sip:bob@example.test")
          .credentials("bob", "secret").server(serverUri)
          .listen("udp:127.0.0.1:0").build();
      bob.addListener((endpoint, e) -> states.add(e.oldState() + " -> " + e.newState()));
      bob.enable().join();

      // README, "Answer an invitation"
      bob.sessionManager().setListener((source, invitation) -> {
        if (!askUser("Accept incoming session from " + invitation.inviter().uri() + "?")) {
          invitation.reject(RejectReason.DECLINE);
          return;
        }
        if (invitation.session() instanceof InstantMessagingSession im) {
          im.addListener(new InstantMessagingSession.Listener() {
            @Override
            public void onMessageReceived(InstantMessagingSession s, InstantMessage m) {
              printed.add(m.sender().uri() + ": " + m.text());
            }
          });
        }
        invitation.accept();
      });

      // README, "Send an instant message"
      Endpoint alice = Endpoint.builder("sip:alice@example.test")
          .credentials("alice", "secret").server(serverUri)
          .listen("udp:127.0.0.1:0").build();
      alice.enable().join();
      InstantMessagingSession im = (InstantMessagingSession) alice.sessionManager()
          .createSession(SessionType.INSTANT_MESSAGING, SessionContext.EMPTY);
      im.addParticipant(SipUri.parse("sip:bob@example.test")).join();
      List<DeliveryResult> results = im.send("hello bob").get(30, TimeUnit.SECONDS);

      assertThat(states.poll(30, TimeUnit.SECONDS)).isEqualTo("IDLE -> ENABLING");
      assertThat(states.poll(30, TimeUnit.SECONDS)).isEqualTo("ENABLING -> ENABLED");
      assertThat(results).singleElement().hasToString("sip:bob@example.test: 200 OK");
      assertThat(printed.poll(30, TimeUnit.SECONDS)).isEqualTo("sip:alice@example.test: hello bob");
      im.terminate().get(30, TimeUnit.SECONDS);
      alice.close();
      bob.close();
    }
  }

  private static boolean askUser(String question) {
    return question.equals("Accept incoming session from sip:alice@example.test?");
  }
}
