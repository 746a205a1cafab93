package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A scripted SIP peer on a raw UDP socket, writing wire text by hand as baresip or Linphone would:
 * send a request, take what arrives (skipping retransmissions the test does not ask for), answer.
 */
final class RawPeer implements AutoCloseable {
  final DatagramSocket socket;
  final String user;
  private SocketAddress lastSource;

  RawPeer(String user) throws IOException {
    this.user = user;
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    socket.setSoTimeout(5000);
  }

  int port() {
    return socket.getLocalPort();
  }

  /** Our address of record, with the port as baresip writes it. */
  String aor() {
    return "sip:" + user + "@127.0.0.1:" + port();
  }

  static String token() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  }

  /** A bare MESSAGE outside any dialog, as baresip sends it. */
  String message(SipUri to, String contentType, String body, String callId) {
    int length = body.getBytes(StandardCharsets.UTF_8).length;
    return "MESSAGE " + to + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:" + port() + ";branch=z9hG4bK" + token() + ";rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "To: <" + to + ">\r\n"
        + "From: <" + aor() + ">;tag=" + token() + "\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: " + (1 + ThreadLocalRandom.current().nextInt(1000)) + " MESSAGE\r\n"
        + "User-Agent: baresip v1.0.0 (x86_64/linux)\r\n"
        + "Content-Type: " + contentType + "\r\n"
        + "Content-Length: " + length + "\r\n\r\n" + body;
  }

  void send(String text, int port) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    socket.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
  }

  /** The next message that arrives (within 5 s). */
  SipMessage receive() throws IOException {
    byte[] buf = new byte[65535];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    socket.receive(p);
    lastSource = p.getSocketAddress();
    return SipParser.create().parse(buf, 0, p.getLength());
  }

  /** The next request (responses and requests of {@code skipMethod} retransmitted are skipped). */
  SipRequest receiveRequest(String method) throws IOException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      SipMessage m = receive();
      if (m instanceof SipRequest r && r.method().toString().equals(method)) {
        return r;
      }
    }
    throw new SocketTimeoutException("no " + method + " within 5 s");
  }

  /** The next final response to {@code method}. */
  SipResponse receiveFinal(String method) throws IOException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      SipMessage m = receive();
      if (m instanceof SipResponse r && r.isFinal() && r.cseq().method().toString().equals(method)) {
        return r;
      }
    }
    throw new SocketTimeoutException("no final response to " + method + " within 5 s");
  }

  /** Nothing arrives within {@code millis} (used sparingly, for "no invitation was made"). */
  void assertQuiet(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      SipMessage m = receive();
      throw new AssertionError("unexpected message: " + m.startLine());
    } catch (SocketTimeoutException expected) {
      // quiet
    } finally {
      socket.setSoTimeout(5000);
    }
  }

  /** Answers {@code request} with {@code status} (and extra header lines, each ending CRLF). */
  void respond(SipRequest request, int status, String reason, String extra, String contentType,
      String body) throws IOException {
    StringBuilder b = new StringBuilder("SIP/2.0 " + status + " " + reason + "\r\n");
    for (String via : request.headers().values(HeaderName.VIA)) {
      b.append("Via: ").append(via).append("\r\n");
    }
    String to = request.headers().get(HeaderName.TO);
    b.append("To: ").append(to).append(to.contains("tag=") ? "" : ";tag=" + token()).append("\r\n");
    b.append("From: ").append(request.headers().get(HeaderName.FROM)).append("\r\n");
    b.append("Call-ID: ").append(request.callId()).append("\r\n");
    b.append("CSeq: ").append(request.headers().get(HeaderName.CSEQ)).append("\r\n");
    if (extra != null) {
      b.append(extra);
    }
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (contentType != null) {
      b.append("Content-Type: ").append(contentType).append("\r\n");
    }
    b.append("Content-Length: ").append(content.length).append("\r\n\r\n");
    byte[] head = b.toString().getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + content.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(content, 0, all, head.length, content.length);
    assertThat(lastSource).as("a request was received first").isNotNull();
    socket.send(new DatagramPacket(all, all.length, lastSource));
  }

  void respond(SipRequest request, int status, String reason) throws IOException {
    respond(request, status, reason, null, null, null);
  }

  @Override
  public void close() {
    socket.close();
  }
}
