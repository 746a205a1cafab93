package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins a SIPp 3.6.1 trap the interop tests work around: its built-in {@code uas} aborts a call
 * ("Aborting call on unexpected message ... while expecting 'ACK'") when a byte-identical INVITE
 * retransmission arrives after it sent 180 and 200, instead of resending its answer. A UAC whose
 * Timer A fires before SIPp's answer is processed (T1 tuned low, a cold JVM, a loaded machine)
 * therefore fails calls against SIPp's uas over UDP through no fault of its own.
 *
 * <p>No Parley code here: raw datagrams. If this test starts failing, SIPp handles the
 * retransmission now and {@link ParleyUacAgainstSippUasTest} may use the fast timers over UDP too.
 */
class SippUasTrapTest {
  @TempDir Path work;

  @BeforeEach
  void needsSipp() {
    Sipp.requireInstalled();
  }

  @Test
  void sippBuiltinUasAbortsTheCallWhenAnInviteRetransmissionFollowsIts200() throws Exception {
    try (DatagramSocket uac = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        Sipp.Running sipp = Sipp.startListeningOnFreePort(port -> Sipp.builtin("uas")
            .remote("127.0.0.1").localPort(port).transport("u1").calls(1).maxOpenCalls(1)
            .timeoutSeconds(10).workDir(work))) {
      int sippPort = sipp.port();
      byte[] invite = invite(sippPort, uac.getLocalPort());
      InetSocketAddress to = new InetSocketAddress("127.0.0.1", sippPort);
      uac.send(new DatagramPacket(invite, invite.length, to));
      List<String> answers = receiveUntil(uac, "SIP/2.0 200");
      uac.send(new DatagramPacket(invite, invite.length, to)); // Timer A fired: same bytes again

      await().atMost(Duration.ofSeconds(10)).until(() -> !sipp.isAlive());
      Sipp.Result result = sipp.stop(Duration.ZERO);

      assertThat(answers).as("SIPp answered the first INVITE").anyMatch(l -> l.startsWith("SIP/2.0 200"));
      assertThat(result.counter("FailedUnexpectedMessage(C)"))
          .as("SIPp now accepts the retransmission: lower T1 over UDP in "
              + "ParleyUacAgainstSippUasTest. %s", result)
          .isEqualTo(1);
      assertThat(result.output()).contains("while expecting 'ACK'");
    }
  }

  private static List<String> receiveUntil(DatagramSocket socket, String statusLine)
      throws Exception {
    socket.setSoTimeout(5000);
    List<String> lines = new ArrayList<>();
    while (true) {
      DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
      try {
        socket.receive(p);
      } catch (SocketTimeoutException e) {
        return lines;
      }
      String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
      String first = text.substring(0, text.indexOf("\r\n"));
      lines.add(first);
      if (first.startsWith(statusLine)) {
        return lines;
      }
    }
  }

  private static byte[] invite(int sippPort, int ourPort) {
    String body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 6000 RTP/AVP 0\r\n";
    return ("INVITE sip:service@127.0.0.1:" + sippPort + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:" + ourPort + ";branch=z9hG4bKtrap1;rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "To: <sip:service@127.0.0.1:" + sippPort + ">\r\n"
        + "From: <sip:trap@127.0.0.1>;tag=trap1\r\n"
        + "Call-ID: trap-1@127.0.0.1\r\n"
        + "CSeq: 1 INVITE\r\n"
        + "Contact: <sip:trap@127.0.0.1:" + ourPort + ">\r\n"
        + "Content-Type: application/sdp\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n" + body)
        .getBytes(StandardCharsets.US_ASCII);
  }
}
