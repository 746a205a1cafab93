package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.SipUri;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 3263 §4 server location against a fake DNS server on loopback. Every locator is pointed at
 * that server explicitly: no query ever reaches the system's resolver.
 */
class ServerLocatorTest {
  /** The timeout of the tests whose DNS server stays silent. */
  private static final Duration TIMEOUT = Duration.ofMillis(400);
  /**
   * The timeout of the tests whose DNS server answers: generous, so that a busy machine never
   * turns an answer into a timeout (a lost AAAA answer once failed a test under load).
   */
  private static final Duration ANSWERED = Duration.ofSeconds(10);

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private FakeDnsServer dns;

  @BeforeEach
  void startDns() throws Exception {
    dns = new FakeDnsServer();
    toClose.add(dns);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private ServerLocator.Builder builder() {
    return ServerLocator.builder()
        .dnsServers(dns.address())
        .limits(ServerLocatorConfig.builder().queryTimeout(ANSWERED).build());
  }

  private ServerLocator locator(ServerLocator.Builder builder) {
    ServerLocator locator = builder.build();
    toClose.add(locator);
    return locator;
  }

  private ServerLocator locator() {
    return locator(builder());
  }

  private static List<Hop> locate(ServerLocator locator, String uri) throws Exception {
    return locator.locate(SipUri.parse(uri)).get(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(ServerLocator locator, String uri) throws Exception {
    try {
      List<Hop> hops = locator.locate(SipUri.parse(uri)).get(10, TimeUnit.SECONDS);
      throw new AssertionError("located " + uri + " at " + hops);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  private static Hop hop(Transport transport, String ip, int port) throws Exception {
    return new Hop(transport, new InetSocketAddress(InetAddress.getByName(ip), port));
  }

  /** A Random whose nextInt(bound) returns the given values in turn (checked against the bound). */
  private static Random scripted(int... values) {
    Deque<Integer> queue = new ArrayDeque<>();
    for (int v : values) {
      queue.add(v);
    }
    return new Random() {
      private static final long serialVersionUID = 1L;

      @Override
      public int nextInt(int bound) {
        int v = queue.removeFirst();
        assertThat(v).isLessThan(bound);
        return v;
      }
    };
  }

  // §4.1 / §4.2 without DNS

  @Test
  void numericIpWithoutPortGoesOverUdpToThe5060() throws Exception {
    assertThat(locate(locator(), "sip:alice@127.0.0.1")).containsExactly(hop(Transport.UDP, "127.0.0.1", 5060));
    assertThat(dns.totalQueries()).isZero();
  }

  @Test
  void numericIpWithPortKeepsThePort() throws Exception {
    assertThat(locate(locator(), "sip:[::1]:5070")).containsExactly(hop(Transport.UDP, "::1", 5070));
    assertThat(dns.totalQueries()).isZero();
  }

  @Test
  void sipsNumericIpGoesOverTlsTo5061() throws Exception {
    assertThat(locate(locator(), "sips:127.0.0.1")).containsExactly(hop(Transport.TLS, "127.0.0.1", 5061));
  }

  @Test
  void transportParameterChoosesTheTransportAndItsDefaultPort() throws Exception {
    ServerLocator locator = locator();
    assertThat(locate(locator, "sip:127.0.0.1;transport=tcp")).containsExactly(hop(Transport.TCP, "127.0.0.1", 5060));
    assertThat(locate(locator, "sip:127.0.0.1;transport=TLS")).containsExactly(hop(Transport.TLS, "127.0.0.1", 5061));
    assertThat(locate(locator, "sips:127.0.0.1:5071;transport=tcp")).containsExactly(hop(Transport.TLS, "127.0.0.1", 5071));
  }

  @Test
  void maddrOverridesTheHost() throws Exception {
    assertThat(locate(locator(), "sip:alice@example.test;maddr=127.0.0.9"))
        .containsExactly(hop(Transport.UDP, "127.0.0.9", 5060));
    assertThat(dns.totalQueries()).isZero();
  }

  @Test
  void maddrNamingAHostIsResolvedInsteadOfTheHost() throws Exception {
    dns.a("proxy.test", "127.0.0.10");
    assertThat(locate(locator(), "sip:alice@example.test:5062;maddr=proxy.test"))
        .containsExactly(hop(Transport.UDP, "127.0.0.10", 5062));
    assertThat(dns.totalQueries()).isEqualTo(2); // A and AAAA of proxy.test, nothing about example.test
  }

  @Test
  void staticHostsAreResolvedWithoutDns() throws Exception {
    ServerLocator locator = locator(builder()
        .staticHost("PBX.test.", InetAddress.getByName("127.0.0.7"), InetAddress.getByName("::1")));
    assertThat(locate(locator, "sip:pbx.test")).containsExactly(
        hop(Transport.UDP, "127.0.0.7", 5060), hop(Transport.UDP, "::1", 5060));
    assertThat(locate(locator, "sips:pbx.test:5071")).containsExactly(
        hop(Transport.TLS, "127.0.0.7", 5071), hop(Transport.TLS, "::1", 5071));
    assertThat(locate(locator, "sip:localhost;transport=tcp")).containsExactly(
        new Hop(Transport.TCP, new InetSocketAddress(InetAddress.getLoopbackAddress(), 5060)));
    assertThat(dns.totalQueries()).isZero();
  }

  @Test
  void srvTargetsThatAreStaticHostsAreNotAskedFor() throws Exception {
    dns.srv("_sip._udp.example.test", 10, 0, 5090, "pbx.test");
    ServerLocator locator = locator(builder().staticHost("pbx.test", InetAddress.getByName("127.0.0.7")));
    assertThat(locate(locator, "sip:example.test;transport=udp"))
        .containsExactly(hop(Transport.UDP, "127.0.0.7", 5090));
    assertThat(dns.queries("A", "pbx.test") + dns.queries("AAAA", "pbx.test")).isZero();
  }

  // §4.1 NAPTR -> SRV -> A/AAAA

  @Test
  void naptrRecordsChooseTransportsInOrderThenPreference() throws Exception {
    dns.naptr("example.test", 10, 20, "S", "SIP+D2U", "_sip._udp.example.test")
        .naptr("example.test", 10, 10, "S", "SIP+D2T", "_sip._tcp.example.test")
        .naptr("example.test", 5, 50, "S", "SIPS+D2T", "_sips._tcp.example.test")
        .naptr("example.test", 1, 1, "S", "SIP+D2S", "_sip._sctp.example.test") // SCTP: skipped
        .srv("_sip._udp.example.test", 0, 0, 5060, "udp.example.test")
        .srv("_sip._tcp.example.test", 0, 0, 5060, "tcp.example.test")
        .srv("_sips._tcp.example.test", 0, 0, 5061, "tls.example.test")
        .a("udp.example.test", "127.0.0.1")
        .a("tcp.example.test", "127.0.0.2")
        .a("tls.example.test", "127.0.0.3")
        .aaaa("tls.example.test", "::1");

    assertThat(locate(locator(), "sip:alice@example.test")).containsExactly(
        hop(Transport.TLS, "127.0.0.3", 5061),
        hop(Transport.TLS, "::1", 5061),
        hop(Transport.TCP, "127.0.0.2", 5060),
        hop(Transport.UDP, "127.0.0.1", 5060));
    assertThat(dns.queries("SRV", "_sip._sctp.example.test")).isZero();
    assertThat(dns.queries("SRV", "_sip._udp.example.test")).isEqualTo(1);
  }

  @Test
  void sipsUriUsesOnlySecureNaptrServices() throws Exception {
    dns.naptr("example.test", 10, 10, "S", "SIP+D2U", "_sip._udp.example.test")
        .naptr("example.test", 20, 10, "s", "SIPS+D2T", "_sips._tcp.example.test")
        .srv("_sip._udp.example.test", 0, 0, 5060, "host.example.test")
        .srv("_sips._tcp.example.test", 0, 0, 5061, "host.example.test")
        .a("host.example.test", "127.0.0.4");

    assertThat(locate(locator(), "sips:example.test")).containsExactly(hop(Transport.TLS, "127.0.0.4", 5061));
    assertThat(dns.queries("SRV", "_sip._udp.example.test")).isZero();
  }

  @Test
  void naptrServicesForTransportsNotInUseAreSkipped() throws Exception {
    dns.naptr("example.test", 10, 10, "S", "SIP+D2W", "_sip._ws.example.test")
        .naptr("example.test", 20, 10, "S", "SIP+D2T", "_sip._tcp.example.test")
        .srv("_sip._ws.example.test", 0, 0, 80, "host.example.test")
        .srv("_sip._tcp.example.test", 0, 0, 5060, "host.example.test")
        .a("host.example.test", "127.0.0.4");

    assertThat(locate(locator(), "sip:example.test")).containsExactly(hop(Transport.TCP, "127.0.0.4", 5060));
    assertThat(locate(locator(builder().transports(Transport.WS, Transport.TCP)), "sip:example.test"))
        .containsExactly(hop(Transport.WS, "127.0.0.4", 80), hop(Transport.TCP, "127.0.0.4", 5060));
  }

  @Test
  void withoutNaptrSrvIsAskedForEveryTransportInOrder() throws Exception {
    dns.a("example.test", "127.0.0.99") // a host with an address but no NAPTR
        .srv("_sip._udp.example.test", 0, 0, 5070, "a.example.test")
        .srv("_sip._tcp.example.test", 0, 0, 5071, "b.example.test")
        .a("a.example.test", "127.0.0.1")
        .a("b.example.test", "127.0.0.2");

    assertThat(locate(locator(), "sip:example.test")).containsExactly(
        hop(Transport.UDP, "127.0.0.1", 5070), hop(Transport.TCP, "127.0.0.2", 5071));
    assertThat(dns.queries("NAPTR", "example.test")).isEqualTo(1);
    assertThat(dns.queries("SRV", "_sips._tcp.example.test")).isZero(); // _sips only for sips URIs
    assertThat(dns.queries("A", "example.test")).isZero();
  }

  @Test
  void srvWithTargetDotMeansTheServiceIsNotOffered() throws Exception {
    dns.srv("_sip._udp.example.test", 0, 0, 0, ".")
        .srv("_sip._tcp.example.test", 0, 0, 5071, "b.example.test")
        .a("b.example.test", "127.0.0.2");

    assertThat(locate(locator(), "sip:example.test")).containsExactly(hop(Transport.TCP, "127.0.0.2", 5071));
  }

  @Test
  void srvWithOnlyTargetDotIsNotOverriddenByAddresses() throws Exception {
    dns.srv("_sip._tcp.example.test", 0, 0, 0, ".").a("example.test", "127.0.0.5");

    assertThat(failure(locator(), "sip:example.test;transport=tcp"))
        .isInstanceOf(UnknownHostException.class)
        .hasMessageContaining("SRV _sip._tcp.example.test (target \".\": not offered)");
    assertThat(dns.queries("A", "example.test")).isZero();
  }

  @Test
  void withoutSrvTheAddressesAreUsedAtTheDefaultPort() throws Exception {
    dns.a("example.test", "127.0.0.5").aaaa("example.test", "::1");

    assertThat(locate(locator(), "sip:example.test")).containsExactly(
        hop(Transport.UDP, "127.0.0.5", 5060), hop(Transport.UDP, "::1", 5060));
    assertThat(locate(locator(builder().preferIPv6(true)), "sips:example.test")).containsExactly(
        hop(Transport.TLS, "::1", 5061), hop(Transport.TLS, "127.0.0.5", 5061));
    assertThat(dns.queries("SRV", "_sip._udp.example.test")).isEqualTo(1);
    assertThat(dns.queries("SRV", "_sips._tcp.example.test")).isEqualTo(1);
  }

  @Test
  void transportParameterOnADomainAsksOnlyItsSrvThenTheAddresses() throws Exception {
    dns.a("example.test", "127.0.0.5");

    assertThat(locate(locator(), "sip:example.test;transport=tcp")).containsExactly(hop(Transport.TCP, "127.0.0.5", 5060));
    assertThat(dns.queries("NAPTR", "example.test")).isZero();
    assertThat(dns.queries("SRV", "_sip._tcp.example.test")).isEqualTo(1);
    assertThat(dns.queries("SRV", "_sip._udp.example.test")).isZero();
  }

  @Test
  void portInTheUriSkipsNaptrAndSrv() throws Exception {
    dns.a("example.test", "127.0.0.5");

    assertThat(locate(locator(), "sip:example.test:5080")).containsExactly(hop(Transport.UDP, "127.0.0.5", 5080));
    assertThat(dns.queries("NAPTR", "example.test")).isZero();
    assertThat(dns.totalQueries()).isEqualTo(2); // A and AAAA
  }

  @Test
  void cnameInTheAnswerIsFollowed() throws Exception {
    dns.cname("sip.example.test", "real.example.test").a("real.example.test", "127.0.0.6");

    assertThat(locate(locator(), "sip:sip.example.test:5060")).containsExactly(hop(Transport.UDP, "127.0.0.6", 5060));
  }

  // RFC 2782 order

  @Test
  void srvRecordsAreOrderedByPriorityThenWeightedRandom() throws Exception {
    dns.srv("_sip._udp.example.test", 20, 0, 5003, "c.example.test")
        .srv("_sip._udp.example.test", 10, 60, 5001, "a.example.test")
        .srv("_sip._udp.example.test", 10, 40, 5002, "b.example.test")
        .a("a.example.test", "127.0.0.1")
        .a("b.example.test", "127.0.0.2")
        .a("c.example.test", "127.0.0.3");
    String uri = "sip:example.test;transport=udp";

    // running sums a=60, b=100: 70 picks b, then only a is left (sum 60: 0 picks a)
    assertThat(locate(locator(builder().random(scripted(70, 0))), uri)).containsExactly(
        hop(Transport.UDP, "127.0.0.2", 5002), hop(Transport.UDP, "127.0.0.1", 5001),
        hop(Transport.UDP, "127.0.0.3", 5003));
    // 60 still picks a (first running sum >= 60)
    assertThat(locate(locator(builder().random(scripted(60, 0))), uri)).containsExactly(
        hop(Transport.UDP, "127.0.0.1", 5001), hop(Transport.UDP, "127.0.0.2", 5002),
        hop(Transport.UDP, "127.0.0.3", 5003));
  }

  @Test
  void srvWeightsShareTheFirstPlaceInProportion() throws Exception {
    dns.srv("_sip._udp.example.test", 10, 60, 5001, "a.example.test")
        .srv("_sip._udp.example.test", 10, 40, 5002, "b.example.test")
        .srv("_sip._udp.example.test", 10, 0, 5003, "c.example.test");
    ServerLocator locator = locator(builder().random(new Random(42))
        .staticHost("a.example.test", InetAddress.getByName("127.0.0.1"))
        .staticHost("b.example.test", InetAddress.getByName("127.0.0.2"))
        .staticHost("c.example.test", InetAddress.getByName("127.0.0.3")));
    int[] first = new int[3];
    for (int i = 0; i < 2000; i++) {
      List<Hop> hops = locate(locator, "sip:example.test;transport=udp");
      assertThat(hops).hasSize(3);
      first[hops.get(0).address().getPort() - 5001]++;
    }
    assertThat(first[0]).isBetween(1100, 1300); // 60/101
    assertThat(first[1]).isBetween(700, 880);   // 40/101
    assertThat(first[2]).isBetween(1, 60);      // weight 0: 1/101
    assertThat(dns.queries("SRV", "_sip._udp.example.test")).isEqualTo(1); // cached
  }

  // failures

  @Test
  void nxdomainFailsNamingTheTargetAndEveryQueryTried() throws Exception {
    Throwable failure = failure(locator(), "sip:alice@nowhere.test");

    assertThat(failure).isInstanceOf(UnknownHostException.class)
        .hasMessageContaining("sip:alice@nowhere.test")
        .hasMessageContaining("NAPTR nowhere.test")
        .hasMessageContaining("SRV _sip._udp.nowhere.test")
        .hasMessageContaining("SRV _sip._tcp.nowhere.test")
        .hasMessageContaining("A nowhere.test")
        .hasMessageContaining("AAAA nowhere.test");
  }

  @Test
  void aSilentServerFailsTheLocationWithinTheQueryTimeout() throws Exception {
    dns.silent();
    ServerLocator locator = locator(builder()
        .limits(ServerLocatorConfig.builder().queryTimeout(TIMEOUT).build()));
    long start = System.nanoTime();

    Throwable failure = failure(locator, "sip:example.test");

    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(failure).isInstanceOf(UnknownHostException.class)
        .hasMessageContaining("sip:example.test")
        .hasMessageContaining("NAPTR example.test")
        .hasMessageContaining("timed out after " + TIMEOUT.toMillis() + " ms");
    assertThat(millis).isGreaterThanOrEqualTo(TIMEOUT.toMillis() - 50); // no upper bound: busy machines
    assertThat(dns.totalQueries()).isEqualTo(1);
  }

  @Test
  void theNextDnsServerIsAskedWhenOneTimesOut() throws Exception {
    FakeDnsServer silent = new FakeDnsServer().silent();
    toClose.add(silent);
    dns.a("example.test", "127.0.0.5");
    ServerLocator locator = locator(ServerLocator.builder()
        .dnsServers(silent.address(), dns.address())
        // the second server's answer must come within the timeout too: 400 ms was missed once
        // at load 15, so this test waits longer for the silent one
        .limits(ServerLocatorConfig.builder().queryTimeout(Duration.ofSeconds(2)).build()));

    assertThat(locate(locator, "sip:example.test:5060")).containsExactly(hop(Transport.UDP, "127.0.0.5", 5060));
    assertThat(silent.totalQueries()).isEqualTo(2); // A and AAAA, each then asked of the other server
  }

  @Test
  void aTransportNotInUseFailsWithTransportException() throws Exception {
    ServerLocator locator = locator();
    assertThat(failure(locator, "sip:127.0.0.1;transport=sctp"))
        .isInstanceOf(TransportException.class).hasMessageContaining("transport=sctp");
    assertThat(failure(locator, "sip:127.0.0.1;transport=ws"))
        .isInstanceOf(TransportException.class).hasMessageContaining("WS");
    assertThat(failure(locator, "sips:127.0.0.1;transport=udp"))
        .isInstanceOf(TransportException.class).hasMessageContaining("sips");
  }

  @Test
  void locatingAfterCloseFails() throws Exception {
    ServerLocator locator = builder().build();
    locator.close();
    locator.close();
    assertThat(failure(locator, "sip:127.0.0.1")).isInstanceOf(IllegalStateException.class);
  }

  // cache

  @Test
  void aSecondLocationIsAnsweredFromTheCache() throws Exception {
    dns.naptr("example.test", 10, 10, "S", "SIP+D2U", "_sip._udp.example.test")
        .srv("_sip._udp.example.test", 0, 0, 5060, "host.example.test")
        .a("host.example.test", "127.0.0.4");
    ServerLocator locator = locator();

    List<Hop> first = locate(locator, "sip:example.test");
    int queries = dns.totalQueries();
    List<Hop> second = locate(locator, "sip:bob@example.test");

    assertThat(second).isEqualTo(first).containsExactly(hop(Transport.UDP, "127.0.0.4", 5060));
    // AAAA of host.example.test found nothing: empty answers are not cached
    assertThat(dns.totalQueries()).isEqualTo(queries + 1);
    assertThat(dns.queries("NAPTR", "example.test")).isEqualTo(1);
    assertThat(dns.queries("SRV", "_sip._udp.example.test")).isEqualTo(1);
    assertThat(dns.queries("A", "host.example.test")).isEqualTo(1);
  }

  @Test
  void aZeroTtlIsNotCached() throws Exception {
    dns.a("example.test", 0, "127.0.0.5");
    ServerLocator locator = locator();

    locate(locator, "sip:example.test:5060");
    locate(locator, "sip:example.test:5060");

    assertThat(dns.queries("A", "example.test")).isEqualTo(2);
  }

  @Test
  void aDisabledCacheAsksEveryTime() throws Exception {
    dns.a("example.test", "127.0.0.5");
    ServerLocator locator = locator(builder()
        .limits(ServerLocatorConfig.builder().queryTimeout(ANSWERED).maxCacheEntries(0).build()));

    locate(locator, "sip:example.test:5060");
    locate(locator, "sip:example.test:5060");

    assertThat(dns.queries("A", "example.test")).isEqualTo(2);
  }

  // hops and limits

  @Test
  void hopsCarryTheUriDomainForTlsCertificateChecks() throws Exception {
    dns.srv("_sips._tcp.example.test", 0, 0, 5061, "tls1.provider.test")
        .a("tls1.provider.test", "127.0.0.3");

    List<Hop> hops = locate(locator(), "sips:example.test");

    assertThat(hops).containsExactly(hop(Transport.TLS, "127.0.0.3", 5061));
    assertThat(hops.get(0).address().getHostString()).isEqualTo("example.test"); // RFC 5922 §4
    assertThat(hops.get(0).toString()).isEqualTo("TLS/127.0.0.3:5061");
  }

  @Test
  void maxHopsCutsTheList() throws Exception {
    for (int i = 1; i <= 5; i++) {
      dns.a("example.test", "127.0.0." + i);
    }
    ServerLocator locator = locator(builder()
        .limits(ServerLocatorConfig.builder().queryTimeout(ANSWERED).maxHops(3).build()));

    assertThat(locate(locator, "sip:example.test:5060")).hasSize(3);
  }

  @Test
  void aLocationAsksAtMostItsQueryBudget() throws Exception {
    for (int i = 1; i <= 5; i++) {
      dns.srv("_sip._udp.example.test", i, 0, 5000 + i, "h" + i + ".example.test")
          .a("h" + i + ".example.test", "127.0.0." + i);
    }
    ServerLocator locator = locator(builder().limits(ServerLocatorConfig.builder()
        .queryTimeout(ANSWERED).maxQueriesPerLocation(3).build()));

    // SRV, then A and AAAA of the first target: the budget is spent
    assertThat(locate(locator, "sip:example.test;transport=udp"))
        .containsExactly(hop(Transport.UDP, "127.0.0.1", 5001));
    assertThat(dns.totalQueries()).isEqualTo(3);
  }

  @Test
  void configRefusesOutOfRangeSettings() {
    assertThatThrownBy(() -> ServerLocatorConfig.builder().maxHops(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxHops out of range (at least 1): 0");
    assertThatThrownBy(() -> ServerLocatorConfig.builder().queryTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queryTimeout");
    assertThatThrownBy(() -> ServerLocatorConfig.builder().maxCacheEntries(-1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxCacheEntries");
    assertThatThrownBy(() -> ServerLocator.builder().dnsServers(InetSocketAddress.createUnresolved("dns.test", 53)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dns.test");
  }

  @Test
  void aGivenEventLoopGroupRunsTheLocationAndOutlivesTheLocator() throws Exception {
    dns.a("example.test", "127.0.0.5");
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      ServerLocator locator = builder().eventLoopGroup(group).build();
      // started from the group's own thread: runs there, completes there
      CompletableFuture<List<Hop>> hops = new CompletableFuture<>();
      group.execute(() -> locator.locate(SipUri.parse("sip:example.test:5060"))
          .whenComplete((h, e) -> {
            if (group.next().inEventLoop()) {
              hops.complete(h);
            } else {
              hops.completeExceptionally(new AssertionError("completed off the loop"));
            }
          }));
      assertThat(hops.get(10, TimeUnit.SECONDS)).containsExactly(hop(Transport.UDP, "127.0.0.5", 5060));
      locator.close();
      assertThat(group.isShuttingDown()).isFalse();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
  }
}
