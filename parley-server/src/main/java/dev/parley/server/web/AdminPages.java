package dev.parley.server.web;

import dev.parley.transport.TraceListener;
import dev.parley.transport.TransportLayer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The admin page under {@code /admin} ({@code docs/web.md}, "Admin page" and "Security model"):
 *
 * <ul>
 *   <li>reachable from loopback sources only unless {@link WebConfig#adminAllowRemote()} (403);
 *   <li>{@code GET /admin/login} the sign-in form; {@code POST /admin/login} checks the user's
 *       password against its stored HA1 and that it is an admin (403 when not), and sets the
 *       session cookie ({@code HttpOnly; Secure; SameSite=Strict; Path=/admin}); beyond the
 *       {@link LoginLimiter}'s budget of failures it answers 429 with {@code Retry-After}
 *       without checking the password;
 *   <li>{@code GET /admin} the page (303 to the form when not signed in), its script and style;
 *   <li>{@code GET /admin/api/status} and {@code /admin/api/state}: JSON (401 when not signed
 *       in, 403 when the user is no longer an admin); the state carries the session's CSRF token;
 *   <li>{@code POST /admin/api/ladder/watch} (a {@code callId}) starts a live ladder
 *       ({@link CallLadders}); {@code GET /admin/api/ladder?callId=&since=} reads it;
 *   <li>{@code POST /admin/api/binding/remove}, {@code /admin/api/account/disable},
 *       {@code /admin/api/account/enable}, {@code /admin/logout}: form-encoded, refused 403
 *       unless the request's {@code Origin} is the page's own and its {@code X-CSRF-Token} is
 *       the session's.
 * </ul>
 *
 * <p>Thread-safe; called on the web listener's event loops. Actions that touch the store answer
 * when their future completes; the connection reads nothing meanwhile.
 */
public final class AdminPages {
  static final String COOKIE = "parley_admin";
  static final String CSRF_HEADER = "X-CSRF-Token";
  private static final String HTML = "text/html; charset=utf-8";

  private final AdminBackend backend;
  private final WebConfig config;
  private final AdminSessions sessions;
  private final WebSite site;
  private final LoginLimiter logins;
  private final CallLadders ladders;

  /**
   * The admin pages over {@code backend}, with the bounds and access rules of {@code config};
   * no live ladders (nothing is traced).
   */
  public AdminPages(AdminBackend backend, WebConfig config) {
    this(backend, config, listener -> {}, listener -> {}, System::currentTimeMillis);
  }

  /**
   * The admin pages over {@code backend}, with the bounds and access rules of {@code config},
   * tracing the watched calls' ladders on {@code transport} (the server's: its trace listener is
   * added when an admin page is read, not before, and removed a minute after the last read).
   */
  public AdminPages(AdminBackend backend, WebConfig config, TransportLayer transport) {
    this(backend, config, transport::addTraceListener, transport::removeTraceListener,
        System::currentTimeMillis);
  }

  AdminPages(AdminBackend backend, WebConfig config, java.util.function.LongSupplier clock) {
    this(backend, config, listener -> {}, listener -> {}, clock);
  }

  AdminPages(AdminBackend backend, WebConfig config, Consumer<TraceListener> addTrace,
      Consumer<TraceListener> removeTrace, java.util.function.LongSupplier clock) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.config = Objects.requireNonNull(config, "config");
    this.sessions = new AdminSessions(config.maxSessions(), config.sessionIdle().toMillis(),
        clock);
    this.site = WebSite.load(AdminPages.class.getClassLoader(), WebSite.ADMIN_PREFIX);
    this.logins = new LoginLimiter(clock);
    this.ladders = new CallLadders(addTrace, removeTrace, clock);
  }

  void handle(ChannelHandlerContext ctx, FullHttpRequest request, String path,
      QueryStringDecoder uri, String host, boolean keepAlive) {
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    if (!config.adminAllowRemote() && !remote.getAddress().isLoopbackAddress()) {
      send(ctx, host, keepAlive, WebResponses.text(HttpResponseStatus.FORBIDDEN,
          "the admin page answers loopback sources only (web.admin_allow_remote)"));
      return;
    }
    HttpMethod m = request.method();
    boolean get = m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD);
    String rest = path.equals("/admin") ? "" : path.substring("/admin/".length());
    String cookie = cookie(request);
    AdminSessions.Session session = sessions.find(cookie);
    if (session != null && !backend.isAdmin(session.user())) {
      sessions.remove(cookie);
      send(ctx, host, keepAlive, WebResponses.text(HttpResponseStatus.FORBIDDEN,
          "not an admin"));
      return;
    }
    if (get && (rest.equals("admin.js") || rest.equals("admin.css"))) {
      WebSite.File f = site.find(rest);
      send(ctx, host, keepAlive, f == null ? WebResponses.text(HttpResponseStatus.NOT_FOUND, null)
          : WebResponses.of(HttpResponseStatus.OK, f.contentType(), f.body()));
      return;
    }
    if (rest.equals("login")) {
      if (get) {
        send(ctx, host, keepAlive, page("login.html"));
      } else if (m.equals(HttpMethod.POST)) {
        login(ctx, request, remote, host, keepAlive);
      } else {
        notAllowed(ctx, host, keepAlive, "GET, POST");
      }
      return;
    }
    if (session == null) {
      send(ctx, host, keepAlive, rest.startsWith("api/") || !get
          ? WebResponses.json(HttpResponseStatus.UNAUTHORIZED, "{\"error\":\"not signed in\"}")
          : WebResponses.redirect("/admin/login"));
      return;
    }
    if (get) {
      switch (rest) {
        case "", "index.html" -> send(ctx, host, keepAlive, page("index.html"));
        case "api/status" -> send(ctx, host, keepAlive,
            WebResponses.json(HttpResponseStatus.OK, backend.statusJson()));
        case "api/state" -> {
          ladders.pageRead();
          String state = backend.stateJson();
          send(ctx, host, keepAlive, WebResponses.json(HttpResponseStatus.OK,
              state.substring(0, state.length() - 1) + ",\"csrf\":\"" + session.csrf() + "\"}"));
        }
        case "api/ladder" -> ladder(ctx, uri, host, keepAlive);
        default -> send(ctx, host, keepAlive, WebResponses.text(HttpResponseStatus.NOT_FOUND,
            null));
      }
      return;
    }
    if (!m.equals(HttpMethod.POST)) {
      notAllowed(ctx, host, keepAlive, "GET, HEAD");
      return;
    }
    if (!sameOrigin(request, host)
        || !AdminSessions.same(session.csrf(), request.headers().get(CSRF_HEADER))) {
      send(ctx, host, keepAlive, WebResponses.json(HttpResponseStatus.FORBIDDEN,
          "{\"error\":\"cross-site request refused (Origin and X-CSRF-Token)\"}"));
      return;
    }
    Map<String, List<String>> form = form(request);
    String user = first(form, "user");
    switch (rest) {
      case "logout" -> {
        sessions.remove(cookie);
        FullHttpResponse r = WebResponses.json(HttpResponseStatus.OK, "{\"ok\":true}");
        r.headers().add(HttpHeaderNames.SET_COOKIE, sessionCookie("", 0));
        send(ctx, host, keepAlive, r);
      }
      case "api/binding/remove" -> answerLater(ctx, host, keepAlive,
          user == null ? null : backend.removeBinding(user, first(form, "key")));
      case "api/account/disable" -> answerLater(ctx, host, keepAlive,
          user == null ? null : backend.setDisabled(user, true));
      case "api/account/enable" -> answerLater(ctx, host, keepAlive,
          user == null ? null : backend.setDisabled(user, false));
      case "api/ladder/watch" -> watch(ctx, first(form, "callId"), host, keepAlive);
      default -> send(ctx, host, keepAlive, WebResponses.text(HttpResponseStatus.NOT_FOUND,
          null));
    }
  }

  private void login(ChannelHandlerContext ctx, FullHttpRequest request,
      InetSocketAddress remote, String host, boolean keepAlive) {
    if (!sameOrigin(request, host)) {
      send(ctx, host, keepAlive, WebResponses.text(HttpResponseStatus.FORBIDDEN,
          "cross-site sign-in refused (Origin)"));
      return;
    }
    Map<String, List<String>> form = form(request);
    String user = first(form, "user");
    String password = first(form, "password");
    long retryAfter = logins.retryAfterSeconds(remote.getAddress(), user);
    if (retryAfter > 0) {
      FullHttpResponse r = WebResponses.of(HttpResponseStatus.TOO_MANY_REQUESTS, HTML,
          message("Too many failed sign-ins; try again in " + retryAfter + " s."));
      r.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfter));
      send(ctx, host, keepAlive, r);
      return;
    }
    AdminBackend.SignIn result = user == null || password == null ? AdminBackend.SignIn.FAILED
        : backend.signIn(user, password);
    if (result == AdminBackend.SignIn.FAILED) {
      logins.failed(remote.getAddress(), user);
    }
    switch (result) {
      case OK -> {
        FullHttpResponse r = WebResponses.redirect("/admin");
        r.headers().add(HttpHeaderNames.SET_COOKIE, sessionCookie(sessions.create(user),
            config.sessionIdle().toSeconds()));
        send(ctx, host, keepAlive, r);
      }
      case NOT_ADMIN -> send(ctx, host, keepAlive, WebResponses.of(HttpResponseStatus.FORBIDDEN,
          HTML, message("Signed in, but " + user + " is not an admin.")));
      default -> send(ctx, host, keepAlive, WebResponses.of(HttpResponseStatus.UNAUTHORIZED, HTML,
          message("Wrong user or password.")));
    }
  }

  /** Starts watching a call's ladder: 400 without a Call-ID, 503 when too many are watched. */
  private void watch(ChannelHandlerContext ctx, String callId, String host, boolean keepAlive) {
    if (callId == null || callId.length() > 256) {
      send(ctx, host, keepAlive, WebResponses.json(HttpResponseStatus.BAD_REQUEST,
          "{\"error\":\"callId missing or too long\"}"));
    } else if (!ladders.watch(callId)) {
      send(ctx, host, keepAlive, WebResponses.json(HttpResponseStatus.SERVICE_UNAVAILABLE,
          "{\"error\":\"" + CallLadders.MAX_WATCHED + " calls are watched already\"}"));
    } else {
      send(ctx, host, keepAlive, WebResponses.json(HttpResponseStatus.OK, "{\"ok\":true}"));
    }
  }

  /** The ladder of a watched call, the messages after {@code since}: 404 when not watched. */
  private void ladder(ChannelHandlerContext ctx, QueryStringDecoder uri, String host,
      boolean keepAlive) {
    List<String> id = uri.parameters().get("callId");
    List<String> since = uri.parameters().get("since");
    long after = 0;
    try {
      after = since == null || since.isEmpty() ? 0 : Long.parseLong(since.get(0));
    } catch (NumberFormatException e) {
      after = -1;
    }
    String json = id == null || id.isEmpty() || after < 0 ? null
        : ladders.ladderJson(id.get(0), after);
    send(ctx, host, keepAlive, json != null ? WebResponses.json(HttpResponseStatus.OK, json)
        : after < 0 ? WebResponses.json(HttpResponseStatus.BAD_REQUEST,
            "{\"error\":\"since is not a number\"}")
        : WebResponses.json(HttpResponseStatus.NOT_FOUND,
            "{\"error\":\"that call is not watched (POST /admin/api/ladder/watch)\"}"));
  }

  /** Answers when {@code action} completes; the connection reads nothing until then. */
  private void answerLater(ChannelHandlerContext ctx, String host, boolean keepAlive,
      CompletableFuture<Boolean> action) {
    if (action == null) {
      send(ctx, host, keepAlive, WebResponses.json(HttpResponseStatus.BAD_REQUEST,
          "{\"error\":\"user missing\"}"));
      return;
    }
    Channel ch = ctx.channel();
    ch.config().setAutoRead(false);
    action.whenComplete((found, error) -> ch.eventLoop().execute(() -> {
      FullHttpResponse r = error != null
          ? WebResponses.json(HttpResponseStatus.INTERNAL_SERVER_ERROR,
              "{\"error\":\"the action failed; see the server's log\"}")
          : Boolean.TRUE.equals(found) ? WebResponses.json(HttpResponseStatus.OK, "{\"ok\":true}")
          : WebResponses.json(HttpResponseStatus.NOT_FOUND, "{\"error\":\"not found\"}");
      send(ctx, host, keepAlive, r);
      ch.config().setAutoRead(true);
    }));
  }

  private static void send(ChannelHandlerContext ctx, String host, boolean keepAlive,
      FullHttpResponse r) {
    r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    WebResponses.send(ctx, host, keepAlive, r);
  }

  private static void notAllowed(ChannelHandlerContext ctx, String host, boolean keepAlive,
      String allow) {
    FullHttpResponse r = WebResponses.text(HttpResponseStatus.METHOD_NOT_ALLOWED, null);
    r.headers().set(HttpHeaderNames.ALLOW, allow);
    send(ctx, host, keepAlive, r);
  }

  private FullHttpResponse page(String name) {
    WebSite.File f = site.find(name);
    return f == null ? WebResponses.text(HttpResponseStatus.NOT_FOUND, null)
        : WebResponses.of(HttpResponseStatus.OK, f.contentType(), f.body());
  }

  private static byte[] message(String text) {
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Parley admin"
        + "</title><link rel=\"stylesheet\" href=\"/admin/admin.css\"></head><body><h1>Parley admin"
        + "</h1><p>" + escape(text) + "</p><p><a href=\"/admin/login\">Sign in</a></p></body>"
        + "</html>\n").getBytes(StandardCharsets.UTF_8);
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Whether the request's {@code Origin} is this listener's ({@code https://} and its Host):
   * browsers send it on every POST, so a missing one is refused too.
   */
  static boolean sameOrigin(FullHttpRequest request, String host) {
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    return origin != null && host != null && origin.equals("https://" + host);
  }

  private static String cookie(FullHttpRequest request) {
    String header = request.headers().get(HttpHeaderNames.COOKIE);
    if (header == null || header.length() > 4096) {
      return null;
    }
    for (Cookie c : ServerCookieDecoder.STRICT.decode(header)) {
      if (c.name().equals(COOKIE)) {
        return c.value();
      }
    }
    return null;
  }

  private static String sessionCookie(String value, long maxAgeSeconds) {
    DefaultCookie c = new DefaultCookie(COOKIE, value);
    c.setHttpOnly(true);
    c.setSecure(true);
    c.setSameSite(CookieHeaderNames.SameSite.Strict);
    c.setPath("/admin");
    c.setMaxAge(maxAgeSeconds);
    return ServerCookieEncoder.STRICT.encode(c);
  }

  private static Map<String, List<String>> form(FullHttpRequest request) {
    String body = request.content().toString(StandardCharsets.UTF_8);
    try {
      return new QueryStringDecoder(body, StandardCharsets.UTF_8, false, 32).parameters();
    } catch (IllegalArgumentException e) {
      return Map.of();
    }
  }

  private static String first(Map<String, List<String>> form, String name) {
    List<String> v = form.get(name);
    return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
  }
}
