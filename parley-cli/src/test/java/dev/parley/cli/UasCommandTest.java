package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs {@code parley uas} as a separate process, as a user does, and stops it with SIGTERM. */
class UasCommandTest {
  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void printsReadyLineAnswersOptionsAndStopsCleanlyOnSigterm() throws Exception {
    int port = freePort();
    String java = System.getProperty("java.home") + "/bin/java";
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "dev.parley.cli.Parley", "uas", "--listen", "udp:127.0.0.1:" + port,
        "--listen", "tcp:127.0.0.1:" + port).redirectErrorStream(true).start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          lines.add(l);
        }
      } catch (java.io.IOException e) {
        lines.add("read error: " + e);
      }
    });
    reader.start();
    try {
      await().atMost(ServerProcess.STARTUP).until(() -> lines.stream()
          .anyMatch(l -> l.startsWith("parley uas: listening on udp:127.0.0.1:" + port)));
      String options = "OPTIONS sip:uas@127.0.0.1:" + port + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKtest1\r\n"
          + "Max-Forwards: 70\r\nTo: <sip:uas@127.0.0.1>\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\n"
          + "Call-ID: uas-test-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
      try (MockSipPeer s = MockSipPeer.start()) {
        s.send(options, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        SipResponse reply = s.takeFinalResponse();
        assertThat(reply.startLine()).isEqualTo("SIP/2.0 200 OK");
        assertThat(reply.headers().get("Allow")).contains("INVITE");
      }
    } finally {
      p.toHandle().destroy(); // SIGTERM, keeping our end of its output open
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      reader.join(5000);
    }
    assertThat(p.exitValue()).isIn(0, 143);
    assertThat(lines).anyMatch(l -> l.startsWith("parley uas: stopped after"));
  }

  @Test
  void badListenPointIsAUsageError() {
    java.io.StringWriter err = new java.io.StringWriter();
    int status = Parley.run(new java.io.PrintWriter(new java.io.StringWriter()),
        new java.io.PrintWriter(err), "uas", "--listen", "carrier-pigeon:1.2.3.4:5");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--listen").contains("unsupported transport");
  }
}
