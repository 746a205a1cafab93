package dev.parley.client.internal;

import dev.parley.client.SessionTrace;
import dev.parley.transport.TraceEvent;
import dev.parley.transport.TraceListener;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Routes the transport's trace events (every message in and out) to the sessions they belong to,
 * by Call-ID. A Call-ID is claimed by a session before its first request goes out, or when an
 * incoming INVITE or MESSAGE becomes (part of) a session; messages of a Call-ID nobody has claimed
 * yet (the INVITE itself, which is traced before the core sees it) wait in a small orphan
 * recorder that the claim adopts. Both tables are bounded LRU maps. Only client endpoints install
 * it, so the server path pays nothing.
 *
 * <p>Thread-safe: {@link #onTrace} runs on event loops and does a header scan and a map lookup.
 */
final class SessionTracer implements TraceListener {
  /** Most Call-IDs remembered as claimed (old ones fall out: their sessions ended long ago). */
  private static final int MAX_CLAIMED = 4096;
  /** Most unclaimed Call-IDs kept, and messages per unclaimed Call-ID. */
  private static final int MAX_ORPHANS = 64;
  private static final int ORPHAN_LIMIT = 16;

  private final Map<String, TraceRecorder> claimed = lru(MAX_CLAIMED);
  private final Map<String, TraceRecorder> orphans = lru(MAX_ORPHANS);

  private static Map<String, TraceRecorder> lru(int max) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, TraceRecorder> eldest) {
        return size() > max;
      }
    };
  }

  /** Sends the messages of {@code callId} (and those already seen) to {@code recorder}. */
  void claim(String callId, TraceRecorder recorder) {
    if (callId == null || recorder == null) {
      return;
    }
    TraceRecorder orphan;
    synchronized (this) {
      claimed.put(callId, recorder);
      orphan = orphans.remove(callId);
    }
    if (orphan != null) {
      recorder.takeAll(orphan);
    }
  }

  @Override
  public void onTrace(TraceEvent event) {
    String callId = CallIds.of(event.bytes());
    if (callId == null) {
      return;
    }
    TraceRecorder r;
    synchronized (this) {
      r = claimed.get(callId);
      if (r == null) {
        r = orphans.computeIfAbsent(callId, k -> new TraceRecorder(ORPHAN_LIMIT));
      }
    }
    if (event.local() == null || event.remote() == null) {
      return;
    }
    r.add(new SessionTrace.Message(Instant.ofEpochMilli(event.timeMillis()),
        event.direction() == TraceEvent.Direction.SENT ? SessionTrace.Direction.SENT
            : SessionTrace.Direction.RECEIVED,
        event.transport(), event.local(), event.remote(), event.bytes()));
  }
}
