package dev.parley.it;

import dev.parley.cli.Parley;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One {@code parley client ... --json --script FILE} run in this JVM through the CLI's public entry
 * point ({@link Parley#run(PrintWriter, PrintWriter, String...)}), on a thread of its own: its JSON
 * event lines as they are printed, its standard error, its exit status.
 *
 * <p>In-process rather than {@code java -jar parley.jar}: the same code from the command line on,
 * with no JVM start and no dependence on the shaded jar having been packaged. The script comes
 * from a file ({@code --script}, the documented equivalent of standard input): {@code Parley.run}
 * reads {@link System#in}, which this JVM shares with surefire. One instance per client; the
 * accessors are thread-safe.
 */
final class ParleyClient implements AutoCloseable {
  private final String name;
  private final List<String> out = new CopyOnWriteArrayList<>();
  private final StringWriter err = new StringWriter();
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final Thread thread;

  private ParleyClient(String name, String[] args) {
    this.name = name;
    this.thread = new Thread(() -> {
      try {
        exit.complete(Parley.run(new PrintWriter(new LineWriter(out), true),
            new PrintWriter(err, true), args));
      } catch (Throwable e) {
        exit.completeExceptionally(e);
      }
    }, "parley-client-" + name);
    thread.setDaemon(true);
  }

  /** Runs {@code parley ARGS} ({@code client ... --json --script FILE}) on its own thread. */
  static ParleyClient start(String name, String... args) {
    ParleyClient c = new ParleyClient(name, args.clone());
    c.thread.start();
    return c;
  }

  /** Every line printed on standard output so far. */
  List<String> lines() {
    return List.copyOf(out);
  }

  /** Every event so far, parsed; values as text ({@code 1}, {@code true}, {@code null}). */
  List<Map<String, String>> events() {
    List<Map<String, String>> list = new ArrayList<>();
    for (String l : out) {
      list.add(Baresip.FlatJson.parse(l));
    }
    return list;
  }

  /**
   * Waits for an event named {@code event} that satisfies {@code p} and returns it.
   *
   * @throws AssertionError with everything printed, after {@code timeout}
   */
  Map<String, String> await(String event, Predicate<Map<String, String>> p, Duration timeout) {
    try {
      return Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20))
          .until(() -> events().stream().filter(e -> event.equals(e.get("event")))
              .filter(p).findFirst().orElse(null), e -> e != null);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("parley client " + name + ": no " + event + " event within "
          + timeout + "\n" + log(), e);
    }
  }

  /**
   * The exit status, waiting up to {@code timeout}.
   *
   * @throws AssertionError with everything printed if it is still running
   */
  int exitStatus(Duration timeout) throws Exception {
    try {
      return exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("parley client " + name + " still running after " + timeout + "\n"
          + log(), e);
    }
  }

  /** What it printed: standard output, then standard error. */
  String log() {
    return "--- parley client " + name + " stdout:\n" + String.join("\n", out)
        + (err.toString().isEmpty() ? "" : "\n--- stderr:\n" + err);
  }

  /**
   * Stops a client whose script has not ended (a failed test): interrupts its thread, which ends
   * the wait in progress, hangs up and signs out; waits 15 s at most. Never throws.
   */
  @Override
  public void close() {
    if (exit.isDone()) {
      return;
    }
    thread.interrupt();
    try {
      exit.get(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // it failed or hangs: a daemon thread, gone with the JVM
    }
  }

  /** Collects what is written, one entry per complete line. */
  private static final class LineWriter extends Writer {
    private final List<String> lines;
    private final StringBuilder partial = new StringBuilder();

    LineWriter(List<String> lines) {
      this.lines = lines;
    }

    @Override
    public synchronized void write(char[] cbuf, int off, int len) {
      for (int i = off; i < off + len; i++) {
        char c = cbuf[i];
        if (c == '\n') {
          lines.add(partial.toString());
          partial.setLength(0);
        } else if (c != '\r') {
          partial.append(c);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
