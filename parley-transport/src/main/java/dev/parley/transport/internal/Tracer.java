package dev.parley.transport.internal;

import dev.parley.transport.TraceEvent;
import dev.parley.transport.TraceListener;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every message in and out to the {@link TraceListener}s. Thread-safe; costs one volatile
 * read when there are no listeners. A listener that throws is logged once and otherwise ignored.
 */
public final class Tracer {
  private static final Logger log = LoggerFactory.getLogger(Tracer.class);

  private final List<TraceListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean complained = new AtomicBoolean();

  /** Adds a listener. */
  public void add(TraceListener listener) {
    listeners.add(listener);
  }

  /**
   * Removes one addition of a listener (none when absent); safe from a listener's own
   * {@code onTrace} (the message being handed out still reaches the others).
   */
  public void remove(TraceListener listener) {
    listeners.remove(listener);
  }

  /** Whether anyone listens. */
  public boolean isActive() {
    return !listeners.isEmpty();
  }

  /** A message was sent. */
  public void sent(Transport transport, SocketAddress local, SocketAddress remote, byte[] wire) {
    emit(TraceEvent.Direction.SENT, transport, local, remote, wire);
  }

  /** A message was received. */
  public void received(Transport transport, SocketAddress local, SocketAddress remote, byte[] wire) {
    emit(TraceEvent.Direction.RECEIVED, transport, local, remote, wire);
  }

  private static InetSocketAddress inet(SocketAddress a) {
    return a instanceof InetSocketAddress i ? i : null;
  }

  private void emit(TraceEvent.Direction direction, Transport transport, SocketAddress local,
      SocketAddress remote, byte[] wire) {
    if (listeners.isEmpty()) {
      return;
    }
    TraceEvent event = new TraceEvent(direction, System.currentTimeMillis(), transport,
        inet(local), inet(remote), wire);
    for (TraceListener l : listeners) {
      try {
        l.onTrace(event);
      } catch (RuntimeException e) {
        if (complained.compareAndSet(false, true)) {
          log.warn("Trace listener {} failed (further failures are not logged)", l, e);
        }
      }
    }
  }
}
