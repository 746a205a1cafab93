package dev.parley.transport.internal;

import dev.parley.sip.SipUri;
import dev.parley.transport.Hop;
import dev.parley.transport.ServerLocator;
import dev.parley.transport.ServerLocatorConfig;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportException;
import dev.parley.transport.internal.DnsRecords.Naptr;
import dev.parley.transport.internal.DnsRecords.Srv;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ServerLocator} over DNS: RFC 3263 §4 with NAPTR (RFC 3403), SRV (RFC 2782) and A/AAAA
 * queries sent by Netty's {@link DnsNameResolver}, static hosts first.
 *
 * <p>Every step runs on one event loop of the group; callers' threads only hand work to it. Public
 * for {@link ServerLocator.Builder}; not part of the API.
 */
public final class DnsServerLocator implements ServerLocator {
  private final Map<String, List<InetAddress>> staticHosts;
  private final List<Transport> transports;
  private final ServerLocatorConfig config;
  private final Random random;
  private final boolean preferIPv6;
  private final EventLoopGroup ownedGroup;
  private final EventLoop loop;
  private final DnsNameResolver resolver;
  private final DnsLookup dns;
  private volatile boolean closed;

  /** Called by {@link ServerLocator.Builder#build()} only. */
  public DnsServerLocator(List<InetSocketAddress> dnsServers,
      Map<String, List<InetAddress>> staticHosts, List<Transport> transports,
      ServerLocatorConfig config, EventLoopGroup group, Random random, boolean preferIPv6) {
    this.staticHosts = staticHosts;
    this.transports = transports;
    this.config = config;
    this.random = random;
    this.preferIPv6 = preferIPv6;
    this.ownedGroup = group == null
        ? new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()) : null;
    this.loop = (group != null ? group : ownedGroup).next();
    DnsServerAddressStreamProvider servers = dnsServers.isEmpty()
        ? DnsServerAddressStreamProviders.platformDefault()
        : new SequentialDnsServerAddressStreamProvider(dnsServers);
    this.resolver = new DnsNameResolverBuilder(loop)
        .datagramChannelType(NioDatagramChannel.class)
        .socketChannelType(NioSocketChannel.class) // a truncated answer is asked again over TCP
        .nameServerProvider(servers)
        .queryTimeoutMillis(config.queryTimeout().toMillis())
        .resolveCache(NoopDnsCache.INSTANCE)           // DnsLookup caches, by its own limits
        .cnameCache(NoopDnsCnameCache.INSTANCE)
        .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
        .hostsFileEntriesResolver((host, types) -> null) // static hosts replace /etc/hosts
        .searchDomains(List.of())                      // URIs carry fully qualified names
        .recursionDesired(true)
        .build();
    this.dns = new DnsLookup(loop, resolver, servers, config, System::nanoTime);
  }

  @Override
  public CompletableFuture<List<Hop>> locate(SipUri target) {
    if (target == null) {
      throw new NullPointerException("target");
    }
    CompletableFuture<List<Hop>> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new IllegalStateException("server locator is closed"));
      return result;
    }
    Runnable start = () -> {
      try {
        Location location = new Location(target);
        location.run().whenComplete((hops, error) -> {
          if (error != null) {
            Throwable cause = unwrap(error);
            result.completeExceptionally(
                cause instanceof UnknownHostException ? location.located(cause) : cause);
          } else {
            result.complete(List.copyOf(
                new LinkedHashSet<>(hops).stream().limit(config.maxHops()).toList()));
          }
        });
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    };
    try {
      if (loop.inEventLoop()) {
        start.run();
      } else {
        loop.execute(start);
      }
    } catch (RuntimeException rejected) {
      result.completeExceptionally(new IllegalStateException("server locator is closed", rejected));
    }
    return result;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (loop.inEventLoop()) {
      resolver.close();
    } else {
      try {
        loop.submit(resolver::close).await(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException alreadyShutDown) {
        // the caller's group is gone: so is the resolver's channel
      }
    }
    if (ownedGroup != null) {
      ownedGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      if (!loop.inEventLoop()) {
        ownedGroup.terminationFuture().awaitUninterruptibly(3, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public String toString() {
    return "DnsServerLocator{transports=" + transports + ", staticHosts=" + staticHosts.keySet()
        + ", " + config + "}";
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  /** The SRV owner prefix for a transport (RFC 3263 §4.1, RFC 7118 §6 for WebSocket). */
  private static String srvPrefix(Transport t) {
    switch (t) {
      case UDP: return "_sip._udp.";
      case TCP: return "_sip._tcp.";
      case TLS: return "_sips._tcp.";
      case WS: return "_sip._ws.";
      case WSS: return "_sips._ws.";
      default: throw new AssertionError(t);
    }
  }

  /** The transport of a NAPTR service field (RFC 3263 §4.1, RFC 7118 §6), or null. */
  private static Transport naptrTransport(String services) {
    switch (services.toUpperCase(Locale.ROOT)) {
      case "SIP+D2U": return Transport.UDP;
      case "SIP+D2T": return Transport.TCP;
      case "SIPS+D2T": return Transport.TLS;
      case "SIP+D2W": return Transport.WS;
      case "SIPS+D2W": return Transport.WSS;
      default: return null; // SIP+D2S (SCTP) and anything else: not spoken here
    }
  }

  /**
   * One run of RFC 3263 §4 for one URI; confined to the event loop. Collects the queries that
   * found nothing, for the error message.
   */
  private final class Location {
    private final SipUri uri;
    private final String target;
    private final boolean secure;
    private final Set<String> empty = new LinkedHashSet<>();
    private boolean declined;
    private final Map<String, CompletableFuture<? extends List<?>>> asked = new HashMap<>();

    Location(SipUri uri) {
      this.uri = uri;
      String t = uri.maddr() != null && !uri.maddr().isEmpty() ? uri.maddr() : uri.host();
      if (t.startsWith("[") && t.endsWith("]")) {
        t = t.substring(1, t.length() - 1);
      }
      this.target = DnsRecords.normalise(t);
      this.secure = uri.isSecure();
    }

    CompletableFuture<List<Hop>> run() {
      Transport explicit = uri.transport() != null ? explicitTransport(uri.transport()) : null;
      int port = uri.port();
      List<InetAddress> known = knownAddresses(target);
      if (known != null) {
        // §4.1: a numeric IP (and here a static host) gets UDP, or TLS for sips, unless told
        Transport t = explicit != null ? explicit : defaultTransport();
        return done(hops(t, known, port >= 0 ? port : t.defaultPort()));
      }
      if (port >= 0) {
        // §4.2: a port in the URI: A/AAAA of the target, no NAPTR, no SRV
        Transport t = explicit != null ? explicit : defaultTransport();
        return addressHops(t, target, port);
      }
      if (explicit != null) {
        // §4.2: transport known, no port: SRV for it, else A/AAAA at the default port
        return srvHops(explicit, srvPrefix(explicit) + target).thenCompose(hops -> hops.isEmpty()
            ? addressHops(explicit, target, explicit.defaultPort()) : done(hops));
      }
      return naptrHops()
          .thenCompose(hops -> hops.isEmpty() ? srvFallbackHops() : done(hops))
          .thenCompose(hops -> {
            if (!hops.isEmpty()) {
              return done(hops);
            }
            Transport t = defaultTransport();
            return addressHops(t, target, t.defaultPort());
          });
    }

    /** §4.1: NAPTR records of the target, ordered, filtered by service; SRV for each. */
    private CompletableFuture<List<Hop>> naptrHops() {
      return lookup(target, DnsRecordType.NAPTR, DnsRecords::decodeNaptr).thenCompose(records -> {
        if (records.isEmpty()) {
          empty.add("NAPTR " + target);
          return done(List.of());
        }
        List<Naptr> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparingInt(Naptr::order).thenComparingInt(Naptr::preference));
        List<CompletableFuture<List<Hop>>> lookups = new ArrayList<>();
        for (Naptr n : sorted) {
          Transport t = naptrTransport(n.services());
          if (t != null && transports.contains(t) && (!secure || t.isSecure())
              && n.flags().equalsIgnoreCase("s") && !n.replacement().isEmpty()) {
            lookups.add(srvHops(t, n.replacement()));
          }
        }
        if (lookups.isEmpty()) {
          empty.add("NAPTR " + target + " (none with a service for " + transports + ")");
        }
        return inOrder(lookups);
      });
    }

    /** §4.1: no usable NAPTR: SRV for every transport we use, in our order. */
    private CompletableFuture<List<Hop>> srvFallbackHops() {
      List<CompletableFuture<List<Hop>>> lookups = new ArrayList<>();
      for (Transport t : transportsFor()) {
        lookups.add(srvHops(t, srvPrefix(t) + target));
      }
      return inOrder(lookups);
    }

    /** The SRV records at {@code name}, in RFC 2782 order, each target resolved. */
    private CompletableFuture<List<Hop>> srvHops(Transport t, String name) {
      return lookup(name, DnsRecordType.SRV, DnsRecords::decodeSrv).thenCompose(records -> {
        if (records.isEmpty()) {
          empty.add("SRV " + name);
          return done(List.of());
        }
        List<Srv> ordered = SrvOrder.order(records, random);
        if (ordered.isEmpty()) {
          empty.add("SRV " + name + " (target \".\": not offered)");
          declined = true;
        }
        List<CompletableFuture<List<Hop>>> targets = new ArrayList<>();
        for (Srv srv : ordered) {
          targets.add(addresses(srv.target())
              .thenApply(addresses -> hops(t, addresses, srv.port())));
        }
        return inOrder(targets);
      });
    }

    /**
     * §4.2: the addresses of {@code name} at {@code port}; fails when there are none, or when an
     * SRV record said the service is not offered (RFC 2782: target ".").
     */
    private CompletableFuture<List<Hop>> addressHops(Transport t, String name, int port) {
      if (declined) {
        return CompletableFuture.failedFuture(new UnknownHostException("cannot locate " + uri
            + ": no records for " + String.join(", ", empty)));
      }
      return addresses(name).thenApply(addresses -> {
        if (addresses.isEmpty()) {
          throw new CompletionException(new UnknownHostException("cannot locate " + uri
              + ": no records for " + String.join(", ", empty)));
        }
        return hops(t, addresses, port);
      });
    }

    /** Static host, numeric, localhost, else A and AAAA (both asked at once). */
    private CompletableFuture<List<InetAddress>> addresses(String name) {
      List<InetAddress> known = knownAddresses(name);
      if (known != null) {
        return done(known);
      }
      CompletableFuture<List<InetAddress>> a =
          lookup(name, DnsRecordType.A, DnsRecords::decodeAddress);
      CompletableFuture<List<InetAddress>> aaaa =
          lookup(name, DnsRecordType.AAAA, DnsRecords::decodeAddress);
      List<CompletableFuture<List<InetAddress>>> both = preferIPv6 ? List.of(aaaa, a) : List.of(a, aaaa);
      return inOrder(both).thenApply(addresses -> {
        if (addresses.isEmpty()) {
          empty.add("A " + name);
          empty.add("AAAA " + name);
        }
        return addresses;
      });
    }

    /**
     * The results of {@code steps} concatenated in order. A failed step is skipped when another
     * step gave something; when none did, the first failure is the result.
     */
    private <T> CompletableFuture<List<T>> inOrder(List<CompletableFuture<List<T>>> steps) {
      return CompletableFuture.allOf(steps.stream()
              .map(s -> s.handle((r, e) -> null)).toArray(CompletableFuture[]::new))
          .thenApply(ignored -> {
            List<T> all = new ArrayList<>();
            Throwable firstError = null;
            for (CompletableFuture<List<T>> s : steps) {
              if (s.isCompletedExceptionally()) {
                if (firstError == null) {
                  firstError = unwrap(s.handle((r, e) -> e).join());
                }
              } else {
                all.addAll(s.join());
              }
            }
            if (all.isEmpty() && firstError != null) {
              throw new CompletionException(firstError);
            }
            return all;
          });
    }

    /** A DNS failure reworded to name the URI, unless it already does. */
    Throwable located(Throwable dnsFailure) {
      String prefix = "cannot locate " + uri + ": ";
      if (dnsFailure.getMessage() != null && dnsFailure.getMessage().startsWith(prefix)) {
        return dnsFailure;
      }
      UnknownHostException e = new UnknownHostException(prefix + dnsFailure.getMessage());
      e.initCause(dnsFailure);
      return e;
    }

    private List<Hop> hops(Transport t, List<InetAddress> addresses, int port) {
      LinkedHashSet<Hop> hops = new LinkedHashSet<>();
      for (InetAddress a : addresses) {
        hops.add(new Hop(t, new InetSocketAddress(named(a), port)));
        if (hops.size() >= config.maxHops()) {
          break;
        }
      }
      return List.copyOf(hops);
    }

    /** The address with the target domain as its host name (RFC 5922 §4), for TLS checks. */
    private InetAddress named(InetAddress a) {
      if (NetUtil.isValidIpV4Address(target) || NetUtil.isValidIpV6Address(target)) {
        return a;
      }
      try {
        if (a instanceof Inet6Address six && six.getScopeId() != 0) {
          return Inet6Address.getByAddress(target, a.getAddress(), six.getScopeId());
        }
        return InetAddress.getByAddress(target, a.getAddress());
      } catch (UnknownHostException e) {
        throw new AssertionError(e); // the length came from an address
      }
    }

    /** A numeric target, a static host, or localhost: addresses known without DNS; else null. */
    private List<InetAddress> knownAddresses(String name) {
      byte[] numeric = NetUtil.createByteArrayFromIpAddressString(name);
      if (numeric != null) {
        try {
          return List.of(InetAddress.getByAddress(numeric));
        } catch (UnknownHostException e) {
          throw new AssertionError(e);
        }
      }
      List<InetAddress> fixed = staticHosts.get(name);
      if (fixed != null) {
        return fixed;
      }
      if (name.equals("localhost")) { // RFC 6761 §6.3: never sent to DNS
        return List.of(InetAddress.getLoopbackAddress());
      }
      return null;
    }

    /** The transport named by the URI's {@code transport} parameter, made secure for sips. */
    private Transport explicitTransport(String param) {
      Transport t;
      try {
        t = Transport.of(param);
      } catch (IllegalArgumentException e) {
        throw new TransportException("cannot locate " + uri + ": transport=" + param
            + " is not one Parley speaks");
      }
      if (secure) {
        if (t == Transport.UDP) {
          throw new TransportException("cannot locate " + uri
              + ": a sips URI needs TLS, not transport=udp (RFC 3261 §26.2.2)");
        }
        t = t == Transport.TCP ? Transport.TLS : t == Transport.WS ? Transport.WSS : t;
      }
      return enabled(t);
    }

    /** UDP for sip (TCP when UDP is off), TLS for sips (RFC 3263 §4.1). */
    private Transport defaultTransport() {
      if (secure) {
        return enabled(Transport.TLS);
      }
      return transports.contains(Transport.UDP) ? Transport.UDP : enabled(Transport.TCP);
    }

    private Transport enabled(Transport t) {
      if (!transports.contains(t)) {
        throw new TransportException("cannot locate " + uri + ": it needs " + t
            + ", which this locator does not use (it uses " + transports + ")");
      }
      return t;
    }

    /** {@link DnsLookup#lookup}, asked once per location (an empty answer is not cached). */
    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<List<T>> lookup(String name, DnsRecordType type,
        Function<DnsRawRecord, T> decode) {
      String key = type.name() + ' ' + name;
      CompletableFuture<? extends List<?>> known = asked.get(key);
      if (known == null) {
        if (asked.size() >= config.maxQueriesPerLocation()) {
          empty.add("(more, beyond the budget of " + config.maxQueriesPerLocation() + " queries)");
          return done(List.of());
        }
        known = dns.lookup(name, type, decode);
        asked.put(key, known);
      }
      return (CompletableFuture<List<T>>) known;
    }

    /** The transports this URI may use: the secure ones for sips (RFC 3263 §4.1). */
    private List<Transport> transportsFor() {
      List<Transport> list = new ArrayList<>();
      for (Transport t : transports) {
        if (t.isSecure() == secure) {
          list.add(t);
        }
      }
      return list;
    }
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
