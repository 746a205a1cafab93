package dev.parley.transport.internal;

import dev.parley.transport.Transport;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The UDP encoder: one {@link Outgoing} becomes one datagram to its recipient, and a trace event
 * (the stateless answers to unparsable datagrams; {@link UdpSockets} writes the others itself).
 * Sharable: it holds no state.
 */
@ChannelHandler.Sharable
public final class DatagramSipEncoder extends MessageToMessageEncoder<Outgoing> {
  private final Tracer tracer;

  public DatagramSipEncoder(Tracer tracer) {
    super(Outgoing.class);
    this.tracer = tracer;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Outgoing msg, List<Object> out) {
    InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
    tracer.sent(Transport.UDP, local, msg.recipient(), msg.wire());
    out.add(new DatagramPacket(Unpooled.wrappedBuffer(msg.wire()), msg.recipient(), local));
  }
}
