package dev.parley.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where to send a request: a transport and a resolved address (the result of RFC 3263 server
 * location, or of a Via for a response over UDP).
 *
 * @param transport the transport to use
 * @param address the resolved remote address
 */
public record Hop(Transport transport, InetSocketAddress address) {
  /** Validates the parts. */
  public Hop {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("address is unresolved: " + address);
    }
  }

  @Override
  public String toString() {
    return transport + "/" + address.getAddress().getHostAddress() + ":" + address.getPort();
  }
}
