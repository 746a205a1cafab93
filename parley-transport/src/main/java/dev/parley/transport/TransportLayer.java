package dev.parley.transport;

import dev.parley.sip.SipMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The transport layer of RFC 3261 §18: sends messages and delivers received ones to a
 * {@link TransportListener}. Implementations: the Netty-based default, and test doubles.
 *
 * <p>Thread-safe. {@code send} may be called from any thread; completion is signalled on an event
 * loop.
 */
public interface TransportLayer extends AutoCloseable {
  /** Sets who receives inbound messages; call before {@link #start()}. */
  void setListener(TransportListener listener);

  /** Adds a trace listener (every message in and out). */
  void addTraceListener(TraceListener listener);

  /**
   * Removes a trace listener added before (one addition of it; nothing when it is not there).
   * With no listener left, messages cost the transport no trace event.
   */
  void removeTraceListener(TraceListener listener);

  /** Binds every listen point; completes when all are bound (ports chosen for port 0). */
  CompletableFuture<Void> start();

  /** The listen points, with their actual ports once started. */
  List<ListenPoint> listenPoints();

  /** The first listen point of {@code transport}, or null. Used for Via sent-by and Contact. */
  default ListenPoint listenPoint(Transport transport) {
    for (ListenPoint lp : listenPoints()) {
      if (lp.transport() == transport) {
        return lp;
      }
    }
    return null;
  }

  /**
   * Sends a request (or a stateless message) to a hop: over UDP as one datagram, over a
   * connection-oriented transport on an existing connection to that address or a new one.
   * Fails with {@link TransportException} if it cannot be sent.
   */
  CompletableFuture<Flow> send(SipMessage message, Hop hop);

  /**
   * Sends a message over an existing flow (a response on the connection its request came on,
   * RFC 3261 §18.2.2). For UDP the message goes to the flow's remote address. Fails with
   * {@link TransportException} when the connection is gone.
   */
  CompletableFuture<Flow> send(SipMessage message, Flow flow);

  /**
   * {@link #send(SipMessage, Hop)} for a message its caller has encoded already: {@code wire} is
   * {@code message.encode()}, which nobody writes to afterwards (the transport may keep it until
   * it is written; the caller may keep it too, e.g. as the copy a lingering transaction holds),
   * and is sent as it is instead of being encoded again. The default encodes again.
   */
  default CompletableFuture<Flow> send(SipMessage message, byte[] wire, Hop hop) {
    return send(message, hop);
  }

  /**
   * {@link #send(SipMessage, Flow)} for a message its caller has encoded already, as
   * {@link #send(SipMessage, byte[], Hop)}. The default encodes again.
   */
  default CompletableFuture<Flow> send(SipMessage message, byte[] wire, Flow flow) {
    return send(message, flow);
  }

  /** A scheduler (event loop) for a new state machine, spreading load round-robin. */
  Scheduler nextScheduler();

  /** Closes every listener and connection; idempotent. */
  @Override
  void close();
}
