package dev.parley.testkit;

import dev.parley.testkit.Impairer.Direction;
import dev.parley.transport.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP {@link ImpairmentRelay}: one selector thread reads the listen socket and every flow's
 * socket towards the target; the {@link Impairer}'s sender thread sends what survives.
 *
 * <p>The flow map is only touched on the selector thread; its size is published for
 * {@link #stats()}.
 */
final class DatagramImpairmentRelay implements ImpairmentRelay {
  private static final Logger log = LoggerFactory.getLogger(DatagramImpairmentRelay.class);
  /** The largest datagram relayed (the largest UDP payload). */
  private static final int MAX_DATAGRAM = 65_507;

  /** A client and its socket towards the target. */
  private record Flow(SocketAddress client, DatagramChannel upstream) {}

  private final InetSocketAddress target;
  private final InetAddress upstreamHost;
  private final int maxFlows;
  private final java.util.function.UnaryOperator<byte[]> rewriteToTarget;
  private final Impairer impairer;
  private final DatagramChannel listen;
  private final InetSocketAddress address;
  private final Selector selector;
  private final Thread thread;
  private final AtomicLong flowsReplaced = new AtomicLong();
  private volatile int flowCount;
  private volatile boolean closed;
  /** By client source address, least recently active first; selector thread only. */
  private final LinkedHashMap<SocketAddress, Flow> flows;

  private DatagramImpairmentRelay(ImpairmentRelay.Builder b, DatagramChannel listen,
      Selector selector) throws IOException {
    this.target = b.target;
    this.upstreamHost = b.upstreamHost;
    this.maxFlows = b.maxFlows;
    this.rewriteToTarget = b.rewriteToTarget;
    this.listen = listen;
    this.selector = selector;
    this.address = (InetSocketAddress) listen.getLocalAddress();
    this.impairer = new Impairer(b, "impairment-relay-udp-" + address.getPort());
    this.flows = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<SocketAddress, Flow> eldest) {
        if (size() <= maxFlows) {
          return false;
        }
        flowsReplaced.incrementAndGet();
        closeQuietly(eldest.getValue().upstream());
        return true;
      }
    };
    this.thread = new Thread(this::run, "impairment-relay-udp-" + address.getPort());
    thread.setDaemon(true);
  }

  static ImpairmentRelay start(ImpairmentRelay.Builder b) throws IOException {
    Selector selector = Selector.open();
    DatagramChannel listen = DatagramChannel.open();
    try {
      listen.bind(b.listen);
      listen.configureBlocking(false);
      listen.register(selector, SelectionKey.OP_READ);
      DatagramImpairmentRelay relay = new DatagramImpairmentRelay(b, listen, selector);
      relay.thread.start();
      return relay;
    } catch (IOException | RuntimeException e) {
      closeQuietly(listen);
      selector.close();
      throw e;
    }
  }

  private void run() {
    ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    try {
      while (!closed) {
        selector.select();
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          if (key.isValid() && key.isReadable()) {
            read(key, buffer);
          }
        }
      }
    } catch (ClosedSelectorException e) {
      // closed by close(): the end of the loop
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        log.warn("impairment relay {} stopped: {}", address, e.toString(), e);
      }
    }
  }

  private void read(SelectionKey key, ByteBuffer buffer) throws IOException {
    DatagramChannel channel = (DatagramChannel) key.channel();
    Flow flow = (Flow) key.attachment();
    while (true) {
      buffer.clear();
      SocketAddress from;
      try {
        from = channel.receive(buffer);
      } catch (ClosedChannelException e) {
        return; // a flow replaced while its key was selected
      } catch (IOException e) {
        // an ICMP error reported on the socket: the datagram is gone, the socket still works
        impairer.counter(flow == null ? Direction.TO_CLIENTS : Direction.TO_TARGET)
            .failed.incrementAndGet();
        return;
      }
      if (from == null) {
        return;
      }
      buffer.flip();
      byte[] data = new byte[buffer.remaining()];
      buffer.get(data);
      if (flow == null) {
        Flow f = flowOf(from);
        if (rewriteToTarget != null) {
          try {
            data = java.util.Objects.requireNonNull(rewriteToTarget.apply(data), "rewritten");
          } catch (RuntimeException e) {
            impairer.counter(Direction.TO_TARGET).failed.incrementAndGet();
            log.warn("impairment relay {}: rewrite failed, datagram dropped: {}", address,
                e.toString(), e);
            continue;
          }
        }
        relay(Direction.TO_TARGET, data, f.upstream(), target);
      } else {
        flows.get(flow.client()); // touch: the flow is active
        relay(Direction.TO_CLIENTS, data, listen, flow.client());
      }
    }
  }

  private Flow flowOf(SocketAddress client) throws IOException {
    Flow f = flows.get(client);
    if (f == null) {
      DatagramChannel upstream = DatagramChannel.open();
      try {
        upstream.bind(new InetSocketAddress(upstreamHost, 0));
        upstream.configureBlocking(false);
        f = new Flow(client, upstream);
        upstream.register(selector, SelectionKey.OP_READ, f);
      } catch (IOException | RuntimeException e) {
        closeQuietly(upstream);
        throw e;
      }
      flows.put(client, f);
      flowCount = flows.size();
    }
    return f;
  }

  private void relay(Direction d, byte[] data, DatagramChannel out, SocketAddress to) {
    Impairer.Fate fate = impairer.datagram(d);
    for (long delay : fate.delaysNanos()) {
      impairer.schedule(d, delay, () -> send(d, data, out, to));
    }
  }

  private void send(Direction d, byte[] data, DatagramChannel out, SocketAddress to) {
    Impairer.Counter c = impairer.counter(d);
    try {
      out.send(ByteBuffer.wrap(data), to);
      c.forwarded.incrementAndGet();
    } catch (ClosedChannelException e) {
      c.failed.incrementAndGet(); // the flow was replaced, or the relay closed, meanwhile
    } catch (IOException e) {
      c.failed.incrementAndGet();
      log.debug("impairment relay {}: send to {} failed: {}", address, to, e.toString());
    }
  }

  @Override
  public Transport transport() {
    return Transport.UDP;
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public InetSocketAddress target() {
    return target;
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
        flowCount, flowsReplaced.get());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    impairer.close();
    try {
      selector.close(); // wakes the selector thread, which ends
    } catch (IOException e) {
      log.debug("impairment relay {}: selector close failed: {}", address, e.toString());
    }
    try {
      thread.join(5_000);
      impairer.awaitClosed();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(listen);
    for (Flow f : flows.values()) { // the selector thread has ended: no one else reads the map
      closeQuietly(f.upstream());
    }
    flowCount = 0;
  }

  @Override
  public String toString() {
    return "ImpairmentRelay[udp " + address + " -> " + target + ", seed " + seed() + "]";
  }

  private static void closeQuietly(DatagramChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      log.debug("closing {} failed: {}", c, e.toString());
    }
  }
}
