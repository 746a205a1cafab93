package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.auth.CredentialsProvider;
import dev.parley.auth.UserSecret;
import dev.parley.dialog.UserAgent;
import dev.parley.server.config.ConfigException;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.registrar.Aor;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.transport.Hop;
import dev.parley.transport.NettyTransportLayer;
import dev.parley.transport.TlsConfig;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportConfig;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The web listener of a real server over real HTTPS and WSS on loopback: the page at {@code /},
 * its headers, what it refuses, and SIP over WebSocket at {@code /ws} as a normal SIP flow.
 */
class WebListenerTest extends WebFixture {

  private HttpResponse<String> get(String path) throws Exception {
    return https().send(HttpRequest.newBuilder(URI.create(web() + path))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void rootAnswersTheNotPackagedPageWithSecurityHeadersWhenTheClientIsAbsent() throws Exception {
    startWeb(w -> w);
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(r.body()).contains("browser client is not packaged");
    String csp = r.headers().firstValue("content-security-policy").orElseThrow();
    assertThat(csp).contains("frame-ancestors 'none'", "script-src 'self'",
        "connect-src 'self' wss://127.0.0.1:" + server.webUrl().replaceAll(".*:(\\d+)/$", "$1"));
    assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("x-frame-options")).hasValue("DENY");
    assertThat(r.headers().firstValue("strict-transport-security")).isEmpty();
  }

  @Test
  void unknownPathsTraversalAndOtherMethodsAreRefused() throws Exception {
    startWeb(w -> w);
    assertThat(get("/nothing.js").statusCode()).isEqualTo(404);
    assertThat(get("/%2e%2e/%2e%2e/etc/passwd").statusCode()).isEqualTo(400);
    HttpResponse<String> post = https().send(HttpRequest.newBuilder(URI.create(web() + "/"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
    HttpResponse<String> plain = get("/ws");
    assertThat(plain.statusCode()).isEqualTo(426);
    // a request with a header over the bound: 431, and the listener still answers
    HttpResponse<String> big = https().send(HttpRequest.newBuilder(URI.create(web() + "/"))
        .header("X-Big", "a".repeat(40_000)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(big.statusCode()).isEqualTo(431);
    assertThat(get("/").statusCode()).isEqualTo(200);
  }

  @Test
  void statusListsTheWebListenerAndItsWebSocket() throws Exception {
    startWeb(w -> w);
    String at = server.webUrl().replace("https://", "").replace("/", "");
    assertThat(server.status().listeners()).contains("https:" + at, "wss:" + at + "/ws");
  }

  @Test
  void registerOverWssAtSlashWsIsANormalSipFlow() throws Exception {
    startWeb(w -> w);
    try (UserAgent ua = wssAgent("alice", "secret")) {
      SipResponse ok = register(ua, "alice");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(server.location().lookup(new Aor("alice", DOMAIN))).hasSize(1);
      assertThat(server.location().lookup(new Aor("alice", DOMAIN)).get(0).source())
          .startsWith("wss:");
    }
  }

  @Test
  void aHugeFrameIsRefusedAndTheListenerKeepsServing() throws Exception {
    startWeb(w -> w);
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket ws = webSocket(new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onClose(WebSocket s, int status, String reason) {
        closed.complete(status);
        return null;
      }

      @Override
      public void onError(WebSocket s, Throwable error) {
        closed.complete(-1);
      }
    });
    String huge = "OPTIONS sip:" + DOMAIN + " SIP/2.0\r\n" + "X: " + "a".repeat(400_000);
    ws.sendText(huge, true);
    // closed by the server (a close frame or a dropped connection): the frame is not taken
    assertThat(closed.get(30, TimeUnit.SECONDS)).isNotNull();
    assertThat(server.location().bindingCount()).isZero();
    try (UserAgent ua = wssAgent("bob", "hunter2")) {
      assertThat(register(ua, "bob").statusCode()).isEqualTo(200);
    }
    assertThat(get("/").statusCode()).isEqualTo(200);
  }

  @Test
  void aWebSocketFloodIsHeldToTheConnectionLimitsAndNothingCrashes() throws Exception {
    startWeb(w -> w, b -> b.connections(TransportConfig.builder().maxConnectionsPerAddress(4)
        .build()));
    List<WebSocket> open = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      try {
        open.add(webSocket(new WebSocket.Listener() {}));
      } catch (Exception e) {
        // refused at the upgrade: expected once the bound is reached
      }
    }
    for (WebSocket ws : open) {
      for (int i = 0; i < 200 && !ws.isOutputClosed(); i++) {
        try {
          ws.sendText("garbage " + i + "\r\n\r\n", true).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          break; // closed by the server
        }
      }
    }
    await().atMost(Duration.ofSeconds(30))
        .until(() -> server.connectionStats().open() <= 4);
    assertThat(server.connectionStats().refusedPerAddress() + server.connectionStats().evicted())
        .isGreaterThanOrEqualTo(1);
    assertThat(get("/").statusCode()).isEqualTo(200);
    open.forEach(WebSocket::abort);
  }

  @Test
  void aConfiguredPortThatIsTakenFailsTheStart() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> startWeb(w -> w.listen("127.0.0.1:" + taken.getLocalPort())))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("cannot listen for web on 127.0.0.1:" + taken.getLocalPort());
    }
    server = null;
  }

  @Test
  void aBadWebLineOfTheConfigFileIsNamed() throws Exception {
    Path conf = data.resolve("parley.conf");
    Files.writeString(conf, "domain = example.com\nweb.listen = nowhere:8443\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(conf).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(conf + ":2: key 'web.listen': ");
    Files.writeString(conf, "web.admins = alice, bo b\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(conf).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(conf + ":1: key 'web.admins': not a user name: 'bo b'");
    Files.writeString(conf, "web.listen = 127.0.0.1:9443\nweb.admin_allow_remote = true\n"
        + "web.admins = alice,bob\n");
    ServerConfig c = ServerConfig.builder().load(conf).build();
    assertThat(c.web().address()).isEqualTo(new InetSocketAddress("127.0.0.1", 9443));
    assertThat(c.web().adminAllowRemote()).isTrue();
    assertThat(c.web().admins()).containsExactlyInAnyOrder("alice", "bob");
    assertThat(ServerConfig.builder().build().web().isEnabled()).isFalse();
  }

  // ---------------------------------------------------------------- helpers

  private WebSocket webSocket(WebSocket.Listener listener) throws Exception {
    return https().newWebSocketBuilder().subprotocols("sip")
        .connectTimeout(Duration.ofSeconds(20))
        .buildAsync(URI.create(web().replace("https:", "wss:") + "/ws"), listener)
        .get(30, TimeUnit.SECONDS);
  }

  /** A Parley user agent that reaches the server over WSS at {@code /ws} only. */
  private UserAgent wssAgent(String user, String password) {
    // a WSS listen point of its own for its Via (it is never connected to)
    UserAgent ua = UserAgent.builder(NettyTransportLayer.builder().threads(1)
            .listen("wss:127.0.0.1:0").tls(TlsConfig.development(shared.resolve("tls")))
            .limits(TransportConfig.builder().webSocketPath("/ws").build()).build())
        .contactUser(user).transactionConfig(Phone.TIMERS)
        .credentials(CredentialsProvider.of(UserSecret.ofPassword(user, password))).build();
    ua.start().join();
    return ua;
  }

  private SipResponse register(UserAgent ua, String user) throws Exception {
    Address aor = Address.parse("<sip:" + user + "@" + DOMAIN + ">");
    SipRequest reg = ua.newRequest(SipMethod.REGISTER, SipUri.parse("sip:" + DOMAIN), aor, aor,
            Transport.WSS)
        .header(HeaderName.CONTACT, "<sip:" + user + "@h7kq2.invalid;transport=ws>")
        .header(HeaderName.EXPIRES, "600").build();
    return ua.request(reg, new Hop(Transport.WSS, server.config().web().address().getPort() == 0
        ? new InetSocketAddress("127.0.0.1", Integer.parseInt(
            server.webUrl().replaceAll(".*:(\\d+)/$", "$1")))
        : server.config().web().address())).get(30, TimeUnit.SECONDS);
  }
}
