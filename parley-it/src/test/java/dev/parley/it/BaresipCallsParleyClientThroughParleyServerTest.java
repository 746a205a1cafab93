package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's scripted-mode case with a real client on the other side: a baresip user calls and
 * messages {@code parley client --on-invite accept --json}, both signed in with digest to
 * {@code parley server} (domain {@code parley.test}, the server their outbound proxy). The
 * client's script waits for what baresip does and answers the message; baresip hangs up; the
 * script ends with exit status 0 and its JSON events (docs/cli.md, a stable interface) are checked
 * one by one.
 *
 * <p>baresip's {@code /message} is a pager-mode MESSAGE outside the call's dialog, so it opens a
 * second session in the client, an INSTANT_MESSAGING one in pager mode, and the script's
 * {@code send} answers in it (a MESSAGE through the server to carol's AOR).
 *
 * <p>The client runs in this JVM ({@link ParleyClient}: {@code Parley.run}), its script from a
 * file; its own {@code wait} lines do the waiting on its side, baresip's events on ours.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BaresipCallsParleyClientThroughParleyServerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  /** Fields that change from run to run (checked apart, or not at all). */
  private static final Set<String> VARYING = Set.of("time", "deadline", "conversation", "contact");

  @TempDir Path work;

  @Test
  void baresipCallsAndMessagesAParleyClientThatAcceptsByItself() throws Exception {
    Baresip.requireInstalled();
    Path script = script("bob.script",
        "# bob takes carol's call by itself (--on-invite accept) and answers her message",
        "wait incoming:AUDIO_VIDEO 20",
        "wait state:CONNECTED 20",
        "wait message:hello bob, from baresip 20",
        "send hello carol, from parley client",
        "wait ended:REMOTE_HANGUP 20",
        "quit");
    try (ParleyServer server = ParleyServer.builder(work.resolve("data"))
            .user("carol", "carol-pw").user("bob", "bob-pw").start();
        ParleyClient bob = client(server, "bob", "bob-pw", script, "--on-invite", "accept");
        Baresip carol = Baresip.builder(work.resolve("carol"))
            .account("carol", "carol-pw", server.aorHost()).outboundProxy(server.hostPort())
            .contact("Bob", server.aor("bob")).start()) {
      try {
        carol.awaitRegistered(WAIT);
        // the client signs in before it reads its script
        bob.await("enabled", e -> true, WAIT);

        carol.dial(server.aor("bob"));
        assertThat(carol.awaitEvent("CALL_ESTABLISHED", WAIT).fields().get("peeruri"))
            .contains("sip:bob@parley.test");
        carol.message("hello bob, from baresip");
        // the reply of the script's send, through the server, from bob's AOR
        assertThat(carol.awaitMessage("hello carol, from parley client", WAIT))
            .isEqualTo("sip:bob@parley.test");
        carol.hangup();
        assertThat(carol.awaitEvent("CALL_CLOSED", WAIT).param())
            .isEqualTo("Connection reset by user");

        // every wait satisfied, the send delivered: the script succeeded
        assertThat(bob.exitStatus(Duration.ofSeconds(20))).isZero();
        checkEvents(bob.events());
        // carol's requests went through the proxy's digest check: challenged, retried signed
        assertThat(carol.outputContains("SIP/2.0 407")).isTrue();
        assertThat(carol.outputContains("Proxy-Authorization: Digest username=\"carol\""))
            .isTrue();
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n" + bob.log() + "\n" + carol.log()
            + "\n--- proxy: " + server.server().proxyStats(), e);
      }
    }
  }

  /**
   * The JSON lines of the script above. Within a session they come in the order of the protocol;
   * across the two sessions only the order the script forces is fixed (the call's BYE and the
   * reply's 200 race), so the list is checked as a whole and per session.
   */
  private static void checkEvents(List<Map<String, String>> events) {
    String carol = "sip:carol@parley.test";
    String call = "session=1 type=AUDIO_VIDEO peer=" + carol;
    String im = "session=2 type=INSTANT_MESSAGING peer=" + carol;
    List<String> lines = events.stream()
        .map(BaresipCallsParleyClientThroughParleyServerTest::signature).toList();

    assertThat(lines.get(0)).isEqualTo("event=enabled user=sip:bob@parley.test");
    assertThat(events.get(0).get("contact")).startsWith("sip:bob@127.0.0.1:");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("event=disabled user=sip:bob@parley.test");
    // the call's final media event: its figures vary, the codec is baresip's first (PCMU)
    List<Map<String, String>> media = events.stream()
        .filter(e -> "media".equals(e.get("event"))).toList();
    assertThat(media).singleElement().satisfies(m -> {
      assertThat(m).containsEntry("session", "1").containsEntry("final", "true")
          .containsEntry("codec", "PCMU");
      assertThat(Long.parseLong(m.get("packetsReceived"))).isPositive();
    });
    assertThat(lines.stream().filter(l -> l.contains("session=1") && !l.startsWith("event=media")))
        .as("the call: accepted by --on-invite accept, ended by carol's BYE").containsExactly(
            "event=incoming " + call + " pager=false timeout=30",
            "event=state " + call + " state=CONNECTED cause=NORMAL status=200 reason=null"
                + " remoteReason=null",
            "event=state " + call + " state=DISCONNECTED cause=REMOTE_HANGUP status=0 reason=null"
                + " remoteReason=null",
            "event=ended " + call + " reason=null cause=REMOTE_HANGUP status=0 remoteReason=null"
                + " trace=null recording=null");
    // the pager session's CONNECTED (printed when accept() completes) and its first message
    // (delivered by that accept) come in either order: seen both ways
    List<String> pager = lines.stream().filter(l -> l.contains("session=2")).toList();
    assertThat(pager).as("carol's pager MESSAGE: a pager-mode IM session, accepted; the reply;"
        + " ended at quit").hasSize(6);
    assertThat(pager.get(0)).isEqualTo("event=incoming " + im + " pager=true timeout=30");
    assertThat(pager.subList(1, 3)).containsExactlyInAnyOrder(
        "event=state " + im + " state=CONNECTED cause=NORMAL status=200 reason=null"
            + " remoteReason=null",
        "event=message " + im + " text=hello bob, from baresip contentType=text/plain");
    assertThat(pager.subList(3, 6)).containsExactly(
        "event=sent " + im + " status=200 reasonPhrase=OK delivered=true",
        "event=state " + im + " state=DISCONNECTED cause=NORMAL status=0 reason=null"
            + " remoteReason=null",
        "event=ended " + im + " reason=null cause=NORMAL status=0 remoteReason=null"
            + " trace=null");
    assertThat(lines).as("nothing else: no error event").hasSize(2 + 4 + 1 + 6);
    // the script's order: the message after the call connected, quit after the call ended
    assertThat(lines.indexOf("event=message " + im + " text=hello bob, from baresip"
        + " contentType=text/plain")).isGreaterThan(indexOf(lines, "event=state " + call));
    assertThat(indexOf(lines, "event=ended " + im))
        .isGreaterThan(indexOf(lines, "event=ended " + call));

    // one conversation ID per session, on every line of it; the pager session's is generated
    // (baresip sends no Ms-Conversation-ID; docs/decisions.md)
    Map<String, Set<String>> conversations = events.stream().filter(e -> e.containsKey("session"))
        .collect(Collectors.groupingBy(e -> e.get("session"),
            Collectors.mapping(e -> e.get("conversation"), Collectors.toSet())));
    assertThat(conversations.get("1")).hasSize(1);
    assertThat(conversations.get("2")).singleElement()
        .satisfies(id -> assertThat(id).matches("[0-9a-f-]{36}"));
    assertThat(events.get(1).get("deadline")).isNotEqualTo("null");
  }

  /**
   * A script's {@code wait enabled} succeeds: the client's own sign-in looks for the event
   * without taking it (docs/cli.md: a wait takes any matching event no earlier wait took). No
   * baresip needed.
   */
  @Test
  void aScriptCanWaitForTheEnabledEvent() throws Exception {
    Path script = script("enabled.script", "wait enabled 2", "quit");
    try (ParleyServer server = ParleyServer.builder(work.resolve("data"))
            .user("bob", "bob-pw").start();
        ParleyClient bob = client(server, "bob", "bob-pw", script)) {
      assertThat(bob.exitStatus(Duration.ofSeconds(20))).as("%s", bob.log()).isZero();
      assertThat(bob.events()).extracting(e -> e.get("event"))
          .containsExactly("enabled", "disabled");
    }
  }

  /** {@code parley client} signed in as {@code user} to {@code server}, running {@code script}. */
  private static ParleyClient client(ParleyServer server, String user, String password,
      Path script, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("client", "--user", server.aor(user),
        "--server", server.hostPort(), "--password", password, "--json", "--script",
        script.toString()));
    args.addAll(List.of(more));
    return ParleyClient.start(user, args.toArray(new String[0]));
  }

  private Path script(String name, String... lines) throws Exception {
    Path file = work.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  /** An event as {@code key=value} pairs in its order, without the fields in {@link #VARYING}. */
  private static String signature(Map<String, String> event) {
    return event.entrySet().stream().filter(f -> !VARYING.contains(f.getKey()))
        .map(f -> f.getKey() + "=" + f.getValue()).collect(Collectors.joining(" "));
  }

  private static int indexOf(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no line starting with " + prefix + " in " + lines);
  }
}
