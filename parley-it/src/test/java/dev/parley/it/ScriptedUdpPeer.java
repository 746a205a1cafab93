package dev.parley.it;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * A SIP peer scripted by the test over a raw UDP socket on 127.0.0.1: take what arrived, answer
 * with responses built from the request's headers, send exact bytes again (retransmissions).
 */
final class ScriptedUdpPeer implements AutoCloseable {
  /** One datagram that arrived: its text and where it came from. */
  record Received(String text, SocketAddress from) {
    String startLine() {
      return text.substring(0, text.indexOf("\r\n"));
    }
  }

  private final DatagramSocket socket;

  ScriptedUdpPeer() throws IOException {
    socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
  }

  int port() {
    return socket.getLocalPort();
  }

  /** The next datagram, waiting up to 5 s; fails the test when none comes. */
  Received take() throws IOException {
    return poll(Duration.ofSeconds(5))
        .orElseThrow(() -> new AssertionError("nothing arrived at the scripted peer within 5 s"));
  }

  /** The next datagram within {@code wait}, or empty. */
  Optional<Received> poll(Duration wait) throws IOException {
    socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
    DatagramPacket p = new DatagramPacket(new byte[65_535], 65_535);
    try {
      socket.receive(p);
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    }
    return Optional.of(new Received(
        new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1),
        p.getSocketAddress()));
  }

  /** The next datagram whose start line begins with {@code prefix}, skipping others. */
  Received take(String prefix) throws IOException {
    for (int i = 0; i < 50; i++) {
      Received r = take();
      if (r.startLine().startsWith(prefix)) {
        return r;
      }
    }
    throw new AssertionError("no " + prefix + " among 50 datagrams");
  }

  void send(byte[] bytes, SocketAddress to) throws IOException {
    socket.send(new DatagramPacket(bytes, bytes.length, to));
  }

  /**
   * A response to {@code request}: its Via, From, Call-ID and CSeq, its To with {@code toTag}
   * added (when it has none), then {@code extraHeaders} (each ending in CRLF), no body.
   */
  static byte[] response(Received request, String status, String toTag, String extraHeaders) {
    StringBuilder r = new StringBuilder("SIP/2.0 ").append(status).append("\r\n");
    String head = request.text().substring(0, request.text().indexOf("\r\n\r\n"));
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      String name = colon < 0 ? "" : line.substring(0, colon).trim();
      switch (name) {
        case "Via", "From", "Call-ID", "CSeq" -> r.append(line).append("\r\n");
        case "To" -> r.append(line).append(line.contains(";tag=") ? "" : ";tag=" + toTag)
            .append("\r\n");
        default -> { }
      }
    }
    r.append(extraHeaders).append("Content-Length: 0\r\n\r\n");
    return r.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    socket.close();
  }
}
