package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * {@code parley server} as a separate process for domain {@code 127.0.0.1} on a free UDP port of
 * loopback, with the given users (password {@code secret}); stopped with SIGTERM.
 */
final class ServerProcess implements AutoCloseable {
  /**
   * How long a separate JVM gets to start and say it is ready: a few seconds on an idle machine,
   * but 25-36 s were seen at a load of 12-20 on two cores (the JVM starved of CPU, not working).
   */
  static final Duration STARTUP = Duration.ofSeconds(90);

  static final String PASSWORD = "secret";
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final int port;

  private ServerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static ServerProcess start(Path data, String... users) throws Exception {
    int port;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    return start(data, port, List.of(), users);
  }

  /**
   * A server on UDP {@code port} of loopback, with {@code extraArgs} after the usual ones (a
   * {@code --config}, say).
   */
  static ServerProcess start(Path data, int port, List<String> extraArgs, String... users)
      throws Exception {
    for (String user : users) {
      assertThat(Parley.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
          "user", "add", user, "--password", PASSWORD, "--data", data.toString(),
          "--domain", "127.0.0.1")).isZero();
    }
    String java = System.getProperty("java.home") + "/bin/java";
    List<String> command = new java.util.ArrayList<>(List.of(java, "-cp",
        System.getProperty("java.class.path"), "dev.parley.cli.Parley", "server", "--data",
        data.toString(), "--domain", "127.0.0.1", "--listen", "udp:127.0.0.1:" + port));
    command.addAll(extraArgs);
    if (!extraArgs.contains("--web")) {
      command.addAll(List.of("--web", "off")); // no development certificate to make per test
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    ServerProcess server = new ServerProcess(p, port);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          server.lines.add(l);
        }
      } catch (java.io.IOException e) {
        server.lines.add("read error: " + e);
      }
    }, "parley-server-output");
    reader.setDaemon(true);
    reader.start();
    try {
      Awaitility.await().atMost(STARTUP).alias("parley server ready")
          .until(() -> server.lines.stream().anyMatch(l -> l.startsWith("parley server: ready")));
    } catch (RuntimeException | Error e) {
      // not ready in time (a starved machine) or dead: never leave it running for the next tests
      boolean alive = p.isAlive();
      p.destroyForcibly();
      p.waitFor(20, TimeUnit.SECONDS);
      throw new AssertionError("parley server not ready within " + STARTUP + " (still running: "
          + alive + ", now killed); its output: " + server.lines, e);
    }
    return server;
  }

  /** The UDP port it listens on. */
  int port() {
    return port;
  }

  /** SIGKILL: the process ends at once, nothing flushed or closed. */
  void kill() throws Exception {
    process.destroyForcibly();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      throw new AssertionError("parley server did not die");
    }
  }

  /** {@code 127.0.0.1:PORT}, for {@code --server}. */
  String address() {
    return "127.0.0.1:" + port;
  }

  List<String> output() {
    return lines;
  }

  @Override
  public void close() throws Exception {
    process.toHandle().destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
