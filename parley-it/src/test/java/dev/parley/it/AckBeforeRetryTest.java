package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.auth.CredentialsProvider;
import dev.parley.auth.UserSecret;
import dev.parley.dialog.UserAgent;
import dev.parley.transport.NettyTransportLayer;
import dev.parley.transport.Transport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ACK for a non-2xx final response to an INVITE (RFC 3261 §17.1.1.2, §17.1.1.3) must leave
 * before whatever the TU sends in reaction to that response, such as the INVITE retried with
 * credentials after a 401 (§22.2). Peers that follow a call step by step (every SIPp scenario
 * with a 401 step: "Aborting call on unexpected message ... while expecting 'ACK', received
 * 'INVITE'") fail the call otherwise; over TCP the order on the wire is exactly the order sent.
 *
 * <p>One event loop makes the order deterministic: the retry runs inline on the loop that
 * delivered the 401. With several loops it happens whenever the retry's transaction lands on
 * that same loop (4 to 9 calls out of 20 in {@link DigestAgainstSippTest} before the workaround
 * in its scenario).
 */
class AckBeforeRetryTest {
  @Test
  void ackForA401LeavesBeforeTheInviteRetriedWithCredentials() throws Exception {
    UserAgent.Builder builder = UserAgent.builder(NettyTransportLayer.builder()
            .listen("udp:127.0.0.1:0").threads(1).build())
        .handler(Loopback.rejectingEveryInvite())
        .credentials(CredentialsProvider.of(UserSecret.ofPassword("alice", "secret")));
    try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        UserAgent alice = Loopback.agent(builder, Loopback.SIPP_UDP_TIMERS)) {
      peer.setSoTimeout(5000);
      int port = peer.getLocalPort();
      alice.invite(CallLoad.invite(alice, Loopback.uri("service", port, Transport.UDP),
          Transport.UDP), Loopback.hop(Transport.UDP, port));

      DatagramPacket invite = receive(peer);
      String text = text(invite);
      byte[] challenge = unauthorized(text);
      peer.send(new DatagramPacket(challenge, challenge.length, invite.getSocketAddress()));

      List<String> next = new ArrayList<>();
      next.add(firstLine(text(receive(peer))));
      next.add(firstLine(text(receive(peer))));
      assertThat(next.get(0)).as("sent after the 401, in order: %s", next).startsWith("ACK ");
      assertThat(next.get(1)).startsWith("INVITE ");
    }
  }

  private static DatagramPacket receive(DatagramSocket socket) throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[8192], 8192);
    socket.receive(p);
    return p;
  }

  private static String text(DatagramPacket p) {
    return new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
  }

  private static String firstLine(String message) {
    return message.substring(0, message.indexOf("\r\n"));
  }

  /** 401 to {@code invite}: its Via, From, Call-ID and CSeq, a To tag and a Digest challenge. */
  private static byte[] unauthorized(String invite) {
    StringBuilder r = new StringBuilder("SIP/2.0 401 Unauthorized\r\n");
    for (String line : invite.substring(0, invite.indexOf("\r\n\r\n")).split("\r\n")) {
      String name = line.contains(":") ? line.substring(0, line.indexOf(':')) : "";
      switch (name) {
        case "Via", "From", "Call-ID", "CSeq" -> r.append(line).append("\r\n");
        case "To" -> r.append(line).append(";tag=challenge1\r\n");
        default -> { }
      }
    }
    r.append("WWW-Authenticate: Digest realm=\"parley.test\", nonce=\"n0nce1\", algorithm=MD5, "
        + "qop=\"auth\"\r\nContent-Length: 0\r\n\r\n");
    return r.toString().getBytes(StandardCharsets.ISO_8859_1);
  }
}
