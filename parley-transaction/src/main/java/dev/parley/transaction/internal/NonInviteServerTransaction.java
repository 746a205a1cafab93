package dev.parley.transaction.internal;

import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Flow;
import dev.parley.transport.Scheduler;

/**
 * The non-INVITE server transaction of RFC 3261 §17.2.2.
 *
 * <pre>
 *                           |Request received
 *                           |pass to TU
 *                           V
 *                     +-----------+
 *                     |           |
 *                     | Trying    |-------------+
 *                     |           |             |
 *                     +-----------+             |200-699 from TU
 *                           |                   |send response
 *                           |1xx from TU        |
 *                           |send response      |
 *                           |                   |
 *        Request            V      1xx from TU  |
 *        send response+-----------+send response|
 *            +--------|           |--------+    |
 *            |        | Proceeding|        |    |
 *            +------->|           |<-------+    |
 *     +<--------------|           |             |
 *     |Trnsprt Err    +-----------+             |
 *     |Inform TU            |                   |
 *     |                     |                   |
 *     |                     |200-699 from TU    |
 *     |                     |send response      |
 *     |  Request            V                   |
 *     |  send response+-----------+             |
 *     |      +--------|           |             |
 *     |      |        | Completed |<------------+
 *     |      +------->|           |
 *     +<--------------|           |
 *     |Trnsprt Err    +-----------+
 *     |Inform TU            |
 *     |                     |Timer J fires
 *     |                     |-
 *     |                     |
 *     |                     V
 *     |               +-----------+
 *     |               |           |
 *     +-------------->| Terminated|
 *                     |           |
 *                     +-----------+
 *
 *         Figure 8: non-INVITE server transaction
 * </pre>
 *
 * <p>Timer J is 64*T1 over UDP and zero over reliable transports. Confined to its scheduler.
 */
public final class NonInviteServerTransaction extends AbstractServerTransaction {
  private enum State { TRYING, PROCEEDING, COMPLETED, TERMINATED }

  private State state = State.TRYING;
  private Scheduler.Timer timerJ;
  private SipResponse lastResponse;
  /** The final response as bytes, once Completed has compacted ({@link #lastResponse} null). */
  private WireCopy finalCopy;
  /**
   * Completed over UDP, until it compacts: the final response's encoding, made once to send it,
   * sent again as it is and kept as {@link #finalCopy}. On the scheduler.
   */
  private byte[] finalWire;
  /** Whether Completed keeps no request ({@link #readsNoRequestOnceCompleted}). */
  private volatile boolean noRequestOnceCompleted;

  NonInviteServerTransaction(DefaultTransactionLayer layer, Scheduler scheduler, SipRequest request,
      Object key, Flow flow, boolean layerOwned) {
    super(layer, scheduler, request, key, flow, layerOwned);
  }

  @Override
  void start() {}

  @Override
  void receiveRetransmission(SipRequest retransmission) {
    switch (state) {
      case PROCEEDING, COMPLETED -> {
        if (lastResponse != null) {
          send(lastResponse, finalWire);
        } else {
          sendAgain(finalCopy);
        }
      }
      case TRYING, TERMINATED -> { }
    }
  }

  @Override
  void respondFromUser(SipResponse response) {
    switch (state) {
      case TRYING, PROCEEDING -> {
        lastResponse = response;
        if (response.isProvisional()) {
          state = State.PROCEEDING;
          sendFirst(response);
        } else {
          state = State.COMPLETED;
          if (!reliable) {
            timerJ = linger(layer.timeoutMillis(), this::timerJFired, true);
            finalWire = encodeOrNull(response);
          }
          sendFirst(response, finalWire);
          if (!reliable && state == State.COMPLETED) {
            compactLater();
          }
          if (reliable && state == State.COMPLETED) {
            state = State.TERMINATED;
            terminate();
          }
        }
      }
      case COMPLETED, TERMINATED ->
          layer.responseDropped(this, response, "a final response was sent already");
    }
  }

  @Override
  public void readsNoRequestOnceCompleted() {
    noRequestOnceCompleted = true;
  }

  /** Completed resends the final response (§17.2.2): it needs the key, not the request. */
  @Override
  void compactBeforeRequest() {
    if (state == State.COMPLETED && noRequestOnceCompleted) {
      dropRequest();
    }
  }

  /** Completed keeps the final response as its bytes (§17.2.2: resent for each retransmission). */
  @Override
  void compact() {
    if (state == State.COMPLETED && lastResponse != null) {
      WireCopy copy = WireCopy.of(lastResponse, finalWire);
      if (copy != null) { // else kept as it is: its bytes do not parse back
        finalCopy = copy;
        lastResponse = null;
        finalWire = null; // the copy holds it
      }
    }
  }

  @Override
  WireCopy responseCopy() {
    return finalCopy;
  }

  @Override
  void addHeld(java.util.List<Object> held) {
    super.addHeld(held);
    if (lastResponse != null) {
      held.add(lastResponse);
    }
  }

  @Override
  boolean endStatelessly() {
    if (state == State.TRYING || state == State.PROCEEDING) {
      state = State.TERMINATED;
      return true;
    }
    return false;
  }

  private void timerJFired() {
    if (state == State.COMPLETED) {
      state = State.TERMINATED;
      terminate();
    }
  }

  @Override
  void transportError(Throwable cause) {
    if (state == State.PROCEEDING || state == State.COMPLETED || state == State.TRYING) {
      state = State.TERMINATED;
      reportTransportError(cause);
      terminate();
    }
  }

  @Override
  void cancelTimers() {
    timerJ = cancel(timerJ);
  }
}
