package dev.parley.server.web;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

/** The admin page and its API under {@code /admin}: not yet served (404). */
final class AdminPages {
  void handle(ChannelHandlerContext ctx, FullHttpRequest request, String path,
      QueryStringDecoder uri, String host, boolean keepAlive) {
    WebResponses.send(ctx, host, keepAlive, WebResponses.text(HttpResponseStatus.NOT_FOUND, null));
  }
}
