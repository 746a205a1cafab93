package dev.parley.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One SIP message as it crossed the wire, for traces and ladder diagrams.
 *
 * @param direction whether it was sent or received
 * @param timeMillis wall-clock time in milliseconds since the epoch
 * @param transport the transport
 * @param local the local address
 * @param remote the remote address
 * @param bytes the message exactly as sent or received (do not modify)
 */
public record TraceEvent(Direction direction, long timeMillis, Transport transport,
    InetSocketAddress local, InetSocketAddress remote, byte[] bytes) {
  /** Sent or received. */
  public enum Direction { SENT, RECEIVED }

  /** Validates the parts. */
  public TraceEvent {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(bytes, "bytes");
  }
}
