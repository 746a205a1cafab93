package dev.parley.transport.internal;

import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Flow;
import dev.parley.transport.Inbound;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every pipeline: traces what arrives, answers what cannot be parsed
 * (RFC 3261 §8.2.6.2 statelessly), stamps {@code received}/{@code rport} on requests
 * (RFC 3261 §18.2.1, RFC 3581) and hands messages to the transport listener; on connections it
 * also registers the connection, closes it when idle and reports when it closes.
 *
 * <p>One per channel; runs on the channel's event loop.
 */
final class SipChannelHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(SipChannelHandler.class);
  private static final byte[] PING = {'\r', '\n', '\r', '\n'};

  private final NettyTransportCore core;
  private final Transport transport;
  private Connection connection;
  private NettyScheduler scheduler;
  /** The accepted connection's guard, told of complete messages; null on outbound ones. */
  private ConnectionGuard guard;
  /** The flow of the last datagram received (UDP only; on the channel's event loop). */
  private Flow lastDatagramFlow;

  SipChannelHandler(NettyTransportCore core, Transport transport, Connection outbound) {
    this.core = core;
    this.transport = transport;
    this.connection = outbound;
  }

  /**
   * The handler of a connection adopted after it was accepted elsewhere
   * ({@link Pipelines#adoptWebSocket}): registered already, active already.
   */
  static SipChannelHandler adopted(NettyTransportCore core, Connection c, ConnectionGuard guard,
      io.netty.channel.Channel ch) {
    SipChannelHandler h = new SipChannelHandler(core, c.transport(), c);
    h.guard = guard;
    h.scheduler = core.schedulerFor(ch.eventLoop());
    return h;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    scheduler = core.schedulerFor(ctx.channel().eventLoop());
    if (transport == Transport.UDP) {
      ctx.fireChannelActive();
      return;
    }
    if (connection == null) {
      connection = core.accepted(ctx.channel(), transport);
      if (connection == null) {
        ctx.close();
        return;
      }
      guard = ConnectionGuard.of(ctx);
      if (guard != null) {
        guard.attach(connection);
      }
    } else {
      connection.established();
      if (transport == Transport.TLS) {
        ctx.pipeline().get(SslHandler.class).handshakeFuture().addListener(f -> {
          if (f.isSuccess()) {
            core.ready(connection);
          } else {
            connection.fail(f.cause());
            ctx.close();
          }
        });
      } else if (transport == Transport.TCP) {
        core.ready(connection);
      }
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (connection != null) {
      core.closed(connection);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent idle) {
      if (idle.state() == IdleState.ALL_IDLE) {
        core.idleTimedOut(transport);
        ctx.close();
      } else if (idle.state() == IdleState.WRITER_IDLE) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(PING));
      }
    } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      core.ready(connection);
    } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      connection.fail(new TransportException("WebSocket handshake with "
          + connection.key().remote() + " timed out"));
      ctx.close();
    } else if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete done) {
      if (done.selectedSubprotocol() == null) {
        ctx.close(); // RFC 7118 §4.1: the client must ask for "sip"
      } else if (guard != null) {
        guard.opened();
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof SipFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
    InetSocketAddress remote = frame.sender() != null ? frame.sender()
        : (InetSocketAddress) ctx.channel().remoteAddress();
    core.tracer().received(transport, local, remote, frame.wire());
    if (guard != null) {
      guard.opened();
    }
    Flow flow = connection != null ? connection.flow() : datagramFlow(local, remote);
    if (frame.decoderResult().isFailure()) {
      malformed(ctx, frame, frame.cause(), flow);
      return;
    }
    SipMessage message = frame.message();
    if (message instanceof SipRequest request) {
      try {
        message = receivedAndChecked(request, remote);
      } catch (SipParseException e) {
        malformed(ctx, frame, e, flow);
        return;
      }
    } else {
      try {
        if (message.topVia() == null) {
          return; // RFC 3261 §18.1.2: a response without Via cannot be matched
        }
      } catch (SipParseException e) {
        log.debug("Dropped a response from {} with a bad top Via: {}", remote, e.getMessage());
        return;
      }
    }
    try {
      core.listener().onMessage(new Inbound(message, flow, scheduler));
    } catch (RuntimeException e) {
      log.warn("Transport listener failed on a message from {}", flow, e);
    }
  }

  /**
   * {@code request} as received from {@code remote} (RFC 3261 §18.2.1, RFC 3581 §4: {@link
   * SipRequest#withReceived}), checked (§8.2: {@link SipRequest#checkMandatoryHeaders}). Stamped
   * first, then checked: a stamped copy does not keep the header values parsed on the original,
   * so checking first parsed From, To, Call-ID and CSeq twice for every request whose Via asks
   * for {@code rport} (every request a proxy relays to an endpoint), once for the check and once
   * for the layers above. The failure reported is the check's first problem either way: when
   * the top Via cannot be stamped, the original is checked to find it.
   *
   * @throws SipParseException when the request fails the check
   */
  static SipRequest receivedAndChecked(SipRequest request, InetSocketAddress remote) {
    SipRequest stamped;
    try {
      stamped = request.withReceived(remote);
    } catch (SipParseException e) {
      request.checkMandatoryHeaders(); // throws the first problem, as when it ran first
      throw e;
    }
    return stamped.checkMandatoryHeaders();
  }

  /**
   * The flow of a datagram from {@code remote}: the previous datagram's when it came from the same
   * source, so that the transactions of one peer share one {@link Flow} and one remote address
   * instead of holding a copy each for as long as they linger (32 s over UDP).
   */
  private Flow datagramFlow(InetSocketAddress local, InetSocketAddress remote) {
    Flow last = lastDatagramFlow;
    if (last != null && last.remote().equals(remote) && last.local().equals(local)) {
      return last;
    }
    last = new Flow(transport, local, remote, 0);
    lastDatagramFlow = last;
    return last;
  }

  /**
   * Answers a request that did not parse when it can (RFC 3261 §8.2.6.2, statelessly): 400, or
   * the 505/513 the parser asked for, with the request's own Via, From, To, Call-ID and CSeq
   * as written and a Warning with the reason; then closes after a framing error.
   */
  private boolean mayAnswer(Flow flow) {
    try {
      return core.listener().mayAnswerMalformed(flow);
    } catch (RuntimeException e) {
      log.warn("Transport listener failed to admit a malformed request from {}", flow, e);
      return false;
    }
  }

  private void malformed(ChannelHandlerContext ctx, SipFrame frame, SipParseException cause,
      Flow flow) {
    InetSocketAddress remote = flow.remote();
    int status = cause.statusCode() == 505 || cause.statusCode() == 513 ? cause.statusCode() : 400;
    SipResponse.Builder answer = SipRequest.responseToUnparsed(frame.wire(), status,
        Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
    SipResponse response = answer == null ? null
        : answer.warning(399, "parley", cause.getMessage()).build();
    if (response == null || !mayAnswer(flow)) {
      log.debug("Dropped an unparseable message from {} over {}: {}", remote, transport,
          cause.getMessage());
      if (frame.isFramingError()) {
        ctx.close();
      }
      return;
    }
    Outgoing out = new Outgoing(response, response.encode(),
        transport == Transport.UDP ? remote : null);
    var written = ctx.channel().writeAndFlush(out);
    if (frame.isFramingError()) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (transport == Transport.UDP) {
      log.debug("UDP channel {} error (ignored): {}", ctx.channel().localAddress(), cause.toString());
      return;
    }
    if (connection != null && connection.isOutbound()) {
      connection.fail(cause);
    }
    if (!(cause instanceof IOException)) {
      log.debug("Closing {} after an error: {}", connection, cause.toString());
    }
    ctx.close();
  }
}
