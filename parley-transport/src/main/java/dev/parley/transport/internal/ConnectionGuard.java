package dev.parley.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of an accepted connection's pipeline: it sees the raw bytes (before TLS) and
 * closes a connection that is too slow to be a SIP client.
 *
 * <ul>
 *   <li>Opening: until the first complete SIP message (TCP, TLS) or WebSocket upgrade (WS, WSS)
 *       the connection has {@code firstMessageTimeout} from accept.</li>
 *   <li>Afterwards: once bytes arrive while the connection is at rest (the last thing it sent
 *       was complete: a message, a CRLF keep-alive, a WebSocket frame), the next complete thing
 *       must follow within {@code messageTimeout}. One byte a second never gets there.</li>
 * </ul>
 *
 * <p>The handlers above report completeness with {@link #opened()} and {@link #rested()}. One per
 * channel, on its event loop; the deadline is one timer, armed only while one runs.
 */
final class ConnectionGuard extends ChannelDuplexHandler {
  private final NettyTransportCore core;
  private final long firstMessageNanos;
  private final long messageNanos;
  private ChannelHandlerContext ctx;
  private Connection connection;
  private long openedAt;
  private boolean opening = true;
  private boolean atRest = true;
  private long busySince;
  private ScheduledFuture<?> timer;
  private long timerAt;

  ConnectionGuard(NettyTransportCore core) {
    this.core = core;
    this.firstMessageNanos = core.config().firstMessageTimeout().toNanos();
    this.messageNanos = core.config().messageTimeout().toNanos();
  }

  /** The guard of {@code ctx}'s channel, or null on a pipeline without one (outbound, tests). */
  static ConnectionGuard of(ChannelHandlerContext ctx) {
    return ctx.pipeline().get(ConnectionGuard.class);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    openedAt = System.nanoTime();
    arm(openedAt + firstMessageNanos);
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf b && b.isReadable()) {
      long now = System.nanoTime();
      if (connection != null) {
        connection.heard(now);
      }
      if (atRest) {
        atRest = false;
        busySince = now;
        if (!opening) {
          arm(now + messageNanos);
        }
      }
    }
    super.channelRead(ctx, msg);
  }

  /**
   * Guards a connection accepted by another listener and adopted now ({@code handlerAdded}
   * done, the channel active): {@code c} is its entry, and the opening deadline runs from now.
   */
  void adopt(Connection c) {
    attach(c);
    openedAt = System.nanoTime();
    arm(openedAt + firstMessageNanos);
  }

  /** The connection table's entry, once the connection is admitted. */
  void attach(Connection c) {
    this.connection = c;
  }

  /** The first message (or WebSocket upgrade) is complete: the opening deadline no longer holds. */
  void opened() {
    if (opening) {
      opening = false;
      if (connection != null) {
        connection.opened();
      }
    }
    rested();
  }

  /** Everything received so far is complete (a message, a keep-alive, a frame). */
  void rested() {
    atRest = true;
  }

  private void arm(long at) {
    if (timer != null && timerAt - at <= 0) {
      return; // the armed check comes first and re-arms
    }
    if (timer != null) {
      timer.cancel(false);
    }
    timerAt = at;
    timer = ctx.executor().schedule(this::check, Math.max(0, at - System.nanoTime()),
        TimeUnit.NANOSECONDS);
  }

  private void check() {
    timer = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    if (opening) {
      if (now - (openedAt + firstMessageNanos) >= 0) {
        core.firstMessageTimedOut();
        ctx.close();
      } else {
        arm(openedAt + firstMessageNanos);
      }
    } else if (!atRest) {
      if (now - (busySince + messageNanos) >= 0) {
        core.messageTimedOut();
        ctx.close();
      } else {
        arm(busySince + messageNanos);
      }
    }
  }
}
