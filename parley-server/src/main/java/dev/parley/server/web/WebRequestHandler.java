package dev.parley.server.web;

import dev.parley.transport.NettyTransportLayer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a web connection: routes each request. {@code /ws} with a WebSocket
 * upgrade goes to the SIP transport ({@link NettyTransportLayer#adoptWebSocket}), which owns the
 * connection from then on; {@code /admin} and below go to the {@link AdminPages}; everything
 * else is a static file of the browser client's site (GET and HEAD only), or, when the client is
 * not packaged, a small page saying so at {@code /}.
 *
 * <p>A request that did not decode (line or headers too long, bad syntax) gets 431 or 400 and
 * the connection is closed. Paths are decoded once and refused (400) if they hold {@code ..},
 * a backslash or a control character; the site is a map of known paths, so nothing else is
 * reachable anyway.
 *
 * <p>One per channel, on its event loop; never blocks (the site is in memory, admin work that
 * touches the store completes later, the connection not reading meanwhile).
 */
final class WebRequestHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(WebRequestHandler.class);
  static final byte[] NOT_PACKAGED = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      + "<title>Parley</title></head><body><h1>Parley</h1>"
      + "<p>The browser client is not packaged with this server (the parley-web module is not on"
      + " its class path).</p><p>SIP over secure WebSocket is served at <code>/ws</code>; the"
      + " admin page is at <a href=\"/admin\">/admin</a>.</p></body></html>\n")
      .getBytes(StandardCharsets.UTF_8);

  private final NettyTransportLayer transport;
  private final WebSite site;
  private final AdminPages admin;

  WebRequestHandler(NettyTransportLayer transport, WebSite site, AdminPages admin) {
    this.transport = transport;
    this.site = site;
    this.admin = admin;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    boolean handedOver = false;
    try {
      handedOver = route(ctx, request);
    } finally {
      if (!handedOver) {
        request.release();
      }
    }
  }

  /** Answers {@code request}; true when it was passed on (the upgrade) and must not be released. */
  private boolean route(ChannelHandlerContext ctx, FullHttpRequest request) {
    String host = request.headers().get(HttpHeaderNames.HOST);
    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      HttpResponseStatus status = cause instanceof TooLongFrameException
          ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
      WebResponses.send(ctx, host, false, WebResponses.text(status, null));
      return false;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String path;
    try {
      path = uri.path();
    } catch (IllegalArgumentException e) {
      path = null;
    }
    if (path == null || !path.startsWith("/") || path.contains("..") || path.indexOf('\\') >= 0
        || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      WebResponses.send(ctx, host, false, WebResponses.text(HttpResponseStatus.BAD_REQUEST,
          "bad path"));
      return false;
    }
    if (path.equals(WebConfig.WEBSOCKET_PATH)) {
      return webSocket(ctx, request, host);
    }
    if (path.equals("/admin") || path.startsWith("/admin/")) {
      if (admin == null) {
        WebResponses.send(ctx, host, keepAlive, WebResponses.text(HttpResponseStatus.NOT_FOUND,
            null));
      } else {
        admin.handle(ctx, request, path, uri, host, keepAlive);
      }
      return false;
    }
    staticFile(ctx, request, path, host, keepAlive);
    return false;
  }

  private boolean webSocket(ChannelHandlerContext ctx, FullHttpRequest request, String host) {
    if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET,
        true)) {
      FullHttpResponse r = WebResponses.text(HttpResponseStatus.UPGRADE_REQUIRED,
          "SIP over WebSocket (RFC 7118): upgrade with Sec-WebSocket-Protocol: sip");
      r.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
      WebResponses.send(ctx, host, false, r);
      return false;
    }
    if (!transport.adoptWebSocket(ctx.channel(), WebConfig.WEBSOCKET_PATH)) {
      return false; // refused by a connection limit, or the transport is stopping: closed
    }
    ctx.pipeline().remove(WebHttpServer.LIMIT);
    ctx.pipeline().remove(WebHttpServer.IDLE);
    ctx.pipeline().remove(this);
    ctx.fireChannelRead(request);
    return true;
  }

  private void staticFile(ChannelHandlerContext ctx, FullHttpRequest request, String path,
      String host, boolean keepAlive) {
    HttpMethod m = request.method();
    if (!m.equals(HttpMethod.GET) && !m.equals(HttpMethod.HEAD)) {
      FullHttpResponse r = WebResponses.text(HttpResponseStatus.METHOD_NOT_ALLOWED, null);
      r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      WebResponses.send(ctx, host, keepAlive, r);
      return;
    }
    FullHttpResponse r;
    if (site.isEmpty() && path.equals("/")) {
      r = WebResponses.of(HttpResponseStatus.OK, "text/html; charset=utf-8", NOT_PACKAGED);
    } else {
      WebSite.File f = site.find(path.substring(1));
      if (f == null) {
        r = WebResponses.text(HttpResponseStatus.NOT_FOUND, null);
      } else if (f.etag().equals(request.headers().get(HttpHeaderNames.IF_NONE_MATCH))) {
        r = WebResponses.of(HttpResponseStatus.NOT_MODIFIED, f.contentType(), new byte[0]);
        r.headers().set(HttpHeaderNames.ETAG, f.etag());
      } else {
        r = WebResponses.of(HttpResponseStatus.OK, f.contentType(), f.body());
        r.headers().set(HttpHeaderNames.ETAG, f.etag());
      }
    }
    if (m.equals(HttpMethod.HEAD)) {
      int length = r.content().readableBytes();
      r.content().clear();
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
    }
    WebResponses.send(ctx, host, keepAlive, r);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      log.debug("Closing web connection {} after an error: {}", ctx.channel().remoteAddress(),
          cause.toString());
    }
    ctx.close();
  }
}
