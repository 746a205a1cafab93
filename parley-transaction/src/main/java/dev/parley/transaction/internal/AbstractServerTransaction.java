package dev.parley.transaction.internal;

import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Via;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.Scheduler;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * What both server machines share (RFC 3261 §17.2): the inbound flow, {@link #respond} hopping to
 * the scheduler, and sending responses back over the flow with the §18.2.2 fallback to the Via.
 */
abstract class AbstractServerTransaction extends AbstractTransaction implements ServerTransaction {
  private final String requestToTag;
  /** The request's top Via for the §18.2.2 fallback of a reliable flow (null over UDP). */
  private final Via fallbackVia;
  /** The merged-request key registered for this transaction (§8.2.2.2), or null. */
  volatile TransactionKeys.MergeKey mergeKey;
  /**
   * The To tag of the last response sent, for RFC 2543 ACK matching and the 200 to a CANCEL: both
   * concern INVITE transactions only, so a non-INVITE one never reads it (null).
   */
  volatile String responseToTag;
  private volatile Flow flow;

  AbstractServerTransaction(DefaultTransactionLayer layer, Scheduler scheduler, SipRequest request,
      Object key, Flow flow, boolean layerOwned) {
    super(layer, scheduler, request, key, flow.transport().isReliable(), layerOwned);
    this.flow = flow;
    this.requestToTag = request.to() == null ? null : request.to().tag();
    this.fallbackVia = reliable ? request.topVia() : null;
  }

  @Override
  public final Flow flow() {
    return flow;
  }

  @Override
  public final void respond(SipResponse response) {
    checkResponse(response);
    scheduler.run(() -> {
      if (isTerminated()) {
        layer.responseDropped(this, response, "terminated");
        return;
      }
      respondFromUser(response);
    });
  }

  @Override
  public final void respondStatelessly(SipResponse response) {
    checkResponse(response);
    if (response.isProvisional() || (method.isInvite() && response.isSuccess())) {
      throw new IllegalArgumentException("response: a stateless answer must be final and not a 2xx"
          + " to an INVITE: " + response.statusCode());
    }
    scheduler.run(() -> {
      if (isTerminated()) {
        layer.responseDropped(this, response, "terminated");
        return;
      }
      if (!endStatelessly()) {
        layer.responseDropped(this, response, "a final response was sent already");
        return;
      }
      sendFirst(response);
      terminate();
    });
  }

  private void checkResponse(SipResponse response) {
    Objects.requireNonNull(response, "response");
    if (response.cseq() != null && !response.cseq().method().equals(method)) {
      throw new IllegalArgumentException("response CSeq method " + response.cseq().method()
          + " is not the request's " + method);
    }
  }

  /**
   * For a stateless final answer (§8.2.7): moves to Terminated and returns true when no final
   * response has been sent yet; otherwise changes nothing and returns false. On the scheduler.
   */
  abstract boolean endStatelessly();

  /** Starts the machine (and its timers). On the scheduler, before the TU sees the request. */
  abstract void start();

  /** The TU's response, on the scheduler. */
  abstract void respondFromUser(SipResponse response);

  /** A retransmission of the request matched this transaction. On the scheduler. */
  abstract void receiveRetransmission(SipRequest request);

  /** A response could not be sent, even to the fallback (§17.2.4). On the scheduler. */
  abstract void transportError(Throwable cause);

  /** For an RFC 2543 request: whether {@code other}'s To tag matches (§17.2.3). */
  final boolean legacyToTagMatches(SipRequest other) {
    String tag = other.to() == null ? null : other.to().tag();
    String expected = other.method().isAck() && responseToTag != null ? responseToTag : requestToTag;
    return Objects.equals(tag, expected);
  }

  /** Sends a response the first time: counts it ({@link #send} again for retransmissions). */
  final void sendFirst(SipResponse response) {
    sendFirst(response, null);
  }

  /** {@link #sendFirst(SipResponse)} with its encoding ({@link #send(SipResponse, byte[])}). */
  final void sendFirst(SipResponse response, byte[] wire) {
    layer.responseSent(response.statusCode());
    send(response, wire);
  }

  /**
   * Sends a response over the request's flow (§18.2.2); if that fails on a connection-oriented
   * flow, to the fallback address from the Via; a second failure is a transport error.
   */
  final void send(SipResponse response) {
    send(response, null);
  }

  /**
   * {@link #send(SipResponse)} with the response's encoding ({@code response.encode()}, which
   * nobody writes to), or null to let the transport make it.
   */
  final void send(SipResponse response, byte[] wire) {
    if (method.isInvite()) {
      String tag = response.toTag(); // not parsed again for a response built from the request
      if (tag != null) {
        responseToTag = tag;
      }
    }
    Flow f = flow;
    sendTo(response, wire, f).whenComplete((sent, e) -> {
      if (e == null) {
        return;
      }
      Hop fallback = ResponseRoute.fallbackHop(fallbackVia, f);
      if (fallback == null) {
        failed(e);
        return;
      }
      CompletableFuture<Flow> again;
      try {
        again = wire == null ? layer.transport().send(response, fallback)
            : layer.transport().send(response, wire, fallback);
      } catch (RuntimeException ex) {
        again = CompletableFuture.failedFuture(ex);
      }
      again.whenComplete((f2, e2) -> {
        if (e2 != null) {
          failed(e2);
        } else {
          flow = f2;
        }
      });
    });
  }

  /**
   * The response's encoding, to send it and keep it; null when it cannot be encoded (then the
   * transport's own attempt reports the failure, as for any response).
   */
  static byte[] encodeOrNull(SipResponse response) {
    try {
      return response.encode();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Sends a response kept as bytes again (a retransmission while lingering). A copy that does not
   * parse again is a fault of its encoding: logged, and this retransmission is not answered.
   */
  final void sendAgain(WireCopy copy) {
    SipResponse response;
    try {
      response = copy.response();
    } catch (RuntimeException e) {
      layer.retransmissionFailed(this, copy, e);
      return;
    }
    send(response);
  }

  private CompletableFuture<Flow> sendTo(SipResponse response, byte[] wire, Flow f) {
    try {
      return wire == null ? layer.transport().send(response, f)
          : layer.transport().send(response, wire, f);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void failed(Throwable e) {
    scheduler.run(() -> {
      if (!isTerminated()) {
        transportError(unwrap(e));
      }
    });
  }

  final void reportTransportError(Throwable cause) {
    if (!layerOwned) {
      layer.userTransportError(this, cause);
    }
  }

  @Override
  final void onTerminated() {
    layer.terminatedForUser(this);
  }
}
