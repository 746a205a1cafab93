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

  /**
   * How many fresh ports {@link #start(Path, String...)} tries: a port found free here may be
   * taken by another test before the child JVM binds it, seconds later.
   */
  static final int PORT_ATTEMPTS = 3;

  static ServerProcess start(Path data, String... users) throws Exception {
    addUsers(data, users);
    for (int attempt = 1; ; attempt++) {
      int port;
      try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      try {
        return launch(data, port, List.of());
      } catch (PortTaken e) {
        if (attempt == PORT_ATTEMPTS) {
          throw new AssertionError("parley server could not bind a free port in " + attempt
              + " attempts; its last output: " + e.output);
        }
      }
    }
  }

  /**
   * A server on UDP {@code port} of loopback, with {@code extraArgs} after the usual ones (a
   * {@code --config}, say).
   */
  static ServerProcess start(Path data, int port, List<String> extraArgs, String... users)
      throws Exception {
    addUsers(data, users);
    try {
      return launch(data, port, extraArgs);
    } catch (PortTaken e) {
      throw new AssertionError("parley server could not bind port " + port + "; its output: "
          + e.output);
    }
  }

  private static void addUsers(Path data, String... users) {
    for (String user : users) {
      assertThat(Parley.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
          "user", "add", user, "--password", PASSWORD, "--data", data.toString(),
          "--domain", "127.0.0.1")).isZero();
    }
  }

  /** The child exited at startup because its port was taken. */
  private static final class PortTaken extends Exception {
    final List<String> output;

    PortTaken(List<String> output) {
      super(null, null, false, false);
      this.output = output;
    }
  }

  private static ServerProcess launch(Path data, int port, List<String> extraArgs)
      throws Exception {
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
      // stop waiting as soon as it is ready or has died: a dead child never becomes ready
      Awaitility.await().atMost(STARTUP).alias("parley server ready or dead")
          .until(() -> server.isReady() || !p.isAlive());
    } catch (RuntimeException | Error e) {
      // not ready in time (a starved machine): never leave it running for the next tests
      p.destroyForcibly();
      p.waitFor(20, TimeUnit.SECONDS);
      throw new AssertionError("parley server not ready within " + STARTUP
          + " (now killed); its output: " + server.lines, e);
    }
    if (server.isReady()) {
      return server;
    }
    reader.join(TimeUnit.SECONDS.toMillis(20)); // the rest of a dead child's output
    if (server.lines.stream().anyMatch(l -> l.contains("Address already in use"))) {
      throw new PortTaken(List.copyOf(server.lines));
    }
    throw new AssertionError("parley server exited with " + p.exitValue()
        + " before it was ready; its output: " + server.lines);
  }

  private boolean isReady() {
    return lines.stream().anyMatch(l -> l.startsWith("parley server: ready"));
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
