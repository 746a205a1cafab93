package dev.parley.server.proxy.internal;

import dev.parley.server.proxy.RateLimiter;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.Tags;
import dev.parley.transport.Flow;
import dev.parley.transport.Inbound;
import dev.parley.transport.TransportLayer;
import dev.parley.transport.TransportListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-source limits in front of the transaction layer: every request but ACK is checked
 * against the {@link RateLimiter} before a transaction exists for it; over UDP before it is even
 * parsed ({@link #mayParseDatagram}), so that a flood from one source costs the event loop that
 * reads its socket little more than the reads, and the loop keeps up with the other sources
 * whose datagrams share that socket's buffer. A source that is blocked
 * for failed authentications, or over its request rate, is refused: over UDP the request is
 * dropped (answering a flood doubles it, and a spoofed source would make us a reflector); over
 * TCP, TLS and WebSocket, where the handshake vouches for the source, it gets a stateless
 * {@code 503 Service Unavailable} with {@code Retry-After}. Responses and ACKs pass (ACKs belong
 * to transactions and dialogs already admitted). A malformed request, which the transport answers
 * 400 itself, counts too, and gets no answer once its source is limited.
 *
 * <p>Runs on event loops; a check is a map lookup under a shard lock. Never blocks.
 */
public final class SourceLimits implements TransportListener {
  private static final Logger log = LoggerFactory.getLogger(SourceLimits.class);

  private final TransportListener next;
  private final RateLimiter limiter;
  private final TransportLayer transport;

  /** Checks requests against {@code limiter}, answering refusals over {@code transport}. */
  public SourceLimits(TransportListener next, RateLimiter limiter, TransportLayer transport) {
    this.next = next;
    this.limiter = limiter;
    this.transport = transport;
  }

  /** UDP: the request's datagram takes its source's token here, before it is parsed. */
  @Override
  public boolean mayParseDatagram(InetSocketAddress source) {
    return limiter.tryAdmit(source.getAddress()); // dropped: no answer over UDP
  }

  @Override
  public void onMessage(Inbound inbound) {
    if (inbound.message() instanceof SipRequest r && !r.method().equals(SipMethod.ACK)
        && inbound.flow().transport().isReliable()) { // UDP: counted in mayParseDatagram
      InetAddress source = inbound.flow().remote().getAddress();
      if (!limiter.tryAdmit(source)) {
        refuse(r, inbound.flow(), source);
        return;
      }
    }
    next.onMessage(inbound);
  }

  private void refuse(SipRequest request, Flow flow, InetAddress source) {
    if (!flow.transport().isReliable()) {
      return; // UDP: dropped
    }
    try {
      transport.send(request.response(503, Tags.random())
          .reasonPhrase("Service Unavailable (rate limited)")
          .header(HeaderName.RETRY_AFTER, Long.toString(limiter.retryAfterSeconds(source)))
          .build(), flow);
    } catch (RuntimeException e) { // a request too broken to answer: dropped
      log.debug("cannot refuse {} from {}: {}", request.method(), flow, e.toString());
    }
  }

  /**
   * A malformed request (about to get a stateless 400 from the transport) counts against its
   * source like any other; a source that is blocked or over its rate gets no answer at all. Over
   * UDP its datagram was counted in {@link #mayParseDatagram} already.
   */
  @Override
  public boolean mayAnswerMalformed(Flow flow) {
    if (!flow.transport().isReliable()) {
      return true;
    }
    InetAddress source = flow.remote().getAddress();
    if (limiter.tryAdmit(source)) {
      return true;
    }
    log.debug("dropped a malformed request from {}: source limited", flow);
    return false;
  }

  @Override
  public void onFlowClosed(Flow flow) {
    next.onFlowClosed(flow);
  }
}
