package dev.parley.transport.internal;

import dev.parley.sip.SipMessage;
import java.net.InetSocketAddress;

/**
 * A message on its way out: the message, its wire form (encoded once, before size checks) and,
 * for UDP, the recipient.
 *
 * @param message the message
 * @param wire its bytes; not modified
 * @param recipient the datagram's recipient, or null on a connection
 */
public record Outgoing(SipMessage message, byte[] wire, InetSocketAddress recipient) {
  /** A message for a connection. */
  public static Outgoing of(SipMessage message) {
    return new Outgoing(message, message.encode(), null);
  }
}
