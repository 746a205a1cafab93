package dev.parley.transport;

/**
 * Sees every SIP message in and out with its time, transport and addresses. Called on an event
 * loop: it must be quick and must not block (hand the event to a queue if it needs to do more).
 * The default layer has none.
 */
@FunctionalInterface
public interface TraceListener {
  void onTrace(TraceEvent event);
}
