package dev.parley.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Runs Kamailio 5.6 (Debian package {@code kamailio}) as a registrar and stateful proxy for interop
 * tests: {@code src/test/resources/kamailio/registrar-proxy.cfg} (also the Kamailio side of
 * {@code parley-bench/bench/proxy.sh}), UDP on a free 127.0.0.1 port, contacts in memory, and with
 * {@link Builder#user} digest authentication of REGISTER against plain-text passwords (an htable
 * loaded from a db_text table this runner writes). Other requests are relayed unchallenged.
 *
 * <p>Kamailio runs in the foreground ({@code -DD -E}, its workers still forked) with its log in
 * the work directory; {@link #start} returns once it answers an OPTIONS, and {@link #close} stops
 * it and its workers. One instance per test; not thread-safe.
 */
final class Kamailio implements AutoCloseable {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

  private final PeerProcess process;
  private final int port;

  private Kamailio(PeerProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** A Kamailio whose files (config defines, users table, log) go to {@code workDir}. */
  static Builder builder(Path workDir) {
    return new Builder(workDir);
  }

  /** Skips (or, on CI, fails) the calling test when Kamailio is not installed. */
  static void requireInstalled() {
    PeerProcess.requireInstalled("kamailio", "kamailio");
  }

  /** The UDP port Kamailio listens on, on 127.0.0.1. */
  int port() {
    return port;
  }

  /** {@code 127.0.0.1:port}. */
  String hostPort() {
    return "127.0.0.1:" + port;
  }

  /** {@code sip:user@127.0.0.1:port}: an address of record this Kamailio serves. */
  String aor(String user) {
    return "sip:" + user + "@" + hostPort();
  }

  /** Kamailio's log so far (one line per request), for failure messages. */
  String log() {
    return process.log();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Stops Kamailio (SIGTERM; SIGKILL to it and its workers after 5 s). */
  @Override
  public void close() {
    process.close();
  }

  /** What the Kamailio runs with; not thread-safe. */
  static final class Builder {
    private final Path workDir;
    private final Map<String, String> users = new LinkedHashMap<>();
    private boolean auth;
    private int children = 2;
    private int sharedMemoryMb = 64;
    private boolean logRequests = true;

    private Builder(Path workDir) {
      this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    /**
     * Adds an account and turns digest authentication of REGISTER on (realm {@code 127.0.0.1}).
     * Names and passwords are limited to {@code [A-Za-z0-9._-]} (db_text's separators are not
     * escaped).
     */
    Builder user(String name, String password) {
      if (!PLAIN.matcher(name).matches()) {
        throw new IllegalArgumentException("user name out of [A-Za-z0-9._-]: " + name);
      }
      if (!PLAIN.matcher(password).matches()) {
        throw new IllegalArgumentException("password out of [A-Za-z0-9._-] for user " + name);
      }
      users.put(name, password);
      auth = true;
      return this;
    }

    /** UDP worker processes ({@code children}; default 2). */
    Builder children(int children) {
      if (children < 1) {
        throw new IllegalArgumentException("children out of range: " + children);
      }
      this.children = children;
      return this;
    }

    /** Shared memory in MB ({@code -m}; default 64: plenty for a test). */
    Builder sharedMemoryMb(int mb) {
      this.sharedMemoryMb = mb;
      return this;
    }

    /** Whether Kamailio logs one line per request (default true). */
    Builder logRequests(boolean on) {
      this.logRequests = on;
      return this;
    }

    /**
     * Starts Kamailio and waits until it answers OPTIONS.
     *
     * @throws IllegalStateException (with Kamailio's log) if it exits or stays silent for 20 s
     */
    Kamailio start() throws IOException {
      Files.createDirectories(workDir);
      int port = Sipp.freePort();
      List<String> cmd = new ArrayList<>(List.of(PeerProcess.resolve("kamailio"), "-DD", "-E",
          "-f", config().toString(), "-m", Integer.toString(sharedMemoryMb), "-M", "8",
          "-A", "SIP_PORT=" + port, "-A", "CHILDREN=" + children));
      if (auth) {
        Path db = workDir.resolve("db");
        Files.createDirectories(db);
        StringBuilder table = new StringBuilder(
            "id(int,auto) key_name(string) key_type(int) value_type(int) key_value(string)"
                + " expires(int)\n");
        int id = 1;
        for (Map.Entry<String, String> u : users.entrySet()) {
          table.append(id++).append(':').append(u.getKey()).append(":0:0:").append(u.getValue())
              .append(":0\n");
        }
        Files.writeString(db.resolve("users"), table, StandardCharsets.US_ASCII);
        cmd.addAll(List.of("-A", "WITH_AUTH", "-A", "DB_URL=\"text://" + db.toAbsolutePath() + "\""));
      }
      if (logRequests) {
        cmd.addAll(List.of("-A", "WITH_LOG"));
      }
      Files.writeString(workDir.resolve("command.txt"), String.join(" ", cmd) + "\n");
      PeerProcess process = PeerProcess.start("kamailio", cmd, workDir,
          workDir.resolve("kamailio.log"));
      Kamailio k = new Kamailio(process, port);
      try {
        await().atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(50))
            .failFast("kamailio exited before it was ready", () -> !process.isAlive())
            .until(() -> answersOptions(port));
      } catch (RuntimeException | Error e) {
        String log = process.log();
        k.close();
        throw new IllegalStateException("kamailio did not become ready on " + k.hostPort() + "\n"
            + log, e);
      }
      return k;
    }

    private static Path config() {
      try {
        var url = Objects.requireNonNull(
            Kamailio.class.getResource("/kamailio/registrar-proxy.cfg"),
            "no /kamailio/registrar-proxy.cfg on the test class path");
        return Path.of(url.toURI());
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Sends one OPTIONS to the proxy itself and says whether a 200 came back within 200 ms. */
  private static boolean answersOptions(int port) throws IOException {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      socket.setSoTimeout(200);
      String callId = UUID.randomUUID().toString();
      String request = "OPTIONS sip:127.0.0.1:" + port + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK-" + callId
          + "\r\nFrom: <sip:probe@127.0.0.1>;tag=probe\r\nTo: <sip:127.0.0.1:" + port + ">\r\n"
          + "Call-ID: " + callId + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
          + "Content-Length: 0\r\n\r\n";
      byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
      socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", port)));
      byte[] buf = new byte[4096];
      DatagramPacket reply = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(reply);
      } catch (SocketTimeoutException notYet) {
        return false;
      }
      return new String(buf, 0, reply.getLength(), StandardCharsets.US_ASCII)
          .startsWith("SIP/2.0 200");
    }
  }
}
