package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Hop;
import dev.parley.transport.Inbound;
import dev.parley.transport.NettyTransportLayer;
import dev.parley.transport.Scheduler;
import dev.parley.transport.Transport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which event loop a transaction runs on, over a real transport with two loops (two SO_REUSEPORT
 * UDP sockets on one address where epoll is available): the loop a transaction user names for a
 * new request ({@link TransactionUser#schedulerFor}), and the loop learned to read a peer's
 * datagrams ({@link TransactionLayer#readerOf}).
 */
class LoopChoiceTest {
  private static final SipParser PARSER = SipParser.create();

  private NettyTransportLayer transport;
  private DatagramSocket peer;

  @AfterEach
  void close() {
    if (peer != null) {
      peer.close();
    }
    if (transport != null) {
      transport.close();
    }
  }

  private TransactionLayer start(TransactionUser user, List<Scheduler> inbounds) throws Exception {
    transport = NettyTransportLayer.builder().threads(2).listen("udp:127.0.0.1:0").build();
    TransactionLayer layer = TransactionLayer.builder(transport, user).build();
    transport.setListener(inbound -> {
      inbounds.add(inbound.scheduler());
      layer.onMessage(inbound);
    });
    transport.start().get(10, TimeUnit.SECONDS);
    peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    peer.setSoTimeout(10_000);
    return layer;
  }

  private InetSocketAddress server() {
    return transport.listenPoint(Transport.UDP).address();
  }

  private SipRequest receiveRequest() throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[65_535], 65_535);
    peer.receive(p);
    return (SipRequest) PARSER.parse(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
  }

  private SipResponse receiveResponse() throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[65_535], 65_535);
    peer.receive(p);
    return (SipResponse) PARSER.parse(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
  }

  private void send(dev.parley.sip.SipMessage m) throws Exception {
    byte[] wire = m.encode();
    peer.send(new DatagramPacket(wire, wire.length, server()));
  }

  /** The other of the transport's two loops. */
  private Scheduler other(Scheduler s) {
    for (int i = 0; i < 4; i++) {
      Scheduler n = transport.nextScheduler();
      if (n != s) {
        return n;
      }
    }
    throw new AssertionError("the transport has one loop");
  }

  @Test
  void aNewRequestsTransactionRunsOnTheLoopTheUserNamesAndAnswersOverItsFlow() throws Exception {
    List<Scheduler> named = new CopyOnWriteArrayList<>();
    List<Boolean> onNamed = new CopyOnWriteArrayList<>();
    TransactionUser user = new TransactionUser() {
      @Override
      public Scheduler schedulerFor(SipRequest request, Inbound inbound) {
        Scheduler s = other(inbound.scheduler());
        named.add(s);
        return s;
      }

      @Override
      public void onRequest(ServerTransaction tx, SipRequest request) {
        onNamed.add(named.get(0).inLoop());
        tx.respond(request.response(200, "callee-tag").build());
      }
    };
    List<Scheduler> inbounds = new CopyOnWriteArrayList<>();
    start(user, inbounds);
    SipRequest options = Messages.withVia(Messages.request(SipMethod.OPTIONS),
        "SIP/2.0/UDP 127.0.0.1:" + peer.getLocalPort() + ";branch=z9hG4bK-loop-1");
    send(options);
    SipResponse ok = receiveResponse();
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(named).hasSize(1);
    assertThat(named.get(0)).as("another loop than the one that read it").isNotSameAs(inbounds.get(0));
    assertThat(onNamed).as("onRequest ran on the named loop").containsExactly(true);
  }

  @Test
  void theLoopReadingResponsesForATransactionOnAnotherIsLearnedAsThatPeersReader() throws Exception {
    List<Scheduler> inbounds = new CopyOnWriteArrayList<>();
    TransactionLayer layer = start(new Recorders.User(), inbounds);
    InetSocketAddress peerAddress = new InetSocketAddress("127.0.0.1", peer.getLocalPort());
    Hop hop = new Hop(Transport.UDP, peerAddress);
    assertThat(layer.readerOf(peerAddress)).as("nothing crossed yet").isNull();
    // one transaction on each loop: the peer's two answers are read by one loop (the kernel
    // picks the socket by the datagrams' addresses), so exactly one of them crosses
    Scheduler first = transport.nextScheduler();
    List<SipResponse> answered = new CopyOnWriteArrayList<>();
    for (Scheduler s : List.of(first, other(first))) {
      SipRequest options = Messages.request(SipMethod.OPTIONS);
      layer.sendRequest(options, hop, (tx, r) -> answered.add(r), s);
      SipRequest received = receiveRequest();
      while (!received.callId().equals(options.callId())) { // a retransmission of the first
        received = receiveRequest();
      }
      send(received.response(200, "t").build());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> answered.size() == 2);
    assertThat(inbounds).hasSize(2);
    assertThat(inbounds.get(1)).as("one loop reads the peer").isSameAs(inbounds.get(0));
    assertThat(layer.readerOf(peerAddress)).isSameAs(inbounds.get(0));
    assertThat(layer.readerOf(new InetSocketAddress("127.0.0.1", 9))).as("another peer").isNull();
  }
}
