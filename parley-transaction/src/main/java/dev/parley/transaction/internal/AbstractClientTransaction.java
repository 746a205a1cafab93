package dev.parley.transaction.internal;

import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transaction.ClientTransaction;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.Scheduler;
import java.util.concurrent.CompletableFuture;

/**
 * What both client machines share (RFC 3261 §17.1): the hop, the listener, and sending through
 * the transport with errors brought back to the scheduler as a transport error (§17.1.4).
 */
abstract class AbstractClientTransaction extends AbstractTransaction implements ClientTransaction {
  final Hop hop;
  /** The TU's listener; in Completed, what its {@link Listener#afterFinalResponse} gave. */
  private Listener listener;
  private volatile Flow flow;

  /**
   * @param branch the branch of {@code request}'s top Via, which the layer wrote (given, so that
   *     the built request's Via is not parsed back to read it)
   */
  AbstractClientTransaction(DefaultTransactionLayer layer, Scheduler scheduler, SipRequest request,
      String branch, Hop hop, Listener listener, boolean layerOwned) {
    super(layer, scheduler, request, TransactionKeys.client(branch, request.method()), branch,
        hop.transport().isReliable(), layerOwned);
    this.hop = hop;
    this.listener = listener;
  }

  @Override
  public final Hop hop() {
    return hop;
  }

  @Override
  public final Flow flow() {
    return flow;
  }

  /** Sends the request for the first time and starts the timers. On the scheduler. */
  abstract void start();

  /** A response matched this transaction (§17.1.3). On the scheduler. */
  abstract void receive(SipResponse response);

  /** The transport failed to send the request or ACK (§17.1.4). On the scheduler. */
  abstract void transportError(Throwable cause);

  /**
   * Sends the request to the hop, the first time or again (a retransmission, before the
   * transaction lingers): encoded once, that encoding then kept over UDP ({@link #requestWire}).
   */
  final void sendRequest() {
    SipRequest r = request();
    byte[] wire = requestWire;
    if (wire == null) {
      try {
        wire = r.encode();
      } catch (RuntimeException e) { // the transport reports it, as for any message
        send(r, null);
        return;
      }
      if (!reliable) { // else never sent again nor kept: the transaction ends at its final response
        requestWire = wire;
      }
    }
    send(r, wire);
  }

  /** Sends {@code message} to the hop; a failure comes back as {@link #transportError}. */
  final void send(SipRequest message) {
    send(message, null);
  }

  /** {@link #send(SipRequest)} with the message's encoding, or null to let the transport make it. */
  final void send(SipRequest message, byte[] wire) {
    CompletableFuture<Flow> sent;
    try {
      sent = wire == null ? layer.transport().send(message, hop)
          : layer.transport().send(message, wire, hop);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((f, e) -> {
      if (e != null) {
        scheduler.run(() -> {
          if (!isTerminated()) {
            transportError(unwrap(e));
          }
        });
      } else if (flow == null) {
        flow = f;
      }
    });
  }

  /**
   * Completed over UDP: keeps only the listener's {@link Listener#afterFinalResponse} part (a
   * listener that fails to give one is kept whole). On the scheduler.
   */
  final void narrowListener() {
    try {
      Listener narrow = listener.afterFinalResponse();
      if (narrow == null) {
        throw new IllegalStateException("afterFinalResponse returned null");
      }
      listener = narrow;
    } catch (RuntimeException e) {
      layer.callbackFailed("afterFinalResponse", this, e);
    }
  }

  /**
   * Whether the listener kept may read {@link #request()} while the transaction lingers ({@link
   * Listener#readsRequestWhileLingering}); true when it fails to say. On the scheduler.
   */
  final boolean listenerReadsRequest() {
    try {
      return listener.readsRequestWhileLingering();
    } catch (RuntimeException e) {
      layer.callbackFailed("readsRequestWhileLingering", this, e);
      return true;
    }
  }

  @Override
  void addHeld(java.util.List<Object> held) {
    super.addHeld(held);
    held.add(listener);
  }

  final void deliver(SipResponse response) {
    try {
      listener.onResponse(this, response);
    } catch (RuntimeException e) {
      layer.callbackFailed("onResponse", this, e);
    }
  }

  final void reportTimeout() {
    try {
      listener.onTimeout(this);
    } catch (RuntimeException e) {
      layer.callbackFailed("onTimeout", this, e);
    }
  }

  final void reportTransportError(Throwable cause) {
    try {
      listener.onTransportError(this, cause);
    } catch (RuntimeException e) {
      layer.callbackFailed("onTransportError", this, e);
    }
  }

  @Override
  final void onTerminated() {
    try {
      listener.onTerminated(this);
    } catch (RuntimeException e) {
      layer.callbackFailed("onTerminated", this, e);
    }
    layer.terminatedForUser(this);
  }
}
