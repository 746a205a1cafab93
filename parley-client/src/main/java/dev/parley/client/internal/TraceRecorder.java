package dev.parley.client.internal;

import dev.parley.client.SessionTrace;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The bounded trace of one session (or of one Call-ID nobody has claimed yet): the latest
 * {@code limit} messages. Thread-safe; {@link #add} runs on event loops and only appends.
 */
final class TraceRecorder {
  private final int limit;
  private final ArrayDeque<SessionTrace.Message> messages = new ArrayDeque<>();
  private long dropped;

  TraceRecorder(int limit) {
    this.limit = limit;
  }

  synchronized void add(SessionTrace.Message m) {
    if (messages.size() >= limit) {
      messages.pollFirst();
      dropped++;
    }
    messages.addLast(m);
  }

  /** Moves every message of {@code other} into this recorder. */
  void takeAll(TraceRecorder other) {
    List<SessionTrace.Message> moved;
    synchronized (other) {
      moved = new ArrayList<>(other.messages);
      other.messages.clear();
    }
    for (SessionTrace.Message m : moved) {
      add(m);
    }
  }

  /** A snapshot, ordered by time (messages of several Call-IDs may have been appended late). */
  SessionTrace snapshot() {
    List<SessionTrace.Message> copy;
    long d;
    synchronized (this) {
      copy = new ArrayList<>(messages);
      d = dropped;
    }
    copy.sort(Comparator.comparing(SessionTrace.Message::time)); // stable: same-time order kept
    return SessionTrace.of(copy, d);
  }
}
