package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.media.AudioFrame;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code conf} commands of {@code parley client} signed in to a real {@code parley server}
 * (a separate process, domain {@code 127.0.0.1}) and its focus: Alice creates a conference at the
 * default factory, Bob joins by its URI, both see the roster, Alice's message reaches Bob with
 * per-recipient results, and her {@code conf invite} reaches Carol as a CONFERENCE invitation.
 * With {@code --media-source} or {@code --record}, conferences carry audio: the audio commands
 * work on them and the other's {@code --record} records the conference.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientConferenceThroughServerTest {
  @TempDir static Path data;
  @TempDir Path dir;
  static ServerProcess server;
  private final List<ClientRun> runs = new ArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    server = ServerProcess.start(data.resolve("data"), "alice", "bob", "carol");
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void stopClients() throws Exception {
    for (ClientRun r : runs) {
      r.close();
    }
  }

  private ClientRun client(String user, String... more) {
    List<String> args = new ArrayList<>(List.of("--user", "sip:" + user + "@127.0.0.1",
        "--server", server.address(), "--password", ServerProcess.PASSWORD,
        "--listen", "udp:127.0.0.1:0", "--json"));
    args.addAll(List.of(more));
    ClientRun r = ClientRun.start(user, args.toArray(String[]::new));
    runs.add(r);
    return r;
  }

  /**
   * Waits for a roster event of {@code run} after its first {@code skip} that lists alice alone,
   * CONNECTED, with {@code muted} and {@code onHold}; returns the count of roster events then.
   */
  private static int awaitRoster(ClientRun run, int skip, boolean muted, boolean onHold) {
    Map<String, Object> alice = Map.of("uri", "sip:alice@127.0.0.1", "state", "CONNECTED",
        "muted", muted, "onHold", onHold);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
      List<Map<String, Object>> r = run.events("roster");
      return r.subList(Math.min(skip, r.size()), r.size()).stream()
          .anyMatch(e -> List.of(alice).equals(e.get("participants")));
    });
    return run.events("roster").size();
  }

  @Test
  void createJoinRosterSendAndInviteThroughTheServersFocus() throws Exception {
    ClientRun alice = client("alice");
    ClientRun bob = client("bob");
    ClientRun carol = client("carol", "--on-invite", "accept");
    alice.await("enabled");
    bob.await("enabled");
    carol.await("enabled");

    alice.type("conf create");
    Map<String, Object> created = alice.await("conference");
    String uri = (String) created.get("uri");
    assertThat(uri).startsWith("sip:conf-").endsWith("@127.0.0.1");

    bob.type("conf join " + uri);
    assertThat(bob.await("conference")).containsEntry("uri", uri);
    alice.await("roster", e -> e.get("participants")
        .equals(List.of(ClientRun.connected("sip:bob@127.0.0.1"))));
    bob.await("roster", e -> e.get("participants")
        .equals(List.of(ClientRun.connected("sip:alice@127.0.0.1"))));

    alice.type("send hello bob");
    assertThat(alice.await("sent")).containsEntry("delivered", true)
        .containsEntry("results", List.of(Map.of("uri", "sip:bob@127.0.0.1", "status", 200L)));
    assertThat(bob.await("message")).containsEntry("text", "hello bob")
        .containsEntry("type", "CONFERENCE");

    alice.type("conf invite sip:carol@127.0.0.1");
    assertThat(carol.await("incoming")).containsEntry("type", "CONFERENCE")
        .containsEntry("referredBy", "sip:alice@127.0.0.1")
        .containsEntry("conversation", created.get("conversation"));
    assertThat(carol.await("conference")).containsEntry("uri", uri);
    bob.await("roster", e -> e.get("participants").equals(List.of(
        ClientRun.connected("sip:alice@127.0.0.1"),
        ClientRun.connected("sip:carol@127.0.0.1"))));

    alice.type("conf leave");
    assertThat(alice.await("ended")).containsEntry("type", "CONFERENCE");
    bob.await("roster", e -> e.get("participants").equals(List.of(
        ClientRun.connected("sip:carol@127.0.0.1"))));
  }

  @Test
  void withAudioConfiguredAConferenceCarriesItAndTheAudioCommandsWorkOnIt() throws Exception {
    Path records = dir.resolve("records");
    ClientRun alice = client("alice", "--media-source", "tone:440");
    ClientRun bob = client("bob", "--record", records.toString());
    alice.await("enabled");
    bob.await("enabled");

    alice.type("conf create");
    String uri = (String) alice.await("conference").get("uri");
    bob.type("conf join " + uri);
    bob.await("conference");
    alice.await("roster", e -> e.get("participants")
        .equals(List.of(ClientRun.connected("sip:bob@127.0.0.1"))));

    // two seconds of what the focus sends bob, then the audio commands
    ClientAudioThroughServerTest.awaitStats(bob,
        s -> ClientAudioThroughServerTest.count(s, "packetsReceived") >= 100);
    // bob's roster events follow alice's hold and mute (her re-INVITEs to the focus)
    int seen = bob.events("roster").size();
    alice.type("hold");
    assertThat(alice.await("hold")).containsEntry("onHold", true);
    seen = awaitRoster(bob, seen, false, true);
    alice.type("resume");
    alice.await("hold", e -> Boolean.FALSE.equals(e.get("onHold")));
    seen = awaitRoster(bob, seen, false, false);
    alice.type("mute");
    seen = awaitRoster(bob, seen, true, false);
    alice.type("unmute").type("dtmf 1");
    awaitRoster(bob, seen, false, false);
    ClientAudioThroughServerTest.awaitStats(bob,
        s -> ClientAudioThroughServerTest.count(s, "packetsReceived") >= 150);
    assertThat(ClientAudioThroughServerTest.stats(alice)).containsEntry("final", false)
        .containsEntry("onHold", false);

    bob.type("conf leave");
    bob.await("media", e -> Boolean.TRUE.equals(e.get("final"))); // the figures at the end
    Map<String, Object> ended = bob.await("ended");
    assertThat(ended).containsEntry("type", "CONFERENCE");
    List<AudioFrame> heard = ClientAudioThroughServerTest.completeRecording(
        Path.of((String) ended.get("recording")));
    // the tone itself is checked through the focus in parley-client's
    // ConferenceAudioThroughServerTest; here, that the recording ran for the conference
    assertThat(heard).as("20 ms frames recorded").hasSizeGreaterThanOrEqualTo(100);
  }
}
