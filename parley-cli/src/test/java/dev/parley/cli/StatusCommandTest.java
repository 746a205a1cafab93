package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.focus.ConferenceView;
import dev.parley.focus.ParticipantStatus;
import dev.parley.server.offline.OfflineMessages;
import dev.parley.server.proxy.RateLimiter;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import dev.parley.server.status.ServerStatus;
import dev.parley.server.status.StatusHttpServer;
import dev.parley.sip.Address;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code parley status} against a real loopback status endpoint with a fake status. */
class StatusCommandTest {
  static final Instant START = Instant.parse("2024-05-01T10:00:00Z");
  static final long NOW = START.plusSeconds(3725).toEpochMilli();

  @TempDir Path data;
  StatusHttpServer http;

  record Run(int status, String out, String err) {}

  @AfterEach
  void stop() {
    if (http != null) {
      http.close();
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Parley.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(status, out.toString(), err.toString());
  }

  static Binding binding(Aor aor, String contact, long expiresIn, String source, String ua) {
    return new Binding(aor, Address.parse(contact), NOW + expiresIn * 1000, -1, "c", 1, List.of(),
        null, 0, source, ua, NOW);
  }

  static ServerStatus status() {
    Aor alice = new Aor("alice", "example.com");
    Aor bob = new Aor("bob", "example.com");
    Map<Aor, List<Binding>> table = new LinkedHashMap<>();
    table.put(bob, List.of(binding(bob, "<sip:bob@192.0.2.7:5060>;q=0.5", 593,
        "udp:192.0.2.7:5060", null)));
    table.put(alice, List.of(
        binding(alice, "<sip:alice@192.0.2.1:5062;transport=tcp>", 3599, "tcp:192.0.2.1:40000",
            "baresip v3.10.1"),
        binding(alice, "<sip:alice@192.0.2.2>", 45, "udp:192.0.2.2:5060", "Linphone/5.2")));
    return ServerStatus.builder("example.com", START).time(Instant.ofEpochMilli(NOW))
        .listeners(List.of("udp:127.0.0.1:5060", "tcp:127.0.0.1:5060"))
        .accounts(3).registrationCounts(3, 4).registrations(table, NOW, 2)
        .transactions(4, 7).proxyCounter("contexts", 2).proxyCounter("dialogs", 1)
        .offlineMessages(new OfflineMessages.Stats(3, 120, 1, 5, 1, 2, 4, 0))
        .rateLimits(new RateLimiter.Stats(12, 65536, 9, 3, 1))
        .conferences(List.of(
            new ConferenceView("sip:conf-b@example.com", "conv-b", "sip:carol@example.com",
                List.of(), 0),
            new ConferenceView("sip:conf-a@example.com", "conv-a", "sip:alice@example.com",
                List.of(new ConferenceView.Participant("sip:alice@example.com", "Alice",
                        ParticipantStatus.CONNECTED, true, true),
                    new ConferenceView.Participant("sip:bob@example.com", null,
                        ParticipantStatus.ALERTING, true, false)), 1),
            new ConferenceView("sip:conf-c@example.com", null, null, List.of(), 0)), 2)
        .build();
  }

  StatusHttpServer serve(ServerStatus status, Path urlFile) {
    http = StatusHttpServer.builder(() -> status).address("127.0.0.1", 0).urlFile(urlFile)
        .start();
    return http;
  }

  @Test
  void printsTheDocumentedSummaryAndRegistrationsTable() {
    serve(status(), null);
    Run r = run("status", "--url", http.url() + "/");
    assertThat(r.err()).isEmpty();
    assertThat(r.status()).isZero();
    assertThat(r.out()).isEqualTo(String.join("\n",
        "parley status: server at " + http.url() + ", up 1h 02m 05s (since 2024-05-01T10:00:00Z)",
        "domain: example.com",
        "listeners: udp:127.0.0.1:5060, tcp:127.0.0.1:5060",
        "accounts: 3",
        "registrations: 3 AORs, 4 bindings",
        "transactions: 4 client, 7 server",
        "proxy: contexts 2, dialogs 1",
        "offline messages: 3 pending for 1 users (120 bytes); 5 accepted, 1 rejected,"
            + " 2 delivered, 0 dropped",
        "rate limits: 12 sources tracked, 9 requests refused, 3 failed authentications, 1 blocks",
        "conferences: 3",
        "",
        "AOR                    CONTACT                                   EXPIRES  SOURCE "
            + "              USER-AGENT",
        "sip:alice@example.com  <sip:alice@192.0.2.1:5062;transport=tcp>    3599s  "
            + "tcp:192.0.2.1:40000  baresip v3.10.1",
        "sip:alice@example.com  <sip:alice@192.0.2.2>                         45s  "
            + "udp:192.0.2.2:5060   Linphone/5.2",
        "sip:bob@example.com    <sip:bob@192.0.2.7:5060>;q=0.5               593s  "
            + "udp:192.0.2.7:5060   -",
        "(1 more AORs not listed)",
        "",
        "conference sip:conf-a@example.com: organizer sip:alice@example.com, conversation conv-a,"
            + " 2 participants, 1 subscriptions",
        "  sip:alice@example.com  Alice  connected  im+audio",
        "  sip:bob@example.com    -      alerting   im",
        "",
        "conference sip:conf-b@example.com: organizer sip:carol@example.com, conversation conv-b,"
            + " 0 participants, 0 subscriptions",
        "(1 more conferences not listed)",
        ""));
  }

  @Test
  void jsonPrintsTheDocumentAsServed() {
    ServerStatus s = status();
    serve(s, null);
    Run r = run("status", "--json", "--url", http.url());
    assertThat(r.status()).isZero();
    assertThat(r.out()).isEqualTo(s.toJson() + "\n");
    assertThat(ServerStatus.fromJson(r.out())).isEqualTo(s);
  }

  @Test
  void findsTheEndpointThroughTheUrlFileInTheDataDirectory() {
    serve(ServerStatus.builder("example.com", START).time(START.plusSeconds(42)).build(),
        data.resolve(StatusHttpServer.URL_FILE));
    Run r = run("status", "--data", data.toString());
    assertThat(r.status()).isZero();
    assertThat(r.out()).startsWith("parley status: server at " + http.url()
        + ", up 42s (since 2024-05-01T10:00:00Z)\n");
    assertThat(r.out()).contains("proxy: -\noffline messages: off\nrate limits: off\n"
        + "conferences: off\n")
        .doesNotContain("USER-AGENT");
  }

  @Test
  void aServerThatIsNotRunningExits1WithAClearMessage() {
    serve(status(), null);
    String url = http.url();
    http.close();
    Run r = run("status", "--url", url);
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("parley status: no server answering at " + url + " (")
        .endsWith("); is 'parley server' running?\n");
  }

  @Test
  void somethingElseAnsweringIsNamed() {
    serve(status(), null);
    Run r = run("status", "--url", http.url() + "/health");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("parley status: " + http.url() + "/health/status answered "
        + "HTTP 404\n");
  }

  @Test
  void aBadUrlIsAUsageErrorAndABadUrlFileIsNamed() throws Exception {
    Run r = run("status", "--url", "ftp://127.0.0.1/");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).startsWith("--url: not an http URL: 'ftp://127.0.0.1/'");
    Files.writeString(data.resolve(StatusHttpServer.URL_FILE), "garbage\n");
    Run f = run("status", "--data", data.toString());
    assertThat(f.status()).isEqualTo(1);
    assertThat(f.err()).isEqualTo("parley status: " + data.resolve("status.url")
        + ": not an http URL: 'garbage'\n");
  }

  @Test
  void uptimeIsWrittenForPeople() {
    assertThat(StatusCommand.uptime(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(StatusCommand.uptime(Duration.ofSeconds(185))).isEqualTo("3m 05s");
    assertThat(StatusCommand.uptime(Duration.ofSeconds(3725))).isEqualTo("1h 02m 05s");
    assertThat(StatusCommand.uptime(Duration.ofSeconds(2 * 86400 + 3 * 3600 + 4 * 60 + 5)))
        .isEqualTo("2d 03h 04m");
  }
}
