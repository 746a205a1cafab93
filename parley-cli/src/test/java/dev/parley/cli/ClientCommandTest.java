package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parley client} in scripted mode, peer-to-peer on loopback: two clients in this JVM, each
 * driven through its standard input and read through its JSON events, as a script driver would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientCommandTest {
  @TempDir Path dir;
  private final List<ClientRun> runs = new java.util.ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ClientRun r : runs) {
      r.close();
    }
  }

  private ClientRun client(String user, String... more) {
    String[] args = new String[more.length + 5];
    args[0] = "--user";
    args[1] = "sip:" + user + "@127.0.0.1";
    args[2] = "--listen";
    args[3] = "udp:127.0.0.1:0";
    args[4] = "--json";
    System.arraycopy(more, 0, args, 5, more.length);
    ClientRun r = ClientRun.start(user, args);
    runs.add(r);
    return r;
  }

  @Test
  void callAndMessagesBothWaysThenHangupAreJsonEventsOnBothSides() throws Exception {
    Path traces = dir.resolve("traces");
    ClientRun bob = client("bob", "--on-invite", "accept", "--trace-dir", traces.toString());
    ClientRun alice = client("alice", "--trace-dir", traces.toString());
    String bobUri = bob.contact();
    assertThat(bobUri).startsWith("sip:bob@127.0.0.1:");
    assertThat(alice.await("enabled").get("user")).isEqualTo("sip:alice@127.0.0.1");

    alice.type("call " + bobUri).type("wait state:CONNECTED 10");
    Map<String, Object> incoming = bob.await("incoming", e -> "AUDIO_VIDEO".equals(e.get("type")));
    assertThat(incoming).containsEntry("session", 1L).containsEntry("peer", "sip:alice@127.0.0.1")
        .containsEntry("pager", false).containsEntry("timeout", 30L);
    assertThat(Instant.parse((String) incoming.get("deadline")))
        .isBetween(Instant.now().plusSeconds(20), Instant.now().plusSeconds(31));
    Map<String, Object> connected = alice.await("state", e -> "CONNECTED".equals(e.get("state")));
    assertThat(connected).containsEntry("session", 1L).containsEntry("type", "AUDIO_VIDEO")
        .containsEntry("peer", bobUri).containsEntry("cause", "NORMAL").containsEntry("status", 200L);
    assertThat(connected.get("conversation")).isEqualTo(incoming.get("conversation")).isNotNull();
    assertThat(alice.events("state")).extracting(e -> e.get("state") + " " + e.get("cause"))
        .startsWith("CONNECTING TRYING").contains("CONNECTING RINGING");

    alice.type("im " + bobUri + " hello bob");
    Map<String, Object> hello = bob.await("message");
    assertThat(hello).containsEntry("text", "hello bob").containsEntry("type", "INSTANT_MESSAGING")
        .containsEntry("peer", "sip:alice@127.0.0.1").containsEntry("session", 2L);
    assertThat(alice.await("sent")).containsEntry("delivered", true).containsEntry("status", 200L)
        .containsEntry("session", 2L);

    bob.type("composing on");
    assertThat(alice.await("composing")).containsEntry("composing", true).containsEntry("session", 2L);
    bob.type("send hi alice");
    Map<String, Object> hi = alice.await("message");
    assertThat(hi).containsEntry("text", "hi alice").containsEntry("peer", bobUri)
        .containsEntry("session", 2L).containsEntry("conversation", hello.get("conversation"));

    alice.type("im " + bobUri + " second line"); // reuses the session
    assertThat(bob.await("message", e -> "second line".equals(e.get("text"))))
        .containsEntry("session", 2L);
    assertThat(bob.events("incoming")).hasSize(2);

    alice.type("hangup 1");
    Map<String, Object> bobEnded = bob.await("ended", e -> e.get("session").equals(1L));
    // a normal hang-up: a BYE without Reason, not a decline
    assertThat(bobEnded).containsEntry("cause", "REMOTE_HANGUP").containsEntry("type", "AUDIO_VIDEO")
        .containsEntry("status", 0L).containsEntry("reason", null)
        .containsEntry("remoteReason", null);
    assertThat(bob.await("state", e -> "DISCONNECTED".equals(e.get("state"))))
        .containsEntry("session", 1L).containsEntry("cause", "REMOTE_HANGUP")
        .containsEntry("reason", null).containsEntry("remoteReason", null);
    Map<String, Object> aliceEnded = alice.await("ended", e -> e.get("session").equals(1L));
    assertThat(aliceEnded).containsEntry("cause", "NORMAL").containsEntry("remoteReason", null);
    // saved when the session ended, which was after the answer to alice's BYE
    assertThat(dev.parley.client.SessionTrace.read(Path.of((String) aliceEnded.get("trace")))
        .messages()).extracting(dev.parley.client.SessionTrace.Message::label)
        .containsSubsequence("ACK", "BYE", "200 OK (BYE)");
    alice.type("quit");
    bob.await("ended", e -> e.get("session").equals(2L));
    assertThat(alice.exitStatus()).isZero();
    assertThat(alice.events().get(alice.events().size() - 1)).containsEntry("event", "disabled");
    bob.type("quit");
    assertThat(bob.exitStatus()).isZero();

    assertThat(Path.of((String) bobEnded.get("trace"))).exists()
        .hasFileName("bob-1-" + incoming.get("conversation") + ".trace");
    try (var files = Files.list(traces)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .filteredOn(n -> n.startsWith("alice-")).hasSize(2);
    }
  }

  @Test
  void rejectBusyIsSeenByTheCallerAsBusyAndAWaitForItSucceeds() throws Exception {
    ClientRun bob = client("bob", "--on-invite", "reject:busy");
    String bobUri = bob.contact();
    Path script = dir.resolve("alice.script");
    Files.writeString(script, "# the callee is busy\ncall " + bobUri + "\nwait ended:BUSY 10\n");
    ClientRun alice = client("alice", "--script", script.toString());
    assertThat(alice.exitStatus()).isZero();
    assertThat(alice.events("ended")).singleElement().satisfies(e -> assertThat(e)
        .containsEntry("reason", "BUSY").containsEntry("status", 486L)
        .containsEntry("cause", "REMOTE_HANGUP"));
    assertThat(alice.events("state")).last().satisfies(e -> assertThat(e)
        .containsEntry("state", "DISCONNECTED").containsEntry("reason", "BUSY"));
    assertThat(bob.await("ended")).containsEntry("session", 1L);
  }

  @Test
  void aScriptCanAskAndDeclineAnInvitation() throws Exception {
    ClientRun bob = client("bob");
    String bobUri = bob.contact();
    ClientRun alice = client("alice");
    alice.await("enabled");
    alice.type("call " + bobUri);
    bob.type("wait incoming:AUDIO_VIDEO 10").type("sessions").type("reject decline");
    assertThat(bob.await("session")).containsEntry("state", "INVITED")
        .containsEntry("incoming", true);
    assertThat(alice.await("ended")).containsEntry("reason", "DECLINE").containsEntry("status", 603L);
    bob.type("accept");
    assertThat(bob.await("error")).containsEntry("command", "accept")
        .containsEntry("message", "no invitation is waiting");
    assertThat(bob.exitStatus()).isEqualTo(1);
  }

  @Test
  void pagerSendsABareMessageThatArrivesAsAPagerInvitation() throws Exception {
    ClientRun bob = client("bob", "--on-invite", "accept");
    String bobUri = bob.contact();
    ClientRun alice = client("alice");
    alice.await("enabled");
    alice.type("pager " + bobUri + " are you there?");
    assertThat(bob.await("incoming")).containsEntry("pager", true)
        .containsEntry("type", "INSTANT_MESSAGING");
    assertThat(bob.await("message")).containsEntry("text", "are you there?");
    assertThat(alice.await("sent")).containsEntry("delivered", true);
    bob.type("send yes");
    assertThat(alice.await("message")).containsEntry("text", "yes").containsEntry("session", 1L);
  }

  @Test
  void aWaitThatTimesOutEndsTheScriptWithStatus1() throws Exception {
    Path script = dir.resolve("wait.script");
    Files.writeString(script, "wait incoming 0.3\nsleep 30\n");
    ClientRun alice = client("alice", "--script", script.toString());
    assertThat(alice.exitStatus()).isEqualTo(1);
    assertThat(alice.events("error")).singleElement().satisfies(e -> assertThat(e)
        .containsEntry("command", "wait incoming 0.3")
        .containsEntry("message", "timed out after 0.3 s waiting for incoming"));
    assertThat(alice.events()).extracting(e -> e.get("event"))
        .containsExactly("enabled", "error", "disabled");
  }

  @Test
  void aFailedCommandMakesTheStatus1AndKeepGoingRunsTheRest() throws Exception {
    Path script = dir.resolve("bad.script");
    Files.writeString(script, "send nobody is here\nfrobnicate\nsessions\n");
    ClientRun alice = client("alice", "--script", script.toString(), "--keep-going");
    assertThat(alice.exitStatus()).isEqualTo(1);
    assertThat(alice.events("error")).extracting(e -> e.get("message")).containsExactly(
        "no instant messaging session: use im URI TEXT", "unknown command 'frobnicate' (try help)");
    assertThat(alice.events("session")).singleElement()
        .satisfies(e -> assertThat(e).containsEntry("session", null));
  }

  @Test
  void textModePrintsOneLineOfPlainWordsPerEvent() throws Exception {
    Path script = dir.resolve("quit.script");
    Files.writeString(script, "help\nquit\nsend never\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = new picocli.CommandLine(new ClientCommand(java.io.InputStream.nullInputStream()))
        .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute("--user", "alice@127.0.0.1", "--listen", "udp:127.0.0.1:0", "--script",
            script.toString());
    assertThat(status).isZero();
    assertThat(out.toString().lines().toList())
        .first().asString().matches("ready as sip:alice@127\\.0\\.0\\.1, reachable at "
            + "sip:alice@127\\.0\\.0\\.1:\\d+ \\(no server\\)");
    assertThat(out.toString()).contains("call URI ").contains("wait EVENT[:VALUE] [SECONDS]")
        .endsWith("signed out" + System.lineSeparator());
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertThat(usage("--user", "sip:alice@127.0.0.1", "--on-invite", "maybe"))
        .contains("--on-invite must be accept, ask or reject:REASON");
    assertThat(usage("--user", "sip:alice@127.0.0.1", "--on-invite", "reject:later"))
        .contains("unknown reason 'later'");
    assertThat(usage("--user", "sip:alice@127.0.0.1", "--script", dir.resolve("none").toString()))
        .contains("--script: cannot read");
    assertThat(usage("--user", "sip:alice@127.0.0.1", "--transport", "pigeon"))
        .contains("unsupported transport: pigeon");
    assertThat(usage("--password", "x")).contains("Missing required option: '--user=URI'");
  }

  private static String usage(String... args) {
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "client";
    System.arraycopy(args, 0, all, 1, args.length);
    int status = Parley.run(new PrintWriter(new StringWriter()), new PrintWriter(err), all);
    assertThat(status).as("status of %s", String.join(" ", args)).isEqualTo(2);
    return err.toString();
  }
}
