package dev.parley.cli;

import dev.parley.cli.ClientSessions.Entry;
import dev.parley.client.SessionTrace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saves each ended session's {@link SessionTrace} under {@code --trace-dir} as
 * {@code USER-ID-CONVERSATION.trace} ({@code parley-trace/1}, read by {@code parley trace}).
 *
 * <p>A trace is saved when the session ends: the client library ends a session we hang up only
 * once our BYE is answered (or timed out), so the {@code 200 OK (BYE)} is in it. One message can
 * still come later: the inviter's ACK to a final non-2xx response we sent (a reject, the 480 of an
 * expired invitation, the 487 of a CANCEL), which is hop-by-hop (RFC 3261 §17.2.1) and not waited
 * for. So traces that grew are saved again when the client quits. Thread-safe.
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
    return file;
  }

  /** Saves again every trace that grew since it was saved; call before the transport closes. */
  void resaveAll() {
    Map<Entry, Path> copy;
    synchronized (saved) {
      copy = new LinkedHashMap<>(saved);
    }
    for (Map.Entry<Entry, Path> m : copy.entrySet()) {
      try {
        write(m.getKey(), m.getValue());
      } catch (IOException | RuntimeException x) {
        // the first save stands
      }
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
}
