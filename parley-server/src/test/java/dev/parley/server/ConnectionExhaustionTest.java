package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, connection exhaustion, through the server and its {@code connections.*} keys: raw
 * TCP clients bound to distinct loopback addresses.
 */
class ConnectionExhaustionTest extends ProxyFixture {
  private ListenPoint tcp() {
    return server.listenPoints().stream().filter(p -> p.transport() == Transport.TCP)
        .findFirst().orElseThrow();
  }

  private Socket connect(String from) throws IOException {
    ListenPoint lp = tcp();
    Socket s = keep(new Socket(lp.address().getAddress(), lp.address().getPort(),
        InetAddress.getByName(from), 0));
    s.setSoTimeout(10_000);
    return s;
  }

  private SipServer startWith(String configText) throws Exception {
    Path file = data.resolve("parley.conf");
    Files.writeString(file, configText);
    return start(b -> b.load(file));
  }

  @Test
  void theConnectionKeysReachTheTransport() throws Exception {
    startWith("""
        connections.max = 500
        connections.max_per_address = 20
        connections.first_message_timeout = 3s
        connections.message_timeout = 4s
        connections.idle_timeout = 2m
        """);
    var c = server.config().connections();
    assertThat(c.maxConnections()).isEqualTo(500);
    assertThat(c.maxConnectionsPerAddress()).isEqualTo(20);
    assertThat(c.firstMessageTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.messageTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void aClientFromAnotherAddressIsAnsweredWhileOthersHoldEveryConnection() throws Exception {
    startWith("connections.max = 8\n");
    for (int i = 0; i < 8; i++) {
      connect("127.0.0." + (2 + i % 4)); // idle: never send a byte
    }
    await().until(() -> server.connectionStats().open() == 8);

    Socket newcomer = connect("127.0.0.9");
    ListenPoint lp = tcp();
    String options = "OPTIONS sip:" + DOMAIN + " SIP/2.0\r\n"
        + "Via: SIP/2.0/TCP 127.0.0.9:5060;branch=z9hG4bKnewcomer\r\n"
        + "Max-Forwards: 70\r\n"
        + "To: <sip:" + DOMAIN + ">\r\n"
        + "From: <sip:carol@" + DOMAIN + ">;tag=nc1\r\n"
        + "Call-ID: newcomer@test\r\n"
        + "CSeq: 1 OPTIONS\r\n"
        + "Content-Length: 0\r\n\r\n";
    newcomer.getOutputStream().write(options.getBytes(StandardCharsets.UTF_8));
    assertThat(readUntil(newcomer, "newcomer@test")).startsWith("SIP/2.0 ");
    assertThat(server.connectionStats().evicted()).isEqualTo(1);
    assertThat(lp.transport()).isEqualTo(Transport.TCP);
  }

  @Test
  void aConnectionThatNeverSendsAMessageIsClosedAfterTheFirstMessageTimeout() throws Exception {
    startWith("connections.first_message_timeout = 300ms\n");
    Socket silent = connect("127.0.0.5");
    assertThat(silent.getInputStream().read()).isEqualTo(-1);
    await().until(() -> server.connectionStats().firstMessageTimeouts() == 1);
  }

  private static String readUntil(Socket s, String until) throws IOException {
    StringBuilder sb = new StringBuilder();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    while (!sb.toString().contains(until)) {
      int n = in.read(buf);
      if (n < 0) {
        throw new AssertionError("closed before '" + until + "'; got: " + sb);
      }
      sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
    }
    return sb.toString();
  }
}
