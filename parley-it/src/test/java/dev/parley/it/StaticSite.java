package dev.parley.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A plain HTTP server on a free port of 127.0.0.1 that serves one classpath directory (the
 * browser client, {@code dev/parley/web/site/}) for the browser tests: {@code http://127.0.0.1}
 * is a secure context in Chromium, so the page may use {@code getUserMedia} and WebRTC. GET only;
 * paths with {@code ..} are refused. Stands in for {@code parley server}'s HTTPS listener until
 * the tests load the page from it.
 */
final class StaticSite implements AutoCloseable {
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "json", "application/json",
      "md", "text/plain; charset=utf-8");

  private final HttpServer http;
  private final ExecutorService executor;
  private final String root;

  private StaticSite(HttpServer http, ExecutorService executor, String root) {
    this.http = http;
    this.executor = executor;
    this.root = root;
  }

  /** Serves the classpath directory {@code root} (like {@code dev/parley/web/site/}) at {@code /}. */
  static StaticSite start(String root) throws IOException {
    Objects.requireNonNull(root, "root");
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "static-site");
      t.setDaemon(true);
      return t;
    });
    StaticSite site = new StaticSite(http, executor, root.endsWith("/") ? root : root + "/");
    http.createContext("/", site::serve);
    http.setExecutor(executor);
    http.start();
    return site;
  }

  /** {@code http://127.0.0.1:PORT/}. */
  String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/";
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!"GET".equals(exchange.getRequestMethod()) || path.contains("..")) {
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      String name = path.endsWith("/") ? path + "index.html" : path;
      try (InputStream in = StaticSite.class.getClassLoader().getResourceAsStream(root + name.substring(1))) {
        if (in == null) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        byte[] body = in.readAllBytes();
        String extension = name.substring(name.lastIndexOf('.') + 1);
        exchange.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(extension, "application/octet-stream"));
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
