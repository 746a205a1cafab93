package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StreamTransportTest {
  @TempDir
  static Path certificates;
  static TlsConfig tls;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void developmentCertificate() {
    tls = TlsConfig.development(certificates);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private NettyTransportLayer layer(Fixtures.Recorder recorder, TransportConfig config, String... listen) {
    NettyTransportLayer layer = NettyTransportLayer.builder().listen(listen).threads(1)
        .limits(config).tls(tls).build();
    layer.setListener(recorder);
    toClose.add(layer);
    layer.start().join();
    return layer;
  }

  private NettyTransportLayer layer(Fixtures.Recorder recorder, String... listen) {
    return layer(recorder, TransportConfig.DEFAULT, listen);
  }

  private static String lp(Transport t, String host) {
    return t.name().toLowerCase() + ":" + host + ":0";
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"TCP", "TLS", "WS", "WSS"})
  void requestAndResponseTravelOverTheSameConnection(Transport t) throws Exception {
    Fixtures.Recorder server = new Fixtures.Recorder();
    NettyTransportLayer b = layer(server, lp(t, "127.0.0.1"));
    server.answering(b);
    Fixtures.Recorder client = new Fixtures.Recorder();
    NettyTransportLayer a = layer(client, lp(t, "127.0.0.1"));

    Flow sent = a.send(Fixtures.request(t, a.listenPoint(t), "z9hG4bK1"), Fixtures.hop(b.listenPoint(t))).join();

    Inbound atServer = server.take();
    assertThat(atServer.flow().transport()).isEqualTo(t);
    assertThat(atServer.flow().remote()).isEqualTo(sent.local());
    assertThat(atServer.flow().connectionId()).isPositive();
    Inbound atClient = client.take();
    assertThat(((SipResponse) atClient.message()).statusCode()).isEqualTo(200);
    assertThat(atClient.flow()).isEqualTo(sent);
    assertThat(a.connectionCount()).isEqualTo(1);
    assertThat(b.connectionCount()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"TCP", "TLS", "WS", "WSS"})
  void twoSendsToTheSameHopShareOneConnection(Transport t) throws Exception {
    Fixtures.Recorder server = new Fixtures.Recorder();
    NettyTransportLayer b = layer(server, lp(t, "127.0.0.1"));
    NettyTransportLayer a = layer(new Fixtures.Recorder(), lp(t, "127.0.0.1"));
    var first = a.send(Fixtures.request(t, a.listenPoint(t), "z9hG4bK1"), Fixtures.hop(b.listenPoint(t)));
    var second = a.send(Fixtures.request(t, a.listenPoint(t), "z9hG4bK2"), Fixtures.hop(b.listenPoint(t)));
    assertThat(first.join().connectionId()).isEqualTo(second.join().connectionId());
    assertThat(server.take().flow()).isEqualTo(server.take().flow());
    assertThat(a.connectionCount()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"TCP", "TLS", "WS", "WSS"})
  void aRequestToTheRemoteAddressOfAnAcceptedConnectionGoesOverIt(Transport t) throws Exception {
    Fixtures.Recorder server = new Fixtures.Recorder();
    NettyTransportLayer b = layer(server, lp(t, "127.0.0.1"));
    Fixtures.Recorder client = new Fixtures.Recorder();
    NettyTransportLayer a = layer(client, lp(t, "127.0.0.1"));
    Flow sent = a.send(Fixtures.request(t, a.listenPoint(t), "z9hG4bK4"),
        Fixtures.hop(b.listenPoint(t))).join();
    Inbound atServer = server.take();

    // the server calls back the client's source address (a registered flow, RFC 5626)
    Flow back = b.send(Fixtures.request(t, b.listenPoint(t), "z9hG4bK5"),
        atServer.flow().remoteHop()).get(5, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(back.connectionId()).isEqualTo(atServer.flow().connectionId());
    assertThat(client.take().flow()).isEqualTo(sent);
    assertThat(b.connectionCount()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"TCP", "TLS", "WS", "WSS"})
  void receivedAndRportAreAddedToTheTopVia(Transport t) throws Exception {
    Fixtures.Recorder server = new Fixtures.Recorder();
    NettyTransportLayer b = layer(server, lp(t, "127.0.0.1"));
    NettyTransportLayer a = layer(new Fixtures.Recorder(), lp(t, "127.0.0.1"));
    Flow flow = a.send(Fixtures.request(t, "pc33.example.invalid;rport", "z9hG4bK3"),
        Fixtures.hop(b.listenPoint(t))).join();
    SipRequest in = (SipRequest) server.take().message();
    assertThat(in.topVia().received()).isEqualTo("127.0.0.1");
    assertThat(in.topVia().rport()).isEqualTo(flow.local().getPort());
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"TCP", "TLS", "WS", "WSS"})
  void ipv6LoopbackWorks(Transport t) throws Exception {
    Fixtures.Recorder server = new Fixtures.Recorder();
    NettyTransportLayer b = layer(server, lp(t, "[::1]"));
    server.answering(b);
    Fixtures.Recorder client = new Fixtures.Recorder();
    NettyTransportLayer a = layer(client, lp(t, "[::1]"));
    a.send(Fixtures.request(t, a.listenPoint(t), "z9hG4bK6"), Fixtures.hop(b.listenPoint(t))).join();
    assertThat(server.take().flow().remote().getAddress()).isEqualTo(InetAddress.getByName("::1"));
    assertThat(((SipResponse) client.take().message()).statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"TCP", "TLS", "WS", "WSS"})
  void onFlowClosedFiresWhenThePeerGoesAwayAndTheFlowCanNoLongerBeUsed(Transport t) throws Exception {
    Fixtures.Recorder server = new Fixtures.Recorder();
    NettyTransportLayer b = layer(server, lp(t, "127.0.0.1"));
    NettyTransportLayer a = layer(new Fixtures.Recorder(), lp(t, "127.0.0.1"));
    a.send(Fixtures.request(t, a.listenPoint(t), "z9hG4bK4"), Fixtures.hop(b.listenPoint(t))).join();
    Inbound in = server.take();
    a.close();
    await().until(() -> server.closed.contains(in.flow()));
    assertThat(b.connectionCount()).isZero();
    assertThat(b.send(Fixtures.ok((SipRequest) in.message()), in.flow()))
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(TransportException.class);
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"TCP", "TLS", "WS"})
  void anIdleConnectionIsReapedAfterTheConfiguredTime(Transport t) throws Exception {
    Fixtures.Recorder server = new Fixtures.Recorder();
    TransportConfig quick = TransportConfig.builder().idleTimeout(Duration.ofMillis(300)).build();
    NettyTransportLayer b = layer(server, quick, lp(t, "127.0.0.1"));
    Fixtures.Recorder client = new Fixtures.Recorder();
    NettyTransportLayer a = layer(client, lp(t, "127.0.0.1"));
    a.send(Fixtures.request(t, a.listenPoint(t), "z9hG4bK5"), Fixtures.hop(b.listenPoint(t))).join();
    Flow flow = server.take().flow();
    await().atMost(Duration.ofSeconds(5)).until(() -> server.closed.contains(flow));
    await().until(() -> a.connectionCount() == 0 && client.closed.size() == 1);
  }

  @Test
  void connectingToAClosedPortFailsWithTransportException() throws Exception {
    int port;
    try (var s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    NettyTransportLayer a = layer(new Fixtures.Recorder(), "tcp:127.0.0.1:0");
    var f = a.send(Fixtures.request(Transport.TCP, "h", "z9hG4bK7"),
        new Hop(Transport.TCP, new java.net.InetSocketAddress("127.0.0.1", port)));
    assertThat(f).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(TransportException.class);
    assertThat(a.connectionCount()).isZero();
  }

  @Test
  void tlsToAServerWhoseCertificateIsNotTrustedFails() throws Exception {
    NettyTransportLayer b = layer(new Fixtures.Recorder(), "tls:127.0.0.1:0");
    NettyTransportLayer a = NettyTransportLayer.builder().listen("tcp:127.0.0.1:0").threads(1)
        .tls(TlsConfig.builder().build()).build();
    toClose.add(a);
    a.start().join();
    var f = a.send(Fixtures.request(Transport.TLS, "h", "z9hG4bK8"), Fixtures.hop(b.listenPoint(Transport.TLS)));
    assertThat(f).failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(TransportException.class);
  }

  // ------------------------------------------------------------ raw TCP peers

  private static Socket connect(ListenPoint lp) throws Exception {
    Socket s = new Socket(lp.address().getAddress(), lp.address().getPort());
    s.setSoTimeout(10_000);
    return s;
  }

  /** Reads until the peer closes (-1) or {@code until} appears; returns the text. */
  private static String read(Socket s, String until) throws Exception {
    StringBuilder sb = new StringBuilder();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    while (until == null || !sb.toString().contains(until)) {
      int n = in.read(buf);
      if (n < 0) {
        break;
      }
      sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  @Test
  void aFramingErrorIsAnsweredWith400AndClosesTheConnection() throws Exception {
    NettyTransportLayer b = layer(new Fixtures.Recorder(), "tcp:127.0.0.1:0");
    try (Socket s = connect(b.listenPoint(Transport.TCP))) {
      s.getOutputStream().write(Fixtures.options(Transport.TCP, "h.example.com", "z9hG4bK9", "f@test")
          .replace("Content-Length: 0\r\n", "").getBytes(StandardCharsets.UTF_8));
      String answer = read(s, null);
      assertThat(answer).startsWith("SIP/2.0 400 Bad Request").contains("Call-ID: f@test")
          .contains("Content-Length is missing");
    }
    await().until(() -> b.connectionCount() == 0);
  }

  @Test
  void aDoubleCrlfPingIsAnsweredWithACrlfPong() throws Exception {
    NettyTransportLayer b = layer(new Fixtures.Recorder(), "tcp:127.0.0.1:0");
    try (Socket s = connect(b.listenPoint(Transport.TCP))) {
      s.getOutputStream().write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] pong = s.getInputStream().readNBytes(2);
      assertThat(new String(pong, StandardCharsets.US_ASCII)).isEqualTo("\r\n");
    }
  }

  @Test
  void connectionsFromOneAddressBeyondTheLimitAreClosed() throws Exception {
    TransportConfig two = TransportConfig.builder().maxConnectionsPerAddress(2).build();
    NettyTransportLayer b = layer(new Fixtures.Recorder(), two, "tcp:127.0.0.1:0");
    ListenPoint lp = b.listenPoint(Transport.TCP);
    try (Socket s1 = connect(lp); Socket s2 = connect(lp)) {
      await().until(() -> b.connectionCount() == 2);
      try (Socket s3 = connect(lp)) {
        assertThat(s3.getInputStream().read()).isEqualTo(-1);
      }
      s1.setSoTimeout(200);
      try {
        assertThat(s1.getInputStream().read()).isNotEqualTo(-1);
      } catch (SocketTimeoutException expected) {
        // still open
      }
      assertThat(b.connectionCount()).isEqualTo(2);
    }
  }

  @Test
  void theResponseToARequestFromARawPeerGoesBackOnItsConnection() throws Exception {
    Fixtures.Recorder server = new Fixtures.Recorder();
    NettyTransportLayer b = layer(server, "tcp:127.0.0.1:0");
    server.answering(b);
    try (Socket s = connect(b.listenPoint(Transport.TCP))) {
      String request = Fixtures.options(Transport.TCP, "192.0.2.1:5060", "z9hG4bKraw", "raw@test");
      s.getOutputStream().write((request + request.replace("raw@test", "raw2@test")).getBytes(StandardCharsets.UTF_8));
      String answers = read(s, "raw2@test");
      assertThat(answers).startsWith("SIP/2.0 200 OK").contains("received=127.0.0.1");
    }
  }

  @Test
  void sendingBeforeStartFails() {
    NettyTransportLayer a = NettyTransportLayer.builder().listen("tcp:127.0.0.1:0").build();
    assertThat(a.send(Fixtures.request(Transport.TCP, "h", "z9hG4bKx"),
        new Hop(Transport.TCP, new java.net.InetSocketAddress("127.0.0.1", 9))))
        .isCompletedExceptionally();
    a.close();
  }


  @Test
  void anOutboundConnectionSendsRfc5626PingsWhenIdle() throws Exception {
    try (var peer = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      TransportConfig pinging = TransportConfig.builder().keepAliveInterval(Duration.ofMillis(100)).build();
      NettyTransportLayer a = layer(new Fixtures.Recorder(), pinging, "tcp:127.0.0.1:0");
      a.send(Fixtures.request(Transport.TCP, a.listenPoint(Transport.TCP), "z9hG4bKka"),
          new Hop(Transport.TCP, (java.net.InetSocketAddress) peer.getLocalSocketAddress()));
      try (Socket s = peer.accept()) {
        s.setSoTimeout(10_000);
        assertThat(read(s, "Content-Length: 0\r\n\r\n\r\n\r\n")).endsWith("\r\n\r\n\r\n\r\n");
      }
    }
  }

  @Test
  void aWebSocketUpgradeWithoutTheSipSubprotocolIsClosed() throws Exception {
    NettyTransportLayer b = layer(new Fixtures.Recorder(), "ws:127.0.0.1:0");
    try (Socket s = connect(b.listenPoint(Transport.WS))) {
      s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String answer = read(s, null);
      assertThat(answer).doesNotContain("Sec-WebSocket-Protocol");
    }
    await().until(() -> b.connectionCount() == 0);
  }
}
