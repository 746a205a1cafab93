package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.dialog.Dialog;
import dev.parley.server.proxy.RateLimitConfig;
import dev.parley.server.proxy.RateLimiter;
import dev.parley.server.status.ServerStatus;
import dev.parley.server.status.StatusConfig;
import dev.parley.server.status.StatusHttpServer;
import dev.parley.sip.Address;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipUri;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The status endpoint of a real server: what it shows, its URL file, its port. */
class StatusEndpointTest extends ProxyFixture {

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void getStatusShowsARegisteredUserAndTransactionCounts() throws Exception {
    start();
    Path urlFile = data.resolve(StatusHttpServer.URL_FILE);
    assertThat(Files.readString(urlFile).strip()).isEqualTo(server.statusUrl());
    Phone bob = phone("bob", "hunter2");
    assertThat(bob.register().statusCode()).isEqualTo(200);

    HttpResponse<String> r = get(server.statusUrl() + "/status");
    assertThat(r.statusCode()).isEqualTo(200);
    ServerStatus s = ServerStatus.fromJson(r.body());
    assertThat(s.domain()).isEqualTo(DOMAIN);
    assertThat(s.listeners()).containsExactlyElementsOf(
        server.listenPoints().stream().map(ListenPoint::toString).toList());
    assertThat(s.accounts()).isEqualTo(3);
    assertThat(s.aors()).isEqualTo(1);
    assertThat(s.bindings()).isEqualTo(1);
    assertThat(s.registrationsTruncated()).isFalse();
    ServerStatus.Registration reg = s.registrations().get(0);
    assertThat(reg.aor()).isEqualTo("sip:bob@" + DOMAIN);
    ServerStatus.Contact c = reg.contacts().get(0);
    assertThat(c.contact()).contains("sip:bob@127.0.0.1:");
    assertThat(c.expiresIn()).isBetween(590L, 600L);
    assertThat(c.source()).startsWith("udp:127.0.0.1:");
    // the REGISTERs' server transactions wait out Timer J; the body says so
    assertThat(s.serverTransactions()).isGreaterThanOrEqualTo(1);
    assertThat(r.body()).contains("\"transactions\":{\"client\":" + s.clientTransactions()
        + ",\"server\":" + s.serverTransactions() + "}");
    assertThat(s.proxy()).containsKeys("contexts", "maxContexts", "forwarded", "challenges",
        "responses2xx", "responses4xx", "relaysRefused", "strayResponsesDropped",
        "maxBreadthExceeded");
    assertThat(s.connections()).containsKeys("open", "refusedPerAddress", "refusedFull",
        "evicted", "firstMessageTimeouts", "messageTimeouts", "idleTimeouts");
    assertThat(s.offlineMessages()).isNotNull();
    assertThat(s.rateLimits().sources()).isEqualTo(1);
    assertThat(s.rateLimits().maxSources()).isEqualTo(RateLimiter.DEFAULT_MAX_SOURCES);

    server.close();
    assertThat(urlFile).doesNotExist();
  }

  @Test
  void statusListsAtMostMaxListedAorsInOrder() throws Exception {
    start(b -> b.status(StatusConfig.builder().listen("127.0.0.1:0").maxListed(2).build()));
    bind("carol", "sip:carol@192.0.2.3", 1);
    bind("alice", "sip:alice@192.0.2.1", 1);
    bind("bob", "sip:bob@192.0.2.2", 1);
    ServerStatus s = ServerStatus.fromJson(get(server.statusUrl() + "/status").body());
    assertThat(s.aors()).isEqualTo(3);
    assertThat(s.registrations()).extracting(ServerStatus.Registration::aor)
        .containsExactly("sip:alice@" + DOMAIN, "sip:bob@" + DOMAIN);
    assertThat(s.registrationsTruncated()).isTrue();
  }

  @Test
  void offStatusListensNowhereAndWritesNoUrlFile() throws Exception {
    start(b -> b.statusListen("off").rateLimits(RateLimitConfig.builder()
        .requestsPerSecond(0).authFailuresPerMinute(0).build()));
    assertThat(server.statusUrl()).isNull();
    assertThat(data.resolve(StatusHttpServer.URL_FILE)).doesNotExist();
    assertThat(server.status().rateLimits()).as("limits off").isNull();
  }

  @Test
  void aConfiguredStatusPortThatIsTakenStopsTheStart() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> start(b -> b.statusListen("127.0.0.1:" + taken.getLocalPort())))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("cannot listen for status on 127.0.0.1:" + taken.getLocalPort());
    }
    server = null;
    // everything was released: the same data directory starts again
    start();
    assertThat(server.statusUrl()).isNotNull();
  }

  @Test
  void theDefaultStatusPortFallsBackToAFreeOneWhenTaken() throws Exception {
    ServerSocket taken = null;
    try {
      try {
        taken = new ServerSocket(8060, 1, InetAddress.getLoopbackAddress());
      } catch (java.io.IOException e) {
        // taken by someone else already: just as good
      }
      start(b -> b.status(StatusConfig.defaults()));
      assertThat(server.statusUrl()).startsWith("http://127.0.0.1:").doesNotEndWith(":8060");
      assertThat(Files.readAllLines(data.resolve(StatusHttpServer.URL_FILE)))
          .isEqualTo(List.of(server.statusUrl()));
      assertThat(get(server.statusUrl() + "/health").body()).isEqualTo("{\"status\":\"up\"}\n");
    } finally {
      if (taken != null) {
        taken.close();
      }
    }
  }

  private static Dialog joinWithIm(Phone phone, String uri, String conversation) {
    SipUri target = SipUri.parse(uri);
    String offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=message 5060 sip sip:someone@example.com\r\n";
    dev.parley.sip.SipRequest.Builder b = phone.ua.newRequest(SipMethod.INVITE, target,
        phone.aor(), Address.of(target), Transport.UDP)
        .body(MediaType.APPLICATION_SDP, offer.getBytes(StandardCharsets.US_ASCII));
    if (conversation != null) {
      b.header(dev.parley.sip.HeaderName.MS_CONVERSATION_ID, conversation);
    }
    return phone.ua.invite(b.build(), phone.proxy).orTimeout(10, TimeUnit.SECONDS).join();
  }

  @Test
  void statusListsTheConferencesWithTheirRosters() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    joinWithIm(alice, "sip:conference@" + DOMAIN, "conv-7");
    String uri = server.focus().conferences().get(0).uri();
    joinWithIm(bob, uri, null);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        server.focus().conferences().get(0).participants().size() == 2);

    ServerStatus s = ServerStatus.fromJson(get(server.statusUrl() + "/status").body());

    assertThat(s.conferences().count()).isEqualTo(1);
    assertThat(s.conferences().truncated()).isFalse();
    ServerStatus.Conference c = s.conferences().list().get(0);
    assertThat(c.uri()).isEqualTo(uri);
    assertThat(c.conversation()).isEqualTo("conv-7");
    assertThat(c.organizer()).isEqualTo("sip:alice@" + DOMAIN);
    assertThat(c.participants()).extracting(ServerStatus.Participant::uri,
        ServerStatus.Participant::im, ServerStatus.Participant::audio).containsExactly(
            org.assertj.core.groups.Tuple.tuple("sip:alice@" + DOMAIN, true, false),
            org.assertj.core.groups.Tuple.tuple("sip:bob@" + DOMAIN, true, false));
    assertThat(c.participants().get(0).status()).isEqualTo("connected");
  }

  @Test
  void withTheFocusOffTheStatusHasNoConferences() throws Exception {
    start(b -> b.focusEnabled(false));
    String body = get(server.statusUrl() + "/status").body();
    assertThat(body).doesNotContain("\"conferences\"");
    assertThat(ServerStatus.fromJson(body).conferences()).isNull();
  }
}
