package dev.parley.client.internal;

import dev.parley.sip.SipMethod;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Flow;
import dev.parley.transport.Inbound;
import dev.parley.transport.TransportListener;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The endpoint's listener on its transport, in front of the transaction layer: forwards every
 * message and every closed flow to it unchanged, and on the way notes which connection our
 * registration lives on (RFC 5626 calls it the flow): the one the last 2xx to our REGISTER (our
 * Call-ID) came back on, over TCP, TLS or WebSocket. When that connection closes it tells the
 * endpoint, so the endpoint can re-register instead of staying unreachable until the next refresh.
 * Over UDP there is no connection to lose: nothing is noted.
 *
 * <p>Runs on event loops; never blocks. The callback runs outside this object's monitor.
 */
final class FlowWatch implements TransportListener {
  private final TransportListener next;
  private final String callId;
  private final Consumer<Flow> onClosed;

  // guarded by this
  private Flow current;
  private boolean currentClosed;

  /**
   * A watch in front of {@code next} for the REGISTERs of {@code callId}.
   *
   * @param onClosed called on the event loop when the noted connection closes
   */
  FlowWatch(TransportListener next, String callId, Consumer<Flow> onClosed) {
    this.next = Objects.requireNonNull(next, "next");
    this.callId = Objects.requireNonNull(callId, "callId");
    this.onClosed = Objects.requireNonNull(onClosed, "onClosed");
  }

  @Override
  public void onMessage(Inbound inbound) {
    if (inbound.message() instanceof SipResponse r && r.isSuccess() && isOurRegister(r)) {
      Flow flow = inbound.flow();
      synchronized (this) {
        if (flow.transport().isReliable()) {
          if (!flow.equals(current)) {
            current = flow;
            currentClosed = false;
          }
        } else {
          current = null;
          currentClosed = false;
        }
      }
    }
    next.onMessage(inbound);
  }

  private boolean isOurRegister(SipResponse r) {
    try {
      return r.cseq().method().equals(SipMethod.REGISTER)
          && callId.equals(r.callId());
    } catch (RuntimeException malformed) {
      return false; // the transaction layer decides what to do with it
    }
  }

  @Override
  public void onFlowClosed(Flow flow) {
    try {
      next.onFlowClosed(flow);
    } finally {
      boolean ours;
      synchronized (this) {
        ours = flow.equals(current);
        if (ours) {
          currentClosed = true;
        }
      }
      if (ours) {
        onClosed.accept(flow);
      }
    }
  }

  /** The connection our last successful REGISTER was answered on, or null (UDP, or none yet). */
  synchronized Flow current() {
    return current;
  }

  /** Whether {@code flow} is the noted connection and it has closed already. */
  synchronized boolean isClosed(Flow flow) {
    return flow != null && flow.equals(current) && currentClosed;
  }
}
