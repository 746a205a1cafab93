package dev.parley.server.web;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the web listener's open HTTP connections, in all and per source address: a new
 * connection beyond a bound is not refused but closes the oldest connection of its own address
 * (at its address's bound) or of the address holding the most, so that slow clients cannot stop
 * the listener answering a new one. A connection handed to the SIP transport (WebSocket at
 * {@code /ws}) removes this handler and leaves the count: the transport's limits hold it then.
 *
 * <p>One instance for all channels ({@link Sharable}); thread-safe.
 */
@ChannelHandler.Sharable
final class WebConnectionLimit extends ChannelInboundHandlerAdapter {
  private final int maxConnections;
  private final int maxPerAddress;
  private final Map<InetAddress, LinkedHashSet<Channel>> open = new HashMap<>();
  private final AtomicLong evicted = new AtomicLong();
  private int total;

  WebConnectionLimit(int maxConnections, int maxPerAddress) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    Channel ch = ctx.channel();
    Channel victim = null;
    synchronized (this) {
      LinkedHashSet<Channel> mine = open.computeIfAbsent(source(ch), a -> new LinkedHashSet<>());
      if (mine.size() >= maxPerAddress) {
        victim = mine.iterator().next();
      } else if (total >= maxConnections) {
        victim = open.values().stream().max(Comparator.comparingInt(Set::size))
            .map(s -> s.iterator().next()).orElse(null);
      }
      if (victim != null) {
        forget(victim);
      }
      mine.add(ch);
      total++;
    }
    if (victim != null) {
      evicted.incrementAndGet();
      victim.close();
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    synchronized (this) {
      forget(ctx.channel());
    }
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    synchronized (this) {
      forget(ctx.channel());
    }
  }

  /** HTTP connections open now. */
  synchronized int open() {
    return total;
  }

  /** Connections closed to make room since start. */
  long evicted() {
    return evicted.get();
  }

  private void forget(Channel ch) {
    InetAddress source = source(ch);
    LinkedHashSet<Channel> set = open.get(source);
    if (set != null && set.remove(ch)) {
      total--;
      if (set.isEmpty()) {
        open.remove(source);
      }
    }
  }

  private static InetAddress source(Channel ch) {
    return ((InetSocketAddress) ch.remoteAddress()).getAddress();
  }
}
