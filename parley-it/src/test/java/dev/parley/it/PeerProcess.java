package dev.parley.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * A real peer's operating-system process (Kamailio, baresip...) for interop tests: started with
 * its standard output and error in a log file of its own, read back for failure messages, and
 * always ended by {@link #close()}: SIGTERM, then SIGKILL after a grace period, for the process and
 * every process it forked (Kamailio's workers outlive a killed main process).
 *
 * <p>Not thread-safe except {@link #log()} and {@link #isAlive()}.
 */
final class PeerProcess implements AutoCloseable {
  /** How long a peer may take to end after SIGTERM before it is killed. */
  private static final long GRACE_MILLIS = 5_000;

  private final String name;
  private final Process process;
  private final Path log;

  private PeerProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} in {@code workDir} with its output (both streams) in {@code log}. */
  static PeerProcess start(String name, List<String> command, Path workDir, Path log)
      throws IOException {
    return start(name, command, workDir, log, Map.of());
  }

  /** As {@link #start(String, List, Path, Path)}, with {@code environment} added to ours. */
  static PeerProcess start(String name, List<String> command, Path workDir, Path log,
      Map<String, String> environment) throws IOException {
    Files.createDirectories(workDir);
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(environment);
    return new PeerProcess(name, pb.start(), log);
  }

  /**
   * The process's standard input, a pipe that stays open until {@link #close()} (baresip's stdio
   * UI and linphonec read it; linphonec takes its commands there).
   */
  OutputStream stdin() {
    return process.getOutputStream();
  }

  /**
   * Skips the calling test when {@code executable} is not installed, or fails it when the
   * environment variable {@code CI} is {@code true}: {@code .ci/run} installs every peer, so CI
   * never skips. {@code -Dparley.it.skipPeers=true} skips it in any case.
   */
  static void requireInstalled(String executable, String debianPackage) {
    if (Boolean.getBoolean(Sipp.SKIP_PEERS)) {
      Assumptions.assumeTrue(false, "peers skipped (-D" + Sipp.SKIP_PEERS + "=true)");
    }
    if (onPath(executable)) {
      return;
    }
    String message = executable + " is not installed (Debian/Ubuntu: apt-get install "
        + debianPackage + ")";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(message + ": .ci/run installs it, so CI does not skip");
    }
    Assumptions.assumeTrue(false, message);
  }

  private static boolean onPath(String executable) {
    if (executable.contains("/")) {
      return Files.isExecutable(Path.of(executable));
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, executable))) {
        return true;
      }
    }
    // Kamailio lives in /usr/sbin, which a non-root PATH may lack
    return Files.isExecutable(Path.of("/usr/sbin", executable));
  }

  /** The absolute path of {@code executable}, looking in /usr/sbin too (see {@link #requireInstalled}). */
  static String resolve(String executable) {
    if (executable.contains("/")) {
      return executable;
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin";
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, executable))) {
        return Path.of(dir, executable).toString();
      }
    }
    return executable;
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The process's output so far, at most its last {@code max} characters. */
  String log(int max) {
    try {
      if (!Files.exists(log)) {
        return "";
      }
      String text = Files.readString(log, StandardCharsets.ISO_8859_1);
      return text.length() <= max ? text : "..." + text.substring(text.length() - max);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** The last 8,000 characters of the output, headed by the peer's name and state. */
  String log() {
    return "--- " + name + " (pid " + process.pid() + ", "
        + (process.isAlive() ? "running" : "exit " + process.exitValue()) + ") log " + log
        + " ---\n" + log(8_000);
  }

  /**
   * Ends the process: SIGTERM to it, and to its children once it has ended or after the grace
   * period, then SIGKILL to whatever remains. Idempotent; never throws.
   */
  @Override
  public void close() {
    List<ProcessHandle> family = process.descendants().collect(Collectors.toList());
    process.destroy();
    try {
      if (!process.waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS);
      }
      for (ProcessHandle child : family) {
        if (child.isAlive()) {
          child.destroy();
          child.onExit().get(GRACE_MILLIS, TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception timeout) {
      // fall through to SIGKILL below
    } finally {
      family.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }
}
