package dev.parley.server.status;

import dev.parley.server.proxy.AddressMatcher;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's status endpoint: a tiny HTTP/1.1 server (Netty's HTTP codec on its own event loop
 * thread) that answers {@code GET /status} with {@link ServerStatus#toJson()},
 * {@code GET /health} with {@code {"status":"up"}} and, when given metrics, {@code GET /metrics}
 * with them in the Prometheus text format ({@code docs/metrics.md}); {@code parley status} reads
 * the status, Prometheus scrapes the metrics.
 *
 * <pre>{@code
 * try (StatusHttpServer http = StatusHttpServer.builder(server::status)
 *     .address("127.0.0.1", StatusHttpServer.DEFAULT_PORT)
 *     .urlFile(dataDir.resolve(StatusHttpServer.URL_FILE)).start()) {
 *   System.out.println(http.url()); // http://127.0.0.1:8060
 * }
 * }</pre>
 *
 * <p>It listens on a loopback address only (default {@value #DEFAULT_HOST}:{@value
 * #DEFAULT_PORT}) unless {@link Builder#allowNonLoopback} says otherwise: the status lists users
 * and their addresses, and there is no authentication. On loopback it also refuses (403) requests
 * whose {@code Host} is not a loopback name, so a web page in a local browser cannot read it
 * through DNS rebinding. Everything is bounded: request line and headers
 * ({@code maxRequestBytes}, 400 beyond), request body (1 KiB, 413 beyond), and the life of a
 * connection ({@code requestTimeout} from accept to close, however slowly its bytes trickle).
 * Connections are bounded in all ({@code maxConnections}) and per source address
 * ({@code maxConnectionsPerAddress}); a new connection beyond either bound is not refused but
 * closes the oldest connection of its own address (at its address's bound) or of the address
 * holding the most, so slow clients cannot stop the endpoint answering a new one: an honest
 * request takes milliseconds and is never the oldest for long.
 * One request per connection ({@code Connection: close}); other paths 404, other methods 405.
 *
 * <p>The status and metrics suppliers run on the endpoint's event loop for each
 * {@code GET /status} and {@code GET /metrics}: they must not block (read in-memory counters
 * only); that loop is the endpoint's own, never a SIP one. Thread-safe.
 */
public final class StatusHttpServer implements AutoCloseable {
  /** Default address: {@value}. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default port: {@value} (HTTP-like, next to SIP's 5060; free on a SIP host). */
  public static final int DEFAULT_PORT = 8060;
  /** Default bound on the request line plus headers, bytes: {@value}. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 8192;
  /** Default bound on open connections: {@value}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 16;
  /** Default bound on open connections from one address: {@value}. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 8;
  /** Default time from accept by which a connection is closed, answered or not: 5 s. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
  /** The content type of {@code GET /metrics}: the Prometheus text format 0.0.4. */
  public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /** The name of the file, in the data directory, that tells {@code parley status} the URL. */
  public static final String URL_FILE = "status.url";

  private static final int MAX_BODY_BYTES = 1024;
  private static final Logger log = LoggerFactory.getLogger(StatusHttpServer.class);

  private final Supplier<ServerStatus> status;
  private final Supplier<String> metrics;
  private final InetSocketAddress requested;
  private final boolean allowNonLoopback;
  private final int maxRequestBytes;
  private final int maxConnections;
  private final int maxConnectionsPerAddress;
  private final Duration requestTimeout;
  private final Path urlFile;
  private final AtomicLong evicted = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  private EventLoopGroup group;
  private Channel channel;
  private InetSocketAddress bound;
  private String url;
  private boolean closed;

  private StatusHttpServer(Builder b) {
    this.status = b.status;
    this.metrics = b.metrics;
    this.requested = b.address;
    this.allowNonLoopback = b.allowNonLoopback;
    this.maxRequestBytes = b.maxRequestBytes;
    this.maxConnections = b.maxConnections;
    this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
    this.requestTimeout = b.requestTimeout;
    this.urlFile = b.urlFile;
  }

  /** A builder for the endpoint serving what {@code status} returns. */
  public static Builder builder(Supplier<ServerStatus> status) {
    return new Builder(status);
  }

  private void bind() {
    group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("parley-status", true),
        NioIoHandler.newFactory());
    ChannelHandler limiter = new ConnectionLimit();
    try {
      channel = new ServerBootstrap().group(group)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_REUSEADDR, true)
          .option(ChannelOption.SO_BACKLOG, 64)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline()
                  .addLast(limiter)
                  .addLast(new HttpServerCodec(new HttpDecoderConfig()
                      .setMaxInitialLineLength(maxRequestBytes)
                      .setMaxHeaderSize(maxRequestBytes)
                      .setMaxChunkSize(MAX_BODY_BYTES)))
                  .addLast(new BoundedAggregator())
                  .addLast(new RequestHandler());
            }
          })
          .bind(requested).syncUninterruptibly().channel();
    } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      IOException io = e instanceof IOException x ? x : new IOException(e.getMessage(), e);
      throw new UncheckedIOException("cannot listen for status on " + text(requested) + ": "
          + e.getMessage(), io);
    }
    bound = (InetSocketAddress) channel.localAddress();
    InetAddress a = bound.getAddress();
    String host = a instanceof Inet6Address ? "[" + hostText(a) + "]" : hostText(a);
    url = "http://" + host + ":" + bound.getPort();
    if (urlFile != null) {
      writeUrlFile();
    }
  }

  private void writeUrlFile() {
    try {
      Files.createDirectories(urlFile.toAbsolutePath().getParent());
      Path tmp = urlFile.resolveSibling(urlFile.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      dev.parley.server.internal.PrivateFiles.file(tmp); // 0600 like the rest of DATA
      Files.writeString(tmp, url + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(tmp, urlFile, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, urlFile, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot write " + urlFile + ": " + e.getMessage(), e);
    }
  }

  /** The address listened on (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return bound;
  }

  /** The base URL, such as {@code http://127.0.0.1:8060} (IPv6 in brackets). */
  public String url() {
    return url;
  }

  /** Stops listening and deletes the URL file if it still names this endpoint. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (channel != null) {
      channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (urlFile != null && url != null) {
      try {
        if (Files.exists(urlFile) && Files.readString(urlFile).strip().equals(url)) {
          Files.delete(urlFile);
        }
      } catch (IOException e) {
        log.warn("cannot delete {}: {}", urlFile, e.getMessage());
      }
    }
  }

  @Override
  public String toString() {
    return "StatusHttpServer[" + (url != null ? url : text(requested)) + "]";
  }

  private static String hostText(InetAddress a) {
    return a.getHostAddress().replaceAll("%.*$", "");
  }

  private static String text(InetSocketAddress a) {
    return (a.getAddress() != null ? hostText(a.getAddress()) : a.getHostString()) + ":"
        + a.getPort();
  }

  /** Connections closed to make room for a newer one, since start. */
  public long evictedConnections() {
    return evicted.get();
  }

  /** Connections closed by the request deadline, since start. */
  public long timedOutConnections() {
    return timedOut.get();
  }

  /**
   * Bounds the connections, in all and per address, by closing the oldest of the address
   * holding the most (or of the newcomer's own address, at its bound); closes each connection
   * {@code requestTimeout} after accept. Runs on the endpoint's one event loop thread, so its
   * tables need no lock.
   */
  @ChannelHandler.Sharable
  private final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    /** Open connections by address, oldest first. */
    private final Map<InetAddress, LinkedHashSet<Channel>> open = new HashMap<>();
    private int total;

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      Channel ch = ctx.channel();
      InetAddress source = ((InetSocketAddress) ch.remoteAddress()).getAddress();
      LinkedHashSet<Channel> mine = open.computeIfAbsent(source, a -> new LinkedHashSet<>());
      if (mine.size() >= maxConnectionsPerAddress) {
        evict(mine);
      } else if (total >= maxConnections) {
        evict(open.values().stream().max(Comparator.comparingInt(Set::size)).orElseThrow());
      }
      mine.add(ch);
      total++;
      var deadline = ctx.executor().schedule(() -> {
        if (ch.isActive()) {
          timedOut.incrementAndGet();
          ch.close();
        }
      }, requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
      ch.closeFuture().addListener(f -> deadline.cancel(false));
      super.channelActive(ctx);
    }

    private void evict(LinkedHashSet<Channel> from) {
      Channel oldest = from.iterator().next();
      forget(oldest);
      evicted.incrementAndGet();
      oldest.close();
    }

    private void forget(Channel ch) {
      InetAddress source = ((InetSocketAddress) ch.remoteAddress()).getAddress();
      LinkedHashSet<Channel> set = open.get(source);
      if (set != null && set.remove(ch)) {
        total--;
        if (set.isEmpty()) {
          open.remove(source);
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      forget(ctx.channel());
      super.channelInactive(ctx);
    }
  }

  /** Aggregates a request of at most 1 KiB of body; a larger one gets 413 and the door. */
  private static final class BoundedAggregator extends HttpObjectAggregator {
    BoundedAggregator() {
      super(MAX_BODY_BYTES);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      // the aggregator releases the message after this returns
      ctx.writeAndFlush(json(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "{\"error\":\"request too large\"}")).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Answers one request and closes the connection. */
  private final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      FullHttpResponse response;
      if (!req.decoderResult().isSuccess()) {
        response = json(HttpResponseStatus.BAD_REQUEST, "{\"error\":\"bad request\"}");
      } else if (!allowNonLoopback && !loopbackHost(req.headers().get(HttpHeaderNames.HOST))) {
        response = json(HttpResponseStatus.FORBIDDEN,
            "{\"error\":\"Host must be a loopback name or address\"}");
      } else if (!req.method().equals(HttpMethod.GET)) {
        response = json(HttpResponseStatus.METHOD_NOT_ALLOWED,
            "{\"error\":\"method not allowed\"}");
        response.headers().set(HttpHeaderNames.ALLOW, "GET");
      } else {
        String path = new QueryStringDecoder(req.uri()).path();
        response = switch (path) {
          case "/status" -> statusResponse();
          case "/health" -> json(HttpResponseStatus.OK, "{\"status\":\"up\"}");
          case "/metrics" -> metricsResponse();
          default -> json(HttpResponseStatus.NOT_FOUND, "{\"error\":\"not found\"}");
        };
      }
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private FullHttpResponse statusResponse() {
      try {
        return json(HttpResponseStatus.OK, status.get().toJson());
      } catch (RuntimeException e) {
        log.warn("status failed: {}", e.toString());
        return json(HttpResponseStatus.INTERNAL_SERVER_ERROR,
            "{\"error\":\"status failed\"}");
      }
    }

    private FullHttpResponse metricsResponse() {
      if (metrics == null) {
        return json(HttpResponseStatus.NOT_FOUND, "{\"error\":\"not found\"}");
      }
      String text;
      try {
        text = metrics.get();
      } catch (RuntimeException e) {
        log.warn("metrics failed: {}", e.toString());
        return json(HttpResponseStatus.INTERNAL_SERVER_ERROR,
            "{\"error\":\"metrics failed\"}");
      }
      return response(HttpResponseStatus.OK, METRICS_CONTENT_TYPE, text);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // read timeout or a reset: nothing to answer
    }
  }

  private static FullHttpResponse json(HttpResponseStatus status, String body) {
    return response(status, "application/json; charset=utf-8", body + "\n");
  }

  private static FullHttpResponse response(HttpResponseStatus status, String contentType,
      String body) {
    ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .set("X-Content-Type-Options", "nosniff")
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return r;
  }

  /**
   * Whether a Host header names this machine by a loopback name: {@code localhost},
   * {@code 127.x.y.z} or {@code [::1]}, with or without a port; an absent Host (HTTP/1.0)
   * passes.
   */
  static boolean loopbackHost(String host) {
    if (host == null) {
      return true;
    }
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 && h.substring(1, end).equals("::1")
          && (end == h.length() - 1 || port(h.substring(end + 1)));
    }
    int colon = h.indexOf(':');
    String name = colon < 0 ? h : h.substring(0, colon);
    if (colon >= 0 && !port(h.substring(colon))) {
      return false;
    }
    if (name.equals("localhost")) {
      return true;
    }
    String[] octets = name.split("\\.", -1);
    if (octets.length != 4 || !octets[0].equals("127")) {
      return false;
    }
    for (String o : octets) {
      if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(Character::isDigit)
          || Integer.parseInt(o) > 255) {
        return false;
      }
    }
    return true;
  }

  private static boolean port(String colonPort) {
    return colonPort.length() > 1 && colonPort.length() <= 6 && colonPort.charAt(0) == ':'
        && colonPort.substring(1).chars().allMatch(Character::isDigit);
  }

  /** Builds and starts a {@link StatusHttpServer}; not thread-safe. */
  public static final class Builder {
    private final Supplier<ServerStatus> status;
    private Supplier<String> metrics;
    private InetSocketAddress address = new InetSocketAddress(loopback(), DEFAULT_PORT);
    private boolean allowNonLoopback;
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Path urlFile;

    private Builder(Supplier<ServerStatus> status) {
      this.status = Objects.requireNonNull(status, "status");
    }

    private static InetAddress loopback() {
      try {
        return InetAddress.getByAddress(DEFAULT_HOST, new byte[] {127, 0, 0, 1});
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * Where to listen: an IP literal (never resolved) and a port (0 for any free one); default
     * {@value #DEFAULT_HOST}:{@value #DEFAULT_PORT}.
     *
     * @throws IllegalArgumentException if {@code host} is not an IP literal or the port is out
     *     of range
     */
    public Builder address(String host, int port) {
      Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range 0..65535: " + port);
      }
      InetAddress a;
      if (host.equalsIgnoreCase("localhost")) {
        a = loopback();
      } else {
        try {
          if (host.indexOf('/') >= 0) {
            throw new IllegalArgumentException("a prefix");
          }
          // AddressMatcher accepts IP literals only, so getByName below never asks DNS
          a = InetAddress.getByName(AddressMatcher.parse(host).entries().get(0));
        } catch (IllegalArgumentException | IOException | IndexOutOfBoundsException e) {
          throw new IllegalArgumentException("not an IP address: '" + host + "'");
        }
      }
      this.address = new InetSocketAddress(a, port);
      return this;
    }

    /**
     * What {@code GET /metrics} answers, in the Prometheus text format
     * ({@link #METRICS_CONTENT_TYPE}); null (the default): {@code /metrics} is 404. Called on the
     * endpoint's thread for each request: it must not block.
     */
    public Builder metrics(Supplier<String> metrics) {
      this.metrics = metrics;
      return this;
    }

    /** Lets the endpoint listen on a non-loopback address (no authentication!); default false. */
    public Builder allowNonLoopback(boolean allow) {
      this.allowNonLoopback = allow;
      return this;
    }

    /** Longest request line, and longest header block; default {@value #DEFAULT_MAX_REQUEST_BYTES}. */
    public Builder maxRequestBytes(int max) {
      if (max < 256 || max > 65536) {
        throw new IllegalArgumentException("maxRequestBytes out of range 256..65536: " + max);
      }
      this.maxRequestBytes = max;
      return this;
    }

    /** Most connections open at once; default {@value #DEFAULT_MAX_CONNECTIONS}. */
    public Builder maxConnections(int max) {
      if (max < 1 || max > 10_000) {
        throw new IllegalArgumentException("maxConnections out of range 1..10000: " + max);
      }
      this.maxConnections = max;
      return this;
    }

    /**
     * Most connections open at once from one address; default
     * {@value #DEFAULT_MAX_CONNECTIONS_PER_ADDRESS}.
     */
    public Builder maxConnectionsPerAddress(int max) {
      if (max < 1 || max > 10_000) {
        throw new IllegalArgumentException("maxConnectionsPerAddress out of range 1..10000: "
            + max);
      }
      this.maxConnectionsPerAddress = max;
      return this;
    }

    /**
     * Time from accept after which a connection is closed, whether its request arrived or not;
     * default 5 s.
     */
    public Builder requestTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "requestTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive: " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * A file to write the URL into once listening (and to delete on close), so that
     * {@code parley status --data DIR} finds the endpoint: {@code DATA/}{@value #URL_FILE}.
     */
    public Builder urlFile(Path file) {
      this.urlFile = file;
      return this;
    }

    /**
     * Binds and starts answering. Blocks until bound: call it off the event loops.
     *
     * @throws IllegalArgumentException if the address is not loopback and
     *     {@link #allowNonLoopback} was not set
     * @throws UncheckedIOException if the port cannot be bound or the URL file written
     */
    public StatusHttpServer start() {
      if (!allowNonLoopback && !address.getAddress().isLoopbackAddress()) {
        throw new IllegalArgumentException("the status endpoint listens on loopback only, not "
            + text(address) + " (it has no authentication; allowNonLoopback overrides)");
      }
      StatusHttpServer s = new StatusHttpServer(this);
      s.bind();
      return s;
    }
  }
}
