package dev.parley.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * Terminals for tests: programs run in tmux windows on a tmux server of the test's own, typed into
 * with {@code send-keys} and read with {@code capture-pane}, as a person at a terminal would.
 */
final class Tmux implements AutoCloseable {
  private final String socket = "parley-test-" + ProcessHandle.current().pid() + "-"
      + Long.toHexString(System.nanoTime());

  /** Whether tmux can be run here. */
  static boolean available() {
    try {
      Process p = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Starts {@code command} (a shell command line) in a new 200x50 window named {@code name}. */
  void start(String name, String command) throws IOException, InterruptedException {
    tmux("new-session", "-d", "-s", name, "-x", "200", "-y", "50", command);
  }

  /** Types {@code text} literally, then Enter. */
  void type(String name, String text) throws IOException, InterruptedException {
    tmux("send-keys", "-t", name, "-l", text);
    tmux("send-keys", "-t", name, "Enter");
  }

  /** Presses one key by tmux name ({@code C-d}, {@code Enter}). */
  void key(String name, String key) throws IOException, InterruptedException {
    tmux("send-keys", "-t", name, key);
  }

  /** The window's screen and scrollback, wrapped lines joined. */
  String screen(String name) throws IOException, InterruptedException {
    return tmux("capture-pane", "-p", "-J", "-t", name, "-S", "-1000");
  }

  /** The last non-blank line of the screen. */
  String lastLine(String name) throws IOException, InterruptedException {
    List<String> lines = screen(name).lines().filter(l -> !l.isBlank()).toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1).stripTrailing();
  }

  /** Polls the screen until {@code regex} is found in it; returns the match. */
  Matcher await(String name, String regex) {
    return await(name, regex, Duration.ofSeconds(20));
  }

  /**
   * As {@link #await(String, String)} for the first line of a program the window just started:
   * a JVM of its own, which a loaded machine can keep from the CPU for tens of seconds
   * ({@link ServerProcess#STARTUP}, the same allowance as a server started as a process).
   */
  Matcher awaitStarted(String name, String regex) {
    return await(name, regex, ServerProcess.STARTUP);
  }

  private Matcher await(String name, String regex, Duration atMost) {
    Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
    return Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100))
        .alias(name + " shows /" + regex + "/")
        .until(() -> {
          Matcher m = p.matcher(screen(name));
          return m.find() ? m : null;
        }, m -> m != null);
  }

  /** Polls until the last line of the screen is {@code line} (a prompt, say). */
  void awaitLastLine(String name, String line) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .alias(name + " prompt " + line).until(() -> lastLine(name).equals(line));
  }

  private String tmux(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("tmux " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  /** Stops this test's tmux server and every program in it. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      tmux("kill-server");
    } catch (IOException e) {
      // no window left: the server had stopped
    }
  }
}
