package dev.parley.server.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loopback status endpoint over real HTTP on 127.0.0.1, with a fake status supplier. */
class StatusHttpServerTest {
  static final ServerStatus STATUS = ServerStatus.builder("example.com",
          Instant.parse("2024-05-01T10:00:00Z"))
      .time(Instant.parse("2024-05-01T10:01:00Z")).accounts(2).registrationCounts(0, 0)
      .listeners(List.of("udp:127.0.0.1:5060")).build();

  @TempDir Path data;
  StatusHttpServer http;

  @AfterEach
  void stop() {
    if (http != null) {
      http.close();
    }
  }

  StatusHttpServer start(Supplier<ServerStatus> status) {
    http = StatusHttpServer.builder(status).address("127.0.0.1", 0).start();
    return http;
  }

  /** Sends raw bytes and reads until the server closes: the whole HTTP response. */
  String exchange(String request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(http.address(), 5000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  String get(String path, String host) throws IOException {
    return exchange("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
  }

  static String body(String response) {
    return response.substring(response.indexOf("\r\n\r\n") + 4);
  }

  @Test
  void getStatusAnswersTheSnapshotAsJson() throws Exception {
    start(() -> STATUS);
    String r = get("/status", "127.0.0.1:" + http.address().getPort());
    assertThat(r).startsWith("HTTP/1.1 200 OK\r\n");
    assertThat(r).containsIgnoringCase("content-type: application/json; charset=utf-8\r\n");
    assertThat(r).containsIgnoringCase("connection: close\r\n");
    assertThat(r).containsIgnoringCase("cache-control: no-store\r\n");
    assertThat(ServerStatus.fromJson(body(r))).isEqualTo(STATUS);
    assertThat(http.url()).isEqualTo("http://127.0.0.1:" + http.address().getPort());
    assertThat(get("/status?verbose=1", "localhost")).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void healthAnswersUp() throws Exception {
    start(() -> {
      throw new AssertionError("not asked");
    });
    String r = get("/health", "localhost:8060");
    assertThat(r).startsWith("HTTP/1.1 200 OK");
    assertThat(body(r)).isEqualTo("{\"status\":\"up\"}\n");
  }

  @Test
  void otherPathsAre404AndOtherMethods405() throws Exception {
    start(() -> STATUS);
    assertThat(get("/", "localhost")).startsWith("HTTP/1.1 404 Not Found");
    assertThat(get("/status/x", "localhost")).startsWith("HTTP/1.1 404 Not Found");
    String post = exchange("POST /status HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}");
    assertThat(post).startsWith("HTTP/1.1 405 Method Not Allowed").containsIgnoringCase("allow: GET");
  }

  @Test
  void aHostThatIsNotLoopbackIsRefusedAgainstDnsRebinding() throws Exception {
    start(() -> STATUS);
    assertThat(get("/status", "evil.example:8060")).startsWith("HTTP/1.1 403 Forbidden");
    assertThat(get("/status", "127.0.0.1.evil.example")).startsWith("HTTP/1.1 403");
    assertThat(get("/status", "[::1]:8060")).startsWith("HTTP/1.1 200");
    assertThat(exchange("GET /status HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 200");
  }

  @Test
  void hostNamesThatMeanLoopback() {
    assertThat(StatusHttpServer.loopbackHost("localhost")).isTrue();
    assertThat(StatusHttpServer.loopbackHost("LOCALHOST:80")).isTrue();
    assertThat(StatusHttpServer.loopbackHost("127.0.0.1")).isTrue();
    assertThat(StatusHttpServer.loopbackHost("127.1.2.3:8060")).isTrue();
    assertThat(StatusHttpServer.loopbackHost("[::1]")).isTrue();
    assertThat(StatusHttpServer.loopbackHost(null)).isTrue();
    assertThat(StatusHttpServer.loopbackHost("localhost.evil.example")).isFalse();
    assertThat(StatusHttpServer.loopbackHost("127.0.0.256")).isFalse();
    assertThat(StatusHttpServer.loopbackHost("128.0.0.1")).isFalse();
    assertThat(StatusHttpServer.loopbackHost("[::2]")).isFalse();
    assertThat(StatusHttpServer.loopbackHost("localhost:")).isFalse();
    assertThat(StatusHttpServer.loopbackHost("localhost:80x")).isFalse();
  }

  @Test
  void oversizedRequestsAreRefused() throws Exception {
    start(() -> STATUS);
    String bigHeader = exchange("GET /status HTTP/1.1\r\nHost: localhost\r\nX-Pad: "
        + "a".repeat(20_000) + "\r\n\r\n");
    assertThat(bigHeader).startsWith("HTTP/1.1 400 Bad Request");
    String longLine = exchange("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\n\r\n");
    assertThat(longLine).startsWith("HTTP/1.1 400 Bad Request");
    String bigBody = exchange("GET /status HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000"
        + "\r\n\r\n" + "b".repeat(5000));
    assertThat(bigBody).startsWith("HTTP/1.1 413");
    assertThat(get("/health", "localhost")).startsWith("HTTP/1.1 200"); // still serving
  }

  @Test
  void garbageIsAnswered400() throws Exception {
    start(() -> STATUS);
    assertThat(exchange("\u0001\u0002 nonsense\r\n\r\n")).startsWith("HTTP/1.1 400");
  }

  @Test
  void metricsAnswerTheirTextAsPrometheusTextFormat() throws Exception {
    http = StatusHttpServer.builder(() -> STATUS).metrics(() -> "# TYPE up gauge\nup 1.0\n")
        .address("127.0.0.1", 0).start();
    String r = get("/metrics", "localhost");
    assertThat(r).startsWith("HTTP/1.1 200 OK\r\n");
    assertThat(r).containsIgnoringCase("content-type: text/plain; version=0.0.4; charset=utf-8\r\n");
    assertThat(body(r)).isEqualTo("# TYPE up gauge\nup 1.0\n");
    assertThat(get("/metrics", "evil.example")).startsWith("HTTP/1.1 403 Forbidden");
  }

  @Test
  void withoutMetricsTheMetricsPathIs404AndAFailingSupplierGives500() throws Exception {
    start(() -> STATUS);
    assertThat(get("/metrics", "localhost")).startsWith("HTTP/1.1 404 Not Found");
    http.close();
    http = StatusHttpServer.builder(() -> STATUS).metrics(() -> {
      throw new IllegalStateException("registry closed");
    }).address("127.0.0.1", 0).start();
    assertThat(get("/metrics", "localhost")).startsWith("HTTP/1.1 500");
    assertThat(get("/status", "localhost")).startsWith("HTTP/1.1 200");
  }

  @Test
  void aFailingSupplierGives500AndTheEndpointKeepsServing() throws Exception {
    AtomicReference<ServerStatus> next = new AtomicReference<>();
    start(() -> {
      ServerStatus s = next.get();
      if (s == null) {
        throw new IllegalStateException("not ready");
      }
      return s;
    });
    assertThat(get("/status", "localhost")).startsWith("HTTP/1.1 500");
    next.set(STATUS);
    assertThat(get("/status", "localhost")).startsWith("HTTP/1.1 200");
  }

  @Test
  void aConnectionBeyondTheBoundClosesTheOldestUnfinishedOneAndIsAnswered() throws Exception {
    http = StatusHttpServer.builder(() -> STATUS).address("127.0.0.1", 0).maxConnections(1)
        .start();
    try (Socket slow = new Socket()) {
      slow.connect(http.address(), 5000);
      slow.setSoTimeout(10_000);
      slow.getOutputStream().write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(exchange("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"))
          .startsWith("HTTP/1.1 200");
      assertThat(slow.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(http.evictedConnections()).isEqualTo(1);
  }

  /** A client that has sent part of a request, from {@code from}. */
  private Socket slowClient(String from) throws IOException {
    Socket s = new Socket(http.address().getAddress(), http.address().getPort(),
        InetAddress.getByName(from), 0);
    s.setSoTimeout(10_000);
    s.getOutputStream().write("GET /status HTTP/1.1\r\nHost: local".getBytes(
        StandardCharsets.US_ASCII));
    return s;
  }

  @Test
  void theEndpointAnswersANewClientWhileSlowClientsHoldEverySlot() throws Exception {
    start(() -> STATUS);
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 2 * StatusHttpServer.DEFAULT_MAX_CONNECTIONS; i++) {
        slow.add(slowClient("127.0.0." + (2 + i % 4)));
      }
      for (String from : List.of("127.0.0.1", "127.0.0.2", "127.0.0.9")) {
        try (Socket s = new Socket(http.address().getAddress(), http.address().getPort(),
            InetAddress.getByName(from), 0)) {
          s.setSoTimeout(10_000);
          s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
              .startsWith("HTTP/1.1 200");
        }
      }
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  @Test
  void aClientTricklingItsRequestIsClosedAtTheRequestDeadline() throws Exception {
    http = StatusHttpServer.builder(() -> STATUS).address("127.0.0.1", 0)
        .requestTimeout(Duration.ofMillis(300)).start();
    byte[] request = "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: yes\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger next = new AtomicInteger();
    try (Socket s = new Socket()) {
      s.connect(http.address(), 5000);
      s.setSoTimeout(10_000);
      sender.scheduleAtFixedRate(() -> {
        int i = next.getAndIncrement();
        if (i < request.length) {
          try {
            s.getOutputStream().write(request[i]);
          } catch (IOException closed) {
            throw new IllegalStateException(closed); // stops the schedule
          }
        }
      }, 0, 50, TimeUnit.MILLISECONDS);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
      assertThat(next.get()).isLessThan(request.length);
    } finally {
      sender.shutdownNow();
    }
    assertThat(http.timedOutConnections()).isEqualTo(1);
  }

  @Test
  void nonLoopbackAddressesAreRefusedUnlessAllowed() {
    assertThatThrownBy(() -> StatusHttpServer.builder(() -> STATUS).address("0.0.0.0", 0).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the status endpoint listens on loopback only, not 0.0.0.0:0 (it has no "
            + "authentication; allowNonLoopback overrides)");
    assertThatThrownBy(() -> StatusHttpServer.builder(() -> STATUS).address("192.0.2.1", 8060)
        .start()).hasMessageContaining("loopback only, not 192.0.2.1:8060");
    assertThatThrownBy(() -> StatusHttpServer.builder(() -> STATUS).address("example.com", 1))
        .hasMessage("not an IP address: 'example.com'");
    assertThatThrownBy(() -> StatusHttpServer.builder(() -> STATUS).address("127.0.0.0/8", 1))
        .hasMessage("not an IP address: '127.0.0.0/8'");
    assertThatThrownBy(() -> StatusHttpServer.builder(() -> STATUS).address("127.0.0.1", 70000))
        .hasMessage("port out of range 0..65535: 70000");
  }

  @Test
  void theUrlFileIsWrittenWhenListeningAndDeletedOnClose() throws Exception {
    Path file = data.resolve(StatusHttpServer.URL_FILE);
    http = StatusHttpServer.builder(() -> STATUS).address("127.0.0.1", 0).urlFile(file).start();
    assertThat(Files.readString(file)).isEqualTo(http.url() + "\n");
    http.close();
    assertThat(file).doesNotExist();
  }

  @Test
  void aTakenPortIsNamedInTheError() {
    start(() -> STATUS);
    int port = http.address().getPort();
    assertThatThrownBy(() -> StatusHttpServer.builder(() -> STATUS).address("127.0.0.1", port)
        .start()).isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("cannot listen for status on 127.0.0.1:" + port);
  }

  @Test
  void itListensWhereAsked() {
    start(() -> STATUS);
    assertThat(http.address()).isInstanceOf(InetSocketAddress.class);
    assertThat(http.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(http.address().getPort()).isPositive();
  }
}
