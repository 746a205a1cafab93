package dev.parley.testkit;

import dev.parley.testkit.Impairer.Direction;
import dev.parley.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP {@link ImpairmentRelay}: an acceptor thread, and for each connection a connection to
 * the target and two reader threads (one per direction) that schedule each chunk they read on
 * the {@link Impairer}'s sender thread, at a time never earlier than the chunk before it, so the
 * byte stream keeps its order. A reader waits while {@link ImpairmentRelay.Builder#maxPending}
 * chunks of its direction wait (the sender's writes are blocking: a peer that stops reading
 * holds up the relay, which a test of loopback peers never does).
 */
final class StreamImpairmentRelay implements ImpairmentRelay {
  private static final Logger log = LoggerFactory.getLogger(StreamImpairmentRelay.class);
  /** The largest chunk read at once. */
  private static final int CHUNK = 16 * 1024;

  private final ImpairmentRelay.Builder config;
  private final ServerSocketChannel server;
  private final InetSocketAddress address;
  private final Impairer impairer;
  private final Thread acceptor;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicLong refused = new AtomicLong();
  private volatile boolean closed;

  private StreamImpairmentRelay(ImpairmentRelay.Builder b, ServerSocketChannel server)
      throws IOException {
    this.config = b;
    this.server = server;
    this.address = (InetSocketAddress) server.getLocalAddress();
    this.impairer = new Impairer(b, "impairment-relay-tcp-" + address.getPort());
    this.acceptor = new Thread(this::accept, "impairment-relay-tcp-" + address.getPort());
    acceptor.setDaemon(true);
  }

  static ImpairmentRelay start(ImpairmentRelay.Builder b) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    try {
      server.bind(b.listen);
      StreamImpairmentRelay relay = new StreamImpairmentRelay(b, server);
      relay.acceptor.start();
      return relay;
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private void accept() {
    while (!closed) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!closed) {
          log.warn("impairment relay {} stopped accepting: {}", address, e.toString(), e);
        }
        return;
      }
      if (connections.size() >= config.maxConnections) {
        refused.incrementAndGet();
        close(client);
        continue;
      }
      SocketChannel upstream = null;
      try {
        upstream = SocketChannel.open();
        upstream.bind(new InetSocketAddress(config.upstreamHost, 0));
        upstream.connect(config.target);
      } catch (IOException e) {
        // the target refused: so does the relay, by closing the client's connection
        impairer.counter(Direction.TO_TARGET).failed.incrementAndGet();
        close(client);
        if (upstream != null) {
          close(upstream);
        }
        continue;
      }
      Connection c = new Connection(client, upstream);
      connections.add(c);
      c.start();
    }
  }

  /** A client's connection and its connection to the target. */
  private final class Connection {
    private final SocketChannel client;
    private final SocketChannel upstream;
    private final Thread toTarget;
    private final Thread toClient;
    /** Directions whose end of stream has been forwarded. */
    private final java.util.concurrent.atomic.AtomicInteger ended =
        new java.util.concurrent.atomic.AtomicInteger();

    Connection(SocketChannel client, SocketChannel upstream) {
      this.client = client;
      this.upstream = upstream;
      String name = "impairment-relay-tcp-" + address.getPort() + "-";
      this.toTarget = new Thread(() -> pump(client, upstream, Direction.TO_TARGET),
          name + "to-target");
      this.toClient = new Thread(() -> pump(upstream, client, Direction.TO_CLIENTS),
          name + "to-client");
      toTarget.setDaemon(true);
      toClient.setDaemon(true);
    }

    void start() {
      toTarget.start();
      toClient.start();
    }

    /** Reads {@code from} and schedules each chunk for {@code to}, in order, until EOF. */
    private void pump(SocketChannel from, SocketChannel to, Direction d) {
      Lane lane = new Lane(d);
      ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
      try {
        while (true) {
          buffer.clear();
          int n = from.read(buffer);
          if (n < 0) {
            break;
          }
          byte[] chunk = new byte[n];
          buffer.flip();
          buffer.get(chunk);
          if (!lane.add(impairer.chunk(d), () -> write(to, chunk, d))) {
            return; // closing
          }
        }
        lane.add(0, () -> shutdownOutput(to)); // the end of the stream, after its bytes
      } catch (IOException e) {
        closeBoth(); // reset or closed: so is the other side
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closeBoth();
      }
    }

    private void write(SocketChannel to, byte[] chunk, Direction d) {
      Impairer.Counter c = impairer.counter(d);
      try {
        ByteBuffer b = ByteBuffer.wrap(chunk);
        while (b.hasRemaining()) {
          to.write(b);
        }
        c.forwarded.incrementAndGet();
      } catch (IOException e) {
        c.failed.incrementAndGet();
        closeBoth();
      }
    }

    private void shutdownOutput(SocketChannel to) {
      try {
        to.shutdownOutput();
      } catch (IOException e) {
        closeBoth();
        return;
      }
      if (ended.incrementAndGet() == 2) {
        closeBoth(); // both directions ended: the connection is over
      }
    }

    void closeBoth() {
      connections.remove(this);
      close(client);
      close(upstream);
    }

    void interrupt() {
      toTarget.interrupt();
      toClient.interrupt();
    }
  }

  /**
   * The chunks of one direction of one connection waiting for their time, in stream order: each
   * is due no earlier than the one before it, and the sender thread takes them from the head
   * only, so a late chunk holds back those after it as TCP would. Bounded by
   * {@link ImpairmentRelay.Builder#maxPending}: the reader waits for room.
   */
  private final class Lane {
    private record Chunk(long dueNanos, Runnable write) {}

    private final Direction direction;
    private final Semaphore room = new Semaphore(config.maxPending);
    private final java.util.ArrayDeque<Chunk> queue = new java.util.ArrayDeque<>();
    private long lastDue = System.nanoTime();

    Lane(Direction direction) {
      this.direction = direction;
    }

    /**
     * Queues {@code write} to run {@code delayNanos} from now, or after the chunk before it;
     * false when the relay is closing.
     */
    boolean add(long delayNanos, Runnable write) throws InterruptedException {
      room.acquire();
      long due;
      synchronized (this) {
        due = Math.max(lastDue, System.nanoTime() + delayNanos);
        lastDue = due;
        queue.add(new Chunk(due, write));
      }
      if (!impairer.schedule(direction, due - System.nanoTime(), this::drain)) {
        return false;
      }
      return true;
    }

    /** On the sender thread: runs the chunks at the head that are due. */
    private void drain() {
      while (true) {
        Chunk c;
        synchronized (this) {
          c = queue.peek();
          if (c == null || c.dueNanos() - System.nanoTime() > 0) {
            return; // not yet: the drain scheduled for it will come
          }
          queue.poll();
        }
        room.release();
        c.write().run();
      }
    }
  }

  @Override
  public Transport transport() {
    return Transport.TCP;
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public InetSocketAddress target() {
    return config.target;
  }

  @Override
  public long seed() {
    return impairer.seed();
  }

  @Override
  public Impairment toTarget() {
    return impairer.impairment(Direction.TO_TARGET);
  }

  @Override
  public Impairment toClients() {
    return impairer.impairment(Direction.TO_CLIENTS);
  }

  @Override
  public void impair(Impairment toTarget, Impairment toClients) {
    impairer.impair(toTarget, toClients);
  }

  @Override
  public Stats stats() {
    return new Stats(impairer.counts(Direction.TO_TARGET), impairer.counts(Direction.TO_CLIENTS),
        connections.size(), refused.get());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    close(server);
    impairer.close();
    for (Connection c : connections) {
      c.closeBoth();
      c.interrupt();
    }
    try {
      acceptor.join(5_000);
      impairer.awaitClosed();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ImpairmentRelay[tcp " + address + " -> " + config.target + ", seed " + seed() + "]";
  }

  private static void close(java.nio.channels.Channel c) {
    try {
      c.close();
    } catch (IOException e) {
      log.debug("closing {} failed: {}", c, e.toString());
    }
  }
}
