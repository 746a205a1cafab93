package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley uas} run as its own process on 127.0.0.1, as a user runs it, with its output
 * (standard output and error together) collected line by line; {@link #close()} stops it with
 * SIGTERM and waits for its stop line. Also writes the wire text of a caller's INVITE, ACK and
 * BYE. One instance per test.
 */
final class UasProcess implements AutoCloseable {
  private final Process process;
  private final Thread reader;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final int port;

  private UasProcess(int port, List<String> extraArgs) throws IOException {
    this.port = port;
    List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java",
        "-cp", System.getProperty("java.class.path"), "dev.parley.cli.Parley", "uas",
        "--listen", "udp:127.0.0.1:" + port));
    command.addAll(extraArgs);
    this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
    this.reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          lines.add(l);
        }
      } catch (IOException e) {
        lines.add("read error: " + e);
      }
    }, "uas-output");
    reader.start();
  }

  /** Starts {@code parley uas --listen udp:127.0.0.1:PORT ARGS...} and waits for its ready line. */
  static UasProcess start(String... args) throws IOException {
    UasProcess p = new UasProcess(freePort(), List.of(args));
    try {
      await().atMost(Duration.ofSeconds(60))
          .failFast("parley uas exited", () -> !p.process.isAlive())
          .until(() -> p.lines.stream().anyMatch(l -> l.startsWith("parley uas: listening on")));
    } catch (RuntimeException | Error e) {
      // not listening in time (a starved machine): never leave it running for the next tests
      p.process.destroyForcibly();
      throw e;
    }
    return p;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** An even UDP port P of 127.0.0.1 with P + 1 free too (for {@code --rtp-ports P-P+1}). */
  static int freeRtpPair() throws IOException {
    for (int tries = 0; tries < 200; tries++) {
      int p;
      try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        p = s.getLocalPort() & ~1;
      }
      try (DatagramSocket a = new DatagramSocket(p, InetAddress.getLoopbackAddress());
          DatagramSocket b = new DatagramSocket(p + 1, InetAddress.getLoopbackAddress())) {
        return p;
      } catch (IOException taken) {
        // one of the pair is in use: try another
      }
    }
    throw new IOException("no free even/odd UDP port pair on 127.0.0.1 in 200 tries");
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /** Every line printed so far. */
  List<String> lines() {
    return lines;
  }

  /** The ready line. */
  String readyLine() {
    return lines.stream().filter(l -> l.startsWith("parley uas: listening on")).findFirst()
        .orElseThrow();
  }

  /** Stops the process (SIGTERM) and returns its stop line. */
  String stop() throws InterruptedException {
    process.toHandle().destroy();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("parley uas stopped").isTrue();
    reader.join(5000);
    return lines.stream().filter(l -> l.startsWith("parley uas: stopped after")).findFirst()
        .orElseThrow(() -> new AssertionError("no stop line in " + lines));
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.toHandle().destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    reader.join(5000);
  }

  // ---- a caller's messages (wire text) ------------------------------------------------------

  /** An INVITE from {@code caller} offering {@code sdp}, with Call-ID {@code callId}. */
  String invite(MockSipPeer caller, String callId, String sdp) {
    byte[] body = sdp.getBytes(StandardCharsets.US_ASCII);
    return "INVITE sip:uas@127.0.0.1:" + port + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + caller.hostPort() + ";branch=" + MockSipPeer.newBranch() + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:caller@127.0.0.1>;tag=c-" + callId + "\r\n"
        + "To: <sip:uas@127.0.0.1:" + port + ">\r\n"
        + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n"
        + "Contact: <sip:caller@" + caller.hostPort() + ">\r\n"
        + "Content-Type: application/sdp\r\nContent-Length: " + body.length + "\r\n\r\n" + sdp;
  }

  /** An in-dialog request ({@code ACK} with CSeq 1, {@code BYE} with CSeq 2) after {@code ok}. */
  String inDialog(MockSipPeer caller, String method, String callId, SipResponse ok) {
    String toTag = ok.headers().get("To").replaceAll(".*;tag=", "");
    return method + " sip:uas@127.0.0.1:" + port + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + caller.hostPort() + ";branch=" + MockSipPeer.newBranch() + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:caller@127.0.0.1>;tag=c-" + callId + "\r\n"
        + "To: <sip:uas@127.0.0.1:" + port + ">;tag=" + toTag + "\r\n"
        + "Call-ID: " + callId + "\r\nCSeq: " + (method.equals("ACK") ? 1 : 2) + " " + method
        + "\r\nContent-Length: 0\r\n\r\n";
  }

  /** A G.711 offer of the given payload types (0 PCMU, 8 PCMA) and telephone-event 101. */
  static String offer(int rtpPort, int... payloadTypes) {
    StringBuilder formats = new StringBuilder();
    StringBuilder maps = new StringBuilder();
    for (int pt : payloadTypes) {
      formats.append(pt).append(' ');
      maps.append("a=rtpmap:").append(pt).append(pt == 0 ? " PCMU/8000" : " PCMA/8000")
          .append("\r\n");
    }
    return "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio " + rtpPort + " RTP/AVP " + formats + "101\r\n" + maps
        + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n";
  }
}
