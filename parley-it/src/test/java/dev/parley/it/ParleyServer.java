package dev.parley.it;

import dev.parley.auth.DigestAlgorithm;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.SipServer;
import dev.parley.server.config.AuthConfig;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.registrar.UserAgentMatcher;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code parley server} in-process for interop tests, started as its own tests start it
 * ({@link SipServer#start}): UDP on a free port of 127.0.0.1, domain {@value #DOMAIN} (a name no
 * resolver knows: clients use the server as outbound proxy) unless {@link Builder#domain} says
 * otherwise, a fresh data directory whose accounts are written through the {@link Store} API
 * before the start, and the status endpoint on a free port.
 *
 * <p>In-process rather than the CLI: the same code behind {@code parley server}, with no JVM start
 * to wait for and its location service and counters at hand for assertions. One instance per
 * test; not thread-safe.
 */
final class ParleyServer implements AutoCloseable {
  /** The default domain, and so the digest realm. */
  static final String DOMAIN = "parley.test";
  /** Where the server listens. */
  static final String HOST = "127.0.0.1";

  private final SipServer server;
  private final String domain;
  private final int port;

  private ParleyServer(SipServer server, String domain, int port) {
    this.server = server;
    this.domain = domain;
    this.port = port;
  }

  /** A server whose data directory is {@code dataDir} (created when missing). */
  static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** The running server: location service, counters. */
  SipServer server() {
    return server;
  }

  /** The conferences of its focus now (none when the focus is off). */
  java.util.List<dev.parley.focus.ConferenceView> conferences() {
    return server.focus() == null ? java.util.List.of() : server.focus().conferences();
  }

  /** The UDP port it listens on, on 127.0.0.1. */
  int port() {
    return port;
  }

  /**
   * The base URL of its HTTPS web listener, {@code https://127.0.0.1:PORT/} (the browser client;
   * SIP over WSS at {@code /ws}), or null without {@link Builder#web()}.
   */
  String webUrl() {
    return server.webUrl();
  }

  /** The served domain. */
  String domain() {
    return domain;
  }

  /** {@code 127.0.0.1:port}: the outbound proxy and registrar clients send to. */
  String hostPort() {
    return HOST + ":" + port;
  }

  /**
   * The domain as clients write it in their AORs: {@code parley.test}, or {@code 127.0.0.1:port}
   * when the domain is the server's own address.
   */
  String aorHost() {
    return domain.equals(HOST) ? hostPort() : domain;
  }

  /** {@code sip:user@}{@link #aorHost()}: an address of record of the domain. */
  String aor(String user) {
    return "sip:" + user + "@" + aorHost();
  }

  /** Stops the server (sweep, final flush, store closed). Never throws. */
  @Override
  public void close() {
    try {
      server.close();
    } catch (RuntimeException e) {
      // a failed final flush does not matter to a test that is over
    }
  }

  /** What the server runs with; not thread-safe. */
  static final class Builder {
    private final Path dataDir;
    private final Map<String, String> users = new LinkedHashMap<>();
    private List<DigestAlgorithm> algorithms;
    private UserAgentMatcher md5OnlyUserAgents;
    private String domain = DOMAIN;
    private boolean web;

    private Builder(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    }

    /** The domain (default {@value ParleyServer#DOMAIN}); {@code 127.0.0.1} makes it the server's address. */
    Builder domain(String domain) {
      this.domain = Objects.requireNonNull(domain, "domain");
      return this;
    }

    /**
     * Starts the HTTPS web listener too (the browser client at {@code /}, SIP over WSS at
     * {@code /ws}) on a free port of 127.0.0.1, with the development certificate.
     */
    Builder web() {
      this.web = true;
      return this;
    }

    /** Adds an account of the domain. */
    Builder user(String name, String password) {
      users.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(password, "password"));
      return this;
    }

    /** The digest algorithms offered, in order (default: the server's, SHA-256 then MD5). */
    Builder authAlgorithms(DigestAlgorithm... algorithms) {
      this.algorithms = List.of(algorithms);
      return this;
    }

    /** The clients offered MD5 only (default: the server's, baresip, SIPp and sipsak). */
    Builder md5OnlyUserAgents(UserAgentMatcher userAgents) {
      this.md5OnlyUserAgents = Objects.requireNonNull(userAgents, "userAgents");
      return this;
    }

    /** Writes the accounts and starts the server. */
    ParleyServer start() throws IOException {
      Files.createDirectories(dataDir);
      List<Account> accounts = new ArrayList<>();
      users.forEach((user, password) -> accounts.add(Account.withPassword(domain, user, password)));
      try (Store store = Store.embedded(dataDir)) {
        store.addAccounts(accounts);
      }
      int port = Sipp.freePort();
      ServerConfig.Builder config = ServerConfig.builder().domain(domain).dataDir(dataDir)
          .listen("udp:" + HOST + ":" + port).threads(2)
          // not the default 127.0.0.1:8060, which a server on this machine may hold
          .statusListen(HOST + ":0");
      if (web) {
        config.webListen(HOST + ":0"); // as `parley server`: no wss listen point of its own
      }
      AuthConfig.Builder auth = AuthConfig.builder();
      if (algorithms != null) {
        auth.algorithms(algorithms);
      }
      if (md5OnlyUserAgents != null) {
        auth.md5OnlyUserAgents(md5OnlyUserAgents);
      }
      config.auth(auth.build());
      return new ParleyServer(SipServer.start(config.build()), domain, port);
    }
  }
}
