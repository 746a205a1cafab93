package dev.parley.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The browser client's site as the web listener serves it, on an embedded channel. */
class StaticSiteTest {
  private final WebSite site = WebSite.of(Map.of(
      "index.html", "<!DOCTYPE html><p>hi</p>".getBytes(StandardCharsets.UTF_8),
      "js/app.mjs", "export {}".getBytes(StandardCharsets.UTF_8),
      "style.css", "p{}".getBytes(StandardCharsets.UTF_8),
      "sounds/ring.wav", new byte[] {1, 2, 3}));

  private FullHttpResponse ask(HttpMethod method, String uri, String ifNoneMatch) {
    EmbeddedChannel ch = new EmbeddedChannel(new WebRequestHandler(null, site, null));
    DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
        Unpooled.EMPTY_BUFFER);
    r.headers().set(HttpHeaderNames.HOST, "127.0.0.1:8443");
    if (ifNoneMatch != null) {
      r.headers().set(HttpHeaderNames.IF_NONE_MATCH, ifNoneMatch);
    }
    ch.writeInbound(r);
    FullHttpResponse out = ch.readOutbound();
    ch.finishAndReleaseAll();
    return out;
  }

  @Test
  void filesAreServedWithTheirContentTypesAndTheIndexAtTheRoot() {
    FullHttpResponse index = ask(HttpMethod.GET, "/", null);
    assertThat(index.status().code()).isEqualTo(200);
    assertThat(index.headers().get(HttpHeaderNames.CONTENT_TYPE))
        .isEqualTo("text/html; charset=utf-8");
    assertThat(index.content().toString(StandardCharsets.UTF_8)).contains("<p>hi</p>");
    assertThat(ask(HttpMethod.GET, "/js/app.mjs", null).headers()
        .get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/javascript; charset=utf-8");
    assertThat(ask(HttpMethod.GET, "/style.css?v=2", null).headers()
        .get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/css; charset=utf-8");
    assertThat(ask(HttpMethod.GET, "/sounds/ring.wav", null).headers()
        .get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("audio/wav");
    index.release();
  }

  @Test
  void headAnswersTheLengthWithoutABodyAndAnEtagMatchAnswers304() {
    FullHttpResponse head = ask(HttpMethod.HEAD, "/style.css", null);
    assertThat(head.status().code()).isEqualTo(200);
    assertThat(head.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(3);
    assertThat(head.content().readableBytes()).isZero();
    String etag = head.headers().get(HttpHeaderNames.ETAG);
    assertThat(ask(HttpMethod.GET, "/style.css", etag).status().code()).isEqualTo(304);
  }

  @Test
  void traversalBackslashesAndControlCharactersAreRefused() {
    assertThat(ask(HttpMethod.GET, "/js/../../secret", null).status().code()).isEqualTo(400);
    assertThat(ask(HttpMethod.GET, "/js/%2e%2e/x", null).status().code()).isEqualTo(400);
    assertThat(ask(HttpMethod.GET, "/a%5cb", null).status().code()).isEqualTo(400);
    assertThat(ask(HttpMethod.GET, "/a%00b", null).status().code()).isEqualTo(400);
    assertThat(ask(HttpMethod.GET, "/missing.js", null).status().code()).isEqualTo(404);
    assertThat(ask(HttpMethod.DELETE, "/index.html", null).status().code()).isEqualTo(405);
  }
}
