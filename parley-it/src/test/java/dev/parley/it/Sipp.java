package dev.parley.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs SIPp (Debian package {@code sip-tester}) as a real peer for interop tests: a built-in
 * scenario or an XML file, bounded in calls, rate and time, and reads its final counters.
 *
 * <p>Every run gets its own local port and statistics file. A run that outlives its time limit is
 * killed. Not thread-safe; one instance per run.
 */
final class Sipp {
  /** The outcome of one run. */
  record Result(int exitCode, long successful, long failed, String output) {
    @Override
    public String toString() {
      return "sipp exit=" + exitCode + " successful=" + successful + " failed=" + failed
          + "\n" + output;
    }
  }

  private final List<String> args = new ArrayList<>();
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

  /** Whether SIPp is installed (CI installs it; see .ci/run). */
  static boolean installed() {
    try {
      Process p = new ProcessBuilder("sipp", "-v").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  Sipp remote(String hostPort) {
    this.remote = hostPort;
    return this;
  }

  Sipp localPort(int port) {
    args.addAll(List.of("-i", "127.0.0.1", "-p", Integer.toString(port)));
    return this;
  }

  /** {@code u1} (UDP, one socket) or {@code t1} (TCP, one connection). */
  Sipp transport(String mode) {
    args.addAll(List.of("-t", mode));
    return this;
  }

  Sipp calls(int calls) {
    args.addAll(List.of("-m", Integer.toString(calls)));
    return this;
  }

  Sipp rate(int callsPerSecond) {
    args.addAll(List.of("-r", Integer.toString(callsPerSecond)));
    return this;
  }

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

  Sipp timeoutSeconds(int seconds) {
    this.timeoutSeconds = seconds;
    return this;
  }

  Sipp workDir(Path dir) {
    this.workDir = dir;
    return this;
  }

  /** Starts SIPp in the background (for a uas peer); the caller stops it with {@link Process#destroy()}. */
  Process start() throws IOException {
    return builder().start();
  }

  /** Runs to completion (or the time limit) and reads the counters. */
  Result run() throws IOException, InterruptedException {
    Objects.requireNonNull(workDir, "workDir");
    ProcessBuilder pb = builder();
    Path out = workDir.resolve("sipp-" + System.nanoTime() + ".out");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds + 15L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    String output = Files.readString(out, StandardCharsets.ISO_8859_1);
    long[] counters = counters(workDir.resolve("stats.csv"));
    return new Result(p.isAlive() ? -1 : p.exitValue(), counters[0], counters[1],
        tail(output, 3000));
  }

  private ProcessBuilder builder() {
    Objects.requireNonNull(remote, "remote");
    Objects.requireNonNull(workDir, "workDir");
    List<String> cmd = new ArrayList<>();
    cmd.add("sipp");
    cmd.add(remote);
    cmd.addAll(args);
    cmd.addAll(List.of("-nostdin", "-timeout", timeoutSeconds + "s", "-timeout_error",
        "-trace_stat", "-stf", workDir.resolve("stats.csv").toString(), "-fd", "1",
        "-trace_err", "-error_file", workDir.resolve("errors.log").toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.redirectErrorStream(true);
    return pb;
  }

  /** SuccessfulCall(C) and FailedCall(C) from the last row of SIPp's statistics CSV. */
  static long[] counters(Path csv) throws IOException {
    if (!Files.exists(csv)) {
      return new long[] {0, 0};
    }
    List<String> lines = Files.readAllLines(csv, StandardCharsets.ISO_8859_1);
    if (lines.size() < 2) {
      return new long[] {0, 0};
    }
    String[] head = lines.get(0).split(";");
    String[] last = lines.get(lines.size() - 1).split(";");
    long ok = 0;
    long failed = 0;
    for (int i = 0; i < head.length && i < last.length; i++) {
      if (head[i].equals("SuccessfulCall(C)")) {
        ok = Long.parseLong(last[i].trim());
      } else if (head[i].equals("FailedCall(C)")) {
        failed = Long.parseLong(last[i].trim());
      }
    }
    return new long[] {ok, failed};
  }

  private static String tail(String s, int max) {
    return s.length() <= max ? s : s.substring(s.length() - max);
  }
}
