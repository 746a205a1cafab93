package dev.parley.transport.internal;

import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipParser;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * The WebSocket decoder (RFC 7118 §5): one text or binary frame (continuations already
 * aggregated) is one message. Emits a {@link SipFrame}, failed when the frame does not parse; a
 * frame of only CR and LF emits nothing. Control frames pass on untouched. Sharable.
 */
@ChannelHandler.Sharable
public final class WebSocketSipDecoder extends MessageToMessageDecoder<WebSocketFrame> {
  private final SipParser parser;

  public WebSocketSipDecoder(SipParser parser) {
    super(WebSocketFrame.class);
    this.parser = parser;
  }

  @Override
  public boolean acceptInboundMessage(Object msg) {
    return msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
    byte[] wire = ByteBufUtil.getBytes(frame.content());
    boolean blank = true;
    for (byte b : wire) {
      blank &= b == '\r' || b == '\n';
    }
    if (blank) {
      return;
    }
    try {
      SipMessage message = parser.parse(wire);
      out.add(SipFrame.of(wire, message, null));
    } catch (SipParseException e) {
      out.add(SipFrame.malformed(wire, e, null));
    }
  }
}
