package dev.parley.transaction.internal;

import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Flow;
import dev.parley.transport.Inbound;
import dev.parley.transport.Scheduler;

/**
 * The INVITE server transaction of RFC 3261 §17.2.1, as amended by RFC 6026 §7.1 (a 2xx from the
 * TU moves it to Accepted, which absorbs INVITE retransmissions, passes the TU's 2xx
 * retransmissions and the ACK for the 2xx through, until Timer L).
 *
 * <pre>
 *                                |INVITE
 *                                |pass INV to TU
 *             INVITE             V send 100 if TU won't in 200 ms
 *             send response+------------+
 *                 +--------|            |--------+ 101-199 from TU
 *                 |        |            |        | send response
 *                 +------->|            |<-------+
 *                          | Proceeding |
 *                          |            |--------+ Transport Err.
 *                          |            |        | Inform TU
 *                          |            |<-------+
 *                          +------------+
 *             300-699 from TU |    |2xx from TU
 *             send response   |    |send response
 *              +--------------+    +------------+
 *              |                                |
 * INVITE       V          Timer G fires         |
 * send response+-----------+ send response      |
 *   +--------|           |--------+             |
 *   |        |           |        |             |
 *   +------->| Completed |<-------+      INVITE |  Transport Err.
 *            |           |               -      |  Inform TU
 *   +--------|           |----+          +-----+|  +---+
 *   |        +-----------+    | ACK      |     v v  |   v
 *   |          ^   |          | -        +------------+
 *   |          |   |          |          |  Accepted  |---+ ACK
 *   |          +---+          |          |            |<--+ to TU
 *   |    Transport Err.       |          |            |
 *   |    Inform TU            |          |            |<--+ 2xx from TU
 *   |                         V          |            |---+ send response
 *   |                  +-----------+     +------------+
 *   |                  |           |         |
 *   |Timer H fires     | Confirmed |         | Timer L fires
 *   |-                 |           |         | -
 *   |                  +-----------+         |
 *   |                        |               |
 *   |                        |Timer I fires  |
 *   |                        |-              |
 *   |                        V               |
 *   |                  +------------+        |
 *   +----------------->| Terminated |<-------+
 *                      +------------+
 *      Figure 7: INVITE server transaction (RFC 3261, amended by RFC 6026)
 * </pre>
 *
 * <p>Timer G (UDP only) starts at T1 and doubles up to T2; Timer H is 64*T1; Timer I is T4 over UDP
 * and zero over reliable transports; Timer L is 64*T1. {@code 100 Trying} goes out after the
 * configured delay unless the TU answered first, or at once when the INVITE is retransmitted
 * before any provisional response. Confined to its scheduler.
 */
public final class InviteServerTransaction extends AbstractServerTransaction {
  private enum State { PROCEEDING, COMPLETED, CONFIRMED, ACCEPTED, TERMINATED }

  private State state = State.PROCEEDING;
  private Scheduler.Timer tryingTimer;
  private Scheduler.Timer timerG;
  private Scheduler.Timer timerH;
  private Scheduler.Timer timerI;
  private Scheduler.Timer timerL;
  private long timerGInterval;
  private SipResponse lastProvisional;
  private SipResponse finalResponse;
  /** Whether Confirmed keeps no request ({@link #readsNoRequestOnceConfirmed}). */
  private volatile boolean noRequestOnceConfirmed;

  InviteServerTransaction(DefaultTransactionLayer layer, Scheduler scheduler, SipRequest invite,
      Object key, Flow flow, boolean layerOwned) {
    super(layer, scheduler, invite, key, flow, layerOwned);
  }

  @Override
  void start() {
    tryingTimer = schedule(layer.tryingDelay(), this::sendTrying);
  }

  /** §17.2.1: the TU did not send a provisional response in time. */
  private void sendTrying() {
    tryingTimer = null;
    if (state == State.PROCEEDING && lastProvisional == null) {
      lastProvisional = request().response(100).build(); // §17.2.1, with Timestamp (§8.2.6.1)
      sendFirst(lastProvisional);
    }
  }

  @Override
  void receiveRetransmission(SipRequest invite) {
    switch (state) {
      case PROCEEDING -> {
        if (lastProvisional != null) {
          send(lastProvisional);
        } else {
          tryingTimer = cancel(tryingTimer);
          sendTrying();
        }
      }
      case COMPLETED -> send(finalResponse);
      case CONFIRMED, ACCEPTED, TERMINATED -> { }
    }
  }

  /** An ACK matched this transaction (§17.2.3): the ACK for a non-2xx, or one for a 2xx. */
  void receiveAck(SipRequest ack, Inbound inbound) {
    switch (state) {
      case COMPLETED -> {
        state = State.CONFIRMED;
        timerG = cancel(timerG);
        timerH = cancel(timerH);
        if (reliable) {
          state = State.TERMINATED;
          terminate();
        } else {
          finalResponse = null; // Confirmed absorbs ACKs only: nothing is retransmitted any more
          timerI = linger(layer.t4(), this::timerIFired, true);
          if (noRequestOnceConfirmed) {
            dropRequest(); // absorbing ACKs needs the key only
          } else {
            compactLater();
          }
        }
      }
      case ACCEPTED -> layer.ackToUser(ack, inbound);
      case PROCEEDING, CONFIRMED, TERMINATED -> { }
    }
  }

  @Override
  void respondFromUser(SipResponse response) {
    switch (state) {
      case PROCEEDING -> {
        tryingTimer = cancel(tryingTimer);
        if (response.isProvisional()) {
          lastProvisional = response;
          sendFirst(response);
        } else if (response.isSuccess()) {
          state = State.ACCEPTED;
          lastProvisional = null; // Accepted answers a retransmitted INVITE with nothing
          timerL = linger(layer.timeoutMillis(), this::timerLFired, false);
          sendFirst(response);
          if (state == State.ACCEPTED) {
            compactLater(); // Accepted keeps no response: the TU retransmits its 2xx itself
          }
        } else {
          state = State.COMPLETED;
          finalResponse = response;
          if (!reliable) {
            timerGInterval = layer.t1();
            timerG = schedule(timerGInterval, this::timerGFired);
          }
          timerH = schedule(layer.timeoutMillis(), this::timerHFired);
          lastProvisional = null; // Completed retransmits the final response only
          sendFirst(response);
        }
      }
      case ACCEPTED -> {
        if (response.isSuccess()) {
          send(response); // the UA core's retransmission, or a proxy's further forked 2xx
        } else {
          layer.responseDropped(this, response, "a 2xx was sent already");
        }
      }
      case COMPLETED, CONFIRMED, TERMINATED ->
          layer.responseDropped(this, response, "a final response was sent already");
    }
  }

  @Override
  public void readsNoRequestOnceConfirmed() {
    noRequestOnceConfirmed = true;
  }

  @Override
  void addHeld(java.util.List<Object> held) {
    super.addHeld(held);
    if (lastProvisional != null) {
      held.add(lastProvisional);
    }
    if (finalResponse != null) {
      held.add(finalResponse);
    }
  }

  @Override
  boolean endStatelessly() {
    if (state == State.PROCEEDING) {
      state = State.TERMINATED;
      return true;
    }
    return false;
  }

  /** A CANCEL matched this transaction (§9.2): the TU decides, while no final response went out. */
  void cancelled(SipRequest cancel) {
    if (state == State.PROCEEDING) {
      layer.cancelToUser(this, cancel);
    }
  }

  private void timerGFired() {
    if (state != State.COMPLETED) {
      return;
    }
    timerGInterval = Math.min(2 * timerGInterval, layer.t2());
    timerG = schedule(timerGInterval, this::timerGFired);
    send(finalResponse);
  }

  private void timerHFired() {
    if (state == State.COMPLETED) {
      state = State.TERMINATED;
      if (!layerOwned) {
        layer.timeoutToUser(this);
      }
      terminate();
    }
  }

  private void timerIFired() {
    if (state == State.CONFIRMED) {
      state = State.TERMINATED;
      terminate();
    }
  }

  private void timerLFired() {
    if (state == State.ACCEPTED) {
      state = State.TERMINATED;
      terminate();
    }
  }

  @Override
  void transportError(Throwable cause) {
    switch (state) {
      case PROCEEDING, COMPLETED -> {
        state = State.TERMINATED;
        reportTransportError(cause);
        terminate();
      }
      case ACCEPTED -> reportTransportError(cause);
      case CONFIRMED, TERMINATED -> { }
    }
  }

  @Override
  void cancelTimers() {
    tryingTimer = cancel(tryingTimer);
    timerG = cancel(timerG);
    timerH = cancel(timerH);
    timerI = cancel(timerI);
    timerL = cancel(timerL);
  }
}
