package dev.parley.transport.internal;

import dev.parley.transport.Flow;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportException;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One TCP, TLS or WebSocket connection: its id, its flow, how many writes it has pending, and
 * (for an outbound one) a future completed when it is ready for messages (TCP connected, TLS and
 * WebSocket handshakes done). Thread-safe.
 */
public final class Connection {
  /** Index key: transport and remote address (RFC 3261 §18 connection reuse). */
  public record Key(Transport transport, InetSocketAddress remote) {}

  private final long id;
  private final Transport transport;
  private final boolean outbound;
  private final Key key;
  private final CompletableFuture<Connection> ready = new CompletableFuture<>();
  private final AtomicInteger pendingWrites = new AtomicInteger();
  private volatile Channel channel;
  private volatile Flow flow;
  private volatile boolean closed;
  /** Whether the connection table counts it; guarded by the table. */
  boolean counted;
  /** When bytes last arrived ({@link System#nanoTime()}); written by its event loop. */
  private volatile long heardAt = System.nanoTime();
  /** Whether it has delivered its first message or WebSocket upgrade (inbound ones). */
  private volatile boolean opened;

  Connection(long id, Transport transport, boolean outbound, Key key) {
    this.id = id;
    this.transport = transport;
    this.outbound = outbound;
    this.key = key;
  }

  public long id() {
    return id;
  }

  public Transport transport() {
    return transport;
  }

  public boolean isOutbound() {
    return outbound;
  }

  public Key key() {
    return key;
  }

  /** The channel, or null before an outbound connection is attempted. */
  public Channel channel() {
    return channel;
  }

  /** The flow, or null before the connection is established. */
  public Flow flow() {
    return flow;
  }

  /** Completes when the connection can carry messages; fails if it never will. */
  public CompletableFuture<Connection> ready() {
    return ready;
  }

  public boolean isClosed() {
    return closed;
  }

  long heardAt() {
    return heardAt;
  }

  void heard(long nanos) {
    heardAt = nanos;
  }

  boolean isOpened() {
    return opened;
  }

  void opened() {
    opened = true;
  }

  AtomicInteger pendingWrites() {
    return pendingWrites;
  }

  void attach(Channel channel) {
    this.channel = channel;
  }

  void established() {
    Channel ch = channel;
    flow = new Flow(transport, (InetSocketAddress) ch.localAddress(),
        (InetSocketAddress) ch.remoteAddress(), id);
  }

  void markReady() {
    ready.complete(this);
  }

  void fail(Throwable cause) {
    ready.completeExceptionally(cause instanceof TransportException ? cause
        : new TransportException("cannot connect over " + transport + " to "
            + key.remote() + ": " + cause.getMessage(), cause));
  }

  void markClosed() {
    closed = true;
    if (!ready.isDone()) {
      fail(new TransportException("connection to " + key.remote() + " closed before it was ready"));
    }
  }

  @Override
  public String toString() {
    return transport + " #" + id + " " + (outbound ? "to " : "from ") + key.remote();
  }
}
