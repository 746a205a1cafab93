package dev.parley.transaction.internal;

import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Hop;
import dev.parley.transport.Scheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * The INVITE client transaction of RFC 3261 §17.1.1, as amended by RFC 6026 §7.2 (a 2xx moves it
 * to Accepted, where further 2xx responses from other forks still reach the TU, until Timer M).
 *
 * <pre>
 *                                |INVITE from TU
 *              Timer A fires     |INVITE sent      Timer B fires
 *              Reset A,          V                 or Transport Err.
 *              INVITE sent +-----------+           inform TU
 *                +---------|           |--------------------------+
 *                |         |  Calling  |                          |
 *                +-------->|           |-----------+              |
 *   300-699                +-----------+ 2xx       |              |
 *   ACK sent                  |  |       2xx to TU |              |
 *   resp. to TU               |  |1xx              |              |
 *   +-------------------------+  |1xx to TU        |              |
 *   |                            |                 |              |
 *   |                1xx         V                 |              |
 *   |                1xx to TU +-----------+       |              |
 *   |                +---------|           |       |              |
 *   |                |         |Proceeding |       |              |
 *   |                +-------->|           |       |              |
 *   |                          +-----------+ 2xx   |              |
 *   |         300-699             |    2xx to TU   |              |
 *   |         ACK sent,  +--------+                +---+          |
 *   |         resp. to TU|                             |          |
 *   |                    |                             |          |
 *   |                    V                             V          |
 *   |              +-----------+                   +----------+   |
 *   +------------->|           |Transport Err.     |          |   |
 *                  | Completed |Inform TU          | Accepted |   |
 *               +--|           |-------+           |          |-+ |
 *       300-699 |  +-----------+       |           +----------+ | |
 *       ACK sent|    ^  |              |               |  ^     | |
 *               |    |  |              |               |  |     | |
 *               +----+  |              |               |  +-----+ |
 *                       |Timer D fires |  Timer M fires|    2xx   |
 *                       |-             |             - |    2xx to TU
 *                       +--------+     |   +-----------+          |
 *                                |     |   |                      |
 *                                V     V   V                      |
 *                              +------------+                     |
 *                              |            |                     |
 *                              | Terminated |<--------------------+
 *                              |            |
 *                              +------------+
 *
 *          Figure 5: INVITE client transaction (RFC 3261 as updated by RFC 6026)
 * </pre>
 *
 * <p>Timer A (UDP only) starts at T1 and doubles; Timer B is 64*T1; Timer D is
 * {@code timerD} over UDP and zero over reliable transports; Timer M is 64*T1. A CANCEL asked
 * for in Calling waits for the first provisional response (RFC 3261 §9.1); once it is sent, the
 * transaction gives up after a further 64*T1 without a final response (§9.1). Confined to its
 * scheduler.
 */
public final class InviteClientTransaction extends AbstractClientTransaction {
  private enum State { CALLING, PROCEEDING, ACCEPTED, COMPLETED, TERMINATED }

  private State state = State.CALLING;
  private Scheduler.Timer timerA;
  private Scheduler.Timer timerB;
  private Scheduler.Timer timerD;
  private Scheduler.Timer timerM;
  private Scheduler.Timer cancelWait;
  private long timerAInterval;
  /**
   * The ACK of a non-2xx final response, resent for each retransmission of it (Completed), until
   * Completed compacts; then null, and a retransmission gets an ACK built again from the request
   * and the retransmitted response (the same ACK: §17.1.1.3 takes the To from the response).
   */
  private SipRequest ack;
  /** The ACK's encoding while {@link #ack} is kept over UDP: sent again as it is. */
  private byte[] ackWire;
  /**
   * The ACK as its bytes, kept instead of the request once Completed compacts when the listener
   * reads no request while lingering ({@link Listener#readsRequestWhileLingering}); else null.
   */
  private WireCopy ackCopy;
  private String pendingCancelReason;
  private CompletableFuture<SipResponse> cancelResult;
  private boolean cancelSent;

  InviteClientTransaction(DefaultTransactionLayer layer, Scheduler scheduler, SipRequest invite,
      String branch, Hop hop, Listener listener) {
    super(layer, scheduler, invite, branch, hop, listener, false);
  }

  @Override
  void start() {
    if (!reliable) {
      timerAInterval = layer.t1();
      timerA = schedule(timerAInterval, this::timerAFired);
    }
    timerB = schedule(layer.timeoutMillis(), this::timerBFired);
    sendRequest();
  }

  private void timerAFired() {
    if (state != State.CALLING) {
      return;
    }
    timerAInterval *= 2;
    timerA = schedule(timerAInterval, this::timerAFired);
    sendRequest();
  }

  private void timerBFired() {
    if (state != State.CALLING) {
      return;
    }
    state = State.TERMINATED;
    reportTimeout();
    abandonCancel("INVITE timed out before a provisional response; CANCEL not sent");
    terminate();
  }

  @Override
  void receive(SipResponse response) {
    switch (state) {
      case CALLING, PROCEEDING -> {
        if (response.isProvisional()) {
          if (state == State.CALLING) {
            state = State.PROCEEDING;
            timerA = cancel(timerA);
            timerB = cancel(timerB);
          }
          deliver(response);
          if (cancelResult != null && !cancelSent && state == State.PROCEEDING) {
            sendCancel();
          }
        } else if (response.isSuccess()) {
          state = State.ACCEPTED;
          cancelTimers();
          timerM = linger(layer.timeoutMillis(), this::timerMFired, false);
          abandonCancel("INVITE was accepted before the CANCEL could be sent");
          deliver(response);
          if (state == State.ACCEPTED) {
            compactLater(); // Accepted keeps the full listener: further 2xx still reach the TU
          }
        } else {
          state = State.COMPLETED;
          cancelTimers();
          abandonCancel("INVITE was answered before the CANCEL could be sent");
          ack = LayerMessages.ackFor(request(), response);
          if (!reliable) {
            timerD = linger(layer.timerD(), this::timerDFired, true);
            ackWire = encodeOrNull(ack);
          }
          // ACK first (RFC 3261 §17.1.1.3), then the TU: a TU that retries at once (digest,
          // 3xx) must not put its new INVITE on the wire before the ACK of this one.
          send(ack, ackWire);
          deliver(response);
          if (!reliable && state == State.COMPLETED) {
            compactLater();
          }
          if (reliable && state == State.COMPLETED) {
            state = State.TERMINATED;
            terminate();
          }
        }
      }
      case ACCEPTED -> {
        if (response.isSuccess()) {
          deliver(response);
        }
      }
      case COMPLETED -> {
        if (response.isFinal() && !response.isSuccess()) {
          resendAck(response);
        }
      }
      case TERMINATED -> { }
    }
  }

  private void resendAck(SipResponse response) {
    if (ack != null) {
      send(ack, ackWire);
      return;
    }
    SipRequest again;
    try {
      again = ackCopy != null ? LayerMessages.ackWithTo(ackCopy.request(), response)
          : LayerMessages.ackFor(request(), response);
    } catch (RuntimeException e) {
      layer.retransmissionFailed(this, ackCopy != null ? ackCopy : requestCopy(), e);
      return;
    }
    send(again);
  }

  private static byte[] encodeOrNull(SipRequest message) {
    try {
      return message.encode();
    } catch (RuntimeException e) { // the transport reports it when it sends the message
      return null;
    }
  }

  /**
   * Completed (Timer D) narrows its listener; when that listener reads no request while
   * lingering, keeps only the ACK's bytes (a few hundred, no body) and lets the request go: the
   * ACK for a retransmitted final response is that ACK with the response's To (§17.1.1.3).
   */
  @Override
  void compactBeforeRequest() {
    if (state == State.COMPLETED && ack != null) {
      narrowListener();
      if (ackWire != null && !listenerReadsRequest()) {
        WireCopy kept = WireCopy.of(ack, ackWire);
        if (kept != null) { // else the ACK's bytes do not parse back: keep the request
          ackCopy = kept;
          ack = null;
          ackWire = null;
          dropRequest();
        }
      }
    }
  }

  /**
   * Otherwise Completed keeps no ACK, only the request's bytes (compacted by the base class) and
   * the narrow listener: a retransmitted final response is rare, and the ACK built again for it
   * is the one sent first, so keeping the ACK too would double the bytes each lingering call holds.
   */
  @Override
  void compact() {
    if (state == State.COMPLETED && ack != null && requestCopy() != null) {
      ack = null; // else the request stays parsed and the ACK with it
      ackWire = null;
    }
  }

  /** The ACK's bytes kept instead of the request (for {@link TransactionProbe}), else null. */
  WireCopy ackCopy() {
    return ackCopy;
  }

  @Override
  void addHeld(java.util.List<Object> held) {
    super.addHeld(held);
    if (ack != null) {
      held.add(ack);
    }
  }

  private void timerDFired() {
    if (state == State.COMPLETED) {
      state = State.TERMINATED;
      terminate();
    }
  }

  private void timerMFired() {
    if (state == State.ACCEPTED) {
      state = State.TERMINATED;
      terminate();
    }
  }

  @Override
  void transportError(Throwable cause) {
    if (state == State.CALLING || state == State.PROCEEDING || state == State.COMPLETED) {
      state = State.TERMINATED;
      reportTransportError(cause);
      abandonCancel("INVITE failed before the CANCEL could be sent");
      terminate();
    }
  }

  /**
   * The TU asked to cancel (RFC 3261 §9.1): send the CANCEL now in Proceeding, wait for a
   * provisional in Calling, refuse once a final response arrived. On the scheduler.
   */
  void requestCancel(String reason, CompletableFuture<SipResponse> result) {
    if (cancelResult != null) {
      cancelResult.whenComplete((r, e) -> {
        if (e != null) {
          result.completeExceptionally(e);
        } else {
          result.complete(r);
        }
      });
      return;
    }
    switch (state) {
      case CALLING -> {
        pendingCancelReason = reason;
        cancelResult = result;
      }
      case PROCEEDING -> {
        pendingCancelReason = reason;
        cancelResult = result;
        sendCancel();
      }
      default -> result.completeExceptionally(
          new IllegalStateException("INVITE already has a final response; CANCEL not sent"));
    }
  }

  private void sendCancel() {
    cancelSent = true;
    cancelWait = schedule(layer.timeoutMillis(), this::cancelWaitExpired);
    CompletableFuture<SipResponse> result = cancelResult;
    layer.startCancel(LayerMessages.cancelFor(request(), pendingCancelReason), branch, hop, scheduler,
        new Listener() {
          @Override
          public void onResponse(dev.parley.transaction.ClientTransaction tx, SipResponse r) {
            if (r.isFinal()) {
              result.complete(r);
            }
          }

          @Override
          public void onTimeout(dev.parley.transaction.ClientTransaction tx) {
            result.completeExceptionally(new TimeoutException("no final response to the CANCEL"));
          }

          @Override
          public void onTransportError(dev.parley.transaction.ClientTransaction tx, Throwable e) {
            result.completeExceptionally(e);
          }
        });
  }

  /** §9.1: no final response 64*T1 after the CANCEL: consider the INVITE cancelled. */
  private void cancelWaitExpired() {
    if (state == State.PROCEEDING) {
      state = State.TERMINATED;
      reportTimeout();
      terminate();
    }
  }

  private void abandonCancel(String why) {
    if (cancelResult != null && !cancelSent) {
      cancelResult.completeExceptionally(new IllegalStateException(why));
    }
  }

  @Override
  void cancelTimers() {
    timerA = cancel(timerA);
    timerB = cancel(timerB);
    timerD = cancel(timerD);
    timerM = cancel(timerM);
    cancelWait = cancel(cancelWait);
  }
}
