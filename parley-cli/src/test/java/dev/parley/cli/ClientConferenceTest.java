package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.FakeFocus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code conf} commands of {@code parley client} in scripted mode, peer-to-peer on loopback
 * against the client library's scripted focus (the wire contract of issue 13): create, join,
 * invite (dial-out reaching a third client as a CONFERENCE invitation), roster events, send to
 * all with per-recipient results, leave.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClientConferenceTest {
  private final List<ClientRun> runs = new ArrayList<>();
  private FakeFocus focus;

  @BeforeEach
  void startFocus() {
    focus = FakeFocus.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (ClientRun r : runs) {
      r.close();
    }
    focus.close();
  }

  private ClientRun client(String user, String... more) {
    List<String> args = new ArrayList<>(List.of("--user", "sip:" + user + "@127.0.0.1",
        "--listen", "udp:127.0.0.1:0", "--json", "--conference-factory",
        focus.factory().toString()));
    args.addAll(List.of(more));
    ClientRun r = ClientRun.start(user, args.toArray(String[]::new));
    runs.add(r);
    return r;
  }

  @Test
  void createJoinInviteRosterSendAndLeaveAreCommandsWithJsonEvents() throws Exception {
    ClientRun alice = client("alice");
    ClientRun bob = client("bob");
    ClientRun carol = client("carol", "--on-invite", "accept");
    String carolUri = carol.contact();
    alice.contact();
    bob.contact();

    alice.type("conf create");
    Map<String, Object> created = alice.await("conference");
    assertThat(created).containsEntry("event", "conference").containsEntry("session", 1L)
        .containsEntry("type", "CONFERENCE");
    // the focus's user at the factory's host and port (the scripted focus's)
    assertThat((String) created.get("uri")).startsWith("sip:conf-test1@127.0.0.1:");
    assertThat((String) created.get("conversation")).isNotBlank();

    bob.type("conf join " + focus.conference());
    assertThat(bob.await("conference")).containsEntry("uri", focus.conference().toString());
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> focus.legCount() == 2); // bob's ACK reached the focus

    alice.type("send hello all");
    Map<String, Object> sent = alice.await("sent");
    assertThat(sent).containsEntry("delivered", true).containsEntry("status", 200L)
        .containsEntry("results", List.of(Map.of("uri", "sip:bob@127.0.0.1", "status", 200L)));
    Map<String, Object> hello = bob.await("message");
    assertThat(hello).containsEntry("text", "hello all").containsEntry("type", "CONFERENCE");
    Map<String, Object> bobsRoster = bob.await("roster");
    assertThat(bobsRoster.get("participants"))
        .isEqualTo(List.of(ClientRun.connected("sip:alice@127.0.0.1")));

    alice.type("conf invite " + carolUri);
    Map<String, Object> incoming = carol.await("incoming");
    assertThat(incoming).containsEntry("type", "CONFERENCE")
        .containsEntry("conversation", created.get("conversation"))
        .containsEntry("referredBy", "sip:alice@127.0.0.1")
        .containsEntry("peer", "sip:conf-test1@127.0.0.1");
    assertThat(carol.await("conference")).containsEntry("uri", "sip:conf-test1@127.0.0.1");
    List<Map<String, Object>> everyone = List.of(
        ClientRun.connected("sip:bob@127.0.0.1"),
        ClientRun.connected(carolUri));
    alice.await("roster", e -> e.get("participants").equals(everyone));

    int told = alice.events("roster").size();
    alice.type("conf roster"); // told again, on demand
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> alice.events("roster").size() > told);
    assertThat(alice.events("roster").get(told))
        .containsEntry("uri", created.get("uri")).containsEntry("session", 1L)
        .containsEntry("participants", everyone);
    alice.type("conf leave").type("wait ended 10");
    assertThat(alice.await("ended")).containsEntry("type", "CONFERENCE");
    alice.type("quit");
    assertThat(alice.exitStatus()).isZero();
  }

  @Test
  void aConferenceFactoryThatIsNoSipUriIsAUsageError() throws Exception {
    ClientRun r = ClientRun.start("x", "--user", "sip:x@127.0.0.1", "--listen",
        "udp:127.0.0.1:0", "--json", "--conference-factory", "sip:");
    runs.add(r);
    assertThat(r.exitStatus()).isEqualTo(2);
    assertThat(r.stderr()).contains("--conference-factory: not a SIP URI: sip:");
  }

  @Test
  void confCommandsWithoutAConferenceAndBadArgumentsFailWithAnError() throws Exception {
    ClientRun alice = client("alice", "--keep-going");
    alice.contact();
    alice.type("conf roster").type("conf invite sip:bob@127.0.0.1").type("conf leave")
        .type("conf join").type("conf frobnicate");
    alice.await("error", e -> "conf frobnicate".equals(e.get("command")));
    assertThat(alice.events("error")).extracting(e -> (String) e.get("message"))
        .containsExactly("no conference: use conf create or conf join URI",
            "no conference: use conf create or conf join URI",
            "no conference: use conf create or conf join URI",
            "usage: conf join URI",
            "usage: conf create | conf join URI | conf invite URI | conf roster | conf leave");
    alice.type("quit");
    assertThat(alice.exitStatus()).isEqualTo(1);
  }
}
