package dev.parley.transport;

import dev.parley.sip.SipUri;
import dev.parley.transport.internal.DnsServerLocator;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Finds the servers a request for a SIP URI goes to: RFC 3263 §4 server location.
 *
 * <pre>{@code
 * ServerLocator locator = ServerLocator.builder().build();    // the system's DNS servers
 * List<Hop> hops = locator.locate(SipUri.parse("sip:example.com")).join();
 * // e.g. [UDP/192.0.2.10:5060, TCP/192.0.2.10:5060, UDP/192.0.2.11:5060]
 * }</pre>
 *
 * <p>The target is the URI's {@code maddr}, else its host. The transport comes from the
 * {@code transport} parameter; else a numeric target or one with a port gets UDP ({@code sip:}) or
 * TLS ({@code sips:}); else NAPTR records choose it (RFC 3263 §4.1). The port comes from the URI;
 * else SRV records give ports and hosts (RFC 2782 order: priority, then weighted random); else the
 * transport's default port with the target's A/AAAA addresses (§4.2). A name in the builder's
 * {@linkplain Builder#staticHost static hosts} (and {@code localhost}, RFC 6761) is resolved without
 * DNS, as a numeric target would be.
 *
 * <p>The returned hops are in the order to try them (RFC 3263 §4.3); each hop's address carries the
 * target domain as its host name, so that a TLS client checks the server's certificate against the
 * domain of the URI (RFC 5922 §4), not against an SRV target.
 *
 * <p>Thread-safe. Futures complete on an event loop: do not block in their callbacks. A failed
 * location completes exceptionally with {@link java.net.UnknownHostException} naming the target and
 * every query that found nothing, or the query that failed (timeout, server failure); or with
 * {@link TransportException} when the URI asks for a transport this locator does not use.
 */
public interface ServerLocator extends AutoCloseable {
  /**
   * The hops to try, best first, for a request to {@code target}; never empty when it succeeds.
   *
   * @throws NullPointerException when {@code target} is null (every other problem fails the future)
   */
  CompletableFuture<List<Hop>> locate(SipUri target);

  /**
   * Stops: later {@link #locate} calls fail with {@link IllegalStateException}. Shuts down the
   * event loop group if the locator created it (never one given to {@link Builder#eventLoopGroup}).
   * Idempotent.
   */
  @Override
  void close();

  /** A builder using the system's DNS servers, UDP, TCP and TLS, and the default limits. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds the DNS-backed {@link ServerLocator}; not thread-safe. */
  final class Builder {
    private final List<InetSocketAddress> dnsServers = new ArrayList<>();
    private final Map<String, List<InetAddress>> staticHosts = new LinkedHashMap<>();
    private final Set<Transport> transports = new LinkedHashSet<>();
    private ServerLocatorConfig config = ServerLocatorConfig.DEFAULT;
    private EventLoopGroup group;
    private Random random;
    private boolean preferIPv6;

    private Builder() {}

    /**
     * The DNS servers to ask, in order (the next one is asked when one times out or fails). By
     * default the system's, as Netty reads them ({@code /etc/resolv.conf} on Unix).
     */
    public Builder dnsServers(InetSocketAddress... servers) {
      for (InetSocketAddress s : servers) {
        Objects.requireNonNull(s, "server");
        if (s.isUnresolved()) {
          throw new IllegalArgumentException("DNS server address is unresolved: " + s);
        }
        dnsServers.add(s);
      }
      return this;
    }

    /**
     * Adds a static host: {@code name} resolves to {@code addresses}, in that order, without DNS
     * (no NAPTR, SRV, A or AAAA query), like a line of {@code /etc/hosts}. Also used for SRV
     * targets and NAPTR replacements. Names compare case-insensitively; a trailing dot is ignored.
     */
    public Builder staticHost(String name, InetAddress... addresses) {
      Objects.requireNonNull(name, "name");
      if (addresses.length == 0) {
        throw new IllegalArgumentException("static host " + name + " has no address");
      }
      List<InetAddress> list = staticHosts.computeIfAbsent(normalise(name), k -> new ArrayList<>());
      for (InetAddress a : addresses) {
        list.add(Objects.requireNonNull(a, "address"));
      }
      return this;
    }

    /**
     * The transports hops may use, in the order SRV records are tried when a domain has no NAPTR
     * records (RFC 3263 §4.1 leaves it to the client). Default: UDP, TCP, TLS. NAPTR services and
     * {@code transport} parameters for other transports are ignored or refused.
     */
    public Builder transports(Transport... transports) {
      if (transports.length == 0) {
        throw new IllegalArgumentException("transports is empty");
      }
      this.transports.clear();
      for (Transport t : transports) {
        this.transports.add(Objects.requireNonNull(t, "transport"));
      }
      return this;
    }

    /** The limits and timers. */
    public Builder limits(ServerLocatorConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Runs on a group the caller owns (for example the one given to
     * {@link NettyTransportLayer.Builder#eventLoopGroup}); by default the locator creates a
     * one-thread group.
     */
    public Builder eventLoopGroup(EventLoopGroup group) {
      this.group = Objects.requireNonNull(group, "group");
      return this;
    }

    /** The source of the RFC 2782 weighted choice among SRV records of one priority (tests seed it). */
    public Builder random(Random random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Whether a host's IPv6 (AAAA) addresses come before its IPv4 (A) ones; default false. */
    public Builder preferIPv6(boolean preferIPv6) {
      this.preferIPv6 = preferIPv6;
      return this;
    }

    /**
     * The locator, ready to use.
     *
     * @throws IllegalArgumentException when a DNS server address is not an IP address
     */
    public ServerLocator build() {
      Set<Transport> enabled = transports.isEmpty()
          ? EnumSet.of(Transport.UDP, Transport.TCP, Transport.TLS) : transports;
      Map<String, List<InetAddress>> hosts = new LinkedHashMap<>();
      staticHosts.forEach((k, v) -> hosts.put(k, List.copyOf(v)));
      return new DnsServerLocator(List.copyOf(dnsServers), hosts, List.copyOf(enabled), config,
          group, random != null ? random : new Random(), preferIPv6);
    }

    private static String normalise(String name) {
      String n = name.toLowerCase(Locale.ROOT);
      return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
  }
}
