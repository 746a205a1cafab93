package dev.parley.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The path a message came over: transport, local and remote addresses, and for connection-oriented
 * transports the connection's id (RFC 5626 calls this a flow). A response goes back over the flow
 * its request came on (RFC 3261 §18.2.2).
 *
 * @param transport the transport
 * @param local the local address
 * @param remote the remote address (the packet's source, before any Via rport handling)
 * @param connectionId the connection's id, or 0 for UDP
 */
public record Flow(Transport transport, InetSocketAddress local, InetSocketAddress remote,
    long connectionId) {
  /** Validates the parts. */
  public Flow {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(remote, "remote");
  }

  /** The hop that reaches the remote end of this flow. */
  public Hop remoteHop() {
    return new Hop(transport, remote);
  }

  @Override
  public String toString() {
    return transport + " " + local + " <-> " + remote + (connectionId != 0 ? " #" + connectionId : "");
  }
}
