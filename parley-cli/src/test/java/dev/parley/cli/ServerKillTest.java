package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 finding 1: in-dialog requests pass the proxy without credentials only inside dialogs
 * it record-routed, which it knows by the signature in its Record-Route; the key is kept in the
 * data directory, so a dialog set up before {@code parley server} is SIGKILLed and started
 * again still works, while a request with a made-up Route is refused. Real process, raw UDP
 * peers on three loopback addresses.
 */
class ServerKillTest {
  @TempDir Path data;

  @Test
  void dialogSetUpBeforeASigkillKeepsWorkingAfterTheRestartAndStrangersStayOut() throws Exception {
    try (DatagramSocket caller = socket("127.0.0.3"); DatagramSocket callee = socket("127.0.0.2");
        DatagramSocket stranger = socket("127.0.0.4")) {
      // calls to far.example go to the callee; the caller is a trusted gateway
      Path conf = data.resolve("parley.conf");
      Files.writeString(conf, "trusted = 127.0.0.3\nroute.far.example = sip:127.0.0.2:"
          + callee.getLocalPort() + "\n");
      int port;
      try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      List<String> args = List.of("--config", conf.toString(), "--status", "off");
      String calleeUri = "sip:bob@127.0.0.2:" + callee.getLocalPort();
      String callerUri = "sip:gw@127.0.0.3:" + caller.getLocalPort();
      String recordRoute;
      try (ServerProcess first = ServerProcess.start(data, port, args)) {
        send(caller, server, "INVITE sip:bob@far.example SIP/2.0\r\n"
            + via(caller, "inv1") + "Max-Forwards: 70\r\n"
            + "From: <sip:gw@pstn.example>;tag=gw1\r\nTo: <sip:bob@far.example>\r\n"
            + "Call-ID: kill-1\r\nCSeq: 1 INVITE\r\nContact: <" + callerUri + ">\r\n"
            + "Content-Length: 0\r\n\r\n");
        SipRequest invite = nextRequest(callee);
        recordRoute = invite.headers().get(HeaderName.RECORD_ROUTE);
        assertThat(recordRoute).contains(";psig=");
        reply(callee, invite, "SIP/2.0 200 OK", ";tag=bob1",
            "Record-Route: " + recordRoute + "\r\nContact: <" + calleeUri + ">\r\n");
        assertThat(nextResponse(caller).statusCode()).isEqualTo(200);
        first.kill(); // SIGKILL: nothing flushed, nothing closed
      }
      try (ServerProcess second = ServerProcess.start(data, port, args)) {
        // the callee (not trusted) hangs up inside the dialog: passes on the signature alone
        send(callee, server, "BYE " + callerUri + " SIP/2.0\r\n" + via(callee, "bye1")
            + "Max-Forwards: 70\r\nFrom: <sip:bob@far.example>;tag=bob1\r\n"
            + "To: <sip:gw@pstn.example>;tag=gw1\r\nCall-ID: kill-1\r\nCSeq: 1 BYE\r\n"
            + "Route: " + recordRoute + "\r\nContent-Length: 0\r\n\r\n");
        SipRequest bye = nextRequest(caller);
        assertThat(bye.method().name()).isEqualTo("BYE");
        reply(caller, bye, "SIP/2.0 200 OK", "", "");
        assertThat(nextResponse(callee).statusCode()).isEqualTo(200);

        // a stranger copying the Route into a dialog of its own is refused
        send(stranger, server, "MESSAGE " + callerUri + " SIP/2.0\r\n" + via(stranger, "m1")
            + "Max-Forwards: 70\r\nFrom: <sip:eve@evil.example>;tag=e1\r\n"
            + "To: <sip:gw@pstn.example>;tag=x\r\nCall-ID: kill-2\r\nCSeq: 1 MESSAGE\r\n"
            + "Route: " + recordRoute + "\r\nContent-Length: 0\r\n\r\n");
        SipResponse refused = nextResponse(stranger);
        assertThat(refused.statusCode()).isEqualTo(403);
        caller.setSoTimeout(300);
        assertThat(poll(caller)).isNull();
      }
    }
  }

  private static DatagramSocket socket(String address) throws Exception {
    DatagramSocket s = new DatagramSocket(0, InetAddress.getByName(address));
    s.setSoTimeout(15_000);
    return s;
  }

  private static String via(DatagramSocket s, String branch) {
    return "Via: SIP/2.0/UDP " + s.getLocalAddress().getHostAddress() + ":" + s.getLocalPort()
        + ";branch=z9hG4bK" + branch + ";rport\r\n";
  }

  private static void send(DatagramSocket s, InetSocketAddress to, String text) throws Exception {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    s.send(new DatagramPacket(b, b.length, to));
  }

  /** Answers {@code request} to the server it came from, copying Via, From, To, Call-ID, CSeq. */
  private static void reply(DatagramSocket s, SipRequest request, String statusLine, String toTag,
      String extra) throws Exception {
    StringBuilder t = new StringBuilder(statusLine).append("\r\n");
    for (String v : request.headers().values(HeaderName.VIA)) {
      t.append("Via: ").append(v).append("\r\n");
    }
    t.append("From: ").append(request.headers().get(HeaderName.FROM)).append("\r\n")
        .append("To: ").append(request.headers().get(HeaderName.TO)).append(toTag).append("\r\n")
        .append("Call-ID: ").append(request.callId()).append("\r\n")
        .append("CSeq: ").append(request.headers().get(HeaderName.CSEQ)).append("\r\n")
        .append(extra).append("Content-Length: 0\r\n\r\n");
    send(s, (InetSocketAddress) lastSource, t.toString());
  }

  private static java.net.SocketAddress lastSource;

  private static SipRequest nextRequest(DatagramSocket s) throws Exception {
    while (true) {
      if (next(s) instanceof SipRequest r) {
        return r;
      }
    }
  }

  private static SipResponse nextResponse(DatagramSocket s) throws Exception {
    while (true) {
      if (next(s) instanceof SipResponse r && r.isFinal()) {
        return r;
      }
    }
  }

  private static SipMessage next(DatagramSocket s) throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
    s.receive(p);
    lastSource = p.getSocketAddress();
    return SipParser.create().parse(new String(p.getData(), 0, p.getLength(),
        StandardCharsets.UTF_8));
  }

  private static SipMessage poll(DatagramSocket s) throws Exception {
    try {
      return next(s);
    } catch (SocketTimeoutException e) {
      return null;
    }
  }
}
