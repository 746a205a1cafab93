package dev.parley.transport.internal;

import dev.parley.transport.ConnectionStats;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportConfig;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Counts the open connections, in all and per remote address, and decides who gets in when
 * {@link TransportConfig#maxConnections()} are open: an accepted connection from an address
 * holding {@code n} connections is admitted if some address holds more than {@code n + 1}; the
 * connection of that address that has not delivered its first message, else the one silent for
 * longest, is evicted to make room. Shares thus converge to equal: one address (or eighty
 * addresses) cannot lock out another. An outbound connection counts as from an address holding
 * none.
 *
 * <p>Thread-safe: called from every event loop under one short lock (no I/O under it; the
 * caller closes the evicted channel).
 */
final class ConnectionTable {
  /** The outcome of an admission. */
  record Admission(boolean admitted, Connection evicted) {
    static final Admission REFUSED = new Admission(false, null);
    static final Admission ADMITTED = new Admission(true, null);
  }

  private final int maxConnections;
  private final int maxPerAddress;
  private final Map<InetAddress, LinkedHashSet<Connection>> bySource = new HashMap<>();
  /** {@code bySize.get(k)}: the addresses holding k connections. */
  private final List<LinkedHashSet<InetAddress>> bySize = new ArrayList<>();
  private int largest;
  private int total;
  private long refusedPerAddress;
  private long refusedFull;
  private long evicted;
  /** The same counts (and the open connections) by {@link Transport#ordinal()}. */
  private final int[] openBy = new int[Transport.values().length];
  private final long[] refusedPerAddressBy = new long[Transport.values().length];
  private final long[] refusedFullBy = new long[Transport.values().length];
  private final long[] evictedBy = new long[Transport.values().length];

  /**
   * The source a connection counts against: an IPv4 address, or the /64 prefix of an IPv6 one
   * (one IPv6 subscriber gets a whole /64 and could open each connection from another address;
   * the rate limiter and the nonces key IPv6 the same way).
   */
  static InetAddress sourceOf(InetAddress address) {
    if (!(address instanceof java.net.Inet6Address)) {
      return address;
    }
    byte[] b = address.getAddress();
    java.util.Arrays.fill(b, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(b);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("16 bytes are an IPv6 address", e);
    }
  }

  ConnectionTable(TransportConfig config) {
    this.maxConnections = config.maxConnections();
    this.maxPerAddress = config.maxConnectionsPerAddress();
  }

  /** Admits an accepted connection from {@code source}, maybe evicting another. */
  synchronized Admission admitInbound(Connection c, InetAddress address) {
    InetAddress source = sourceOf(address);
    LinkedHashSet<Connection> mine = bySource.get(source);
    int have = mine == null ? 0 : mine.size();
    if (have >= maxPerAddress) {
      refusedPerAddress++;
      refusedPerAddressBy[c.transport().ordinal()]++;
      return Admission.REFUSED;
    }
    Connection victim = null;
    if (total >= maxConnections) {
      victim = evictFromLargest(have);
      if (victim == null) {
        refusedFull++;
        refusedFullBy[c.transport().ordinal()]++;
        return Admission.REFUSED;
      }
    }
    if (mine == null) {
      mine = new LinkedHashSet<>();
      bySource.put(source, mine);
    }
    mine.add(c);
    resized(source, have, have + 1);
    c.counted = true;
    total++;
    openBy[c.transport().ordinal()]++;
    return victim == null ? Admission.ADMITTED : new Admission(true, victim);
  }

  /** Admits an outbound connection, maybe evicting an inbound one. */
  synchronized Admission admitOutbound(Connection c) {
    Connection victim = null;
    if (total >= maxConnections) {
      victim = evictFromLargest(0);
      if (victim == null) {
        refusedFull++;
        refusedFullBy[c.transport().ordinal()]++;
        return Admission.REFUSED;
      }
    }
    c.counted = true;
    total++;
    openBy[c.transport().ordinal()]++;
    return victim == null ? Admission.ADMITTED : new Admission(true, victim);
  }

  /** Forgets {@code c}; returns whether it was counted. Idempotent. */
  synchronized boolean release(Connection c) {
    if (!c.counted) {
      return false;
    }
    c.counted = false;
    total--;
    openBy[c.transport().ordinal()]--;
    if (!c.isOutbound()) {
      InetAddress source = sourceOf(c.key().remote().getAddress());
      LinkedHashSet<Connection> mine = bySource.get(source);
      if (mine != null && mine.remove(c)) {
        resized(source, mine.size() + 1, mine.size());
        if (mine.isEmpty()) {
          bySource.remove(source);
        }
      }
    }
    return true;
  }

  synchronized ConnectionStats stats(long firstMessageTimeouts, long messageTimeouts,
      long idleTimeouts) {
    return new ConnectionStats(total, refusedPerAddress, refusedFull, evicted,
        firstMessageTimeouts, messageTimeouts, idleTimeouts);
  }

  /** As {@link #stats(long, long, long)}, for the connections over {@code transport} only. */
  synchronized ConnectionStats stats(Transport transport, long firstMessageTimeouts,
      long messageTimeouts, long idleTimeouts) {
    int t = transport.ordinal();
    return new ConnectionStats(openBy[t], refusedPerAddressBy[t], refusedFullBy[t], evictedBy[t],
        firstMessageTimeouts, messageTimeouts, idleTimeouts);
  }

  /**
   * Removes and returns the connection to evict for a newcomer whose address holds {@code have},
   * or null when no address holds more than {@code have + 1}.
   */
  private Connection evictFromLargest(int have) {
    if (largest <= have + 1) {
      return null;
    }
    InetAddress source = bySize.get(largest).iterator().next();
    Connection victim = null;
    for (Connection c : bySource.get(source)) {
      if (!c.isOpened()) {
        victim = c; // the oldest one that never delivered a message
        break;
      }
      if (victim == null || c.heardAt() - victim.heardAt() < 0) {
        victim = c;
      }
    }
    release(victim);
    evicted++;
    evictedBy[victim.transport().ordinal()]++;
    return victim;
  }

  /** Moves {@code source} from the addresses holding {@code from} to those holding {@code to}. */
  private void resized(InetAddress source, int from, int to) {
    while (bySize.size() <= Math.max(from, to)) {
      bySize.add(new LinkedHashSet<>());
    }
    if (from > 0) {
      bySize.get(from).remove(source);
    }
    if (to > 0) {
      bySize.get(to).add(source);
    }
    if (to > largest) {
      largest = to;
    }
    while (largest > 0 && bySize.get(largest).isEmpty()) {
      largest--;
    }
  }
}
