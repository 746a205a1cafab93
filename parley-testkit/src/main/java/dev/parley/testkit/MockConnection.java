package dev.parley.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

/**
 * One TCP connection of a {@link MockSipPeer}: reads framed messages on its own thread and hands
 * them to the peer, writes whole messages.
 */
final class MockConnection {
  /** Where a connection's messages and read failures go. */
  interface Sink {
    void message(byte[] data, MockConnection from);

    void failed(String failure, MockConnection from);
  }

  private final Socket socket;
  private final int maxMessage;
  private final Sink sink;
  private final InetSocketAddress remote;

  MockConnection(Socket socket, int maxMessage, Sink sink) {
    this.socket = socket;
    this.maxMessage = maxMessage;
    this.sink = sink;
    this.remote = (InetSocketAddress) socket.getRemoteSocketAddress();
  }

  InetSocketAddress remote() {
    return remote;
  }

  boolean isClosed() {
    return socket.isClosed();
  }

  synchronized void write(byte[] bytes) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(bytes);
    out.flush();
  }

  /** Reads until the connection ends; runs on the connection's own thread. */
  void read() {
    try (InputStream in = socket.getInputStream()) {
      StreamFramer framer = new StreamFramer(in, maxMessage);
      byte[] message;
      while ((message = framer.next()) != null) {
        sink.message(message, this);
      }
    } catch (SocketException e) {
      // closed by us or reset by the other side: the connection is over
    } catch (IOException e) {
      sink.failed("TCP read failed: " + e, this);
    } finally {
      close();
    }
  }

  void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new IllegalStateException("closing " + remote + " failed", e);
    }
  }
}
