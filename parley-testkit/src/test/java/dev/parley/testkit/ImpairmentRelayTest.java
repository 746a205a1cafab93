package dev.parley.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ImpairmentRelayTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void udpRelayForwardsToTheTargetAndRepliesGoBackToEachClient() throws Exception {
    DatagramSocket echo = udpEcho();
    ImpairmentRelay relay = udp(echo, Impairment.NONE, 1);
    DatagramSocket alice = client();
    DatagramSocket bob = client();

    send(alice, relay, "from alice");
    send(bob, relay, "from bob");

    assertThat(receive(alice)).isEqualTo("from alice");
    assertThat(receive(bob)).isEqualTo("from bob");
    assertThat(relay.stats().flows()).isEqualTo(2);
    // counted once the send returned, which may be after the datagram arrived
    await().atMost(WAIT).until(() -> relay.stats().toTarget().forwarded() == 2
        && relay.stats().toClients().forwarded() == 2);
  }

  @Test
  void udpLossDropsAboutItsShareAndCountsEveryDatagram() throws Exception {
    Sink sink = new Sink();
    ImpairmentRelay relay = udp(sink.socket, Impairment.builder().loss(0.2).build(), 7);
    DatagramSocket alice = client();

    sendPaced(alice, relay, sink, 400);

    await().atMost(WAIT).until(() -> relay.stats().toTarget().received() == 400);
    ImpairmentRelay.Counts c = relay.stats().toTarget();
    await().atMost(WAIT).until(() -> sink.received.size() == 400 - c.dropped());
    assertThat(c.dropped()).as("seed %s", relay.seed()).isBetween(40L, 130L);
    await().atMost(WAIT)
        .until(() -> relay.stats().toTarget().forwarded() == 400 - c.dropped());
  }

  @Test
  void udpDuplicationSendsEachDatagramTwice() throws Exception {
    Sink sink = new Sink();
    ImpairmentRelay relay = udp(sink.socket, Impairment.builder().duplicate(1).build(), 3);
    DatagramSocket alice = client();

    for (int i = 0; i < 10; i++) {
      send(alice, relay, Integer.toString(i));
    }

    await().atMost(WAIT).until(() -> sink.received.size() == 20);
    for (int i = 0; i < 10; i++) {
      assertThat(sink.received).filteredOn(Integer.toString(i)::equals).hasSize(2);
    }
    assertThat(relay.stats().toTarget().duplicated()).isEqualTo(10);
  }

  @Test
  void udpReorderingLetsLaterDatagramsOvertakeHeldOnes() throws Exception {
    Sink sink = new Sink();
    ImpairmentRelay relay = udp(sink.socket, Impairment.builder().reorder(0.3)
        .reorderDelay(Duration.ofMillis(500)).build(), 11);
    DatagramSocket alice = client();

    for (int i = 0; i < 50; i++) {
      send(alice, relay, Integer.toString(i));
    }

    await().atMost(WAIT).until(() -> sink.received.size() == 50);
    List<Integer> order = sink.received.stream().map(Integer::valueOf).toList();
    assertThat(order).as("all arrived").containsExactlyInAnyOrderElementsOf(range(50));
    assertThat(order).as("seed %s", relay.seed()).isNotEqualTo(range(50));
    assertThat(relay.stats().toTarget().reordered()).isPositive();
  }

  @Test
  void theSameSeedDropsTheSameDatagrams() throws Exception {
    List<List<String>> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      Sink sink = new Sink();
      ImpairmentRelay relay = udp(sink.socket, Impairment.builder().loss(0.3).build(), 42);
      DatagramSocket alice = client();
      sendPaced(alice, relay, sink, 60);
      await().atMost(WAIT).until(() -> relay.stats().toTarget().received() == 60);
      long dropped = relay.stats().toTarget().dropped();
      await().atMost(WAIT).until(() -> sink.received.size() == 60 - dropped);
      runs.add(List.copyOf(sink.received));
    }
    assertThat(runs.get(1)).isEqualTo(runs.get(0));
  }

  @Test
  void udpFlowsAreBoundedAndTheLeastRecentlyActiveIsReplaced() throws Exception {
    Sink sink = new Sink();
    ImpairmentRelay relay = ImpairmentRelay.builder(Transport.UDP)
        .target(address(sink.socket)).maxFlows(2).seed(1).start();
    open.add(relay);

    for (int i = 0; i < 3; i++) {
      send(client(), relay, "client " + i);
      int sent = i + 1;
      await().atMost(WAIT).until(() -> sink.received.size() == sent);
    }

    assertThat(relay.stats().flows()).isEqualTo(2);
    assertThat(relay.stats().flowsReplaced()).isEqualTo(1);
  }

  @Test
  void tcpRelayKeepsTheStreamWholeAndInOrderUnderLossDelayAndJitter() throws Exception {
    ServerSocket echo = tcpEcho();
    ImpairmentRelay relay = ImpairmentRelay.builder(Transport.TCP)
        .target(new InetSocketAddress("127.0.0.1", echo.getLocalPort()))
        .impairment(Impairment.builder().loss(0.2).delay(Duration.ofMillis(5))
            .jitter(Duration.ofMillis(20)).build())
        .seed(seedLosingTheFirstPacket(0.2)).start(); // however the stream is cut into chunks
    open.add(relay);
    StringBuilder sent = new StringBuilder();
    try (Socket s = new Socket()) {
      s.connect(relay.address(), 10_000);
      s.setSoTimeout((int) WAIT.toMillis());
      OutputStream out = s.getOutputStream();
      for (int i = 0; i < 100; i++) {
        String line = "line " + i + "\n";
        sent.append(line);
        out.write(line.getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      s.shutdownOutput();
      // the echo closes after our end of stream, which the relay forwards after the bytes
      String back = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(back).isEqualTo(sent.toString());
    }
    assertThat(relay.stats().toTarget().dropped()).as("seed %s", relay.seed()).isPositive();
    await().atMost(WAIT).until(() -> relay.stats().flows() == 0);
  }

  @Test
  void tcpConnectionsBeyondTheBoundAreClosed() throws Exception {
    ServerSocket echo = tcpEcho();
    ImpairmentRelay relay = ImpairmentRelay.builder(Transport.TCP)
        .target(new InetSocketAddress("127.0.0.1", echo.getLocalPort())).maxConnections(1)
        .start();
    open.add(relay);
    try (Socket first = new Socket(); Socket second = new Socket()) {
      first.connect(relay.address(), 10_000);
      first.getOutputStream().write('x');
      first.setSoTimeout((int) WAIT.toMillis());
      assertThat(first.getInputStream().read()).isEqualTo('x');
      second.connect(relay.address(), 10_000);
      second.setSoTimeout((int) WAIT.toMillis());
      assertThat(second.getInputStream().read()).as("closed at once").isEqualTo(-1);
    }
    assertThat(relay.stats().flowsReplaced()).isEqualTo(1);
  }

  @Test
  void aRewriteChangesDatagramsToTheTargetOnly() throws Exception {
    DatagramSocket echo = udpEcho();
    ImpairmentRelay relay = ImpairmentRelay.builder(Transport.UDP).target(address(echo))
        .rewriteToTarget(b -> new String(b, StandardCharsets.UTF_8).toUpperCase()
            .getBytes(StandardCharsets.UTF_8))
        .start();
    open.add(relay);
    DatagramSocket alice = client();

    send(alice, relay, "hello");

    assertThat(receive(alice)).as("rewritten on the way there, not back").isEqualTo("HELLO");
    assertThatThrownBy(() -> ImpairmentRelay.builder(Transport.TCP).target(address(echo))
        .rewriteToTarget(b -> b).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("UDP only");
  }

  @Test
  void closeReleasesTheListenAddress() throws Exception {
    Sink sink = new Sink();
    ImpairmentRelay relay = udp(sink.socket, Impairment.NONE, 1);
    send(client(), relay, "hello");
    await().atMost(WAIT).until(() -> sink.received.size() == 1);

    relay.close();
    relay.close();

    try (DatagramSocket again = new DatagramSocket(relay.address())) {
      assertThat(again.getLocalSocketAddress()).isEqualTo(relay.address());
    }
  }

  @Test
  void badArgumentsAreRefusedByName() {
    assertThatThrownBy(() -> Impairment.builder().loss(1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loss");
    assertThatThrownBy(() -> Impairment.builder().jitter(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter");
    assertThatThrownBy(() -> ImpairmentRelay.builder(Transport.TLS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transport");
    assertThatThrownBy(() -> ImpairmentRelay.builder(Transport.UDP)
        .target(new InetSocketAddress("192.0.2.1", 5060)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target");
    assertThatThrownBy(() -> ImpairmentRelay.builder(Transport.UDP).maxFlows(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFlows");
    assertThatThrownBy(() -> ImpairmentRelay.builder(Transport.UDP).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("target");
  }

  // --- helpers

  private ImpairmentRelay udp(DatagramSocket target, Impairment impairment, long seed)
      throws IOException {
    ImpairmentRelay relay = ImpairmentRelay.builder(Transport.UDP).target(address(target))
        .toTarget(impairment).seed(seed).start();
    open.add(relay);
    return relay;
  }

  /**
   * Sends "0".."n-1" in batches of 20, each batch once the one before has gone through, so that
   * no socket buffer overflows on a busy machine (the relay's losses are the only ones).
   */
  private static void sendPaced(DatagramSocket from, ImpairmentRelay relay, Sink sink, int n)
      throws IOException {
    for (int i = 0; i < n; i++) {
      send(from, relay, Integer.toString(i));
      if (i % 20 == 19 || i == n - 1) {
        int sent = i + 1;
        await().atMost(WAIT).until(() -> relay.stats().toTarget().received() == sent
            && sink.received.size() == relay.stats().toTarget().forwarded());
      }
    }
  }

  /** A seed whose first decision loses the first packet, at this loss rate. */
  private static long seedLosingTheFirstPacket(double loss) {
    long seed = 0;
    while (new java.util.Random(seed).nextDouble() >= loss) {
      seed++;
    }
    return seed;
  }

  private static InetSocketAddress address(DatagramSocket s) {
    return new InetSocketAddress("127.0.0.1", s.getLocalPort());
  }

  private DatagramSocket client() throws IOException {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    s.setSoTimeout((int) WAIT.toMillis());
    open.add(s);
    return s;
  }

  private static void send(DatagramSocket from, ImpairmentRelay relay, String text)
      throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    from.send(new DatagramPacket(b, b.length, relay.address()));
  }

  private static String receive(DatagramSocket s) throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
    s.receive(p);
    return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
  }

  private static List<Integer> range(int n) {
    List<Integer> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(i);
    }
    return l;
  }

  /** A UDP socket that sends every datagram back to where it came from. */
  private DatagramSocket udpEcho() throws IOException {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    open.add(s);
    Thread t = new Thread(() -> {
      DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
      while (!s.isClosed()) {
        try {
          s.receive(p);
          s.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
        } catch (IOException e) {
          return; // closed by the test
        }
      }
    }, "udp-echo");
    t.setDaemon(true);
    t.start();
    return s;
  }

  /** A TCP server that echoes one connection at a time and closes it at its end of stream. */
  private ServerSocket tcpEcho() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    open.add(server);
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          OutputStream out = s.getOutputStream();
          byte[] b = new byte[4096];
          int n;
          while ((n = in.read(b)) >= 0) {
            out.write(b, 0, n);
          }
        } catch (IOException e) {
          // closed by the test, or the connection was reset: next one
        }
      }
    }, "tcp-echo");
    t.setDaemon(true);
    t.start();
    return server;
  }

  /** A UDP socket that records what arrives, in order. */
  private final class Sink {
    final DatagramSocket socket;
    final List<String> received = new CopyOnWriteArrayList<>();

    Sink() throws IOException {
      socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      open.add(socket);
      Thread t = new Thread(() -> {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        while (!socket.isClosed()) {
          try {
            socket.receive(p);
            received.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
          } catch (IOException e) {
            return; // closed by the test
          }
        }
      }, "udp-sink");
      t.setDaemon(true);
      t.start();
    }
  }
}
