package dev.parley.server.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;

/**
 * The admin pages' requests without a socket, for the web tests: a backend whose sign-in a test
 * chooses, and requests handed to the web listener's handler on an embedded channel whose peer is
 * a chosen source address (what the access rules and the sign-in limit look at), as the HTTPS
 * listener would hand them on (Host {@value #HOST}).
 */
final class AdminRequests {
  /** The Host of the requests (the listener's address, as a browser writes it). */
  static final String HOST = "192.0.2.1:8443";

  private AdminRequests() {}

  /**
   * A backend where {@code signIn} decides who signs in, everyone signed in is an admin, the
   * status and state are empty objects and every action succeeds.
   */
  static AdminBackend backend(BiPredicate<String, String> signIn) {
    return new AdminBackend() {
      @Override
      public SignIn signIn(String user, String password) {
        return signIn.test(user, password) ? SignIn.OK : SignIn.FAILED;
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
  }

  /** A GET of {@code path}. */
  static FullHttpRequest get(String path) {
    DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
        path, Unpooled.EMPTY_BUFFER);
    r.headers().set(HttpHeaderNames.HOST, HOST);
    return r;
  }

  /** The sign-in form's POST to {@code /admin/login}, from the listener's own origin. */
  static FullHttpRequest login(String user, String password) {
    byte[] body = ("user=" + user + "&password=" + password).getBytes(StandardCharsets.UTF_8);
    DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
        "/admin/login", Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.HOST, HOST)
        .set(HttpHeaderNames.ORIGIN, "https://" + HOST)
        .set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded");
    return r;
  }

  /**
   * {@code admin}'s response to {@code request} from {@code source}, through the web listener's
   * request handler (no static site); the caller releases it.
   */
  static FullHttpResponse send(AdminPages admin, InetSocketAddress source,
      FullHttpRequest request) {
    EmbeddedChannel ch = new From(source, new WebRequestHandler(null, WebSite.of(Map.of()),
        admin));
    ch.writeInbound(request);
    FullHttpResponse out = ch.readOutbound();
    ch.finishAndReleaseAll();
    return out;
  }

  /** The status of {@code admin}'s response to {@code request} from {@code source}. */
  static int status(AdminPages admin, InetSocketAddress source, FullHttpRequest request) {
    FullHttpResponse r = send(admin, source, request);
    int code = r.status().code();
    r.release();
    return code;
  }

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
}
