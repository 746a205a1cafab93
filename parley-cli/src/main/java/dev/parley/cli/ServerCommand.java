package dev.parley.cli;

import dev.parley.server.SipServer;
import dev.parley.server.config.ConfigException;
import dev.parley.server.config.ServerConfig;
import dev.parley.transport.ListenPoint;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code parley server}: the Parley SIP server (registrar, location service, authenticating
 * proxy with store-and-forward of MESSAGE, per-source rate limits, loopback status endpoint) for
 * one domain, with its embedded store. Prints one line when ready and one when stopped; stops
 * cleanly on SIGINT or SIGTERM, writing the bindings to the store.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
        "Runs the Parley SIP server for one domain: registrar and authenticating proxy with "
            + "digest, store-and-forward of MESSAGE, per-source rate limits, status endpoint, "
            + "conference focus.",
        "Defaults: UDP and TCP on 5060, TLS on 5061 (development certificate under --data), "
            + "WebSocket on 5066, status on http://127.0.0.1:8060, web (browser client, SIP over "
            + "WSS at /ws, admin page) on https://127.0.0.1:8443/, data in ./data.",
        "Prints one line when ready; stops cleanly on SIGINT or SIGTERM."})
final class ServerCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE",
      description = "A key = value config file (see docs/server.md); flags given here win over it.")
  Path config;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Where the database and the development certificate live (default ./data).")
  Path data;

  @Option(names = "--domain", paramLabel = "NAME",
      description = "The SIP domain served, also the digest realm (default: the host name).")
  String domain;

  @Option(names = "--listen", paramLabel = "TRANSPORT:HOST:PORT",
      description = "Where to listen (repeatable), e.g. udp:127.0.0.1:5070; replaces the defaults.")
  List<String> listen = new ArrayList<>();

  @Option(names = "--threads", paramLabel = "N", description = "Event loop threads (0 = two per core).")
  Integer threads;

  @Option(names = "--status", paramLabel = "HOST:PORT|off",
      description = "Where the loopback HTTP status endpoint listens (port 0: any free one; the URL "
          + "goes into DATA/status.url), or off (default 127.0.0.1:8060).")
  String status;

  @Option(names = "--web", paramLabel = "HOST:PORT|off",
      description = "Where the HTTPS web listener (browser client, SIP over WSS at /ws, admin page "
          + "at /admin) listens, or off (default 127.0.0.1:8443; a free port when that one is "
          + "taken).")
  String web;

  @Option(names = "--focus", paramLabel = "on|off",
      description = "Runs the conference focus (sip:conference@DOMAIN), or not; the other focus.* "
          + "settings of the config file stay (default on).")
  String focus;

  @Option(names = "--log-config", paramLabel = "FILE",
      description = "A Logback XML file to log with instead of the built-in default (one line per "
          + "event on standard error, INFO); see docs/server.md, Logging.")
  Path logConfig;

  @Option(names = "--log-level", paramLabel = "LOGGER=LEVEL",
      description = "Sets a logger's level (TRACE, DEBUG, INFO, WARN, ERROR, OFF), e.g. "
          + "dev.parley.server=DEBUG; LEVEL alone sets the root logger's (repeatable).")
  List<String> logLevels = new ArrayList<>();

  @Option(names = "--log-file", paramLabel = "FILE",
      description = "Appends the log to FILE instead of standard error.")
  Path logFile;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      logging();
    } catch (IllegalArgumentException e) {
      err.println("parley server: bad logging option: " + e.getMessage());
      err.flush();
      return 2;
    }
    ServerConfig cfg;
    try {
      cfg = config();
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("parley server: bad configuration: " + e.getMessage());
      err.flush();
      return 2;
    }
    NettyLeakDetection.offUnlessAsked(); // -Dio.netty.leakDetection.level still wins
    SipServer server;
    try {
      server = SipServer.start(cfg);
    } catch (RuntimeException e) {
      err.println("parley server: cannot start: " + rootMessage(e));
      err.flush();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      try {
        server.close();
        out.println("parley server: stopped, " + server.location().bindingCount()
            + " bindings saved");
      } catch (RuntimeException e) {
        out.println("parley server: stopped, saving bindings failed: " + rootMessage(e));
      }
      out.flush();
      stopped.countDown();
    }, "parley-server-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    String noAccounts;
    try {
      noAccounts = noAccountsWarning(cfg.domain(), cfg.dataDir(), server.accountCountsByDomain());
    } catch (RuntimeException e) {
      noAccounts = "parley server: warning: cannot count the accounts by domain: " + rootMessage(e);
    }
    if (noAccounts != null) {
      err.println(noAccounts);
      err.flush();
    }
    List<String> bound = new ArrayList<>();
    for (ListenPoint lp : server.listenPoints()) {
      bound.add(lp.toString());
    }
    out.println("parley server: ready on " + String.join(", ", bound) + " (domain "
        + cfg.domain() + ", data " + cfg.dataDir() + ", " + server.accountCount() + " accounts, "
        + server.loadedBindings() + " bindings loaded, " + server.droppedBindings()
        + " expired dropped)"
        + (server.webUrl() == null ? "" : ", web " + server.webUrl())
        + (server.statusUrl() == null ? "" : ", status " + server.statusUrl()));
    out.flush();
    stopped.await();
    return 0;
  }

  /**
   * The configuration: the file of {@code --config}, then the flags on top.
   *
   * @throws ConfigException if the file has a bad entry
   * @throws CommandLine.ParameterException if a flag has a bad value (a usage error)
   */
  ServerConfig config() {
    // the command serves the web by default; a config file's web.* keys or --web change it
    ServerConfig.Builder b = ServerConfig.builder().web(dev.parley.server.web.WebConfig.defaults());
    if (config != null) {
      b.load(config);
    }
    if (data != null) {
      b.dataDir(data);
    }
    if (domain != null) {
      try {
        b.domain(domain);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--domain: " + e.getMessage());
      }
    }
    for (String l : listen) {
      try {
        b.listen(l);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--listen: " + e.getMessage());
      }
    }
    if (threads != null) {
      b.threads(threads);
    }
    if (status != null) {
      try {
        b.statusListen(status);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--status: " + e.getMessage());
      }
    }
    if (web != null) {
      try {
        b.webListen(web);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--web: " + e.getMessage());
      }
    }
    if (focus != null) {
      switch (focus.toLowerCase(java.util.Locale.ROOT)) {
        case "on" -> b.focusEnabled(true);
        case "off" -> b.focusEnabled(false);
        default -> throw new CommandLine.ParameterException(spec.commandLine(),
            "--focus: not on or off: '" + focus + "'");
      }
    }
    return b.build();
  }

  /**
   * The warning printed before the ready line when the served {@code domain} has no accounts, so
   * that every client would fail to sign in with no hint why: it names the domains that do hold
   * accounts in the data directory (typically {@code parley user add} run without {@code --domain},
   * which takes the host name), or says there are none. Null when the domain has accounts.
   */
  static String noAccountsWarning(String domain, Path dataDir, Map<String, Integer> byDomain) {
    if (byDomain.getOrDefault(domain, 0) > 0) {
      return null;
    }
    String add = "parley user add USER --domain " + domain + " --data " + dataDir;
    List<String> names = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (Map.Entry<String, Integer> e : byDomain.entrySet()) {
      if (!e.getKey().equals(domain) && e.getValue() > 0) {
        names.add(e.getKey());
        others.add(e.getKey() + " (" + e.getValue() + ")");
      }
    }
    String start = "parley server: warning: no accounts for domain " + domain;
    if (others.isEmpty()) {
      return start + " (the data directory has none): every sign-in will fail; add users with '"
          + add + "'";
    }
    String which = names.size() == 1 ? "--domain " + names.get(0) : "--domain set to one of them";
    return start + "; the data directory has accounts for " + String.join(", ", others)
        + ": every sign-in will fail; start with " + which + ", or add users with '" + add + "'";
  }

  /** The exception's message, with its root cause's when that adds something. */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String root = t.getMessage() == null ? t.toString() : t.getMessage();
    if (t == e || e.getMessage() == null || e instanceof java.util.concurrent.CompletionException) {
      return root;
    }
    return e.getMessage().contains(root) ? e.getMessage() : e.getMessage() + ": " + root;
  }

  /**
   * Applies the logging options in order: the operator's file, the default quieting of the
   * libraries' start-up lines (under the built-in configuration only), the levels, the file.
   */
  private void logging() {
    if (logConfig != null) {
      try {
        Logging.load(logConfig);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--log-config: " + e.getMessage(), e);
      }
    }
    Logging.quietLibraries();
    for (String l : logLevels) {
      try {
        Logging.level(l);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--log-level: " + e.getMessage(), e);
      }
    }
    if (logFile != null) {
      try {
        Logging.file(logFile);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--log-file: " + e.getMessage(), e);
      }
    }
  }
}
