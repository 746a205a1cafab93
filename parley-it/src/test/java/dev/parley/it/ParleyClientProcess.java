package dev.parley.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * {@code parley client ... --json} as a real operating-system process (its own JVM, started as
 * {@code java -cp CLASSPATH dev.parley.cli.Parley client ...}, the class {@code parley.jar} runs),
 * driven as a person's script would drive it: command lines written to its standard input, JSON
 * event lines (docs/cli.md, a stable interface) read from its standard output as they come. The
 * password goes in {@code PARLEY_PASSWORD}, never on the command line. Standard error goes to a
 * log file, shown with the events in failure messages.
 *
 * <p>Unlike {@link ParleyClient} (the same code in this JVM, its script from a file), the test
 * decides each next command from what the other side did. Thread-safe: a reader thread collects
 * the lines; the test thread types and waits.
 */
final class ParleyClientProcess implements AutoCloseable {
  /** How long a started JVM may take to sign in, and any event to come, on a busy machine. */
  static final Duration WAIT = Duration.ofSeconds(60);

  private final String name;
  private final Process process;
  private final Path stderr;
  private final OutputStream stdin;
  private final List<String> out = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private ParleyClientProcess(String name, Process process, Path stderr) {
    this.name = name;
    this.process = process;
    this.stderr = stderr;
    this.stdin = process.getOutputStream();
    this.reader = new Thread(this::read, "parley-client-process-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code parley client ARGS --json} in {@code work} (its standard error in
   * {@code work/NAME.stderr}) with {@code password} in its environment.
   */
  static ParleyClientProcess start(String name, Path work, String password, List<String> args)
      throws IOException {
    Objects.requireNonNull(password, "password");
    if (name == null || !name.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("name must be letters, digits, '_' or '-': " + name);
    }
    Files.createDirectories(work);
    Path stderr = work.resolve(name + ".stderr");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // a small heap and one GC thread: seven agents share two cores here
        "-Xmx256m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), "dev.parley.cli.Parley", "client"));
    command.addAll(args);
    command.add("--json");
    ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
        .redirectError(stderr.toFile());
    pb.environment().put("PARLEY_PASSWORD", password);
    return new ParleyClientProcess(name, pb.start(), stderr);
  }

  private void read() {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        out.add(line);
      }
    } catch (IOException e) {
      out.add("(standard output unreadable: " + e + ")");
    }
  }

  /** Types one command line into its standard input. */
  ParleyClientProcess type(String line) throws IOException {
    if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("line: one line, no line break: " + line);
    }
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
    return this;
  }

  /** Every event so far, parsed; values as text ({@code 1}, {@code true}, {@code null}). */
  List<Map<String, String>> events() {
    List<Map<String, String>> list = new ArrayList<>();
    for (String l : out) {
      if (l.startsWith("{")) {
        list.add(Baresip.FlatJson.parse(l));
      }
    }
    return list;
  }

  /** The events named {@code event} so far. */
  List<Map<String, String>> events(String event) {
    return events().stream().filter(e -> event.equals(e.get("event"))).toList();
  }

  /**
   * Waits ({@link #WAIT} at most) for an event named {@code event} that satisfies {@code p}.
   *
   * @throws AssertionError with everything printed, after the wait
   */
  Map<String, String> await(String event, Predicate<Map<String, String>> p) {
    try {
      return Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
          .until(() -> events(event).stream().filter(p).findFirst().orElse(null),
              e -> e != null);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("parley client " + name + ": no matching " + event + " event within "
          + WAIT + "\n" + log(), e);
    }
  }

  /** The exit status, waiting up to {@link #WAIT}. */
  int exitStatus() throws InterruptedException {
    if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError("parley client " + name + " still running after " + WAIT + "\n"
          + log());
    }
    return process.exitValue();
  }

  /** What it printed: standard output, then standard error. */
  String log() {
    String err;
    try {
      err = Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      err = "(unreadable: " + e + ")";
    }
    return "--- parley client " + name + " (pid " + process.pid() + ", "
        + (process.isAlive() ? "running" : "exit " + process.exitValue()) + ") stdout:\n"
        + String.join("\n", out) + (err.isEmpty() ? "" : "\n--- stderr:\n" + err);
  }

  /**
   * Ends it as a person would: {@code quit} (hang up, sign out), then end of input; SIGTERM
   * (which also hangs up and signs out) if it is still running after 20 s, SIGKILL after 10 s
   * more. Never throws.
   */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        type("quit");
        stdin.close();
      }
    } catch (IOException e) {
      // it closed its standard input already: it is ending
    }
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
      reader.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
