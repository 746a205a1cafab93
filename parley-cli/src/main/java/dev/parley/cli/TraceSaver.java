package dev.parley.cli;

import dev.parley.cli.ClientSessions.Entry;
import dev.parley.client.SessionTrace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Saves each ended session's {@link SessionTrace} under {@code --trace-dir} as
 * {@code USER-ID-CONVERSATION.trace} ({@code parley-trace/1}, read by {@code parley trace}).
 *
 * <p>The response to our own BYE can arrive after the session has ended, so a trace is saved when
 * the session ends, again two seconds later, and again when the client quits if it grew (a trace
 * whose last message is a BYE or CANCEL we sent gets up to a second for its response then).
 * Thread-safe.
 */
final class TraceSaver {
  private final Path dir;
  private final String user;
  private final Map<Entry, Path> saved = new IdentityHashMap<>();
  private final Map<Entry, Long> written = new IdentityHashMap<>();

  TraceSaver(Path dir, String user) {
    this.dir = dir;
    this.user = user;
  }

  /**
   * Saves the trace of {@code e}, which just ended.
   *
   * @return the file
   * @throws IOException if it cannot be written
   */
  Path save(Entry e) throws IOException {
    Path file = dir.resolve(user + "-" + e.id + "-" + e.conversation() + ".trace");
    Files.createDirectories(dir);
    write(e, file);
    synchronized (saved) {
      saved.put(e, file);
    }
    CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS).execute(() -> resave(e, file));
    return file;
  }

  /** Saves again every trace that grew since it was saved; call before the transport closes. */
  void resaveAll() throws InterruptedException {
    Map<Entry, Path> copy;
    synchronized (saved) {
      copy = new LinkedHashMap<>(saved);
    }
    long deadline = System.nanoTime() + 1_000_000_000L;
    for (Map.Entry<Entry, Path> m : copy.entrySet()) {
      while (awaitsResponse(m.getKey().session.trace()) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      resave(m.getKey(), m.getValue());
    }
  }

  private void write(Entry e, Path file) throws IOException {
    synchronized (written) {
      SessionTrace trace = e.session.trace();
      long size = trace.messages().size() + trace.dropped();
      if (size > written.getOrDefault(e, -1L)) {
        trace.write(file);
        written.put(e, size);
      }
    }
  }

  private void resave(Entry e, Path file) {
    try {
      write(e, file);
    } catch (IOException | RuntimeException x) {
      // the first save stands
    }
  }

  private static boolean awaitsResponse(SessionTrace trace) {
    List<SessionTrace.Message> all = trace.messages();
    if (all.isEmpty()) {
      return false;
    }
    SessionTrace.Message last = all.get(all.size() - 1);
    String label = last.label();
    return last.direction() == SessionTrace.Direction.SENT
        && (label.equals("BYE") || label.equals("CANCEL"));
  }
}
