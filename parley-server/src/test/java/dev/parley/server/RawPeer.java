package dev.parley.server;

import dev.parley.dialog.Responses;
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
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted SIP peer on one UDP socket, written by hand: it sends what the test builds and
 * hands over what arrives (retransmitted requests skipped), so that tests can look at the exact
 * messages the proxy sends, CANCEL and its Reason included.
 */
final class RawPeer implements AutoCloseable {
  private static final AtomicInteger BRANCH = new AtomicInteger();
  final DatagramSocket socket;
  private final Set<String> seen = new HashSet<>();
  private SocketAddress lastSource;

  RawPeer() throws IOException {
    this("127.0.0.1");
  }

  /**
   * A peer on {@code address} (any of 127.0.0.0/8: Linux routes them all to loopback), so that
   * tests can send from distinct sources and listen where nothing may arrive.
   */
  RawPeer(String address) throws IOException {
    socket = new DatagramSocket(0, InetAddress.getByName(address));
    socket.setSoTimeout(10_000);
  }

  /** The address this peer is bound to, as text. */
  String host() {
    return socket.getLocalAddress().getHostAddress();
  }

  /** {@code host:port} of this peer. */
  String hostPort() {
    return host() + ":" + port();
  }

  /**
   * The next message if one arrives within {@code millis}, else null: for checks that something
   * did NOT arrive, made after the exchange that would have sent it has ended.
   */
  SipMessage poll(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      DatagramPacket in = new DatagramPacket(new byte[65536], 65536);
      socket.receive(in);
      return SipParser.create().parse(
          new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8));
    } catch (SocketTimeoutException e) {
      return null;
    } finally {
      socket.setSoTimeout(10_000);
    }
  }

  int port() {
    return socket.getLocalPort();
  }

  /** {@code sip:user@127.0.0.1:port}: a contact to bind in the location service. */
  String contact(String user) {
    return "sip:" + user + "@" + hostPort();
  }

  /** A request from this peer; {@code extra} is more header lines, each ending in CRLF. */
  SipRequest request(String method, String requestUri, String from, String to, String extra) {
    String text = method + " " + requestUri + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + hostPort() + ";branch=z9hG4bK" + nextBranch() + ";rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <" + from + ">;tag=f" + BRANCH.incrementAndGet() + "\r\n"
        + "To: <" + to + ">\r\n"
        + "Call-ID: raw" + System.nanoTime() + "\r\n"
        + "CSeq: 1 " + method + "\r\n"
        + "Contact: <sip:raw@" + hostPort() + ">\r\n"
        + extra
        + "Content-Length: 0\r\n\r\n";
    return (SipRequest) SipParser.create().parse(text);
  }

  void send(SipMessage message, InetSocketAddress to) throws IOException {
    byte[] out = message.encode();
    socket.send(new DatagramPacket(out, out.length, to));
  }

  /** Answers {@code request} to where it came from; {@code extra} lines as in {@link #request}. */
  SipResponse respond(SipRequest request, int status, String toTag, String... headers)
      throws IOException {
    SipResponse.Builder b = Responses.to(request, status, toTag);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(HeaderName.of(headers[i]), headers[i + 1]);
    }
    SipResponse r = b.build();
    byte[] out = r.encode();
    socket.send(new DatagramPacket(out, out.length, lastSource));
    return r;
  }

  /** The next message (a new request, or any response), waiting up to 10 s. */
  SipMessage next() throws IOException {
    while (true) {
      DatagramPacket in = new DatagramPacket(new byte[65536], 65536);
      try {
        socket.receive(in);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("nothing arrived at port " + port() + " in 10 s");
      }
      SipMessage m = SipParser.create().parse(
          new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8));
      if (m instanceof SipRequest r) {
        if (!seen.add(r.method() + " " + r.topVia().branch())) {
          continue; // a retransmission
        }
        lastSource = in.getSocketAddress();
      }
      return m;
    }
  }

  /** The next request, skipping responses. */
  SipRequest nextRequest() throws IOException {
    while (true) {
      if (next() instanceof SipRequest r) {
        return r;
      }
    }
  }

  /** The next final response, skipping requests and provisional responses. */
  SipResponse nextFinal() throws IOException {
    while (true) {
      if (next() instanceof SipResponse r && r.isFinal()) {
        return r;
      }
    }
  }

  private static String nextBranch() {
    return "raw" + System.nanoTime() + "x" + BRANCH.incrementAndGet();
  }

  @Override
  public void close() {
    socket.close();
  }
}
