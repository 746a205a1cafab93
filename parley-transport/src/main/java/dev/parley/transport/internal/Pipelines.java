package dev.parley.transport.internal;

import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The channel pipelines, one per transport and side. Handler names are stable so tests and
 * tools can find them: {@code guard} (accepted connections), {@code idle}, {@code tls},
 * {@code http}, {@code ws-watch}, {@code ws}, {@code sip-decoder}, {@code sip-encoder},
 * {@code sip}. {@code guard} and {@code idle} come first so that they see the raw bytes: every
 * byte, RFC 5626 CRLF keep-alives and WebSocket pings included, is traffic for the idle timer.
 */
final class Pipelines {
  /** The WebSocket subprotocol of RFC 7118 §4. */
  static final String SIP_SUBPROTOCOL = "sip";
  private static final int MAX_HTTP_HEAD = 16 * 1024;

  private Pipelines() {}

  static ChannelInitializer<Channel> datagram(NettyTransportCore core) {
    DatagramSipDecoder decoder = new DatagramSipDecoder(core.parser(),
        source -> core.mayParseDatagram(source));
    DatagramSipEncoder encoder = new DatagramSipEncoder(core.tracer());
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline()
            .addLast("sip-decoder", decoder)
            .addLast("sip-encoder", encoder)
            .addLast("sip", new SipChannelHandler(core, Transport.UDP, null));
      }
    };
  }

  static ChannelInitializer<Channel> server(NettyTransportCore core, Transport transport,
      Supplier<SslContext> ssl) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("guard", new ConnectionGuard(core, transport))
            .addLast("idle", idle(core.config(), false, transport));
        if (transport.isSecure()) {
          SslHandler h = ssl.get().newHandler(ch.alloc()); // the current certificate
          h.setHandshakeTimeoutMillis(core.config().connectTimeout().toMillis());
          p.addLast("tls", h);
        }
        if (transport == Transport.WS || transport == Transport.WSS) {
          p.addLast("http", new HttpServerCodec())
              .addLast("http-aggregator", new HttpObjectAggregator(MAX_HTTP_HEAD));
          addWebSocketServer(p, core, transport, core.config().webSocketPath(), true);
        } else {
          p.addLast("sip-decoder", new StreamSipDecoder(core.parser()))
              .addLast("sip-encoder", new StreamSipEncoder(transport, core.tracer()));
        }
        p.addLast("sip", new SipChannelHandler(core, transport, null));
      }
    };
  }

  /**
   * Makes an accepted HTTP connection of another listener (its pipeline ends in an
   * {@link HttpServerCodec} and an {@link HttpObjectAggregator}, TLS below them) a WSS SIP
   * connection: registers it through the connection limits, puts {@code guard} and {@code idle}
   * first, and the WebSocket and SIP handlers last, the upgrade expected at {@code path}. The
   * caller passes the upgrade request on. Runs on the channel's event loop.
   *
   * @return false when a connection limit refuses it (the channel is being closed)
   */
  static boolean adoptWebSocket(NettyTransportCore core, Channel ch, String path) {
    Connection c = core.accepted(ch, Transport.WSS);
    if (c == null) {
      ch.close();
      return false;
    }
    ChannelPipeline p = ch.pipeline();
    ConnectionGuard guard = new ConnectionGuard(core, Transport.WSS);
    p.addFirst("idle", idle(core.config(), false, Transport.WSS));
    p.addFirst("guard", guard);
    guard.adopt(c);
    addWebSocketServer(p, core, Transport.WSS, path, false);
    p.addLast("sip", SipChannelHandler.adopted(core, c, guard, ch));
    return true;
  }

  /**
   * The server side of SIP over WebSocket, after the HTTP codec: the upgrade at {@code path}
   * (or below it when {@code startsWith}), frames bounded by the parser's message size, the SIP
   * decoder and encoder. Shared by the ws/wss listen points and adopted connections.
   */
  private static void addWebSocketServer(ChannelPipeline p, NettyTransportCore core,
      Transport transport, String path, boolean startsWith) {
    int max = core.config().parserConfig().maxMessageSize();
    p.addLast("ws-watch", new WebSocketFrameWatch())
        .addLast("ws", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
            .websocketPath(path)
            .checkStartsWith(startsWith)
            .subprotocols(SIP_SUBPROTOCOL)
            .maxFramePayloadLength(max)
            .handshakeTimeoutMillis(core.config().connectTimeout().toMillis())
            .build()))
        .addLast("ws-aggregator", new WebSocketFrameAggregator(max))
        .addLast("sip-decoder", new WebSocketSipDecoder(core.parser()))
        .addLast("sip-encoder", new WebSocketSipEncoder(transport, core.tracer()));
  }

  static ChannelInitializer<Channel> client(NettyTransportCore core, Connection c, SslContext ssl) {
    Transport transport = c.transport();
    InetSocketAddress remote = c.key().remote();
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("idle", idle(core.config(), true, transport));
        if (transport.isSecure()) {
          SslHandler h = ssl.newHandler(ch.alloc(), remote.getHostString(), remote.getPort());
          h.setHandshakeTimeoutMillis(core.config().connectTimeout().toMillis());
          p.addLast("tls", h);
        }
        if (transport == Transport.WS || transport == Transport.WSS) {
          int max = core.config().parserConfig().maxMessageSize();
          String host = new ListenPoint(transport, remote).hostText();
          URI uri = URI.create((transport == Transport.WSS ? "wss://" : "ws://") + host + ":"
              + remote.getPort() + core.config().webSocketPath());
          p.addLast("http", new HttpClientCodec())
              .addLast("http-aggregator", new HttpObjectAggregator(MAX_HTTP_HEAD))
              .addLast("ws", new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                  .webSocketUri(uri)
                  .subprotocol(SIP_SUBPROTOCOL)
                  .maxFramePayloadLength(max)
                  .handshakeTimeoutMillis(core.config().connectTimeout().toMillis())
                  .build()))
              .addLast("ws-aggregator", new WebSocketFrameAggregator(max))
              .addLast("sip-decoder", new WebSocketSipDecoder(core.parser()))
              .addLast("sip-encoder", new WebSocketSipEncoder(transport, core.tracer()));
        } else {
          p.addLast("sip-decoder", new StreamSipDecoder(core.parser()))
              .addLast("sip-encoder", new StreamSipEncoder(transport, core.tracer()));
        }
        p.addLast("sip", new SipChannelHandler(core, transport, c));
      }
    };
  }

  /**
   * Reaps connections silent in both directions for {@link TransportConfig#idleTimeout()}; on
   * outbound TCP/TLS also times RFC 5626 keep-alive pings.
   */
  private static IdleStateHandler idle(TransportConfig config, boolean outbound, Transport t) {
    long keepAlive = outbound && (t == Transport.TCP || t == Transport.TLS)
        ? config.keepAliveInterval().toMillis() : 0;
    return new IdleStateHandler(0, keepAlive, config.idleTimeout().toMillis(),
        TimeUnit.MILLISECONDS);
  }
}
