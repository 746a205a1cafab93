package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.dialog.Dialog;
import dev.parley.server.status.StatusHttpServer;
import dev.parley.sip.Address;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} of a real server on loopback: the Prometheus text parses, the counters
 * move when phones (real SIP over UDP and TCP) register, call and hang up, the JVM is there, and
 * the status endpoint's Host check applies.
 */
class MetricsEndpointTest extends ProxyFixture {

  /** The raw HTTP exchange: request line and {@code Host}, the whole response back. */
  private String exchange(String path, String host) throws IOException {
    URI base = URI.create(server.statusUrl());
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private PrometheusText scrape() throws IOException {
    String r = exchange("/metrics", "localhost");
    assertThat(r).startsWith("HTTP/1.1 200 OK\r\n");
    assertThat(r).containsIgnoringCase("content-type: " + StatusHttpServer.METRICS_CONTENT_TYPE
        + "\r\n");
    return PrometheusText.parse(r.substring(r.indexOf("\r\n\r\n") + 4));
  }

  private static double requests(PrometheusText m, String method) {
    return m.value("parley_sip_requests_received_total", "method", method);
  }

  @Test
  void registerAndACallMoveTheCountersOfMetrics() throws Exception {
    start();
    PrometheusText before = scrape();
    assertThat(before.types()).containsEntry("parley_sip_requests_received_total", "counter")
        .containsEntry("parley_registrar_bindings", "gauge");
    assertThat(requests(before, "REGISTER")).isZero();
    assertThat(before.value("parley_registrar_bindings")).isZero();

    Phone alice = phone("alice", "secret");
    Phone bob = keep(Phone.of(server, "bob", "hunter2", Transport.TCP));
    assertThat(alice.register().statusCode()).isEqualTo(200);
    assertThat(bob.register().statusCode()).isEqualTo(200);
    PrometheusText registered = scrape();
    // each REGISTER is challenged (401), then sent again with credentials
    assertThat(requests(registered, "REGISTER")).isGreaterThanOrEqualTo(4);
    assertThat(registered.value("parley_sip_responses_sent_total", "class", "4xx"))
        .isGreaterThanOrEqualTo(2);
    assertThat(registered.value("parley_sip_responses_sent_total", "class", "2xx"))
        .isGreaterThanOrEqualTo(2);
    assertThat(registered.value("parley_registrar_aors")).isEqualTo(2);
    assertThat(registered.value("parley_registrar_bindings")).isEqualTo(2);
    assertThat(registered.value("parley_accounts")).isEqualTo(3);
    assertThat(registered.value("parley_connections_open", "transport", "tcp")).isEqualTo(1);
    assertThat(registered.value("parley_connections_open", "transport", "ws")).isZero();

    bob.answering(true);
    Dialog aliceSide = alice.call("bob").dialog().get(30, TimeUnit.SECONDS);
    assertThat(bob.accepted.poll(30, TimeUnit.SECONDS)).as("Bob accepted").isNotNull()
        .succeedsWithin(Duration.ofSeconds(30)); // the ACK reached Bob
    await().atMost(Duration.ofSeconds(30))
        .until(() -> scrape().value("parley_proxy_dialogs") == 1);
    PrometheusText up = scrape();
    assertThat(requests(up, "INVITE")).isGreaterThanOrEqualTo(1);
    assertThat(requests(up, "ACK")).isGreaterThanOrEqualTo(1);
    assertThat(up.value("parley_proxy_requests_forwarded_total"))
        .isGreaterThan(registered.value("parley_proxy_requests_forwarded_total"));
    assertThat(up.value("parley_proxy_responses_sent_total", "class", "2xx"))
        .isGreaterThanOrEqualTo(1);
    assertThat(up.value("parley_proxy_responses_sent_total", "class", "1xx"))
        .isGreaterThanOrEqualTo(1);
    assertThat(up.value("parley_proxy_challenges_total")).isGreaterThanOrEqualTo(1);

    SipResponse byeAnswer = alice.ua.bye(aliceSide).get(30, TimeUnit.SECONDS);
    assertThat(byeAnswer.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> scrape().value("parley_proxy_dialogs") == 0);
    PrometheusText down = scrape();
    assertThat(requests(down, "BYE")).isEqualTo(1);
    assertThat(down.value("parley_sip_transactions", "side", "server")).isNotNegative();
  }

  @Test
  void aMethodUnknownToMetricsCountsAsOtherNeverAsItsOwnLabel() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    SipUri us = SipUri.parse("sip:" + DOMAIN);
    SipRequest odd = alice.ua.newRequest(SipMethod.of("FROBNICATE"), us, alice.aor(),
        Address.of(us), Transport.UDP).build();
    SipResponse r = alice.ua.request(odd, alice.proxy).get(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isGreaterThanOrEqualTo(400);

    PrometheusText m = scrape();
    assertThat(requests(m, "other")).isEqualTo(1);
    String text = server.metrics().scrape();
    assertThat(text).doesNotContain("FROBNICATE");
  }

  @Test
  void metricsHaveTheJvmAndTheConnectionsOfEveryStreamTransport() throws Exception {
    start();
    PrometheusText m = scrape();
    assertThat(m.has("jvm_memory_used_bytes")).isTrue();
    assertThat(m.has("jvm_gc_pause_seconds") || m.has("jvm_gc_memory_allocated_bytes_total"))
        .isTrue();
    assertThat(m.value("jvm_threads_live_threads")).isPositive();
    assertThat(m.value("jvm_classes_loaded_classes")).isPositive();
    assertThat(m.has("process_cpu_usage")).isTrue();
    assertThat(m.value("process_uptime_seconds")).isNotNegative();
    for (String t : new String[] {"tcp", "tls", "ws", "wss"}) {
      assertThat(m.value("parley_connections_refused_total", "transport", t, "reason", "full"))
          .isZero();
      assertThat(m.value("parley_connections_timeouts_total", "transport", t, "timeout",
          "first_message")).isZero();
    }
    assertThat(m.value("parley_conferences")).isZero();
    assertThat(m.value("parley_offline_messages_pending")).isZero();
    assertThat(m.value("parley_ratelimit_requests_refused_total")).isZero();
  }

  @Test
  void metricsRefuseAHostThatIsNotLoopback() throws Exception {
    start();
    assertThat(exchange("/metrics", "evil.example:8060")).startsWith("HTTP/1.1 403 Forbidden");
    assertThat(exchange("/metrics", "127.0.0.1.evil.example"))
        .startsWith("HTTP/1.1 403 Forbidden");
    assertThat(exchange("/metrics", "127.0.0.1")).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void aConferenceAndItsParticipantShowInMetrics() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    SipUri factory = SipUri.parse("sip:conference@" + DOMAIN);
    String offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=message 5060 sip sip:someone@example.com\r\n";
    SipRequest invite = alice.ua.newRequest(SipMethod.INVITE, factory, alice.aor(),
        Address.of(factory), Transport.UDP)
        .body(MediaType.APPLICATION_SDP, offer.getBytes(StandardCharsets.US_ASCII)).build();
    alice.ua.invite(invite, alice.proxy).orTimeout(30, TimeUnit.SECONDS).join();

    await().atMost(Duration.ofSeconds(30))
        .until(() -> scrape().value("parley_conference_participants") == 1);
    PrometheusText m = scrape();
    assertThat(m.value("parley_conferences")).isEqualTo(1);
    assertThat(m.value("parley_focus_dialogs")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aPagerMessageStoredForAnOfflineUserShowsAsPending() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    assertThat(alice.message("carol", "later").statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> scrape().value("parley_offline_messages_pending") == 1);
    PrometheusText after = scrape();
    assertThat(after.value("parley_offline_messages_accepted_total")).isEqualTo(1);
    assertThat(after.value("parley_offline_users")).isEqualTo(1);
    assertThat(requests(after, "MESSAGE")).isGreaterThanOrEqualTo(1);
  }
}
