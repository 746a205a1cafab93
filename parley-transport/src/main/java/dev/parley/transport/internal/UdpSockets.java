package dev.parley.transport.internal;

import dev.parley.transport.Flow;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportConfig;
import dev.parley.transport.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The bound UDP sockets (several per address with SO_REUSEPORT, one per event loop) and the
 * sending of datagrams over them. Split out of {@link NettyTransportCore}. Thread-safe: the
 * socket array is replaced, never modified, so senders read it without a lock.
 *
 * <p>A datagram is written as a {@link DatagramPacket} over a direct buffer of the channel's
 * allocator, traced here: not through {@link DatagramSipEncoder} as a heap buffer that the
 * native transport would copy into a direct one again.
 */
final class UdpSockets {
  private final Tracer tracer;
  /** The bound UDP channels; replaced, never modified. */
  private volatile Channel[] udpChannels = new Channel[0];
  private final Object udpChannelsLock = new Object();

  UdpSockets(Tracer tracer) {
    this.tracer = tracer;
  }

  /** Adds a bound UDP channel. */
  void add(Channel ch) {
    synchronized (udpChannelsLock) {
      Channel[] now = udpChannels;
      Channel[] next = Arrays.copyOf(now, now.length + 1);
      next[now.length] = ch;
      udpChannels = next;
    }
  }

  /**
   * Sends {@code out} to its recipient from the socket bound to {@code local} (null: any socket
   * of the recipient's address family); completes with the flow it left on.
   */
  CompletableFuture<Flow> send(Outgoing out, InetSocketAddress local) {
    return send(out, local, null);
  }

  /**
   * As {@link #send(Outgoing, InetSocketAddress)} over a known UDP {@code flow} (its local address
   * and its remote one, {@code out}'s recipient): completes with that same flow when the datagram
   * leaves from its local address, so that a response or retransmission sent back over the flow
   * its request came on makes no new {@link Flow}.
   */
  CompletableFuture<Flow> sendOver(Outgoing out, Flow flow) {
    return send(out, flow.local(), flow);
  }

  private CompletableFuture<Flow> send(Outgoing out, InetSocketAddress local, Flow known) {
    if (out.wire().length > TransportConfig.MAX_DATAGRAM_SIZE) {
      return CompletableFuture.failedFuture(new TransportException("message of "
          + out.wire().length + " bytes is too large for UDP"));
    }
    Channel ch = udpChannel(out.recipient(), local);
    if (ch == null) {
      return CompletableFuture.failedFuture(new TransportException("no UDP listen point"));
    }
    CompletableFuture<Flow> result = new CompletableFuture<>();
    InetSocketAddress from = (InetSocketAddress) ch.localAddress();
    Flow flow = known != null && known.transport() == Transport.UDP && known.local().equals(from)
        && known.remote().equals(out.recipient())
        ? known : new Flow(Transport.UDP, from, out.recipient(), 0);
    byte[] wire = out.wire();
    tracer.sent(Transport.UDP, from, out.recipient(), wire);
    ByteBuf content = ch.alloc().directBuffer(wire.length, wire.length).writeBytes(wire);
    ch.writeAndFlush(new DatagramPacket(content, out.recipient(), from)).addListener(f -> {
      if (f.isSuccess()) {
        result.complete(flow);
      } else {
        result.completeExceptionally(new TransportException("cannot send to " + out.recipient()
            + ": " + f.cause().getMessage(), f.cause()));
      }
    });
    return result;
  }

  /**
   * The UDP channel bound to {@code local}, else one of the recipient's address family; among
   * equals (the SO_REUSEPORT sockets of one address, one per event loop) the calling loop's own,
   * so that a response sent from the loop that received its request is written there and then,
   * not handed to another loop's queue with a wake-up.
   */
  private Channel udpChannel(InetSocketAddress recipient, InetSocketAddress local) {
    Channel[] all = udpChannels;
    if (local != null) {
      Channel found = null;
      for (Channel ch : all) {
        if (local.equals(ch.localAddress())) {
          if (ch.eventLoop().inEventLoop()) {
            return ch;
          }
          if (found == null) {
            found = ch;
          }
        }
      }
      if (found != null) {
        return found;
      }
    }
    boolean v6 = recipient.getAddress() instanceof Inet6Address;
    Channel found = null;
    for (Channel ch : all) {
      InetAddress a = ((InetSocketAddress) ch.localAddress()).getAddress();
      if ((a instanceof Inet6Address) == v6) {
        if (ch.eventLoop().inEventLoop()) {
          return ch;
        }
        if (found == null) {
          found = ch;
        }
      }
    }
    return found != null ? found : all.length == 0 ? null : all[0];
  }
}
