package dev.parley.server;

import dev.parley.dialog.auth.CredentialsProvider;
import dev.parley.dialog.auth.DigestClient;
import dev.parley.dialog.auth.UserSecret;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A bare SIP client over one UDP socket on loopback, for registrar tests. */
final class UdpSipClient implements AutoCloseable {
  private static final AtomicInteger BRANCH = new AtomicInteger();
  private final DatagramSocket socket;
  private final InetSocketAddress server;
  private final DigestClient digest = new DigestClient();
  private final String host;

  UdpSipClient(InetSocketAddress server) throws IOException {
    this(server, InetAddress.getLoopbackAddress());
  }

  /** A client whose socket is bound to {@code local} (127.0.0.5, say: a source of its own). */
  UdpSipClient(InetSocketAddress server, InetAddress local) throws IOException {
    this.server = server;
    this.socket = new DatagramSocket(0, local);
    this.host = local.getHostAddress();
    socket.setSoTimeout(5000);
  }

  int port() {
    return socket.getLocalPort();
  }

  /** A REGISTER for {@code user@domain}; {@code extra} is more header lines, each ending CRLF. */
  SipRequest register(String user, String domain, String callId, long cseq, String extra) {
    String text = "REGISTER sip:" + domain + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + host + ":" + port() + ";branch=z9hG4bK" + nextBranch() + ";rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:" + user + "@" + domain + ">;tag=" + callId.hashCode() + "\r\n"
        + "To: <sip:" + user + "@" + domain + ">\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: " + cseq + " REGISTER\r\n"
        + extra
        + "Content-Length: 0\r\n\r\n";
    return (SipRequest) SipParser.create().parse(text);
  }

  /** Sends {@code request} and returns at once. */
  void sendOnly(SipRequest request) throws IOException {
    byte[] out = request.encode();
    socket.send(new DatagramPacket(out, out.length, server));
  }

  SipResponse send(SipRequest request) throws IOException {
    sendOnly(request);
    while (true) {
      DatagramPacket in = new DatagramPacket(new byte[65536], 65536);
      socket.receive(in);
      SipMessage m = SipParser.create().parse(
          new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8));
      if (m instanceof SipResponse r && r.statusCode() >= 200) {
        return r;
      }
    }
  }

  /** Sends {@code request}; answers one 401 with {@code password} and returns the final answer. */
  SipResponse sendAuthorized(SipRequest request, String user, String password) throws IOException {
    SipResponse r = send(request);
    if (r.statusCode() != 401) {
      return r;
    }
    SipRequest retry = authorize(request, r, user, password);
    return retry == null ? r : send(retry);
  }

  SipRequest authorize(SipRequest request, SipResponse challenge, String user, String password) {
    SipRequest retry = digest.authorize(request, challenge,
        CredentialsProvider.of(UserSecret.ofPassword(user, password)));
    if (retry == null) {
      return null;
    }
    return retry.toBuilder().setHeader(HeaderName.VIA, "SIP/2.0/UDP " + host + ":" + port()
        + ";branch=z9hG4bK" + nextBranch() + ";rport").build();
  }

  private static String nextBranch() {
    return "t" + System.nanoTime() + "x" + BRANCH.incrementAndGet();
  }

  @Override
  public void close() {
    socket.close();
  }
}
