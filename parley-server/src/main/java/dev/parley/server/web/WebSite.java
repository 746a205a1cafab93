package dev.parley.server.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Static files served from memory: every classpath resource under a prefix
 * ({@code dev/parley/web/site/} for the browser client, {@code dev/parley/server/web/admin/} for
 * the admin page), read once at start, off the event loops, so that serving one never touches a
 * disk. The prefix is found through its {@code index.html}; a prefix without one is an empty site.
 *
 * <p>Bounded ({@value #MAX_FILES} files, {@value #MAX_BYTES} bytes in all: a site beyond either
 * fails the start). Immutable and thread-safe once loaded.
 */
final class WebSite {
  /** Where the browser client's files are (shipped by the {@code parley-web} module). */
  static final String CLIENT_PREFIX = "dev/parley/web/site/";
  /** Where the admin page's files are (in parley-server). */
  static final String ADMIN_PREFIX = "dev/parley/server/web/admin/";
  static final int MAX_FILES = 2_000;
  static final long MAX_BYTES = 64L << 20;

  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("htm", "text/html; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("map", "application/json"),
      Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"),
      Map.entry("webp", "image/webp"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("wav", "audio/wav"),
      Map.entry("ogg", "audio/ogg"),
      Map.entry("mp3", "audio/mpeg"),
      Map.entry("woff", "font/woff"),
      Map.entry("woff2", "font/woff2"),
      Map.entry("wasm", "application/wasm"));

  /** A file: its bytes, content type and strong entity tag. */
  record File(byte[] body, String contentType, String etag) {}

  private final Map<String, File> files;

  private WebSite(Map<String, File> files) {
    this.files = Map.copyOf(files);
  }

  /** A site of the given files (path relative to the site root to bytes), for tests. */
  static WebSite of(Map<String, byte[]> content) {
    Map<String, File> out = new HashMap<>();
    content.forEach((p, b) -> out.put(p, file(p, b)));
    return new WebSite(out);
  }

  /**
   * Reads every resource under {@code prefix} (ending in {@code /}) of {@code loader}.
   *
   * @throws UncheckedIOException if a resource cannot be read or the site exceeds its bounds
   */
  static WebSite load(ClassLoader loader, String prefix) {
    URL index = loader.getResource(prefix + "index.html");
    if (index == null) {
      return new WebSite(Map.of());
    }
    Map<String, File> out = new HashMap<>();
    long[] total = {0};
    try {
      if (index.getProtocol().equals("jar")) {
        JarURLConnection c = (JarURLConnection) index.openConnection();
        c.setUseCaches(false);
        try (JarFile jar = c.getJarFile()) {
          Enumeration<JarEntry> entries = jar.entries();
          while (entries.hasMoreElements()) {
            JarEntry e = entries.nextElement();
            if (!e.isDirectory() && e.getName().startsWith(prefix)) {
              try (InputStream in = jar.getInputStream(e)) {
                add(out, total, e.getName().substring(prefix.length()), in.readAllBytes());
              }
            }
          }
        }
      } else if (index.getProtocol().equals("file")) {
        Path root = Path.of(index.toURI()).getParent();
        try (Stream<Path> walk = Files.walk(root)) {
          for (Path p : (Iterable<Path>) walk::iterator) {
            if (Files.isRegularFile(p)) {
              String rel = root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
              add(out, total, rel, Files.readAllBytes(p));
            }
          }
        }
      } else {
        try (InputStream in = index.openStream()) {
          add(out, total, "index.html", in.readAllBytes());
        }
      }
    } catch (IOException | URISyntaxException e) {
      throw new UncheckedIOException("cannot read the web site under " + prefix + ": "
          + e.getMessage(), e instanceof IOException io ? io : new IOException(e));
    }
    return new WebSite(out);
  }

  private static void add(Map<String, File> out, long[] total, String path, byte[] body)
      throws IOException {
    total[0] += body.length;
    if (out.size() >= MAX_FILES || total[0] > MAX_BYTES) {
      throw new IOException("more than " + MAX_FILES + " files or " + MAX_BYTES + " bytes");
    }
    out.put(path, file(path, body));
  }

  private static File file(String path, byte[] body) {
    try {
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(body);
      String etag = "\"" + HexFormat.of().formatHex(sha, 0, 16) + "\"";
      return new File(body, contentType(path), etag);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The content type of {@code path} by its extension; {@code application/octet-stream} else. */
  static String contentType(String path) {
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    String ext = dot > slash ? path.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  /** Whether the site has no files (the browser client is not packaged). */
  boolean isEmpty() {
    return files.isEmpty();
  }

  /**
   * The file at {@code relative} (no leading slash, already checked for traversal); a path
   * ending in {@code /} or empty means its {@code index.html}. Null when there is none.
   */
  File find(String relative) {
    String p = relative.isEmpty() || relative.endsWith("/") ? relative + "index.html" : relative;
    return files.get(p);
  }

  /** How many files the site holds. */
  int size() {
    return files.size();
  }
}
