package dev.parley.transport.internal;

import dev.parley.transport.Transport;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * The TCP/TLS encoder: an {@link Outgoing} becomes its bytes on the stream, and a trace event.
 * Sharable: it holds no state.
 */
@ChannelHandler.Sharable
public final class StreamSipEncoder extends MessageToMessageEncoder<Outgoing> {
  private final Transport transport;
  private final Tracer tracer;

  public StreamSipEncoder(Transport transport, Tracer tracer) {
    super(Outgoing.class);
    this.transport = transport;
    this.tracer = tracer;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Outgoing msg, List<Object> out) {
    tracer.sent(transport, ctx.channel().localAddress(), ctx.channel().remoteAddress(), msg.wire());
    out.add(Unpooled.wrappedBuffer(msg.wire()));
  }
}
