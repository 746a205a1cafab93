package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.examples.AnswerAndPlayWav;
import dev.parley.client.examples.HandlingSessionInvitations;
import java.io.ByteArrayOutputStream;
import dev.parley.server.SipServer;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import dev.parley.sip.SipUri;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples run end to end: the seed's flow with both answers, its conference branch through
 * a server with a focus, the WAV-playing bot.
 */
class ExampleTest {
  @TempDir Path data;
  @Test
  void theSeedsFlowAcceptsAndDeclines() throws Exception {
    assertThat(run("--answer=y")).contains("Accept incoming session from sip:alice@127.0.0.1? [y/n]",
        "conversation ", "an IM session", "alice: sip:bob@127.0.0.1:");
    assertThat(run("--answer=y")).contains("is CONNECTED");
    assertThat(run("--answer=n")).contains("alice: invitation failed: 603 Decline");
  }

  @Test
  void theSeedsConferenceBranchEntersTheConferenceAndNamesTheOneToOneSessionItContinues()
      throws Exception {
    try (Store store = Store.embedded(data)) {
      for (String user : List.of("alice", "bob")) {
        store.addAccount(Account.withPassword("example.test", user, "secret"));
      }
    }
    PrintStream out = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (SipServer server = SipServer.start(ServerConfig.builder().domain("example.test")
            .dataDir(data).listen("udp:127.0.0.1:0").statusListen("off").build());
        Endpoint alice = signedIn(server, "alice");
        Endpoint bob = signedIn(server, "bob")) {
      System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
      bob.sessionManager().setListener(HandlingSessionInvitations.listener(bob, "y"));
      alice.enable().get(30, TimeUnit.SECONDS);
      bob.enable().get(30, TimeUnit.SECONDS);

      // a 1:1 IM session first: the example accepts it as an IM session
      Session oneToOne = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
          SessionContext.EMPTY);
      oneToOne.addParticipant(SipUri.parse("sip:bob@example.test")).get(30, TimeUnit.SECONDS);
      String conversation = oneToOne.context().get(SessionContext.CONVERSATION_ID).orElseThrow();
      Session bobsOneToOne = bob.sessionManager().sessions().stream()
          .filter(s -> s.type() == SessionType.INSTANT_MESSAGING).findFirst().orElseThrow();

      // then a conference in the same conversation (no Replaces: not an escalation), and the
      // focus dials bob out: a CONFERENCE invitation that the example matches by its ID
      ConferenceSession conference = (ConferenceSession) alice.sessionManager().createSession(
          SessionType.CONFERENCE,
          SessionContext.builder().set(SessionContext.CONVERSATION_ID, conversation).build());
      SipUri uri = conference.enter().get(30, TimeUnit.SECONDS);
      conference.addParticipant(SipUri.parse("sip:bob@example.test")).get(30, TimeUnit.SECONDS);

      await().atMost(Duration.ofSeconds(30)).until(() -> bob.sessionManager().sessions()
          .stream().anyMatch(s -> s instanceof ConferenceSession c
              && c.conferenceUri().equals(java.util.Optional.of(uri))));
      ConferenceSession bobsConference = (ConferenceSession) bob.sessionManager().sessions()
          .stream().filter(s -> s.type() == SessionType.CONFERENCE).findFirst().orElseThrow();
      assertThat(bobsConference.context().get(SessionContext.CONVERSATION_ID))
          .contains(conversation);
      assertThat(bobsConference.carriesAudio()).isFalse(); // it continues an IM session
      await().atMost(Duration.ofSeconds(30)).until(() -> conference.participants().stream()
          .anyMatch(p -> !p.isLocal() && p.uri().toString().equals("sip:bob@example.test")
              && p.state() == ParticipantState.CONNECTED));
      assertThat(bobsOneToOne.isTerminated()).isFalse(); // the example ends nothing itself
      String printed = buffer.toString(StandardCharsets.UTF_8);
      assertThat(printed).contains("an IM session", "conversation " + conversation,
          "a conference, continuing session " + bobsOneToOne.id() + System.lineSeparator());
      conference.leave().get(30, TimeUnit.SECONDS);
    } finally {
      System.setOut(out);
    }
  }

  /** An endpoint of example.test signed in to {@code server} (not yet enabled). */
  private static Endpoint signedIn(SipServer server, String user) {
    String serverUri = "sip:127.0.0.1:" + server.listenPoints().get(0).address().getPort();
    return Endpoint.builder("sip:" + user + "@example.test").credentials(user, "secret")
        .server(serverUri).listen("udp:127.0.0.1:0").build();
  }

  @Test
  void theWavPlayingBotIsHeardAtTheFilesFrequency() throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      AnswerAndPlayWav.main(new String[0]);
    } finally {
      System.setOut(out);
    }
    String printed = buffer.toString(StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("alice heard (\\d+) Hz over (\\d+) frames").matcher(printed);
    assertThat(m.find()).as(printed).isTrue();
    assertThat(Integer.parseInt(m.group(1))).as(printed).isBetween(690, 710);
    assertThat(Integer.parseInt(m.group(2))).isEqualTo(150);
  }

  private static String run(String answer) throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      HandlingSessionInvitations.main(new String[] {answer});
    } finally {
      System.setOut(out);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
