package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UdpTransportTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private NettyTransportLayer layer(Fixtures.Recorder recorder, String... listen) {
    NettyTransportLayer layer = NettyTransportLayer.builder().listen(listen).threads(1).build();
    layer.setListener(recorder);
    toClose.add(layer);
    layer.start().join();
    return layer;
  }

  private DatagramSocket socket() throws Exception {
    DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    s.setSoTimeout(10_000);
    toClose.add(s);
    return s;
  }

  private static String receive(DatagramSocket s) throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
    s.receive(p);
    return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
  }

  private static void send(DatagramSocket s, String text, ListenPoint to) throws Exception {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    s.send(new DatagramPacket(b, b.length, to.address()));
  }

  @Test
  void aRequestAndItsResponseRoundTripBetweenTwoLayers() throws Exception {
    Fixtures.Recorder server = new Fixtures.Recorder();
    Fixtures.Recorder client = new Fixtures.Recorder();
    NettyTransportLayer b = layer(server, "udp:127.0.0.1:0");
    server.answering(b);
    NettyTransportLayer a = layer(client, "udp:127.0.0.1:0");
    ListenPoint aLp = a.listenPoint(Transport.UDP);
    assertThat(aLp.address().getPort()).isNotZero();

    Flow sent = a.send(Fixtures.request(Transport.UDP, aLp, "z9hG4bKudp1"),
        Fixtures.hop(b.listenPoint(Transport.UDP))).join();

    Inbound atServer = server.take();
    assertThat(atServer.flow().remote()).isEqualTo(aLp.address());
    assertThat(atServer.flow().connectionId()).isZero();
    assertThat(atServer.scheduler()).isNotNull();
    Inbound atClient = client.take();
    assertThat(((SipResponse) atClient.message()).statusCode()).isEqualTo(200);
    assertThat(atClient.flow().remote()).isEqualTo(b.listenPoint(Transport.UDP).address());
    assertThat(sent.transport()).isEqualTo(Transport.UDP);
  }

  @Test
  void aResponseSentOverTheFlowItsRequestCameOnLeavesOnThatSameFlow() throws Exception {
    Fixtures.Recorder listener = new Fixtures.Recorder();
    NettyTransportLayer b = layer(listener, "udp:127.0.0.1:0");
    DatagramSocket raw = socket();
    send(raw, Fixtures.options(Transport.UDP, "127.0.0.1:" + raw.getLocalPort(), "z9hG4bKflow",
        "flow@test"), b.listenPoint(Transport.UDP));
    Inbound in = listener.take();
    SipResponse ok = ((SipRequest) in.message()).response(200, "OK").build();

    Flow first = b.send(ok, in.flow()).join();
    Flow again = b.send(ok, in.flow()).join(); // a retransmission

    assertThat(first).isSameAs(in.flow()); // no new Flow per datagram sent back
    assertThat(again).isSameAs(in.flow());
    assertThat(receive(raw)).startsWith("SIP/2.0 200 OK\r\n").contains("Call-ID: flow@test");
    assertThat(receive(raw)).startsWith("SIP/2.0 200 OK\r\n");
  }

  @Test
  void aRequestAskingForRportArrivesStampedWithTheSourcePortAndChecked() throws Exception {
    Fixtures.Recorder listener = new Fixtures.Recorder();
    NettyTransportLayer b = layer(listener, "udp:127.0.0.1:0");
    DatagramSocket raw = socket();
    send(raw, Fixtures.options(Transport.UDP, "127.0.0.1:5099", "z9hG4bKrport;rport",
        "rport@test"), b.listenPoint(Transport.UDP));

    SipRequest in = (SipRequest) listener.take().message();

    assertThat(in.topVia().rport()).isEqualTo(raw.getLocalPort());
    assertThat(in.checkMandatoryHeaders()).isSameAs(in);
    assertThat(in.from().tag()).isEqualTo("1928301774");
    assertThat(in.callId()).isEqualTo("rport@test");
  }

  @Test
  void aRequestAskingForRportThatFailsTheCheckIsAnswered400AndNeverReachesTheListener()
      throws Exception {
    Fixtures.Recorder listener = new Fixtures.Recorder();
    NettyTransportLayer b = layer(listener, "udp:127.0.0.1:0");
    DatagramSocket raw = socket();
    String mismatch = Fixtures.options(Transport.UDP, "127.0.0.1:" + raw.getLocalPort(),
        "z9hG4bKcseq2;rport", "cseq2@test").replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE");
    send(raw, mismatch, b.listenPoint(Transport.UDP));
    assertThat(receive(raw)).startsWith("SIP/2.0 400 Bad Request\r\n")
        .contains("Call-ID: cseq2@test\r\n",
            "Warning: 399 parley \"CSeq method INVITE does not match the request method OPTIONS");
    assertThat(listener.inbound).isEmpty();
  }

  @Test
  void aMalformedRequestDatagramIsAnsweredWith400() throws Exception {
    NettyTransportLayer b = layer(new Fixtures.Recorder(), "udp:127.0.0.1:0");
    DatagramSocket raw = socket();
    String bad = Fixtures.options(Transport.UDP, "127.0.0.1:" + raw.getLocalPort(), "z9hG4bKbad", "bad@test")
        .replace("Max-Forwards: 70\r\n", "this line is not a header\r\n");
    send(raw, bad, b.listenPoint(Transport.UDP));
    String answer = receive(raw);
    assertThat(answer).startsWith("SIP/2.0 400 Bad Request\r\n")
        .contains("Call-ID: bad@test\r\n", "CSeq: 1 OPTIONS\r\n", "branch=z9hG4bKbad", "Warning: 399 parley");
  }

  @Test
  void aRequestFailingTheMandatoryHeaderCheckIsAnswered400AndNeverReachesTheListener()
      throws Exception {
    Fixtures.Recorder listener = new Fixtures.Recorder();
    NettyTransportLayer b = layer(listener, "udp:127.0.0.1:0");
    DatagramSocket raw = socket();
    String mismatch = Fixtures.options(Transport.UDP, "127.0.0.1:" + raw.getLocalPort(),
        "z9hG4bKcseq", "cseq@test").replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE");
    send(raw, mismatch, b.listenPoint(Transport.UDP));
    assertThat(receive(raw)).startsWith("SIP/2.0 400 Bad Request\r\n")
        .contains("Call-ID: cseq@test\r\n", "CSeq: 1 INVITE\r\n", "branch=z9hG4bKcseq",
            "Warning: 399 parley \"CSeq method INVITE does not match the request method OPTIONS");
    // the check and the answer happen in one read on the event loop: by now the listener was
    // either called or never will be
    assertThat(listener.inbound).isEmpty();
  }

  @Test
  void aListenerThatRefusesMalformedRequestsGetsThemDroppedUnanswered() throws Exception {
    List<Flow> asked = new CopyOnWriteArrayList<>();
    Fixtures.Recorder listener = new Fixtures.Recorder() {
      @Override
      public boolean mayAnswerMalformed(Flow flow) {
        asked.add(flow);
        return asked.size() > 1; // the first is refused, the second answered
      }
    };
    NettyTransportLayer b = layer(listener, "udp:127.0.0.1:0");
    DatagramSocket raw = socket();
    for (String callId : List.of("refused@test", "answered@test")) {
      send(raw, Fixtures.options(Transport.UDP, "127.0.0.1:" + raw.getLocalPort(), "z9hG4bK" + callId.length(),
          callId).replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE"), b.listenPoint(Transport.UDP));
    }
    assertThat(receive(raw)).as("only the second was answered").startsWith("SIP/2.0 400 ")
        .contains("Call-ID: answered@test\r\n");
    assertThat(asked).hasSize(2).allSatisfy(f -> assertThat(f.remote().getPort()).isEqualTo(raw.getLocalPort()));
    assertThat(listener.inbound).isEmpty();
  }

  @Test
  void aRequestWithAnUnsupportedVersionIsAnsweredWith505() throws Exception {
    NettyTransportLayer b = layer(new Fixtures.Recorder(), "udp:127.0.0.1:0");
    DatagramSocket raw = socket();
    send(raw, Fixtures.options(Transport.UDP, "127.0.0.1:" + raw.getLocalPort(), "z9hG4bKv", "v@test")
        .replace("example.com SIP/2.0", "example.com SIP/3.0"), b.listenPoint(Transport.UDP));
    assertThat(receive(raw)).startsWith("SIP/2.0 505 ");
  }

  @Test
  void garbageIsDroppedAndTheLayerKeepsWorking() throws Exception {
    Fixtures.Recorder server = new Fixtures.Recorder();
    NettyTransportLayer b = layer(server, "udp:127.0.0.1:0");
    server.answering(b);
    DatagramSocket raw = socket();
    byte[] garbage = {0, 1, 2, (byte) 0xfe, 'x', '\r', '\n'};
    raw.send(new DatagramPacket(garbage, garbage.length, b.listenPoint(Transport.UDP).address()));
    send(raw, "SIP/2.0 200 OK\r\nthis is no header\r\n\r\n", b.listenPoint(Transport.UDP));
    send(raw, Fixtures.options(Transport.UDP, "127.0.0.1:" + raw.getLocalPort(), "z9hG4bKgood", "good@test"),
        b.listenPoint(Transport.UDP));
    assertThat(receive(raw)).startsWith("SIP/2.0 200 OK").contains("Call-ID: good@test");
    assertThat(server.inbound).hasSize(1);
  }

  @Test
  void receivedAndRportAreStampedAndTheResponseGoesToTheSourcePort() throws Exception {
    Fixtures.Recorder server = new Fixtures.Recorder();
    NettyTransportLayer b = layer(server, "udp:127.0.0.1:0");
    server.answering(b);
    DatagramSocket raw = socket();
    send(raw, Fixtures.options(Transport.UDP, "pc33.example.invalid:5060;rport", "z9hG4bKrport", "r@test"),
        b.listenPoint(Transport.UDP));
    SipRequest in = (SipRequest) server.take().message();
    assertThat(in.topVia().received()).isEqualTo("127.0.0.1");
    assertThat(in.topVia().rport()).isEqualTo(raw.getLocalPort());
    assertThat(in.headers().get("Max-Forwards")).isEqualTo("70");
    assertThat(receive(raw)).startsWith("SIP/2.0 200 OK")
        .contains(";rport=" + raw.getLocalPort() + ";", ";received=127.0.0.1");
  }

  @Test
  void aRequestOver1300BytesBoundForUdpGoesOverTcp() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        DatagramSocket d = new DatagramSocket(s.getLocalPort(), InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Fixtures.Recorder server = new Fixtures.Recorder();
    NettyTransportLayer b = layer(server, "udp:127.0.0.1:" + port, "tcp:127.0.0.1:" + port);
    server.answering(b);
    Fixtures.Recorder client = new Fixtures.Recorder();
    NettyTransportLayer a = layer(client, "udp:127.0.0.1:0", "tcp:127.0.0.1:0");
    SipRequest big = Fixtures.request(Transport.UDP, a.listenPoint(Transport.UDP), "z9hG4bKbig")
        .toBuilder().header(dev.parley.sip.HeaderName.SUBJECT, "x".repeat(1400)).build();

    Flow flow = a.send(big, Fixtures.hop(b.listenPoint(Transport.UDP))).join();

    assertThat(flow.transport()).isEqualTo(Transport.TCP);
    Inbound in = server.take();
    assertThat(in.flow().transport()).isEqualTo(Transport.TCP);
    assertThat(in.message().topVia().transport()).isEqualTo("TCP");
    assertThat(in.message().topVia().port()).isEqualTo(a.listenPoint(Transport.TCP).address().getPort());
    assertThat(((SipResponse) client.take().message()).statusCode()).isEqualTo(200);
  }

  @Test
  void aLargeRequestGoesOverUdpAnywayWithoutATcpListenPoint() throws Exception {
    Fixtures.Recorder server = new Fixtures.Recorder();
    NettyTransportLayer b = layer(server, "udp:127.0.0.1:0");
    NettyTransportLayer a = layer(new Fixtures.Recorder(), "udp:127.0.0.1:0");
    SipRequest big = Fixtures.request(Transport.UDP, a.listenPoint(Transport.UDP), "z9hG4bKbig2")
        .toBuilder().header(dev.parley.sip.HeaderName.SUBJECT, "x".repeat(1400)).build();
    assertThat(a.send(big, Fixtures.hop(b.listenPoint(Transport.UDP))).join().transport())
        .isEqualTo(Transport.UDP);
    // a loopback port is reused: a stray datagram of an earlier peer may come first
    Inbound in = server.take();
    while (!big.callId().equals(in.message() == null ? null : in.message().callId())) {
      in = server.take();
    }
    assertThat(in.message().headers().get("Subject")).hasSize(1400);
  }

  @Test
  void ipv6LoopbackWorks() throws Exception {
    Fixtures.Recorder server = new Fixtures.Recorder();
    NettyTransportLayer b = layer(server, "udp:[::1]:0");
    server.answering(b);
    Fixtures.Recorder client = new Fixtures.Recorder();
    NettyTransportLayer a = layer(client, "udp:[::1]:0");
    a.send(Fixtures.request(Transport.UDP, a.listenPoint(Transport.UDP), "z9hG4bK6"),
        Fixtures.hop(b.listenPoint(Transport.UDP))).join();
    assertThat(server.take().flow().remote().getAddress()).isEqualTo(InetAddress.getByName("::1"));
    assertThat(((SipResponse) client.take().message()).statusCode()).isEqualTo(200);
  }

  @Test
  void traceListenersSeeEveryMessageInBothDirectionsWithItsBytes() throws Exception {
    Fixtures.Recorder server = new Fixtures.Recorder();
    NettyTransportLayer b = layer(server, "udp:127.0.0.1:0");
    server.answering(b);
    List<TraceEvent> events = new CopyOnWriteArrayList<>();
    b.addTraceListener(events::add);
    DatagramSocket raw = socket();
    String request = Fixtures.options(Transport.UDP, "127.0.0.1:" + raw.getLocalPort(), "z9hG4bKt", "t@test");
    send(raw, request, b.listenPoint(Transport.UDP));
    String response = receive(raw);
    await().until(() -> events.size() == 2);
    assertThat(events.get(0).direction()).isEqualTo(TraceEvent.Direction.RECEIVED);
    assertThat(new String(events.get(0).bytes(), StandardCharsets.UTF_8)).isEqualTo(request);
    assertThat(events.get(0).remote()).isEqualTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), raw.getLocalPort()));
    assertThat(events.get(1).direction()).isEqualTo(TraceEvent.Direction.SENT);
    assertThat(new String(events.get(1).bytes(), StandardCharsets.UTF_8)).isEqualTo(response);
    assertThat(events.get(1).local()).isEqualTo(b.listenPoint(Transport.UDP).address());
  }

  @Test
  void aRemovedTraceListenerSeesNoFurtherMessages() throws Exception {
    Fixtures.Recorder server = new Fixtures.Recorder();
    NettyTransportLayer b = layer(server, "udp:127.0.0.1:0");
    server.answering(b);
    List<TraceEvent> removed = new CopyOnWriteArrayList<>();
    List<TraceEvent> kept = new CopyOnWriteArrayList<>();
    TraceListener listener = removed::add;
    b.addTraceListener(listener);
    b.addTraceListener(kept::add);
    DatagramSocket raw = socket();
    String from = "127.0.0.1:" + raw.getLocalPort();
    send(raw, Fixtures.options(Transport.UDP, from, "z9hG4bKr1", "r1@test"),
        b.listenPoint(Transport.UDP));
    receive(raw);
    await().until(() -> kept.size() == 2);
    b.removeTraceListener(listener);
    b.removeTraceListener(listener); // not there any more: nothing
    send(raw, Fixtures.options(Transport.UDP, from, "z9hG4bKr2", "r2@test"),
        b.listenPoint(Transport.UDP));
    receive(raw);
    await().until(() -> kept.size() == 4);
    assertThat(removed).hasSize(2);
  }

  @Test
  void startReportsRealPortsAndCloseIsIdempotent() {
    NettyTransportLayer a = layer(new Fixtures.Recorder(), "udp:127.0.0.1:0", "tcp:127.0.0.1:0");
    assertThat(a.listenPoints()).hasSize(2).allMatch(lp -> lp.address().getPort() != 0);
    a.close();
    a.close();
    assertThat(a.send(Fixtures.request(Transport.UDP, "h", "z9hG4bKc"),
        new Hop(Transport.UDP, new InetSocketAddress("127.0.0.1", 9))))
        .failsWithin(java.time.Duration.ofSeconds(1));
  }

  @Test
  void startFailsNamingAListenPointThatCannotBeBound() throws Exception {
    try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      NettyTransportLayer a = NettyTransportLayer.builder()
          .listen("udp:127.0.0.1:" + taken.getLocalPort()).threads(1).build();
      toClose.add(a);
      a.start().handle((v, e) -> {
        // java.net.BindException under NIO, Netty's native "Address already in use" under epoll.
        assertThat(e).hasRootCauseInstanceOf(java.io.IOException.class)
            .hasMessageContaining("cannot bind udp:127.0.0.1:" + taken.getLocalPort());
        return null;
      }).join();
    }
  }
}
