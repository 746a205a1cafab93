package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
 * {@code escalate} in {@code parley client} through a real {@code parley server} (a separate
 * process, domain {@code 127.0.0.1}) and its focus: Alice and Bob talk 1:1, Alice escalates with
 * Carol; Bob's {@code incoming} conference invitation says which session it replaces, the 1:1
 * session ends, Carol comes in, and a message reaches both with per-recipient results.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientEscalationThroughServerTest {
  @TempDir static Path data;
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

  @Test
  @SuppressWarnings("unchecked")
  void escalateTurnsTheOneToOneSessionIntoAConferenceWithCarol() throws Exception {
    ClientRun alice = client("alice");
    ClientRun bob = client("bob", "--on-invite", "accept");
    ClientRun carol = client("carol", "--on-invite", "accept");
    alice.await("enabled");
    bob.await("enabled");
    carol.await("enabled");

    alice.type("im sip:bob@127.0.0.1 hello bob");
    Map<String, Object> oneToOne = bob.await("incoming");
    assertThat(oneToOne).containsEntry("type", "INSTANT_MESSAGING");
    assertThat(bob.await("message")).containsEntry("text", "hello bob");

    alice.type("escalate sip:carol@127.0.0.1");
    Map<String, Object> toBob = bob.await("incoming", e -> "CONFERENCE".equals(e.get("type")));
    assertThat(toBob).containsEntry("type", "CONFERENCE")
        .containsEntry("replaces", oneToOne.get("session"))
        .containsEntry("conversation", oneToOne.get("conversation"))
        .containsEntry("referredBy", "sip:alice@127.0.0.1");
    Map<String, Object> conference = alice.await("conference");
    assertThat(conference).containsEntry("conversation", oneToOne.get("conversation"));
    alice.await("ended", e -> e.get("type").equals("INSTANT_MESSAGING"));
    bob.await("ended", e -> e.get("session").equals(oneToOne.get("session")));
    assertThat(carol.await("incoming")).containsEntry("type", "CONFERENCE")
        .containsEntry("replaces", null)
        .containsEntry("conversation", oneToOne.get("conversation"));
    alice.await("roster", e -> e.get("participants").equals(List.of(
        ClientRun.connected("sip:bob@127.0.0.1"),
        ClientRun.connected("sip:carol@127.0.0.1"))));

    alice.type("send hello both"); // the conference is the current session now
    Map<String, Object> sent = alice.await("sent", e -> "CONFERENCE".equals(e.get("type")));
    assertThat(sent).containsEntry("type", "CONFERENCE").containsEntry("delivered", true);
    assertThat((List<Object>) sent.get("results")).containsExactlyInAnyOrder(
        (Object) Map.of("uri", "sip:bob@127.0.0.1", "status", 200L),
        Map.of("uri", "sip:carol@127.0.0.1", "status", 200L));
    assertThat(bob.await("message", e -> "hello both".equals(e.get("text"))))
        .containsEntry("type", "CONFERENCE");
    assertThat(carol.await("message")).containsEntry("text", "hello both");
    assertThat(bob.events("incoming")).hasSize(2);
  }

  @Test
  void aDeclinedEscalationIsAnErrorAndTheOneToOneSessionGoesOn() throws Exception {
    ClientRun alice = client("alice", "--keep-going");
    ClientRun bob = client("bob");
    alice.await("enabled");
    bob.await("enabled");

    alice.type("im sip:bob@127.0.0.1 hello bob");
    Map<String, Object> oneToOne = bob.await("incoming");
    bob.type("accept");
    assertThat(bob.await("message")).containsEntry("text", "hello bob");

    alice.type("escalate");
    Map<String, Object> toBob = bob.await("incoming", e -> "CONFERENCE".equals(e.get("type")));
    assertThat(toBob).containsEntry("replaces", oneToOne.get("session"));
    bob.type("reject decline " + toBob.get("session"));
    assertThat(alice.await("error")).hasEntrySatisfying("message",
        m -> assertThat((String) m).contains("could not escalate").contains("603"));

    alice.type("send still here"); // the 1:1 session is current again
    assertThat(bob.await("message", e -> "still here".equals(e.get("text"))))
        .containsEntry("session", oneToOne.get("session"));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> alice.events("sent").size() == 2); // hello bob, still here
    List<Map<String, Object>> sent = alice.events("sent");
    assertThat(sent.get(sent.size() - 1)).containsEntry("delivered", true)
        .containsEntry("type", "INSTANT_MESSAGING");
  }

  @Test
  void escalateWithoutAOneToOneSessionIsAnError() throws Exception {
    ClientRun alice = client("alice");
    alice.await("enabled");
    alice.type("escalate");
    assertThat(alice.await("error")).hasEntrySatisfying("message",
        m -> assertThat((String) m).contains("no 1:1 session to escalate"));
  }
}
