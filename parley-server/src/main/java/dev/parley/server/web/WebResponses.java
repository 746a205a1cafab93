package dev.parley.server.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The web listener's responses and the security headers every one of them carries
 * ({@code docs/web.md}, "Security model"): a Content-Security-Policy that allows scripts,
 * styles and connections (WebSocket included) to the page's own origin only and no framing,
 * {@code X-Content-Type-Options: nosniff}, {@code X-Frame-Options: DENY},
 * {@code Referrer-Policy: same-origin} (not {@code no-referrer}: under it a browser sends
 * {@code Origin: null} with a form POST, and the sign-in form's same-origin check refuses it),
 * {@code Cross-Origin-Opener-Policy: same-origin}. No
 * HSTS: the default certificate is a development one, and HSTS on {@code 127.0.0.1} would bind
 * every other local HTTPS service of the browser to it.
 *
 * <p>Stateless; called on event loops.
 */
final class WebResponses {
  /** A Host header that may be written into the CSP: a name or address and a port, no more. */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]{1,253}(:[0-9]{1,5})?"
      + "|\\[[0-9A-Fa-f:.]{2,45}\\](:[0-9]{1,5})?");

  private WebResponses() {}

  /** A response of {@code status} with {@code body} of {@code contentType}. */
  static FullHttpResponse of(HttpResponseStatus status, String contentType, byte[] body) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return r;
  }

  /** A plain-text response of {@code status}: its reason phrase, or {@code text}. */
  static FullHttpResponse text(HttpResponseStatus status, String text) {
    return of(status, "text/plain; charset=utf-8",
        ((text != null ? text : status.reasonPhrase()) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** A JSON response of {@code status}. */
  static FullHttpResponse json(HttpResponseStatus status, String json) {
    FullHttpResponse r = of(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return r;
  }

  /** A redirect (303 See Other) to {@code location}, a path of this origin. */
  static FullHttpResponse redirect(String location) {
    FullHttpResponse r = text(HttpResponseStatus.SEE_OTHER, null);
    r.headers().set(HttpHeaderNames.LOCATION, location);
    return r;
  }

  /** Adds the security headers; {@code host} is the request's Host header (may be null). */
  static void secure(HttpHeaders h, String host) {
    String wss = host != null && HOST.matcher(host).matches() ? " wss://" + host : "";
    h.set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; media-src 'self' blob: mediastream:; connect-src 'self'"
            + wss + "; frame-ancestors 'none'; base-uri 'none'; form-action 'self';"
            + " object-src 'none'")
        .set("X-Content-Type-Options", "nosniff")
        .set("X-Frame-Options", "DENY")
        .set("Referrer-Policy", "same-origin")
        .set("Cross-Origin-Opener-Policy", "same-origin");
  }

  /**
   * Writes {@code response} with the security headers, keeping the connection open when the
   * request allowed it and {@code close} is false, closing it after the write otherwise.
   */
  static ChannelFuture send(ChannelHandlerContext ctx, String host, boolean keepAlive,
      FullHttpResponse response) {
    secure(response.headers(), host);
    if (!response.headers().contains(HttpHeaderNames.CACHE_CONTROL)) {
      response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    }
    response.headers().set(HttpHeaderNames.CONNECTION,
        keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    ChannelFuture f = ctx.writeAndFlush(response);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
    return f;
  }
}
