package dev.parley.server.web;

import dev.parley.transport.NettyTransportLayer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's HTTPS web listener ({@code docs/web.md}): the browser client's static site at
 * {@code /}, SIP over secure WebSocket at {@code /ws} (RFC 7118; the connection is handed to the
 * SIP transport, so it is a SIP flow like one on a {@code wss} listen point: registrations,
 * calls, connection limits and timeouts are the same), and the admin page at {@code /admin}.
 * TLS uses the transport's certificate ({@link NettyTransportLayer#newServerTlsHandler}: the
 * configured one, else the development certificate in {@code DATA/tls}), so a browser that
 * trusts it once reaches the page and the WebSocket.
 *
 * <pre>{@code
 * WebHttpServer web = WebHttpServer.start(WebConfig.defaults(), transport, null);
 * System.out.println(web.url()); // https://127.0.0.1:8443/
 * }</pre>
 *
 * <p>Netty's HTTP codec on its own two event-loop threads. Bounded: HTTP connections in all and
 * per address ({@link WebConfig#maxConnections()}, the oldest closed to make room), request line
 * and headers ({@link WebConfig#maxHeaderBytes()}, 431), body ({@link WebConfig#maxBodyBytes()},
 * 413), silence ({@link WebConfig#idleTimeout()}). Thread-safe.
 */
public final class WebHttpServer implements AutoCloseable {
  static final String LIMIT = "web-limit";
  static final String IDLE = "web-idle";
  private static final Logger log = LoggerFactory.getLogger(WebHttpServer.class);

  private final EventLoopGroup group;
  private final Channel channel;
  private final InetSocketAddress bound;
  private final WebConnectionLimit limit;

  private WebHttpServer(EventLoopGroup group, Channel channel, WebConnectionLimit limit) {
    this.group = group;
    this.channel = channel;
    this.bound = (InetSocketAddress) channel.localAddress();
    this.limit = limit;
  }

  /**
   * Listens where {@code config} says, on the default address a free port of the same address
   * when the default port is taken (with a warning). Reads the browser client's site from the
   * class path ({@value WebSite#CLIENT_PREFIX}) first.
   *
   * @param admin the admin page, or null to answer {@code /admin} 404
   * @throws IllegalArgumentException if the listener is off in {@code config}
   * @throws IllegalStateException if the transport has no TLS config with a key
   * @throws UncheckedIOException if it cannot listen (a configured port that is taken) or the
   *     site cannot be read
   */
  public static WebHttpServer start(WebConfig config, NettyTransportLayer transport,
      AdminPages admin) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(transport, "transport");
    if (!config.isEnabled()) {
      throw new IllegalArgumentException("web listener is off");
    }
    WebSite site = WebSite.load(WebHttpServer.class.getClassLoader(), WebSite.CLIENT_PREFIX);
    try {
      return bind(config.address(), config, transport, site, admin);
    } catch (UncheckedIOException e) {
      if (!config.isAddressDefault() || !(e.getCause() instanceof BindException)) {
        throw e;
      }
      WebHttpServer web = bind(new InetSocketAddress(config.address().getAddress(), 0), config,
          transport, site, admin);
      log.warn("web port {} is taken; web listener on {} instead", config.address().getPort(),
          web.url());
      return web;
    }
  }

  private static WebHttpServer bind(InetSocketAddress at, WebConfig config,
      NettyTransportLayer transport, WebSite site, AdminPages admin) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
        new DefaultThreadFactory("parley-web", true), NioIoHandler.newFactory());
    WebConnectionLimit limit = new WebConnectionLimit(config.maxConnections(),
        config.maxConnectionsPerAddress());
    long idleMillis = config.idleTimeout().toMillis();
    try {
      Channel ch = new ServerBootstrap().group(group)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_REUSEADDR, true)
          .option(ChannelOption.SO_BACKLOG, 256)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
              c.pipeline()
                  .addLast(LIMIT, limit)
                  .addLast("tls", transport.newServerTlsHandler(c))
                  .addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                      .setMaxInitialLineLength(config.maxHeaderBytes())
                      .setMaxHeaderSize(config.maxHeaderBytes())))
                  .addLast("http-aggregator", new HttpObjectAggregator(config.maxBodyBytes()))
                  .addLast(IDLE, new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
                  .addLast("web", new WebRequestHandler(transport, site, admin));
            }
          })
          .bind(at).syncUninterruptibly().channel();
      return new WebHttpServer(group, ch, limit);
    } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      IOException io = e instanceof IOException x ? x : new IOException(e.getMessage(), e);
      throw new UncheckedIOException("cannot listen for web on " + WebConfig.text(at) + ": "
          + e.getMessage(), io);
    }
  }

  /** The address listened on (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return bound;
  }

  /** The base URL, {@code https://127.0.0.1:8443/}. */
  public String url() {
    return "https://" + WebConfig.text(bound) + "/";
  }

  /** HTTP connections open now (WebSocket ones are the transport's). */
  public int openConnections() {
    return limit.open();
  }

  /** Stops listening and closes the HTTP connections (WebSocket ones close with the transport). */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "WebHttpServer[" + url() + "]";
  }
}
