package dev.parley.cli;



import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import picocli.CommandLine;

/**
 * One {@code parley client --json} run in this JVM, as a script driver sees it: lines typed into
 * its standard input, JSON events read from its standard output, its exit status.
 */
final class ClientRun implements AutoCloseable {
  private final Keyboard stdin = new Keyboard();
  private final List<String> out = new CopyOnWriteArrayList<>();
  private final StringWriter err = new StringWriter();
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final String name;

  private ClientRun(String name) {
    this.name = name;
  }

  /** Starts {@code parley client ARGS} (add {@code --json} yourself) on its own thread. */
  static ClientRun start(String name, String... args) {
    ClientRun run = new ClientRun(name);
    Thread t = new Thread(() -> {
      try {
        CommandLine cl = new CommandLine(new ClientCommand(run.stdin));
        cl.setOut(new PrintWriter(new LineWriter(run.out), true));
        cl.setErr(new PrintWriter(run.err, true));
        run.exit.complete(cl.execute(args));
      } catch (Throwable e) {
        run.exit.completeExceptionally(e);
      }
    }, "parley-client-" + name);
    t.setDaemon(true);
    t.start();
    return run;
  }

  /** Types one command line. */
  ClientRun type(String line) {
    stdin.lines.add((line + "\n").getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** Closes standard input (end of script). */
  void endInput() {
    stdin.lines.add(new byte[0]);
  }

  /** Every JSON event printed so far. */
  List<Map<String, Object>> events() {
    List<Map<String, Object>> list = new ArrayList<>();
    for (String l : out) {
      list.add(JsonLines.object(l));
    }
    return list;
  }

  /** The events named {@code name}. */
  List<Map<String, Object>> events(String event) {
    return events().stream().filter(e -> event.equals(e.get("event"))).toList();
  }

  /**
   * Waits (30 s at most: a shared, loaded CI machine has stalled a first sign-in past 15 s) for
   * an event named {@code event} that satisfies {@code p}.
   */
  Map<String, Object> await(String event, Predicate<Map<String, Object>> p) {
    try {
      return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> events(event).stream().filter(p).findFirst().orElse(null), e -> e != null);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(name + " never printed the " + event + " event awaited; it printed:\n"
          + String.join("\n", out) + (err.toString().isEmpty() ? "" : "\nstderr: " + err), e);
    }
  }

  Map<String, Object> await(String event) {
    return await(event, e -> true);
  }

  /**
   * A participant of a {@code roster} event: {@code uri} CONNECTED, its audio neither muted nor
   * on hold.
   */
  static Map<String, Object> connected(String uri) {
    return Map.of("uri", uri, "state", "CONNECTED", "muted", false, "onHold", false);
  }

  /** The contact URI of the {@code enabled} event. */
  String contact() {
    return (String) await(ClientEvent.ENABLED).get("contact");
  }

  /** The exit status, waiting up to 30 s. */
  int exitStatus() throws Exception {
    return exit.get(30, TimeUnit.SECONDS);
  }

  String stderr() {
    return err.toString();
  }

  @Override
  public String toString() {
    return name + " out=" + out + " err=" + err;
  }

  @Override
  public void close() throws Exception {
    if (!exit.isDone()) {
      type("quit");
      endInput();
      exit.get(30, TimeUnit.SECONDS);
    }
  }

  /** Standard input fed line by line; an empty chunk is the end. */
  private static final class Keyboard extends InputStream {
    final BlockingQueue<byte[]> lines = new LinkedBlockingQueue<>();
    private byte[] chunk = new byte[0];
    private int at;
    private boolean ended;

    @Override
    public int read() throws java.io.IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws java.io.IOException {
      if (ended) {
        return -1;
      }
      while (at == chunk.length) {
        try {
          chunk = lines.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException();
        }
        at = 0;
        if (chunk.length == 0) {
          ended = true;
          return -1;
        }
      }
      int n = Math.min(len, chunk.length - at);
      System.arraycopy(chunk, at, b, off, n);
      at += n;
      return n;
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
