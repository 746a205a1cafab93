package dev.parley.transport.internal;

import dev.parley.transport.Transport;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The WebSocket encoder (RFC 7118 §5): one {@link Outgoing} becomes one text frame, or one
 * binary frame when the message is not valid UTF-8 (a binary body), and a trace event.
 * Sharable: it holds no state.
 */
@ChannelHandler.Sharable
public final class WebSocketSipEncoder extends MessageToMessageEncoder<Outgoing> {
  private final Transport transport;
  private final Tracer tracer;

  public WebSocketSipEncoder(Transport transport, Tracer tracer) {
    super(Outgoing.class);
    this.transport = transport;
    this.tracer = tracer;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Outgoing msg, List<Object> out) {
    tracer.sent(transport, ctx.channel().localAddress(), ctx.channel().remoteAddress(), msg.wire());
    out.add(isUtf8(msg.wire())
        ? new TextWebSocketFrame(Unpooled.wrappedBuffer(msg.wire()))
        : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(msg.wire())));
  }

  private static boolean isUtf8(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        try {
          StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
          return true;
        } catch (CharacterCodingException e) {
          return false;
        }
      }
    }
    return true;
  }
}
