package dev.parley.testkit;

import dev.parley.transport.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A relay that impairs the network between real peers and a server on loopback, for a kernel
 * without {@code netem}: it listens on one address, forwards what arrives to a target, and sends
 * the target's answers back, dropping, duplicating, reordering and delaying on the way as its
 * {@link Impairment}s say, one for each direction.
 *
 * <pre>{@code
 * try (ImpairmentRelay relay = ImpairmentRelay.builder(Transport.UDP)
 *     .target(new InetSocketAddress("127.0.0.1", serverPort))
 *     .impairment(Impairment.builder().loss(0.2).reorder(0.2).build())
 *     .seed(7)
 *     .start()) {
 *   // point the client at relay.address() instead of the server
 *   ...
 *   assertThat(relay.stats().toTarget().dropped()).isPositive();
 * }
 * }</pre>
 *
 * <p><b>UDP.</b> Each client source address gets its own socket towards the target (a flow), so
 * the target sees one source per client and its answers to that socket go back to that client.
 * The flows are kept in a map bounded by {@link Builder#maxFlows}: a new client beyond it takes
 * the place of the least recently active one. <b>TCP.</b> Each accepted connection gets a
 * connection to the target; bytes are forwarded in the chunks they are read in, in order (see
 * {@link Impairment}); connections beyond {@link Builder#maxConnections} are closed at once.
 *
 * <p>Decisions come from one {@link java.util.Random} seeded with {@link #seed()}, taken in the
 * order packets arrive, so that a failing run can be replayed with the same seed (as far as the
 * peers send in the same order). Datagrams and chunks waiting for their time are bounded by
 * {@link Builder#maxPending}; beyond it a datagram is dropped (counted {@code overflowed}) and a
 * TCP reader waits. Loopback only: every address given must be a loopback address.
 *
 * <p>Thread-safe. It runs on its own daemon threads; {@link #close()} stops them and closes every
 * socket.
 */
public interface ImpairmentRelay extends AutoCloseable {
  /** How long a TCP chunk "lost" is held back on top of its delay: {@value} ms (Linux min RTO). */
  long LOST_SEGMENT_DELAY_MILLIS = 200;

  /** A builder of a relay over {@code transport} (UDP or TCP). */
  static Builder builder(Transport transport) {
    Objects.requireNonNull(transport, "transport");
    if (transport != Transport.UDP && transport != Transport.TCP) {
      throw new IllegalArgumentException("transport is neither UDP nor TCP: " + transport);
    }
    return new Builder(transport);
  }

  /** The transport it relays. */
  Transport transport();

  /** Where it listens: the address to give the client instead of the target's. */
  InetSocketAddress address();

  /** Where it forwards to. */
  InetSocketAddress target();

  /** The seed of its decisions, to replay a run: put it in assertion messages. */
  long seed();

  /** What it does now to traffic towards the target. */
  Impairment toTarget();

  /** What it does now to traffic towards the clients. */
  Impairment toClients();

  /**
   * Changes what it does from now on (packets already waiting keep their time), e.g. to heal the
   * network once the faulty part of a test is over.
   */
  void impair(Impairment toTarget, Impairment toClients);

  /** What it has done so far. */
  Stats stats();

  /** Stops relaying: closes every socket and stops its threads. Never throws. */
  @Override
  void close();

  /**
   * What a relay did to one direction's traffic. Over UDP a packet is a datagram; over TCP it is
   * a chunk of the stream as read.
   *
   * @param received packets that arrived
   * @param forwarded packets sent on (copies included), counted once the send has returned
   *     (the peer may have the packet a moment before)
   * @param dropped datagrams dropped on purpose (UDP); chunks held back as lost (TCP)
   * @param duplicated datagrams sent twice
   * @param reordered datagrams held back so that later ones overtake them
   * @param overflowed datagrams dropped because {@link Builder#maxPending} were waiting
   * @param failed sends that failed (the socket refused them: the peer went away)
   */
  record Counts(long received, long forwarded, long dropped, long duplicated, long reordered,
      long overflowed, long failed) {}

  /**
   * What a relay did.
   *
   * @param toTarget traffic from the clients towards the target
   * @param toClients traffic from the target back to the clients
   * @param flows UDP flows or TCP connections open now
   * @param flowsReplaced UDP flows closed to make room for a new client (the bound); TCP
   *     connections refused at the bound
   */
  record Stats(Counts toTarget, Counts toClients, int flows, long flowsReplaced) {}

  /** Builds and starts an {@link ImpairmentRelay}; not thread-safe. */
  final class Builder {
    /** Default {@link #maxFlows}: {@value}. */
    public static final int DEFAULT_MAX_FLOWS = 64;
    /** Default {@link #maxConnections}: {@value}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** Default {@link #maxPending}: {@value}. */
    public static final int DEFAULT_MAX_PENDING = 4096;

    final Transport transport;
    InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    InetSocketAddress target;
    InetAddress upstreamHost = InetAddress.getLoopbackAddress();
    Impairment toTarget = Impairment.NONE;
    Impairment toClients = Impairment.NONE;
    long seed = ThreadLocalRandom.current().nextLong();
    int maxFlows = DEFAULT_MAX_FLOWS;
    int maxConnections = DEFAULT_MAX_CONNECTIONS;
    int maxPending = DEFAULT_MAX_PENDING;
    java.util.function.UnaryOperator<byte[]> rewriteToTarget;

    private Builder(Transport transport) {
      this.transport = transport;
    }

    /** Where to listen (default 127.0.0.1, a free port); a loopback address. */
    public Builder listen(InetSocketAddress address) {
      this.listen = loopback(address, "listen");
      return this;
    }

    /** Listens on {@code host} (a loopback address), port {@code port} (0: a free one). */
    public Builder listen(String host, int port) {
      return listen(new InetSocketAddress(host, port));
    }

    /** Where to forward to (required); a loopback address. */
    public Builder target(InetSocketAddress address) {
      this.target = loopback(address, "target");
      if (address.getPort() == 0) {
        throw new IllegalArgumentException("target has no port: " + address);
      }
      return this;
    }

    /**
     * The local address of the sockets towards the target (default 127.0.0.1): the source the
     * target sees. A server that compares a Contact with the source of a REGISTER sees a NAT when
     * this differs from the client's own address, and so sends its requests to the relay.
     */
    public Builder upstreamHost(String host) {
      InetSocketAddress a = loopback(new InetSocketAddress(host, 0), "upstreamHost");
      this.upstreamHost = a.getAddress();
      return this;
    }

    /** The same impairment in both directions. */
    public Builder impairment(Impairment impairment) {
      return toTarget(impairment).toClients(impairment);
    }

    /** What to do to traffic towards the target (default {@link Impairment#NONE}). */
    public Builder toTarget(Impairment impairment) {
      this.toTarget = Objects.requireNonNull(impairment, "impairment");
      return this;
    }

    /** What to do to traffic back to the clients (default {@link Impairment#NONE}). */
    public Builder toClients(Impairment impairment) {
      this.toClients = Objects.requireNonNull(impairment, "impairment");
      return this;
    }

    /** The seed of the decisions (default a random one, see {@link ImpairmentRelay#seed()}). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** UDP: clients with a flow at once (default {@value #DEFAULT_MAX_FLOWS}). */
    public Builder maxFlows(int max) {
      this.maxFlows = positive(max, "maxFlows");
      return this;
    }

    /** TCP: connections at once (default {@value #DEFAULT_MAX_CONNECTIONS}). */
    public Builder maxConnections(int max) {
      this.maxConnections = positive(max, "maxConnections");
      return this;
    }

    /** Datagrams or chunks waiting for their time, in all (default {@value #DEFAULT_MAX_PENDING}). */
    public Builder maxPending(int max) {
      this.maxPending = positive(max, "maxPending");
      return this;
    }

    /**
     * UDP only: each datagram from a client passes through {@code rewrite} before it is impaired
     * and forwarded (what a session border controller does to SDP to anchor the media, say). It
     * runs on the relay's reading thread: keep it quick. A rewrite that throws drops the datagram
     * (counted {@code failed}).
     */
    public Builder rewriteToTarget(java.util.function.UnaryOperator<byte[]> rewrite) {
      this.rewriteToTarget = Objects.requireNonNull(rewrite, "rewrite");
      return this;
    }

    /**
     * Binds and starts relaying.
     *
     * @throws IllegalStateException when no target was given, or a rewrite for TCP
     * @throws IOException when the listen address cannot be bound
     */
    public ImpairmentRelay start() throws IOException {
      if (target == null) {
        throw new IllegalStateException("no target: call target(address) first");
      }
      if (rewriteToTarget != null && transport != Transport.UDP) {
        throw new IllegalStateException("rewriteToTarget is for UDP only, not " + transport);
      }
      return transport == Transport.UDP ? DatagramImpairmentRelay.start(this)
          : StreamImpairmentRelay.start(this);
    }

    private static InetSocketAddress loopback(InetSocketAddress address, String name) {
      Objects.requireNonNull(address, name);
      if (address.isUnresolved() || !address.getAddress().isLoopbackAddress()) {
        throw new IllegalArgumentException(name + " is not a loopback address: " + address);
      }
      return address;
    }

    private static int positive(int n, String name) {
      if (n < 1) {
        throw new IllegalArgumentException(name + " must be positive: " + n);
      }
      return n;
    }
  }
}
