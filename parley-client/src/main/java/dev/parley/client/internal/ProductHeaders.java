package dev.parley.client.internal;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Scheduler;
import dev.parley.transport.TraceListener;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportLayer;
import dev.parley.transport.TransportListener;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * An endpoint's transport that names the endpoint's product on what it sends: a User-Agent header
 * on every request and a Server header on every response that has none (RFC 3261 §20.41,
 * §20.35). Every message the endpoint originates passes here, whichever layer built it (the
 * sessions' requests, the dialog layer's in-dialog requests and ACKs, the transaction layer's
 * CANCELs and 100 Trying, retransmissions). Everything else is the wrapped transport's.
 * Thread-safe as the wrapped one is. Not API.
 */
public final class ProductHeaders implements TransportLayer {
  /** {@code Parley/<version>} (the jar manifest's, else the filtered resource's), or {@code Parley}. */
  public static final String DEFAULT = "Parley" + version();

  private final TransportLayer transport;
  private final String product;

  private ProductHeaders(TransportLayer transport, String product) {
    this.transport = transport;
    this.product = product;
  }

  /** {@code transport} naming {@code product} on what it sends; itself when product is null or empty. */
  static TransportLayer wrap(TransportLayer transport, String product) {
    Objects.requireNonNull(transport, "transport");
    return product == null || product.isEmpty() ? transport : new ProductHeaders(transport, product);
  }

  /** "/" and the version, or "" when it is not known (classes not from a built jar). */
  private static String version() {
    String v = ProductHeaders.class.getPackage().getImplementationVersion();
    if (v == null) {
      try (InputStream in = ProductHeaders.class.getResourceAsStream(
          "/dev/parley/client/version.properties")) {
        if (in != null) {
          Properties p = new Properties();
          p.load(in);
          v = p.getProperty("version");
        }
      } catch (IOException | IllegalArgumentException e) {
        v = null;
      }
    }
    // unfiltered (${project.version}) or not a plain version: the bare product name
    return v != null && v.matches("[A-Za-z0-9.+_-]+") ? "/" + v : "";
  }

  /** {@code m} with our User-Agent (request) or Server (response) when it has none. */
  SipMessage named(SipMessage m) {
    if (m instanceof SipRequest r) {
      return r.headers().contains(HeaderName.USER_AGENT) ? r
          : r.toBuilder().header(HeaderName.USER_AGENT, product).build();
    }
    SipResponse s = (SipResponse) m;
    return s.headers().contains(HeaderName.SERVER) ? s
        : s.toBuilder().header(HeaderName.SERVER, product).build();
  }

  @Override
  public CompletableFuture<Flow> send(SipMessage message, Hop hop) {
    return transport.send(named(message), hop);
  }

  @Override
  public CompletableFuture<Flow> send(SipMessage message, Flow flow) {
    return transport.send(named(message), flow);
  }

  @Override
  public void setListener(TransportListener listener) {
    transport.setListener(listener);
  }

  @Override
  public void addTraceListener(TraceListener listener) {
    transport.addTraceListener(listener);
  }

  @Override
  public void removeTraceListener(TraceListener listener) {
    transport.removeTraceListener(listener);
  }

  @Override
  public CompletableFuture<Void> start() {
    return transport.start();
  }

  @Override
  public List<ListenPoint> listenPoints() {
    return transport.listenPoints();
  }

  @Override
  public ListenPoint listenPoint(Transport t) {
    return transport.listenPoint(t);
  }

  @Override
  public Scheduler nextScheduler() {
    return transport.nextScheduler();
  }

  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return transport.toString();
  }
}
