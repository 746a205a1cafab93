package dev.parley.server.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.focus.ConferenceView;
import dev.parley.focus.ParticipantStatus;
import dev.parley.server.offline.OfflineMessages;
import dev.parley.server.proxy.RateLimiter;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import dev.parley.sip.Address;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status snapshot: what the builder lists, and its JSON both ways. */
class ServerStatusTest {
  static final Instant START = Instant.parse("2024-05-01T10:00:00Z");
  static final long NOW = START.plusSeconds(3725).toEpochMilli();

  static Binding binding(Aor aor, String contact, long expiresInSeconds, String source) {
    return new Binding(aor, Address.parse(contact), NOW + expiresInSeconds * 1000, -1, "cid", 1,
        List.of(), null, 0, source, "baresip v3.10.1", NOW - 5000);
  }

  static ServerStatus sample() {
    Aor alice = new Aor("alice", "example.com");
    Aor bob = new Aor("bob", "example.com");
    Map<Aor, List<Binding>> table = new LinkedHashMap<>();
    table.put(bob, List.of(binding(bob, "<sip:bob@192.0.2.7:5060>;q=0.5", 593, "udp:192.0.2.7:5060")));
    table.put(alice, List.of(
        binding(alice, "<sip:alice@192.0.2.1:5062;transport=tcp>", 3599, "tcp:192.0.2.1:40000"),
        binding(alice, "<sip:alice@192.0.2.2>", -1, null))); // lapsed: not listed
    return ServerStatus.builder("example.com", START)
        .time(Instant.ofEpochMilli(NOW))
        .listeners(List.of("udp:127.0.0.1:5060", "tcp:127.0.0.1:5060"))
        .accounts(3)
        .registrationCounts(2, 2)
        .registrations(table, NOW, 10)
        .transactions(4, 7)
        .proxyCounter("contexts", 2).proxyCounter("dialogs", 1)
        .connectionCounter("open", 5).connectionCounter("evicted", 1)
        .offlineMessages(new OfflineMessages.Stats(3, 120, 1, 5, 1, 2, 4, 0, 6, 1, 7, 8))
        .rateLimits(new RateLimiter.Stats(12, 65536, 9, 3, 1))
        .build();
  }

  @Test
  void theBuilderListsLiveBindingsSortedByAor() {
    ServerStatus s = sample();
    assertThat(s.uptime().toSeconds()).isEqualTo(3725);
    assertThat(s.registrations()).extracting(ServerStatus.Registration::aor)
        .containsExactly("sip:alice@example.com", "sip:bob@example.com");
    assertThat(s.registrations().get(0).contacts()).containsExactly(new ServerStatus.Contact(
        "<sip:alice@192.0.2.1:5062;transport=tcp>", 3599, "tcp:192.0.2.1:40000",
        "baresip v3.10.1"));
    assertThat(s.registrationsTruncated()).isFalse();
  }

  @Test
  void atMostMaxListedAorsAreListedAndTheRestCounted() {
    Map<Aor, List<Binding>> table = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      Aor aor = new Aor("u" + i, "example.com");
      table.put(aor, List.of(binding(aor, "<sip:u@192.0.2.1>", 60, null)));
    }
    ServerStatus s = ServerStatus.builder("example.com", START).registrationCounts(50, 50)
        .registrations(table, NOW, 5).build();
    assertThat(s.registrations()).hasSize(5);
    assertThat(s.registrationsTruncated()).isTrue();
    assertThat(s.toJson()).contains("\"aors\":50,\"bindings\":50,\"listed\":5,\"truncated\":true");
  }

  @Test
  void theJsonHasTheDocumentedShapeAndReadsBack() {
    ServerStatus s = sample();
    String json = s.toJson();
    assertThat(json).startsWith("{\"domain\":\"example.com\",\"time\":\"2024-05-01T11:02:05Z\","
        + "\"startedAt\":\"2024-05-01T10:00:00Z\",\"uptimeSeconds\":3725,"
        + "\"listeners\":[\"udp:127.0.0.1:5060\",\"tcp:127.0.0.1:5060\"],\"accounts\":3,"
        + "\"registrations\":{\"aors\":2,\"bindings\":2,\"listed\":2,\"truncated\":false,"
        + "\"list\":[{\"aor\":\"sip:alice@example.com\",\"contacts\":[{\"contact\":"
        + "\"<sip:alice@192.0.2.1:5062;transport=tcp>\",\"expiresIn\":3599,"
        + "\"source\":\"tcp:192.0.2.1:40000\",\"userAgent\":\"baresip v3.10.1\"}]},");
    assertThat(json).endsWith("\"transactions\":{\"client\":4,\"server\":7},"
        + "\"proxy\":{\"contexts\":2,\"dialogs\":1},"
        + "\"connections\":{\"open\":5,\"evicted\":1},"
        + "\"offlineMessages\":{\"pending\":3,\"pendingBytes\":120,\"users\":1,\"accepted\":5,"
        + "\"rejected\":1,\"delivered\":2,\"failedAttempts\":4,\"dropped\":0,"
        + "\"refusedPerSender\":6,\"unauthenticatedPending\":1,"
        + "\"unauthenticatedDeclined\":7,\"unauthenticatedDiscarded\":8},"
        + "\"rateLimits\":{\"sources\":12,\"maxSources\":65536,\"requestsRefused\":9,"
        + "\"authFailures\":3,\"authBlocks\":1}}");
    assertThat(ServerStatus.fromJson(json)).isEqualTo(s);
  }

  @Test
  void readingToleratesUnknownAndMissingFields() {
    ServerStatus s = ServerStatus.fromJson(" {\"domain\":\"d\",\"time\":\"2024-05-01T10:00:01Z\","
        + "\"startedAt\":\"2024-05-01T10:00:00Z\",\"future\":{\"x\":[1,2.5,null,true]},"
        + "\"offlineMessages\":null}\n");
    assertThat(s.domain()).isEqualTo("d");
    assertThat(s.uptime().toSeconds()).isEqualTo(1);
    assertThat(s.registrations()).isEmpty();
    assertThat(s.offlineMessages()).isNull();
    assertThat(s.rateLimits()).isNull();
    assertThat(s.proxy()).isEmpty();
  }

  @Test
  void readingRefusesWhatIsNotAStatus() {
    assertThatThrownBy(() -> ServerStatus.fromJson("[1]"))
        .hasMessage("status is not a JSON object");
    assertThatThrownBy(() -> ServerStatus.fromJson("{\"domain\":\"d\"}"))
        .hasMessage("status has no 'time'");
    assertThatThrownBy(() -> ServerStatus.fromJson("{\"domain\":"))
        .hasMessageStartingWith("not JSON: unexpected end");
    assertThatThrownBy(() -> ServerStatus.fromJson("<html>"))
        .hasMessageStartingWith("not JSON: unexpected character '<'");
    assertThatThrownBy(() -> ServerStatus.fromJson("[".repeat(100)))
        .hasMessageContaining("nested deeper than 64");
  }

  @Test
  void stringsWithQuotesControlCharactersAndNonAsciiSurviveTheRoundTrip() {
    Aor aor = new Aor("zoë", "example.com");
    Binding b = new Binding(aor, Address.parse("<sip:zo%C3%AB@192.0.2.1>"), NOW + 60_000, -1,
        "c", 1, List.of(), null, 0, null, "Ua \"quoted\" \\ \t\u0001 \uD83D\uDE00", NOW);
    ServerStatus s = ServerStatus.builder("example.com", START).time(Instant.ofEpochMilli(NOW))
        .registrationCounts(1, 1).registrations(Map.of(aor, List.of(b)), NOW, 10).build();
    assertThat(s.toJson()).contains("\\u0001");
    assertThat(ServerStatus.fromJson(s.toJson())).isEqualTo(s);
  }

  static ConferenceView conference(String id, String organizer) {
    return new ConferenceView("sip:conf-" + id + "@example.com", "conv-" + id,
        "sip:" + organizer + "@example.com", List.of(
            new ConferenceView.Participant("sip:" + organizer + "@example.com", "Alice \"A\"",
                ParticipantStatus.CONNECTED, true, false),
            new ConferenceView.Participant("sip:bob@example.com", null,
                ParticipantStatus.ALERTING, true, true)), 2);
  }

  @Test
  void conferencesAreListedSortedByUriWithTheirRostersAndTheJsonReadsBack() {
    ServerStatus s = ServerStatus.builder("example.com", START).time(Instant.ofEpochMilli(NOW))
        .conferences(List.of(conference("b", "carol"), conference("a", "alice")), 10).build();
    assertThat(s.conferences().list()).extracting(ServerStatus.Conference::uri)
        .containsExactly("sip:conf-a@example.com", "sip:conf-b@example.com");
    assertThat(s.conferences().truncated()).isFalse();
    String json = s.toJson();
    assertThat(json).contains("\"rateLimits\":null,\"conferences\":{\"count\":2,\"listed\":2,"
        + "\"truncated\":false,\"list\":[{\"uri\":\"sip:conf-a@example.com\","
        + "\"conversation\":\"conv-a\",\"organizer\":\"sip:alice@example.com\","
        + "\"subscriptions\":2,\"participants\":[{\"uri\":\"sip:alice@example.com\","
        + "\"displayName\":\"Alice \\\"A\\\"\",\"status\":\"connected\",\"im\":true,"
        + "\"audio\":false},{\"uri\":\"sip:bob@example.com\",\"displayName\":null,"
        + "\"status\":\"alerting\",\"im\":true,\"audio\":true}]},"
        + "{\"uri\":\"sip:conf-b@example.com\",");
    assertThat(ServerStatus.fromJson(json)).isEqualTo(s);
  }

  @Test
  void atMostMaxListedConferencesAreListedAndAllCounted() {
    List<ConferenceView> many = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      many.add(conference(String.format("%02d", i), "alice"));
    }
    ServerStatus s = ServerStatus.builder("example.com", START).conferences(many, 3).build();
    assertThat(s.conferences().count()).isEqualTo(30);
    assertThat(s.conferences().list()).extracting(ServerStatus.Conference::uri)
        .containsExactly("sip:conf-00@example.com", "sip:conf-01@example.com",
            "sip:conf-02@example.com");
    assertThat(s.toJson()).contains("\"conferences\":{\"count\":30,\"listed\":3,"
        + "\"truncated\":true,");
    assertThatThrownBy(() -> ServerStatus.builder("example.com", START).conferences(many, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxListed is negative: -1");
  }

  @Test
  void withoutAFocusTheConferencesFieldIsAbsentAndReadsAsNull() {
    ServerStatus s = ServerStatus.builder("example.com", START).build();
    assertThat(s.toJson()).doesNotContain("conferences");
    assertThat(ServerStatus.fromJson(s.toJson()).conferences()).isNull();
    ServerStatus none = ServerStatus.builder("example.com", START).conferences(List.of(), 10)
        .build();
    assertThat(none.toJson()).endsWith("\"conferences\":{\"count\":0,\"listed\":0,"
        + "\"truncated\":false,\"list\":[]}}");
  }

  @Test
  void readingConferencesToleratesUnknownAndMissingFields() {
    ServerStatus s = ServerStatus.fromJson("{\"domain\":\"d\",\"time\":\"2024-05-01T10:00:01Z\","
        + "\"startedAt\":\"2024-05-01T10:00:00Z\",\"conferences\":{\"list\":["
        + "{\"uri\":\"sip:conf-x@d\",\"future\":1,\"participants\":[{\"uri\":\"sip:a@d\"},"
        + "{\"displayName\":\"no uri\"}]},{\"organizer\":\"no uri\"}]}}");
    assertThat(s.conferences().count()).isEqualTo(1);
    ServerStatus.Conference c = s.conferences().list().get(0);
    assertThat(c.conversation()).isNull();
    assertThat(c.participants()).containsExactly(
        new ServerStatus.Participant("sip:a@d", null, "unknown", false, false));
  }
}
