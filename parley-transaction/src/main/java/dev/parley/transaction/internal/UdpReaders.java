package dev.parley.transaction.internal;

import dev.parley.transport.Inbound;
import dev.parley.transport.Scheduler;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which event loop reads the UDP datagrams of a peer, learned from the responses that one loop
 * read and had to hand to a client transaction on another: with SO_REUSEPORT the kernel picks
 * the socket (and so the loop) by a hash of the datagram's addresses, the same for every
 * datagram of that peer while the sockets stay bound. A transaction user asks it (through
 * {@link DefaultTransactionLayer#readerOf}) to start the transactions whose responses will come
 * from that peer on that loop, so that those responses need no hand-off.
 *
 * <p>Thread-safe. Bounded: cleared when it holds {@link #MAX} peers (it is learned again from
 * the next hand-offs). Learning costs nothing when no response crosses loops.
 */
final class UdpReaders {
  static final int MAX = 4096;

  private final ConcurrentHashMap<InetSocketAddress, Scheduler> readers = new ConcurrentHashMap<>();

  /** A response read on {@code inbound}'s scheduler belongs to a transaction on another. */
  void crossed(Inbound inbound) {
    if (inbound.flow().transport() != Transport.UDP) {
      return; // a connection is read by one loop anyway, its remote port is its own
    }
    InetSocketAddress remote = inbound.flow().remote();
    Scheduler reader = inbound.scheduler();
    if (readers.get(remote) != reader) {
      if (readers.size() >= MAX) {
        readers.clear();
      }
      readers.put(remote, reader);
    }
  }

  /** The loop known to read {@code remote}'s datagrams, or null. */
  Scheduler readerOf(InetSocketAddress remote) {
    return remote == null ? null : readers.get(remote);
  }
}
