package dev.parley.transport.internal;

import dev.parley.transport.ServerLocatorConfig;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.netty.resolver.dns.DnsServerAddressStream;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One DNS question at a time, for server location: sends it with Netty's
 * {@link DnsNameResolver#query(InetSocketAddress, io.netty.handler.codec.dns.DnsQuestion)}, asks
 * the next server when one times out or fails (SERVFAIL, REFUSED...), follows CNAMEs within the
 * answer, decodes the records of the asked type and caches them for their TTL.
 *
 * <p>An answer with no records of the type (NXDOMAIN, or NOERROR with none) completes with an
 * empty list; only a failure on every server completes exceptionally, with an
 * {@link UnknownHostException} naming the question, the server and what went wrong.
 *
 * <p>Confined to one event loop: every method is called on it and every future completes on it, so
 * the cache and the table of queries in flight need no locks.
 */
final class DnsLookup {
  private final EventLoop loop;
  private final DnsNameResolver resolver;
  private final DnsServerAddressStreamProvider servers;
  private final ServerLocatorConfig config;
  private final LongSupplier nanoTime;
  private final Map<String, CachedAnswer> cache;
  private final Map<String, CompletableFuture<List<?>>> inFlight = new HashMap<>();

  DnsLookup(EventLoop loop, DnsNameResolver resolver, DnsServerAddressStreamProvider servers,
      ServerLocatorConfig config, LongSupplier nanoTime) {
    this.loop = loop;
    this.resolver = resolver;
    this.servers = servers;
    this.config = config;
    this.nanoTime = nanoTime;
    int max = config.maxCacheEntries();
    this.cache = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, CachedAnswer> eldest) {
        return size() > max;
      }
    };
  }

  private record CachedAnswer(List<?> records, long expiresAtNanos) {}

  /**
   * The records of {@code type} for {@code name}, decoded; empty when there are none.
   *
   * @param decode turns one raw record into a value; a record it refuses (throws) is skipped
   */
  @SuppressWarnings("unchecked")
  <T> CompletableFuture<List<T>> lookup(String name, DnsRecordType type,
      Function<DnsRawRecord, T> decode) {
    assert loop.inEventLoop();
    String key = type.name() + ' ' + name;
    CachedAnswer cached = cache.get(key);
    if (cached != null) {
      if (cached.expiresAtNanos() - nanoTime.getAsLong() > 0) {
        return CompletableFuture.completedFuture((List<T>) cached.records());
      }
      cache.remove(key);
    }
    CompletableFuture<List<?>> pending = inFlight.get(key);
    if (pending == null) {
      CompletableFuture<List<?>> started = new CompletableFuture<>();
      inFlight.put(key, started);
      pending = started;
      DnsServerAddressStream stream = servers.nameServerAddressStream(name);
      ask(name, type, decode, stream, Math.max(1, stream.size()), started);
      started.whenComplete((r, e) -> inFlight.remove(key));
    }
    return pending.thenApply(r -> (List<T>) r);
  }

  private <T> void ask(String name, DnsRecordType type, Function<DnsRawRecord, T> decode,
      DnsServerAddressStream stream, int attemptsLeft, CompletableFuture<List<?>> result) {
    InetSocketAddress server = stream.next();
    Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> query =
        resolver.query(server, new DefaultDnsQuestion(name, type));
    query.addListener(f -> {
      String failure;
      Throwable cause = null;
      if (f.isSuccess()) {
        AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = query.getNow();
        try {
          DnsResponse response = envelope.content();
          DnsResponseCode code = response.code();
          if (code == DnsResponseCode.NOERROR || code == DnsResponseCode.NXDOMAIN) {
            result.complete(answer(name, type, decode, response));
            return;
          }
          failure = "answered " + code;
        } catch (RuntimeException e) {
          failure = "sent an answer that cannot be read: " + e;
          cause = e;
        } finally {
          envelope.release();
        }
      } else {
        cause = f.cause();
        failure = cause instanceof DnsNameResolverTimeoutException
            || DnsNameResolver.isTimeoutError(cause)
            ? "timed out after " + config.queryTimeout().toMillis() + " ms"
            : "failed: " + cause.getMessage();
      }
      if (attemptsLeft > 1 && !loop.isShuttingDown()) {
        ask(name, type, decode, stream, attemptsLeft - 1, result);
        return;
      }
      UnknownHostException e = new UnknownHostException(
          "DNS query " + type.name() + " " + name + " to " + hostAndPort(server) + " " + failure);
      if (cause != null) {
        e.initCause(cause);
      }
      result.completeExceptionally(e);
    });
  }

  private <T> List<T> answer(String name, DnsRecordType type, Function<DnsRawRecord, T> decode,
      DnsResponse response) {
    int count = response.count(DnsSection.ANSWER);
    // the owner names that stand for the question: itself and the CNAME chain in the answer
    Set<String> names = new HashSet<>();
    names.add(DnsRecords.normalise(name));
    boolean grew = true;
    for (int round = 0; grew && round < 8; round++) {
      grew = false;
      for (int i = 0; i < count; i++) {
        DnsRecord r = response.recordAt(DnsSection.ANSWER, i);
        if (r.type() == DnsRecordType.CNAME && r instanceof DnsRawRecord raw
            && names.contains(DnsRecords.normalise(r.name()))) {
          grew |= names.add(DnsRecords.decodeCname(raw));
        }
      }
    }
    List<T> records = new ArrayList<>();
    long ttl = Long.MAX_VALUE;
    for (int i = 0; i < count && records.size() < config.maxRecordsPerAnswer(); i++) {
      DnsRecord r = response.recordAt(DnsSection.ANSWER, i);
      if (r.type() != type || !(r instanceof DnsRawRecord raw)
          || !names.contains(DnsRecords.normalise(r.name()))) {
        continue;
      }
      T value;
      try {
        value = decode.apply(raw);
      } catch (RuntimeException malformed) {
        continue; // one bad record does not spoil the others
      }
      records.add(value);
      ttl = Math.min(ttl, r.timeToLive());
    }
    List<T> result = List.copyOf(records);
    long maxTtl = config.maxCacheTtl().getSeconds();
    if (!result.isEmpty() && ttl > 0 && maxTtl > 0 && config.maxCacheEntries() > 0) {
      long seconds = Math.min(ttl, maxTtl);
      cache.put(type.name() + ' ' + name,
          new CachedAnswer(result, nanoTime.getAsLong() + TimeUnit.SECONDS.toNanos(seconds)));
    }
    return result;
  }

  private static String hostAndPort(InetSocketAddress a) {
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
