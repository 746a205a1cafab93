package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parley client} in interactive mode, driven through real terminals (tmux) as two people
 * would use it, peer-to-peer on loopback: Alice writes to Bob, Bob is asked and answers {@code y};
 * they chat; while Bob is asked about Alice's call, her next message still shows; he answers
 * {@code n}, then {@code b} to the next call, and Alice sees DECLINE and BUSY. Skipped only when
 * tmux is not installed (CI installs it).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientInteractiveTest {
  @TempDir Path dir;
  private Tmux tmux;

  @BeforeAll
  static void needsTmux() {
    assumeTrue(Tmux.available(), "tmux is not installed");
  }

  @AfterEach
  void stop() throws Exception {
    if (tmux != null) {
      tmux.close();
    }
  }

  private String client(String user, String options) {
    String java = System.getProperty("java.home") + "/bin/java";
    return "'" + java + "' -cp '" + System.getProperty("java.class.path")
        + "' dev.parley.cli.Parley client --user sip:" + user + "@127.0.0.1"
        + " --listen udp:127.0.0.1:0 --invitation-timeout 60 --history '"
        + dir.resolve(user + ".history") + "' " + options + "; echo \"exit status $?\"; sleep 120";
  }

  @Test
  void invitedPersonAnswersYesChatsThenDeclinesAndAnswersBusy() throws Exception {
    tmux = new Tmux();
    tmux.start("bob", client("bob", ""));
    tmux.start("alice", client("alice", ""));
    String bob = tmux.awaitStarted("bob", "reachable at (sip:bob@127\\.0\\.0\\.1:\\d+) \\(no server\\)")
        .group(1);
    tmux.awaitStarted("alice", "^ready as sip:alice@127\\.0\\.0\\.1, reachable at ");
    converse(bob, bob);
  }

  @Test
  void twoPeopleSignedInToParleyServerDoTheSameThroughIt() throws Exception {
    try (ServerProcess server = ServerProcess.start(dir.resolve("data"), "alice", "bob")) {
      tmux = new Tmux();
      String options = "--server " + server.address() + " --password " + ServerProcess.PASSWORD;
      tmux.start("bob", client("bob", options));
      tmux.start("alice", client("alice", options));
      tmux.awaitStarted("bob", "^signed in as sip:bob@127\\.0\\.0\\.1 \\(contact ");
      tmux.awaitStarted("alice", "^signed in as sip:alice@127\\.0\\.0\\.1 \\(contact ");
      converse("bob", "sip:bob@127.0.0.1");
    }
  }

  /** The conversation, Alice inviting {@code target}, shown in her window as {@code bob}. */
  private void converse(String target, String bob) throws Exception {
    tmux.awaitLastLine("alice", "alice>");
    tmux.awaitLastLine("bob", "bob>");

    // an IM invitation: the question shows the conversation and counts down
    tmux.type("alice", "im " + target + " hello bob");
    String conversation = tmux.await("bob", "^#1 incoming instant messaging session from "
        + "sip:alice@127\\.0\\.0\\.1 \\(conversation ([0-9a-f-]{36})\\)$").group(1);
    int first = Integer.parseInt(tmux.await("bob",
        "^#1 conversation " + conversation + " \\((\\d+) s left\\)$").group(1));
    tmux.awaitLastLine("bob",
        "Accept incoming instant messaging session from sip:alice@127.0.0.1? [y/N/b(usy)]");
    Pattern left = Pattern.compile("\\((\\d+) s left\\)");
    Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
      Matcher m = left.matcher(tmux.screen("bob"));
      int last = first;
      while (m.find()) {
        last = Integer.parseInt(m.group(1));
      }
      return last < first;
    });
    tmux.type("bob", "y");
    tmux.await("bob", "^#1 sip:alice@127\\.0\\.0\\.1 connected$");
    tmux.await("bob", "^#1 sip:alice@127\\.0\\.0\\.1: hello bob$");
    tmux.await("alice", "^#1 " + Pattern.quote(bob) + " connected$");
    tmux.awaitLastLine("bob", "bob>");
    tmux.type("bob", "send hi alice"); // typing a send line tells Alice
    tmux.await("alice", "^#1 " + Pattern.quote(bob) + " is typing$");
    tmux.await("alice", "^#1 " + Pattern.quote(bob) + ": hi alice$");

    // a call while the IM session goes on: Bob is asked, and Alice's message still shows
    tmux.type("alice", "call " + target);
    tmux.await("bob", "^#2 incoming audio/video session from sip:alice@127\\.0\\.0\\.1 ");
    tmux.awaitLastLine("bob",
        "Accept incoming audio/video session from sip:alice@127.0.0.1? [y/N/b(usy)]");
    tmux.type("alice", "send still there?");
    tmux.await("bob", "^#1 sip:alice@127\\.0\\.0\\.1: still there\\?$");
    assertThat(tmux.lastLine("bob")).as("the question stays while messages arrive")
        .isEqualTo("Accept incoming audio/video session from sip:alice@127.0.0.1? [y/N/b(usy)]");
    tmux.type("bob", "n");
    tmux.await("alice", "^#2 ended: " + Pattern.quote(bob) + " declined \\[DECLINE 603\\]$");
    tmux.await("bob", "^#2 ended: declined here, invitation from sip:alice@127\\.0\\.0\\.1 "
        + "\\[DECLINE 603\\]$");

    tmux.awaitLastLine("alice", "alice>");
    tmux.type("alice", "call " + target);
    tmux.await("bob", "^#3 incoming audio/video session from sip:alice@127\\.0\\.0\\.1 ");
    tmux.awaitLastLine("bob",
        "Accept incoming audio/video session from sip:alice@127.0.0.1? [y/N/b(usy)]");
    tmux.type("bob", "b");
    tmux.await("alice", "^#3 ended: " + Pattern.quote(bob) + " is busy \\[BUSY 486\\]$");

    // Alice lists her sessions, hangs up the chat and quits; Bob leaves with Ctrl-D
    tmux.type("alice", "sessions");
    tmux.await("alice", "^#1 instant messaging with " + Pattern.quote(bob) + ": CONNECTED, ");
    tmux.type("alice", "hangup 1");
    tmux.await("bob",
        "^#1 ended: sip:alice@127\\.0\\.0\\.1 hung up \\[REMOTE_HANGUP 0\\]$");
    tmux.type("alice", "quit");
    tmux.await("alice", "^signed out$");
    tmux.await("alice", "^exit status 0$");
    tmux.awaitLastLine("bob", "bob>");
    tmux.key("bob", "C-d");
    tmux.await("bob", "^exit status 0$");
    assertThat(java.nio.file.Files.readString(dir.resolve("alice.history")))
        .contains("im " + target + " hello bob")
        .contains("hangup 1");
  }
}
