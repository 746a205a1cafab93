package dev.parley.media.internal;

import java.net.InetSocketAddress;

/**
 * Where one kind of packet (RTP, or RTCP on its own port) is sent, learnt from where packets come
 * from: symmetric RTP (RFC 4961). The first valid packet after {@link #set} moves the destination
 * to its source at once; afterwards a new source takes over only after {@code relatchPackets}
 * packets in a row from it, a packet from the current destination starting the count again. The
 * destination before a {@link #set} (the old peer of a re-INVITE, whose late packets and BYE may
 * still arrive) gets no first-packet latch: it too needs {@code relatchPackets} in a row.
 *
 * <p>Thread-safe: packets are observed on the socket's event loop, the SDP address is set from
 * any thread and holds from the call on (an uncontended lock; {@link #destination()} reads a
 * volatile field without it).
 */
final class Latch {
  private final boolean enabled;
  private final int relatchPackets;
  private volatile InetSocketAddress destination;
  private InetSocketAddress previous;
  private boolean learnt;
  private InetSocketAddress candidate;
  private int candidatePackets;

  Latch(boolean enabled, int relatchPackets) {
    this.enabled = enabled;
    this.relatchPackets = relatchPackets;
  }

  /** The destination now; null before any. */
  InetSocketAddress destination() {
    return destination;
  }

  /** Sets the destination given by SDP and starts learning afresh. */
  synchronized void set(InetSocketAddress sdpAddress) {
    InetSocketAddress old = destination;
    previous = old == null || old.equals(sdpAddress) ? null : old;
    destination = sdpAddress;
    learnt = false;
    candidate = null;
    candidatePackets = 0;
  }

  /**
   * A valid packet came from {@code source}; returns whether the destination moved there.
   */
  synchronized boolean observe(InetSocketAddress source) {
    if (!enabled) {
      return false;
    }
    if (source.equals(destination)) {
      learnt = true;
      candidate = null;
      candidatePackets = 0;
      return false;
    }
    if (!learnt && !source.equals(previous)) {
      learnt = true;
      destination = source;
      return true;
    }
    if (source.equals(candidate)) {
      candidatePackets++;
    } else {
      candidate = source;
      candidatePackets = 1;
    }
    if (candidatePackets >= relatchPackets) {
      destination = source;
      candidate = null;
      candidatePackets = 0;
      return true;
    }
    return false;
  }
}
