package dev.parley.transport;

import dev.parley.sip.SipMessage;
import java.util.Objects;

/**
 * A message received from the network: the parsed message, the flow it came over and the
 * scheduler (event loop) it was received on.
 *
 * @param message the message, framed and with its start line checked; headers parse lazily
 * @param flow the flow it came over
 * @param scheduler the event loop it arrived on
 */
public record Inbound(SipMessage message, Flow flow, Scheduler scheduler) {
  /** Validates the parts. */
  public Inbound {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(flow, "flow");
    Objects.requireNonNull(scheduler, "scheduler");
  }
}
