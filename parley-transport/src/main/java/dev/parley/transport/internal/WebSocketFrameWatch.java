package dev.parley.transport.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Tells the {@link ConnectionGuard} when a WebSocket connection is at rest: after each frame
 * that is not inside a fragmented message (RFC 6455 §5.4), control frames (pings) included.
 * Sits between the frame decoder and the protocol handler, so it sees every frame; passes all
 * on. One per channel, on its event loop.
 */
final class WebSocketFrameWatch extends ChannelInboundHandlerAdapter {
  private boolean inFragmentedMessage;
  private ConnectionGuard guard;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    guard = ConnectionGuard.of(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof WebSocketFrame frame) {
      boolean data = frame instanceof ContinuationWebSocketFrame
          || frame instanceof io.netty.handler.codec.http.websocketx.TextWebSocketFrame
          || frame instanceof io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
      if (data) {
        inFragmentedMessage = !frame.isFinalFragment();
      }
      if (!inFragmentedMessage && guard != null) {
        guard.rested();
      }
    }
    super.channelRead(ctx, msg);
  }
}
