package dev.parley.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs SIPp (Debian package {@code sip-tester}) as a real peer for interop tests: a built-in
 * scenario or an XML file, bounded in calls ({@code -m}), open calls ({@code -l}) and time
 * ({@code -timeout}), and reads its final counters from the statistics CSV.
 *
 * <p>Every run binds 127.0.0.1 on its own local port and writes into its own working directory
 * (statistics, errors, output). A run that outlives its time limit is killed. Not thread-safe;
 * one instance per run.
 */
final class Sipp {
  /** System property that turns a missing SIPp from a failure into a skipped test. */
  static final String SKIP_PEERS = "parley.it.skipPeers";
  /** System property naming the SIPp executable (default {@code sipp}, found on the PATH). */
  static final String EXECUTABLE = "parley.it.sipp";

  private static String executable() {
    String e = System.getProperty(EXECUTABLE, "");
    return e.isBlank() ? "sipp" : e;
  }

  private static volatile Boolean installed;

  /** The outcome of one run: exit code, the last row of the statistics CSV, the output's tail. */
  record Result(int exitCode, Map<String, String> counters, String output) {
    /** SIPp's cumulative {@code SuccessfulCall(C)}. */
    long successful() {
      return counter("SuccessfulCall(C)");
    }

    /** SIPp's cumulative {@code FailedCall(C)}. */
    long failed() {
      return counter("FailedCall(C)");
    }

    /** A cumulative counter such as {@code Retransmissions(C)}, 0 when absent. */
    long counter(String name) {
      String v = counters.get(name);
      if (v == null || v.isBlank()) {
        return 0;
      }
      try {
        return Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    /** One line: exit code, calls, and the non-zero trouble counters. */
    String summary() {
      String full = toString();
      int nl = full.indexOf('\n');
      return nl < 0 ? full : full.substring(0, nl);
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder("sipp exit=").append(exitCode)
          .append(" successful=").append(successful()).append(" failed=").append(failed());
      for (String name : List.of("Retransmissions(C)", "OutOfCallMsgs(C)", "DeadCallMsgs(C)",
          "FailedUnexpectedMessage(C)", "FailedTimeoutOnRecv(C)", "FailedMaxUDPRetrans(C)",
          "FailedCallRejected(C)")) {
        if (counter(name) != 0) {
          s.append(' ').append(name).append('=').append(counter(name));
        }
      }
      return s.append('\n').append(output).toString();
    }
  }

  /** A SIPp process running in the background (a uas peer); stop it to read its counters. */
  final class Running implements AutoCloseable {
    private final Process process;
    private final Path out;
    private Result result;

    /** The port it was started on by {@link #startListeningOnFreePort}, else -1. */
    private int port = -1;

    private Running(Process process, Path out) {
      this.process = process;
      this.out = out;
    }

    int port() {
      return port;
    }

    /**
     * Waits until SIPp has bound its local port (so that the first request is not refused), or
     * fails if it exits first.
     */
    Running awaitListening() {
      if (localPort <= 0) {
        throw new IllegalStateException("no localPort given: cannot tell when SIPp listens");
      }
      try {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
            .failFast("SIPp exited before listening", () -> !process.isAlive())
            .until(() -> portTaken(localPort, tcp));
      } catch (org.awaitility.core.TerminalFailureException e) {
        // say why: SIPp prints the cause (a port it could not bind...) before it exits
        String output;
        try {
          output = Files.exists(out) ? Files.readString(out, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException unreadable) {
          output = "(output unreadable: " + unreadable + ")";
        }
        throw new NotListening(process.exitValue(), "SIPp exited (status " + process.exitValue()
            + ") before listening on port " + localPort + "; its errors: " + errorLines(output)
            + "; its output: " + tail(output, 2000), e);
      }
      return this;
    }

    /** Whether SIPp is still running. */
    boolean isAlive() {
      return process.isAlive();
    }

    /**
     * Waits up to {@code grace} for SIPp to end by itself ({@code -m} reached), then asks it to
     * stop with SIGUSR1 (it lets calls in progress finish), then kills it; returns the counters.
     */
    Result stop(Duration grace) throws IOException, InterruptedException {
      if (result != null) {
        return result;
      }
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        signal("USR1");
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroy();
          if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
          }
        }
      }
      result = result(process, out);
      return result;
    }

    private void signal(String name) throws IOException, InterruptedException {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
          .redirectErrorStream(true).start();
      kill.getInputStream().readAllBytes();
      kill.waitFor(5, TimeUnit.SECONDS);
    }

    /** Kills SIPp if still running (for {@code finally} blocks and failed tests). */
    @Override
    public void close() {
      if (process.isAlive()) {
        process.destroyForcibly();
        try {
          process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private final List<String> args = new ArrayList<>();
  private int localPort = -1;
  private boolean tcp;
  private String remote;
  private int timeoutSeconds = 60;
  private Path workDir;

  private Sipp() {}

  /** A run of a built-in scenario ({@code uac}, {@code uas}, ...). */
  static Sipp builtin(String name) {
    Sipp s = new Sipp();
    s.args.addAll(List.of("-sn", name));
    return s;
  }

  /** A run of a scenario file. */
  static Sipp scenario(Path xml) {
    Sipp s = new Sipp();
    s.args.addAll(List.of("-sf", xml.toString()));
    return s;
  }

  /** A run of a scenario under {@code src/test/resources/sipp/} (from the test class path). */
  static Sipp scenarioResource(String name) {
    try {
      var url = Objects.requireNonNull(Sipp.class.getResource("/sipp/" + name),
          () -> "no scenario on the class path: /sipp/" + name);
      return scenario(Path.of(url.toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("scenario: " + name, e);
    }
  }

  /** Whether SIPp is installed (CI installs it: Debian package sip-tester). */
  static boolean installed() {
    Boolean known = installed;
    if (known == null) {
      known = probe();
      installed = known;
    }
    return known;
  }

  private static boolean probe() {
    try {
      Process p = new ProcessBuilder(executable(), "-v").redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      return p.waitFor(10, TimeUnit.SECONDS) && text.contains("SIPp");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Makes a test that needs SIPp fail with a clear message when SIPp is missing, or skips it when
   * {@code -Dparley.it.skipPeers=true}.
   */
  static void requireInstalled() {
    if (Boolean.getBoolean(SKIP_PEERS)) {
      Assumptions.assumeTrue(false, "peers skipped (-D" + SKIP_PEERS + "=true)");
    }
    if (!installed()) {
      fail("SIPp is not installed: `" + executable() + " -v` did not run. Install it "
          + "(Debian/Ubuntu: `apt-get install sip-tester`), point -D" + EXECUTABLE + "=PATH at "
          + "it, or skip the tests that need it with -D" + SKIP_PEERS + "=true");
    }
  }

  /**
   * A port on 127.0.0.1 free for both UDP and TCP right now, chosen by the kernel (so successive
   * runs get different ports, and a late 200 retransmission of one run never reaches the next).
   */
  static int freePort() throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket tcp = new ServerSocket()) {
        tcp.setReuseAddress(false);
        tcp.bind(new InetSocketAddress(loopback, 0));
        int port = tcp.getLocalPort();
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, port))) {
          return udp.getLocalPort();
        } catch (SocketException busy) {
          // UDP side taken: try another
        }
      }
    }
    throw new IOException("no port free for both UDP and TCP on 127.0.0.1");
  }

  /** Whether {@code port} on 127.0.0.1 is bound by someone else (TCP listening, or UDP). */
  static boolean portTaken(int port, boolean tcp) {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    try {
      if (tcp) {
        try (ServerSocket probe = new ServerSocket()) {
          probe.bind(address);
        }
      } else {
        try (DatagramSocket probe = new DatagramSocket(address)) {
          probe.getLocalPort();
        }
      }
      return false;
    } catch (IOException taken) {
      return true;
    }
  }

  Sipp remote(String hostPort) {
    this.remote = hostPort;
    return this;
  }

  /** Binds SIPp to 127.0.0.1:{@code port} ({@code -i}, {@code -p}). */
  Sipp localPort(int port) {
    this.localPort = port;
    args.addAll(List.of("-i", "127.0.0.1", "-p", Integer.toString(port)));
    return this;
  }

  /** {@code u1} (UDP, one socket) or {@code t1} (TCP, one connection). */
  Sipp transport(String mode) {
    this.tcp = mode.startsWith("t");
    args.addAll(List.of("-t", mode));
    return this;
  }

  /** {@code -m}: stop after this many calls. */
  Sipp calls(int calls) {
    args.addAll(List.of("-m", Integer.toString(calls)));
    return this;
  }

  /** {@code -r}: new calls per second. */
  Sipp rate(int callsPerSecond) {
    args.addAll(List.of("-r", Integer.toString(callsPerSecond)));
    return this;
  }

  /** {@code -l}: most calls open at once. */
  Sipp maxOpenCalls(int limit) {
    args.addAll(List.of("-l", Integer.toString(limit)));
    return this;
  }

  Sipp set(String key, String value) {
    args.addAll(List.of("-set", key, value));
    return this;
  }

  Sipp arg(String... more) {
    args.addAll(List.of(more));
    return this;
  }

  /** {@code -timeout}: SIPp ends itself (as an error) after this long; killed 15 s later. */
  Sipp timeoutSeconds(int seconds) {
    this.timeoutSeconds = seconds;
    return this;
  }

  /** Where SIPp runs and writes its files; one directory per run. */
  Sipp workDir(Path dir) {
    this.workDir = dir;
    return this;
  }

  /** Starts SIPp in the background (a uas peer); stop it with {@link Running#stop}. */
  Running start() throws IOException {
    Files.createDirectories(workDir);
    ProcessBuilder pb = builder();
    Path out = workDir.resolve("sipp.out");
    pb.redirectOutput(out.toFile());
    return new Running(pb.start(), out);
  }

  /** Runs to completion (or the time limit) and reads the counters. */
  Result run() throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    ProcessBuilder pb = builder();
    Path out = workDir.resolve("sipp.out");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds + 15L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    return result(p, out);
  }

  private Result result(Process p, Path out) throws IOException {
    String output = Files.exists(out) ? Files.readString(out, StandardCharsets.ISO_8859_1) : "";
    Path errors = workDir.resolve("errors.log");
    if (Files.exists(errors)) {
      output = output + "\n--- errors.log ---\n"
          + tail(Files.readString(errors, StandardCharsets.ISO_8859_1), 4000);
    }
    return new Result(p.isAlive() ? -1 : p.exitValue(), counters(workDir.resolve("stats.csv")),
        tail(output, 6000));
  }

  private ProcessBuilder builder() {
    Objects.requireNonNull(remote, "remote");
    Objects.requireNonNull(workDir, "workDir");
    List<String> cmd = new ArrayList<>();
    cmd.add(executable());
    cmd.add(remote);
    cmd.addAll(args);
    cmd.addAll(List.of("-nostdin", "-timeout", timeoutSeconds + "s", "-timeout_error",
        "-trace_stat", "-stf", workDir.resolve("stats.csv").toString(), "-fd", "1",
        "-trace_err", "-error_file", workDir.resolve("errors.log").toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.redirectErrorStream(true);
    return pb;
  }

  /** The last row of SIPp's statistics CSV, by column name; empty when there is none. */
  static Map<String, String> counters(Path csv) throws IOException {
    if (!Files.exists(csv)) {
      return Collections.emptyMap();
    }
    List<String> lines = Files.readAllLines(csv, StandardCharsets.ISO_8859_1);
    if (lines.size() < 2) {
      return Collections.emptyMap();
    }
    String[] head = lines.get(0).split(";");
    String[] last = lines.get(lines.size() - 1).split(";");
    Map<String, String> row = new LinkedHashMap<>();
    for (int i = 0; i < head.length && i < last.length; i++) {
      row.put(head[i], last[i]);
    }
    return row;
  }

  /** SIPp's lines that say what failed (a socket it could not bind...), at most five. */
  private static String errorLines(String output) {
    List<String> found = new ArrayList<>();
    for (String line : output.split("\\R")) {
      String l = line.toLowerCase(java.util.Locale.ROOT);
      if ((l.contains("bind") || l.contains("unable") || l.contains("errno") || l.contains("error"))
          && !l.contains("udp errors") && found.size() < 5) {
        found.add(line.strip());
      }
    }
    return found.isEmpty() ? "(none printed)" : String.join(" | ", found);
  }

  /** SIPp ended before it listened; {@link #status} 254 is its "could not bind a socket". */
  static final class NotListening extends IllegalStateException {
    final int status;

    NotListening(int status, String message, Throwable cause) {
      super(message, cause);
      this.status = status;
    }
  }

  /**
   * Starts the SIPp run {@code make} builds for a port chosen by {@link #freePort} and waits until
   * it listens there; when SIPp could not bind a socket (status 254: the port was taken between
   * the choice and SIPp's start, or another of its sockets was), once more with another port, up
   * to three tries. The port is {@link Running#port}.
   */
  static Running startListeningOnFreePort(java.util.function.IntFunction<Sipp> make)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      Running running = make.apply(port).start();
      running.port = port;
      try {
        return running.awaitListening();
      } catch (NotListening e) {
        running.close();
        if (e.status != 254 || attempt == 3) {
          throw e;
        }
      }
    }
  }

  private static String tail(String s, int max) {
    return s.length() <= max ? s : "..." + s.substring(s.length() - max);
  }
}
