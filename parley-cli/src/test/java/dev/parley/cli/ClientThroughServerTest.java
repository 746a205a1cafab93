package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code parley client} signed in to a real {@code parley server} (a separate process) on
 * loopback: signing in (the registrar), and a call and messages between two users (the proxy,
 * with the domain {@code 127.0.0.1}, the server's own address).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClientThroughServerTest {
  @TempDir static Path data;
  static ServerProcess server;
  private final List<ClientRun> runs = new java.util.ArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    server = ServerProcess.start(data.resolve("data"), "alice", "bob");
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

  private ClientRun client(String user, String password, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("--user", "sip:" + user + "@127.0.0.1",
        "--server", server.address(), "--password", password, "--listen", "udp:127.0.0.1:0",
        "--json"));
    args.addAll(List.of(more));
    ClientRun r = ClientRun.start(user, args.toArray(new String[0]));
    runs.add(r);
    return r;
  }

  @Test
  void signsInWithTheRightPasswordAndSaysWhyNotWithAWrongOne() throws Exception {
    ClientRun alice = client("alice", ServerProcess.PASSWORD);
    assertThat(alice.await("enabled")).containsEntry("user", "sip:alice@127.0.0.1");
    alice.type("quit");
    assertThat(alice.exitStatus()).isZero();
    assertThat(alice.events()).extracting(e -> e.get("event")).containsExactly("enabled", "disabled");

    ClientRun mallory = client("bob", "not-the-password");
    assertThat(mallory.exitStatus()).isEqualTo(1);
    assertThat(mallory.events()).singleElement().satisfies(e -> assertThat(e)
        .containsEntry("event", "enable_failed").containsEntry("reason", "AUTHENTICATION_FAILED")
        .containsEntry("retrying", false).containsEntry("user", "sip:bob@127.0.0.1"));
  }

  @Test
  void thePasswordCanComeFromTheEnvironmentAndSignInFailuresArePlainWords() throws Exception {
    Path script = data.resolve("quit.script");
    Files.writeString(script, "quit\n");
    List<String> ok = runProcess("secret", script);
    assertThat(ok.get(0)).startsWith("signed in as sip:alice@127.0.0.1 (contact sip:alice@");
    assertThat(ok).endsWith("signed out", "exit 0");
    List<String> refused = runProcess("wrong", script);
    assertThat(refused).containsExactly("sign-in failed: the server did not accept the user name "
        + "or password [AUTHENTICATION_FAILED 401]", "exit 1");
  }

  private List<String> runProcess(String password, Path script) throws Exception {
    String java = System.getProperty("java.home") + "/bin/java";
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "dev.parley.cli.Parley", "client", "--user", "sip:alice@127.0.0.1", "--server",
        server.address(), "--script", script.toString());
    pb.environment().put(ClientCommand.PASSWORD_ENV, password);
    Process p = pb.redirectErrorStream(true).start();
    List<String> lines = new java.util.ArrayList<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = r.readLine()) != null; ) {
        lines.add(l);
      }
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    lines.add("exit " + p.exitValue());
    return lines;
  }

  @Test
  void aliceCallsAndMessagesBobThroughTheServer() throws Exception {
    ClientRun bob = client("bob", ServerProcess.PASSWORD, "--on-invite", "accept");
    ClientRun alice = client("alice", ServerProcess.PASSWORD);
    bob.await("enabled");
    alice.await("enabled");
    alice.type("call bob").type("wait state:CONNECTED 10").type("im bob hello bob");
    Map<String, Object> incoming = bob.await("incoming", e -> "AUDIO_VIDEO".equals(e.get("type")));
    assertThat(incoming).containsEntry("peer", "sip:alice@127.0.0.1");
    assertThat(alice.await("state", e -> "CONNECTED".equals(e.get("state"))))
        .containsEntry("peer", "sip:bob@127.0.0.1")
        .containsEntry("conversation", incoming.get("conversation"));
    assertThat(bob.await("message")).containsEntry("text", "hello bob")
        .containsEntry("type", "INSTANT_MESSAGING");
    bob.type("send hi alice");
    assertThat(alice.await("message")).containsEntry("text", "hi alice")
        .containsEntry("peer", "sip:bob@127.0.0.1");
    alice.type("hangup 1");
    assertThat(bob.await("ended", e -> e.get("session").equals(1L)))
        .containsEntry("cause", "REMOTE_HANGUP").containsEntry("status", 0L)
        .containsEntry("reason", null).containsEntry("remoteReason", null);
    alice.type("quit");
    assertThat(alice.exitStatus()).isZero();
    bob.type("quit");
    assertThat(bob.exitStatus()).isZero();
  }
}
