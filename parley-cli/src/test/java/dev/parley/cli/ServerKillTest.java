package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 finding 1: in-dialog requests pass the proxy without credentials only inside dialogs
 * it record-routed, which it knows by the signature in its Record-Route; the key is kept in the
 * data directory, so a dialog set up before {@code parley server} is SIGKILLed and started
 * again still works, while a request with a made-up Route is refused. Real process, scripted
 * UDP peers on three loopback addresses.
 */
class ServerKillTest {
  @TempDir Path data;

  @Test
  void dialogSetUpBeforeASigkillKeepsWorkingAfterTheRestartAndStrangersStayOut() throws Exception {
    try (MockSipPeer caller = peer("127.0.0.3"); MockSipPeer callee = peer("127.0.0.2");
        MockSipPeer stranger = peer("127.0.0.4")) {
      // calls to far.example go to the callee; the caller is a trusted gateway
      Path conf = data.resolve("parley.conf");
      Files.writeString(conf, "trusted = 127.0.0.3\nroute.far.example = sip:127.0.0.2:"
          + callee.port() + "\n");
      int port;
      try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      List<String> args = List.of("--config", conf.toString(), "--status", "off");
      String calleeUri = callee.uri("bob");
      String callerUri = caller.uri("gw");
      String recordRoute;
      try (ServerProcess first = ServerProcess.start(data, port, args)) {
        caller.send("INVITE sip:bob@far.example SIP/2.0\r\n"
            + via(caller, "inv1") + "Max-Forwards: 70\r\n"
            + "From: <sip:gw@pstn.example>;tag=gw1\r\nTo: <sip:bob@far.example>\r\n"
            + "Call-ID: kill-1\r\nCSeq: 1 INVITE\r\nContact: <" + callerUri + ">\r\n"
            + "Content-Length: 0\r\n\r\n", server);
        SipRequest invite = callee.takeRequest(SipMethod.INVITE);
        recordRoute = invite.headers().get(HeaderName.RECORD_ROUTE);
        assertThat(recordRoute).contains(";psig=");
        // the 200 copies the INVITE's Record-Route (RFC 3261 §12.1.1)
        callee.respondWithTag(invite, 200, "bob1", "Contact", "<" + calleeUri + ">");
        assertThat(caller.takeFinalResponse().statusCode()).isEqualTo(200);
        first.kill(); // SIGKILL: nothing flushed, nothing closed
      }
      try (ServerProcess second = ServerProcess.start(data, port, args)) {
        // the callee (not trusted) hangs up inside the dialog: passes on the signature alone
        callee.send("BYE " + callerUri + " SIP/2.0\r\n" + via(callee, "bye1")
            + "Max-Forwards: 70\r\nFrom: <sip:bob@far.example>;tag=bob1\r\n"
            + "To: <sip:gw@pstn.example>;tag=gw1\r\nCall-ID: kill-1\r\nCSeq: 1 BYE\r\n"
            + "Route: " + recordRoute + "\r\nContent-Length: 0\r\n\r\n", server);
        SipRequest bye = caller.takeRequest(SipMethod.BYE);
        caller.respond(bye, 200);
        assertThat(callee.takeFinalResponse().statusCode()).isEqualTo(200);

        // a stranger copying the Route into a dialog of its own is refused
        stranger.send("MESSAGE " + callerUri + " SIP/2.0\r\n" + via(stranger, "m1")
            + "Max-Forwards: 70\r\nFrom: <sip:eve@evil.example>;tag=e1\r\n"
            + "To: <sip:gw@pstn.example>;tag=x\r\nCall-ID: kill-2\r\nCSeq: 1 MESSAGE\r\n"
            + "Route: " + recordRoute + "\r\nContent-Length: 0\r\n\r\n", server);
        SipResponse refused = stranger.takeFinalResponse();
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(caller.poll(Duration.ofMillis(300))).isNull();
      }
    }
  }

  private static MockSipPeer peer(String address) throws Exception {
    return MockSipPeer.start(address).timeout(Duration.ofSeconds(15));
  }

  private static String via(MockSipPeer peer, String branch) {
    return "Via: SIP/2.0/UDP " + peer.hostPort() + ";branch=z9hG4bK" + branch + ";rport\r\n";
  }
}
