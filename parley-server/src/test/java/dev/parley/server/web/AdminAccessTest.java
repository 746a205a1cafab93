package dev.parley.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Who reaches {@code /admin}: loopback sources only, unless remote access is configured. */
class AdminAccessTest {
  /** A backend that lets everyone in: only the source address decides here. */
  private static final AdminBackend OPEN = new AdminBackend() {
    @Override
    public SignIn signIn(String user, String password) {
      return SignIn.OK;
    }

    @Override
    public boolean isAdmin(String user) {
      return true;
    }

    @Override
    public String statusJson() {
      return "{}";
    }

    @Override
    public String stateJson() {
      return "{}";
    }

    @Override
    public CompletableFuture<Boolean> removeBinding(String user, String key) {
      return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Boolean> setDisabled(String user, boolean disabled) {
      return CompletableFuture.completedFuture(true);
    }
  };

  /** An embedded channel whose peer is {@code remote}. */
  private static final class From extends EmbeddedChannel {
    private final InetSocketAddress remote;

    From(InetSocketAddress remote, WebRequestHandler handler) {
      super(false, false);
      this.remote = remote;
      pipeline().addLast(handler);
      try {
        register();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }

    @Override
    protected SocketAddress remoteAddress0() {
      return remote;
    }
  }

  private static int status(InetSocketAddress source, WebConfig config, String path) {
    AdminPages admin = new AdminPages(OPEN, config);
    EmbeddedChannel ch = new From(source, new WebRequestHandler(null, WebSite.of(
        java.util.Map.of()), admin));
    DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
        path, Unpooled.EMPTY_BUFFER);
    r.headers().set(HttpHeaderNames.HOST, "192.0.2.1:8443");
    ch.writeInbound(r);
    FullHttpResponse out = ch.readOutbound();
    int code = out.status().code();
    out.release();
    ch.finishAndReleaseAll();
    return code;
  }

  @Test
  void aRemoteSourceIsRefused403UnlessRemoteAdminIsAllowed() {
    InetSocketAddress remote = new InetSocketAddress("192.0.2.7", 40000);
    InetSocketAddress local = new InetSocketAddress("127.0.0.1", 40000);
    WebConfig closed = WebConfig.builder().build();
    assertThat(status(remote, closed, "/admin")).isEqualTo(403);
    assertThat(status(remote, closed, "/admin/login")).isEqualTo(403);
    assertThat(status(remote, closed, "/admin/api/state")).isEqualTo(403);
    assertThat(status(local, closed, "/admin")).isEqualTo(303);
    WebConfig open = WebConfig.builder().adminAllowRemote(true).build();
    assertThat(status(remote, open, "/admin/login")).isEqualTo(200);
  }
}
