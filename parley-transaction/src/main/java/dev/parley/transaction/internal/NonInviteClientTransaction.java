package dev.parley.transaction.internal;

import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Hop;
import dev.parley.transport.Scheduler;

/**
 * The non-INVITE client transaction of RFC 3261 §17.1.2.
 *
 * <pre>
 *                                    |Request from TU
 *                                    |send request
 *                Timer E             V
 *                send request  +-----------+
 *                    +---------|           |-------------------+
 *                    |         |  Trying   |  Timer F          |
 *                    +-------->|           |  or Transport Err.|
 *                              +-----------+  inform TU        |
 *                 200-699         |  |                         |
 *                 resp. to TU     |  |1xx                      |
 *                 +---------------+  |resp. to TU              |
 *                 |                  |                         |
 *                 |   Timer E        V       Timer F           |
 *                 |   send req +-----------+ or Transport Err. |
 *                 |  +---------|           | inform TU         |
 *                 |  |         |Proceeding |------------------>|
 *                 |  +-------->|           |-----+             |
 *                 |            +-----------+     |1xx          |
 *                 |              |      ^        |resp to TU   |
 *                 | 200-699      |      +--------+             |
 *                 | resp. to TU  |                             |
 *                 |              |                             |
 *                 |              V                             |
 *                 |            +-----------+                   |
 *                 |            |           |                   |
 *                 |            | Completed |                   |
 *                 |            |           |                   |
 *                 |            +-----------+                   |
 *                 |              ^   |                         |
 *                 |              |   | Timer K                 |
 *                 +--------------+   | -                       |
 *                                    |                         |
 *                                    V                         |
 *                              +-----------+                   |
 *                              |           |                   |
 *                              | Terminated|<------------------+
 *                              |           |
 *                              +-----------+
 *
 *                  Figure 6: non-INVITE client transaction
 * </pre>
 *
 * <p>Timer E (UDP only) starts at T1, doubles up to T2 in Trying and stays at T2 in Proceeding;
 * Timer F is 64*T1; Timer K is T4 over UDP and zero over reliable transports. Confined to its
 * scheduler.
 */
public final class NonInviteClientTransaction extends AbstractClientTransaction {
  private enum State { TRYING, PROCEEDING, COMPLETED, TERMINATED }

  private State state = State.TRYING;
  private Scheduler.Timer timerE;
  private Scheduler.Timer timerF;
  private Scheduler.Timer timerK;
  private long timerEInterval;

  NonInviteClientTransaction(DefaultTransactionLayer layer, Scheduler scheduler, SipRequest request,
      String branch, Hop hop, Listener listener, boolean layerOwned) {
    super(layer, scheduler, request, branch, hop, listener, layerOwned);
  }

  @Override
  void start() {
    if (!reliable) {
      timerEInterval = layer.t1();
      timerE = schedule(timerEInterval, this::timerEFired);
    }
    timerF = schedule(layer.timeoutMillis(), this::timerFFired);
    sendRequest();
  }

  private void timerEFired() {
    if (state != State.TRYING && state != State.PROCEEDING) {
      return;
    }
    timerEInterval = state == State.TRYING ? Math.min(2 * timerEInterval, layer.t2()) : layer.t2();
    timerE = schedule(timerEInterval, this::timerEFired);
    sendRequest();
  }

  private void timerFFired() {
    if (state == State.TRYING || state == State.PROCEEDING) {
      state = State.TERMINATED;
      reportTimeout();
      terminate();
    }
  }

  @Override
  void receive(SipResponse response) {
    switch (state) {
      case TRYING, PROCEEDING -> {
        if (response.isProvisional()) {
          state = State.PROCEEDING;
          deliver(response);
        } else {
          state = State.COMPLETED;
          cancelTimers();
          if (!reliable) {
            timerK = linger(layer.t4(), this::timerKFired, true);
          }
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
      case COMPLETED, TERMINATED -> { }
    }
  }

  /**
   * Completed (Timer K) absorbs responses only: it keeps a narrow listener, and the request's
   * bytes only for a listener that may still read the request ({@link
   * Listener#readsRequestWhileLingering}); else nothing of it, since absorbing a retransmitted
   * final response needs the key alone (§17.1.2.2).
   */
  @Override
  void compactBeforeRequest() {
    if (state == State.COMPLETED) {
      narrowListener();
      if (!listenerReadsRequest()) {
        dropRequest();
      }
    }
  }

  private void timerKFired() {
    if (state == State.COMPLETED) {
      state = State.TERMINATED;
      terminate();
    }
  }

  @Override
  void transportError(Throwable cause) {
    if (state == State.TRYING || state == State.PROCEEDING) {
      state = State.TERMINATED;
      reportTransportError(cause);
      terminate();
    }
  }

  @Override
  void cancelTimers() {
    timerE = cancel(timerE);
    timerF = cancel(timerF);
    timerK = cancel(timerK);
  }
}
