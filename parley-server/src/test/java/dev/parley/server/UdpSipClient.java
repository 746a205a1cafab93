package dev.parley.server;

import dev.parley.auth.CredentialsProvider;
import dev.parley.auth.DigestClient;
import dev.parley.auth.UserSecret;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A registrar test client: a {@link MockSipPeer} that sends to one server over UDP, plus
 * REGISTER wire text and the answer to a digest challenge (which needs parley-dialog's
 * {@link DigestClient}, so it stays here rather than in the test kit).
 */
final class UdpSipClient implements AutoCloseable {
  private final MockSipPeer peer;
  private final InetSocketAddress server;
  private final DigestClient digest = new DigestClient();

  UdpSipClient(InetSocketAddress server) throws IOException {
    this(server, InetAddress.getLoopbackAddress());
  }

  /** A client whose socket is bound to {@code local} (127.0.0.5, say: a source of its own). */
  UdpSipClient(InetSocketAddress server, InetAddress local) throws IOException {
    this.server = server;
    this.peer = MockSipPeer.start(local.getHostAddress());
  }

  int port() {
    return peer.port();
  }

  /** A REGISTER for {@code user@domain}; {@code extra} is more header lines, each ending CRLF. */
  SipRequest register(String user, String domain, String callId, long cseq, String extra) {
    String text = "REGISTER sip:" + domain + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + peer.hostPort() + ";branch=" + MockSipPeer.newBranch()
        + ";rport\r\n"
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
    peer.send(request, server);
  }

  /** Sends {@code request}; the next final response. */
  SipResponse send(SipRequest request) throws IOException {
    sendOnly(request);
    return peer.takeFinalResponse();
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
    return retry.toBuilder().setHeader(HeaderName.VIA, "SIP/2.0/UDP " + peer.hostPort()
        + ";branch=" + MockSipPeer.newBranch() + ";rport").build();
  }

  @Override
  public void close() {
    peer.close();
  }
}
