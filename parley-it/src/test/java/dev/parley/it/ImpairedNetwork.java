package dev.parley.it;

import dev.parley.client.Endpoint;
import dev.parley.client.EndpointState;
import dev.parley.server.SipServer;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.proxy.ProxyConfig;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import dev.parley.testkit.Impairment;
import dev.parley.testkit.ImpairmentRelay;
import dev.parley.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real {@code parley server} that Parley endpoints reach only through a UDP
 * {@link ImpairmentRelay}, for issue 15's network-fault tests.
 *
 * <p>The server listens on 127.0.0.1:P and writes {@code 127.0.0.2:P} in its Record-Route
 * ({@code proxy.advertised_host}); the relay listens on 127.0.0.2:P and sends from 127.0.0.3.
 * The endpoints' outbound proxy is the relay, and so is their route set, so every request and
 * response they send crosses it. The server sees each endpoint's REGISTER come from 127.0.0.3
 * while its Contact says 127.0.0.1: a NAT, so it sends requests for the endpoint to the relay's
 * socket too. What does not cross the relay: requests the server sends inside a dialog (ACK, BYE,
 * MESSAGE), which go to the endpoint's Contact (the server has no RFC 5626 flow tokens;
 * {@code docs/server.md}, "Not there yet"), and the responses to them.
 *
 * <p>Not thread-safe: one per test.
 */
final class ImpairedNetwork implements AutoCloseable {
  static final String DOMAIN = "parley.test";
  /** 20% loss with reordering each way, and a few duplicates (none may reach a user twice). */
  static final Impairment LOSSY = Impairment.builder().loss(0.2).duplicate(0.05).reorder(0.2)
      .reorderDelay(Duration.ofMillis(60)).jitter(Duration.ofMillis(10)).build();

  private final String name;
  private final SipServer server;
  private final ImpairmentRelay relay;
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final Transport transport;

  private ImpairedNetwork(String name, SipServer server, ImpairmentRelay relay) {
    this.transport = relay.transport();
    this.name = name;
    this.server = server;
    this.relay = relay;
  }

  /**
   * Starts the server with these users (password: the name + "-pw") and the relay in front of
   * it, impairing SIP with {@code sip} both ways.
   *
   * @param name the test's name: its seed comes from it (see {@link #seedFor})
   * @param rewrite what the relay does to datagrams from the endpoints, or null
   */
  static ImpairedNetwork start(Path data, String name, Impairment sip,
      UnaryOperator<byte[]> rewrite, String... users) throws IOException {
    return start(data, name, Transport.UDP, sip, rewrite, users);
  }

  /** The same over {@code transport} (UDP or TCP) between the endpoints and the server. */
  static ImpairedNetwork start(Path data, String name, Transport transport, Impairment sip,
      UnaryOperator<byte[]> rewrite, String... users) throws IOException {
    String scheme = transport.name().toLowerCase(java.util.Locale.ROOT);
    Files.createDirectories(data);
    List<Account> accounts = new ArrayList<>();
    for (String u : users) {
      accounts.add(Account.withPassword(DOMAIN, u, u + "-pw"));
    }
    try (Store store = Store.embedded(data)) {
      store.addAccounts(accounts);
    }
    // the relay takes the server's port number on 127.0.0.2: a port free on 127.0.0.1 is
    // almost always free there too; when not, another port
    for (int attempt = 1; ; attempt++) {
      int port = Sipp.freePort();
      SipServer server = SipServer.start(ServerConfig.builder().domain(DOMAIN).dataDir(data)
          .listen(scheme + ":127.0.0.1:" + port).threads(2).statusListen("127.0.0.1:0")
          .proxy(ProxyConfig.builder().advertisedHost("127.0.0.2").build())
          .build());
      try {
        ImpairmentRelay.Builder relay = ImpairmentRelay.builder(transport)
            .listen("127.0.0.2", port)
            .target(new InetSocketAddress("127.0.0.1", port))
            .upstreamHost("127.0.0.3")
            .impairment(sip)
            .seed(seedFor(name, sip));
        if (rewrite != null) {
          relay.rewriteToTarget(rewrite);
        }
        return new ImpairedNetwork(name, server, relay.start());
      } catch (java.net.BindException e) {
        server.close();
        if (attempt == 3) {
          throw e;
        }
      } catch (IOException | RuntimeException e) {
        server.close();
        throw e;
      }
    }
  }

  /**
   * The seed of a test's relay: {@code -Dparley.relay.seed=N} replays a run; otherwise the first
   * seed from the name's hash whose first decision loses the first datagram (the first REGISTER),
   * so that every run has at least that retransmission, however the timing goes.
   */
  static long seedFor(String name, Impairment impairment) {
    Long given = Long.getLong("parley.relay.seed");
    if (given != null) {
      return given;
    }
    long seed = name.hashCode();
    while (impairment.loss() > 0 && new Random(seed).nextDouble() >= impairment.loss()) {
      seed++;
    }
    return seed;
  }

  SipServer server() {
    return server;
  }

  ImpairmentRelay relay() {
    return relay;
  }

  static String aor(String user) {
    return "sip:" + user + "@" + DOMAIN;
  }

  /** An endpoint of {@code user} whose server is the relay; closed with the network. */
  Endpoint.Builder endpoint(String user) {
    return Endpoint.builder(aor(user))
        .credentials(user, user + "-pw")
        .server("sip:127.0.0.2:" + relay.address().getPort()
            + (transport == Transport.UDP ? "" : ";transport=tcp"))
        .listen(transport.name().toLowerCase(java.util.Locale.ROOT) + ":127.0.0.1:0")
        .registrationExpiry(Duration.ofSeconds(600));
  }

  /** Builds {@code b}, to be closed with the network. */
  Endpoint add(Endpoint.Builder b) {
    Endpoint e = b.build();
    endpoints.add(e);
    return e;
  }

  /**
   * Prints what the relay did (the numbers of {@code docs/reliability.md}), heals the network
   * and signs the endpoints out, then stops everything. Never throws.
   */
  @Override
  public void close() {
    System.out.printf("%s: seed %d, %s%n", name, relay.seed(), relay.stats());
    relay.impair(Impairment.NONE, Impairment.NONE); // a quick goodbye
    for (Endpoint e : endpoints) {
      try {
        if (e.state() == EndpointState.ENABLED) {
          e.disable().get(10, TimeUnit.SECONDS);
        }
      } catch (Exception ignored) {
        // stopping: closed below anyway
      }
      e.close();
    }
    relay.close();
    server.close();
  }
}
