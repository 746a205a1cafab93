package dev.parley.cli;

import dev.parley.server.config.ServerConfig;
import dev.parley.server.status.ServerStatus;
import dev.parley.server.status.StatusHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code parley status}: asks a running server's loopback status endpoint
 * ({@link StatusHttpServer}) for its {@link ServerStatus} and prints a summary with the
 * registrations table and the conferences with their rosters, or the JSON as served.
 *
 * <p>The endpoint is found from {@code --url}, else from {@code DATA/status.url} (written by the
 * server when it starts listening), else the default {@code http://127.0.0.1:8060}. One HTTP GET
 * with the JDK's {@link HttpClient} (see {@code docs/decisions.md}, "Status").
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
        "Shows a running Parley server's status: uptime, listeners, accounts, registrations, "
            + "transactions, proxy, offline messages, rate limits, conferences.",
        "Asks the server's loopback status endpoint: --url, else the URL the server wrote into "
            + "DATA/status.url, else http://127.0.0.1:8060."})
final class StatusCommand implements Callable<Integer> {
  /** Largest status document read: 32 MiB. */
  static final int MAX_BYTES = 32 * 1024 * 1024;
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Option(names = "--url", paramLabel = "URL",
      description = "The status endpoint, e.g. http://127.0.0.1:8060 (default: from "
          + "DATA/status.url, else http://127.0.0.1:8060).")
  String url;

  @Option(names = "--data", paramLabel = "DIR", defaultValue = ServerConfig.DEFAULT_DATA_DIR,
      description = "The server's data directory, where it writes status.url (default ./data).")
  Path data;

  @Option(names = "--json", description = "Print the status JSON as the server sent it.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    String base;
    try {
      base = base();
    } catch (IllegalStateException e) {
      return fail(e.getMessage());
    }
    URI uri = URI.create(base + "/status");
    String body;
    try {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(CONNECT_TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER).build();
      HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
          .header("Accept", "application/json").GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
          return fail(uri + " sent more than " + MAX_BYTES / (1024 * 1024) + " MiB");
        }
        body = new String(bytes, StandardCharsets.UTF_8);
      }
      if (r.statusCode() != 200) {
        return fail(uri + " answered HTTP " + r.statusCode());
      }
    } catch (ConnectException | HttpConnectTimeoutException e) {
      return fail("no server answering at " + base + " (" + reason(e)
          + "); is 'parley server' running?");
    } catch (HttpTimeoutException e) {
      return fail(base + " did not answer within " + TIMEOUT.toSeconds() + " s");
    } catch (IOException e) {
      return fail("cannot read " + uri + ": " + reason(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
    ServerStatus status;
    try {
      status = ServerStatus.fromJson(body);
    } catch (IllegalArgumentException e) {
      return fail(uri + " did not answer a Parley status: " + e.getMessage());
    }
    if (json) {
      out.println(body.strip());
    } else {
      print(out, base, status);
    }
    out.flush();
    return 0;
  }

  /** The endpoint's base URL without a trailing slash. */
  private String base() {
    String u;
    if (url != null) {
      u = url.strip();
      String problem = problem(u);
      if (problem != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--url: " + problem);
      }
    } else {
      Path file = data.resolve(StatusHttpServer.URL_FILE);
      if (Files.isRegularFile(file)) {
        try {
          List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
          u = lines.isEmpty() ? "" : lines.get(0).strip();
        } catch (IOException e) {
          throw new IllegalStateException("cannot read " + file + ": " + e.getMessage());
        }
        String problem = problem(u);
        if (problem != null) {
          throw new IllegalStateException(file + ": " + problem);
        }
      } else {
        u = "http://" + StatusHttpServer.DEFAULT_HOST + ":" + StatusHttpServer.DEFAULT_PORT;
      }
    }
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u;
  }

  /** Why {@code u} is not an http(s) URL of a server, or null when it is one. */
  private static String problem(String u) {
    try {
      URI uri = new URI(u);
      if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
          || uri.getHost() == null) {
        return "not an http URL: '" + u + "'";
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        return "give the server's base URL, without query or fragment: '" + u + "'";
      }
      return null;
    } catch (URISyntaxException e) {
      return "not an http URL: '" + u + "'";
    }
  }

  private int fail(String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("parley status: " + message);
    err.flush();
    return 1;
  }

  private static String reason(Throwable e) {
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return m.isEmpty() ? t.getClass().getSimpleName() : m.toLowerCase(java.util.Locale.ROOT);
  }

  /** The human summary: documented in docs/cli.md, stable. */
  static void print(PrintWriter out, String base, ServerStatus s) {
    out.println("parley status: server at " + base + ", up " + uptime(s.uptime()) + " (since "
        + s.startedAt() + ")");
    out.println("domain: " + s.domain());
    out.println("listeners: " + (s.listeners().isEmpty() ? "-" : String.join(", ", s.listeners())));
    out.println("accounts: " + s.accounts());
    out.println("registrations: " + s.aors() + " AORs, " + s.bindings() + " bindings");
    out.println("transactions: " + s.clientTransactions() + " client, " + s.serverTransactions()
        + " server");
    List<String> proxy = new ArrayList<>();
    for (Map.Entry<String, Long> e : s.proxy().entrySet()) {
      proxy.add(e.getKey() + " " + e.getValue());
    }
    out.println("proxy: " + (proxy.isEmpty() ? "-" : String.join(", ", proxy)));
    if (!s.connections().isEmpty()) {
      List<String> connections = new ArrayList<>();
      for (Map.Entry<String, Long> e : s.connections().entrySet()) {
        connections.add(e.getKey() + " " + e.getValue());
      }
      out.println("connections: " + String.join(", ", connections));
    }
    var o = s.offlineMessages();
    out.println("offline messages: " + (o == null ? "off"
        : o.pending() + " pending for " + o.users() + " users (" + o.pendingBytes() + " bytes); "
            + o.accepted() + " accepted, " + o.rejected() + " rejected, " + o.delivered()
            + " delivered, " + o.dropped() + " dropped"));
    var r = s.rateLimits();
    out.println("rate limits: " + (r == null ? "off"
        : r.sources() + " sources tracked, " + r.requestsRefused() + " requests refused, "
            + r.authFailures() + " failed authentications, " + r.authBlocks() + " blocks"));
    var conferences = s.conferences();
    out.println("conferences: " + (conferences == null ? "off" : conferences.count()));
    printRegistrations(out, s);
    if (conferences != null) {
      printConferences(out, conferences);
    }
  }

  /** The registrations table, one row per contact, after an empty line; nothing when none. */
  private static void printRegistrations(PrintWriter out, ServerStatus s) {
    if (s.registrations().isEmpty()) {
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"AOR", "CONTACT", "EXPIRES", "SOURCE", "USER-AGENT"});
    for (ServerStatus.Registration reg : s.registrations()) {
      for (ServerStatus.Contact c : reg.contacts()) {
        rows.add(new String[] {reg.aor(), c.contact(), c.expiresIn() + "s",
            c.source() == null ? "-" : c.source(), c.userAgent() == null ? "-" : c.userAgent()});
      }
    }
    int[] width = new int[5];
    for (String[] row : rows) {
      for (int i = 0; i < 4; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    out.println();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        String cell = oneLine(row[i]);
        if (i == 2) { // EXPIRES, right-aligned
          line.append(" ".repeat(width[i] - cell.length())).append(cell);
        } else {
          line.append(cell);
          if (i < 4) {
            line.append(" ".repeat(width[i] - cell.length()));
          }
        }
        if (i < 4) {
          line.append("  ");
        }
      }
      out.println(line.toString().stripTrailing());
    }
    if (s.registrationsTruncated()) {
      out.println("(" + (s.aors() - s.registrations().size())
          + " more AORs not listed)");
    }
  }

  /**
   * Each listed conference after an empty line: a line naming it, its organizer, conversation
   * and roster subscriptions, then one indented row per participant (URI, display name, status,
   * media).
   */
  private static void printConferences(PrintWriter out, ServerStatus.Conferences conferences) {
    for (ServerStatus.Conference c : conferences.list()) {
      out.println();
      out.println(oneLine("conference " + c.uri() + ": organizer "
          + (c.organizer() == null ? "-" : c.organizer()) + ", conversation "
          + (c.conversation() == null ? "-" : c.conversation()) + ", "
          + c.participants().size() + " participants, " + c.subscriptions()
          + " subscriptions"));
      List<String[]> rows = new ArrayList<>();
      for (ServerStatus.Participant p : c.participants()) {
        String media = p.im() && p.audio() ? "im+audio" : p.im() ? "im" : p.audio() ? "audio" : "-";
        rows.add(new String[] {p.uri(), p.displayName() == null ? "-" : p.displayName(),
            p.status(), media});
      }
      int[] width = new int[4];
      for (String[] row : rows) {
        for (int i = 0; i < 4; i++) {
          row[i] = oneLine(row[i]);
          width[i] = Math.max(width[i], row[i].length());
        }
      }
      for (String[] row : rows) {
        StringBuilder line = new StringBuilder("  ");
        for (int i = 0; i < 4; i++) {
          line.append(row[i]).append(" ".repeat(width[i] - row[i].length() + 2));
        }
        out.println(line.toString().stripTrailing());
      }
    }
    if (conferences.truncated()) {
      out.println("(" + (conferences.count() - conferences.listed())
          + " more conferences not listed)");
    }
  }

  /** Keeps a table cell on one line. */
  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
  }

  /** {@code 45s}, {@code 3m 05s}, {@code 1h 02m 05s}, {@code 2d 03h 04m}. */
  static String uptime(Duration d) {
    long s = d.toSeconds();
    long days = s / 86_400;
    long h = s / 3600 % 24;
    long m = s / 60 % 60;
    long sec = s % 60;
    if (days > 0) {
      return String.format("%dd %02dh %02dm", days, h, m);
    }
    if (h > 0) {
      return String.format("%dh %02dm %02ds", h, m, sec);
    }
    if (m > 0) {
      return String.format("%dm %02ds", m, sec);
    }
    return sec + "s";
  }
}
