package dev.parley.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server on 127.0.0.1 (UDP, free port) answering from a table, for server location tests:
 * Netty's DNS codec, NAPTR and SRV RDATA encoded by hand. A name with no record of the asked type
 * gets NOERROR with an empty answer; a name it has never heard of gets NXDOMAIN; {@link #silent()}
 * makes it answer nothing. It counts the queries it receives.
 */
final class FakeDnsServer implements AutoCloseable {
  private record Entry(DnsRecordType type, long ttl, byte[] rdata) {}

  private final Map<String, List<Entry>> records = new ConcurrentHashMap<>();
  private final Set<String> names = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel channel;
  private volatile boolean silent;

  FakeDnsServer() throws InterruptedException {
    channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
        .handler(new ChannelInitializer<DatagramChannel>() {
          @Override
          protected void initChannel(DatagramChannel ch) {
            ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                new SimpleChannelInboundHandler<DatagramDnsQuery>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
                    answer(ctx, query);
                  }
                });
          }
        })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
  }

  /** Where to send queries. */
  InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** From now on, receives and counts queries but answers none. */
  FakeDnsServer silent() {
    silent = true;
    return this;
  }

  FakeDnsServer a(String name, String address) {
    return add(name, DnsRecordType.A, 300, ip(address, 4));
  }

  FakeDnsServer aaaa(String name, String address) {
    return add(name, DnsRecordType.AAAA, 300, ip(address, 16));
  }

  FakeDnsServer a(String name, long ttl, String address) {
    return add(name, DnsRecordType.A, ttl, ip(address, 4));
  }

  FakeDnsServer cname(String name, String target) {
    return add(name, DnsRecordType.CNAME, 300, name(target));
  }

  /** SRV RDATA: priority, weight, port (16 bits each), target (RFC 2782). */
  FakeDnsServer srv(String name, int priority, int weight, int port, String target) {
    ByteBuf b = Unpooled.buffer();
    b.writeShort(priority).writeShort(weight).writeShort(port).writeBytes(name(target));
    return add(name, DnsRecordType.SRV, 300, bytes(b));
  }

  /** NAPTR RDATA: order, preference, flags, services, regexp, replacement (RFC 3403 §4.1). */
  FakeDnsServer naptr(String name, int order, int preference, String flags, String services,
      String replacement) {
    ByteBuf b = Unpooled.buffer();
    b.writeShort(order).writeShort(preference);
    for (String s : new String[] {flags, services, ""}) {
      b.writeByte(s.length()).writeCharSequence(s, StandardCharsets.US_ASCII);
    }
    b.writeBytes(name(replacement));
    return add(name, DnsRecordType.NAPTR, 300, bytes(b));
  }

  /** Queries received for {@code type} at {@code name}. */
  int queries(String type, String name) {
    AtomicInteger n = queries.get(key(DnsRecordType.valueOf(type), name));
    return n == null ? 0 : n.get();
  }

  /** Queries received in all. */
  int totalQueries() {
    return total.get();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  private FakeDnsServer add(String name, DnsRecordType type, long ttl, byte[] rdata) {
    names.add(normalise(name));
    records.computeIfAbsent(key(type, name), k -> new ArrayList<>())
        .add(new Entry(type, ttl, rdata));
    return this;
  }

  private void answer(ChannelHandlerContext ctx, DatagramDnsQuery query) {
    DnsQuestion question = query.recordAt(DnsSection.QUESTION);
    String name = normalise(question.name());
    queries.computeIfAbsent(key(question.type(), name), k -> new AtomicInteger()).incrementAndGet();
    total.incrementAndGet();
    if (silent) {
      return;
    }
    List<Entry> found = new ArrayList<>(records.getOrDefault(key(question.type(), name), List.of()));
    // a CNAME answers every type, as a recursive server would follow it within the answer
    List<Entry> aliases = records.getOrDefault(key(DnsRecordType.CNAME, name), List.of());
    DnsResponseCode code = names.contains(name) ? DnsResponseCode.NOERROR : DnsResponseCode.NXDOMAIN;
    DatagramDnsResponse response = new DatagramDnsResponse(address(), query.sender(), query.id(),
        DnsOpCode.QUERY, code);
    response.setRecursionAvailable(true).setRecursionDesired(query.isRecursionDesired());
    response.addRecord(DnsSection.QUESTION, question);
    for (Entry e : aliases) {
      response.addRecord(DnsSection.ANSWER, raw(question.name(), e));
      String target = decodeName(e.rdata());
      for (Entry t : records.getOrDefault(key(question.type(), target), List.of())) {
        response.addRecord(DnsSection.ANSWER, raw(target + ".", t));
      }
    }
    for (Entry e : found) {
      response.addRecord(DnsSection.ANSWER, raw(question.name(), e));
    }
    ctx.writeAndFlush(response);
  }

  private static DefaultDnsRawRecord raw(String owner, Entry e) {
    return new DefaultDnsRawRecord(owner, e.type(), e.ttl(), Unpooled.wrappedBuffer(e.rdata()));
  }

  private static String key(DnsRecordType type, String name) {
    return type.name() + ' ' + normalise(name);
  }

  private static String normalise(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  /** A domain name as uncompressed labels (RFC 1035 §3.1). */
  private static byte[] name(String name) {
    ByteBuf b = Unpooled.buffer();
    String n = normalise(name);
    if (!n.isEmpty()) {
      for (String label : n.split("\\.")) {
        b.writeByte(label.length()).writeCharSequence(label, StandardCharsets.US_ASCII);
      }
    }
    b.writeByte(0);
    return bytes(b);
  }

  private static String decodeName(byte[] wire) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (wire[i] != 0) {
      int len = wire[i];
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(new String(wire, i + 1, len, StandardCharsets.US_ASCII));
      i += len + 1;
    }
    return sb.toString();
  }

  private static byte[] ip(String literal, int length) {
    try {
      byte[] b = InetAddress.getByName(literal).getAddress();
      if (b.length != length) {
        throw new IllegalArgumentException("not an IPv" + (length == 4 ? 4 : 6) + " literal: " + literal);
      }
      return b;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  private static byte[] bytes(ByteBuf b) {
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    b.release();
    return out;
  }
}
