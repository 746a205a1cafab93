package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.Endpoint;
import dev.parley.client.EndpointState;
import dev.parley.server.proxy.RateLimiter;
import dev.parley.server.registrar.UserAgentMatcher;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's scanner check: SIPVicious 0.3 from apt ({@code svmap}, {@code svwar},
 * {@code svcrack}) against {@code parley server} on loopback, each tool from a source address of
 * its own (127.0.0.4, .5, .6), as a scanner on the internet would come.
 *
 * <ul>
 *   <li>{@code svmap} finds a SIP server and no more: no {@code Server} or {@code User-Agent}
 *       header names the product or its version (it reports "unknown").
 *   <li>{@code svwar} finds no extension, by REGISTER, OPTIONS or INVITE: existing and missing
 *       users get the same answers (the enumeration defence, {@code docs/security.md}).
 *   <li>{@code svcrack} finds no password: after {@code limits.auth_failure_burst} wrong guesses
 *       its source is blocked (it gets no answers), so the right password, later in its
 *       dictionary, is never tried; meanwhile the real user signs in from another address.
 * </ul>
 *
 * <p>svcrack computes MD5 digests only; the server offers MD5 alone to the User-Agents it lists
 * ({@code auth.md5_only_user_agents}), so this test adds svcrack's "friendly-scanner" there, as a
 * scanner can always claim a listed User-Agent: the guesses then really are checked.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SipviciousScanTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PASSWORD = "correct-horse-battery";

  @TempDir Path work;
  private ParleyServer server;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    PeerProcess.requireInstalled("svmap", "sipvicious");
    server = ParleyServer.builder(work.resolve("data"))
        .user("alice", PASSWORD).user("bob", "bob-secret").user("100", "one-hundred")
        .md5OnlyUserAgents(UserAgentMatcher.parse("baresip, SIPp, sipsak, friendly-scanner"))
        .start();
    warmUp();
  }

  /**
   * The first request after start loads the proxy's code: 2-3 s on a loaded machine, longer than
   * svmap waits for an answer (about 3 s). A scanner meets a server that has been up for a while,
   * so the test waits for one answer (from an address of its own) before scanning.
   */
  private void warmUp() throws Exception {
    try (DatagramSocket s = new DatagramSocket(
        new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0))) {
      s.setSoTimeout((int) WAIT.toMillis());
      byte[] options = ("OPTIONS sip:" + server.hostPort() + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.3:" + s.getLocalPort() + ";branch=z9hG4bKwarm;rport\r\n"
          + "Max-Forwards: 70\r\nFrom: <sip:warm@elsewhere.example>;tag=w\r\n"
          + "To: <sip:" + server.hostPort() + ">\r\nCall-ID: warm-up\r\nCSeq: 1 OPTIONS\r\n"
          + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      s.send(new DatagramPacket(options, options.length,
          new InetSocketAddress(ParleyServer.HOST, server.port())));
      DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
      s.receive(answer);
    }
  }

  @AfterEach
  void stop() {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        AutoCloseable c = open.get(i);
        if (c instanceof Endpoint e && e.state() == EndpointState.ENABLED) {
          e.disable().get(5, TimeUnit.SECONDS);
        }
        c.close();
      } catch (Exception e) {
        System.out.println("closing after the test: " + e);
      }
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void svmapFindsASipServerButNotWhichOne() throws Exception {
    String out = run("svmap", "-p", port(), "-b", "127.0.0.4", "-x", "127.0.0.4",
        "127.0.0.1");

    assertThat(out).contains("127.0.0.1:" + port());
    assertThat(out.lines().filter(l -> l.contains("127.0.0.1:" + port())))
        .as("the User-Agent column").allSatisfy(l -> assertThat(l).contains("unknown"));
    assertThat(out).doesNotContainIgnoringCase("parley");
    assertThat(out.lines().filter(l -> l.startsWith("| 127."))).as("devices found").hasSize(1);
  }

  @Test
  void svwarFindsNoExtensionByRegisterOptionsOrInvite() throws Exception {
    Path dictionary = work.resolve("extensions.txt");
    Files.writeString(dictionary, String.join("\n", "alice", "bob", "100", "admin", "nobody",
        "200", "operator", "charlie") + "\n");

    for (String method : List.of("REGISTER", "OPTIONS", "INVITE")) {
      String out = run("svwar", "--force", "-m", method, "-d", dictionary.toString(),
          "-p", port(), "-b", "127.0.0.5", "-x", "127.0.0.5", "--domain",
          ParleyServer.DOMAIN, "127.0.0.1");

      // (the realm, the domain parley.test, is in the 401s svwar prints: clients need it)
      assertThat(out).as(method).doesNotContain("exists").doesNotContain("| Extension")
          .doesNotContain("Server:");
    }
  }

  @Test
  void svcrackFindsNoPasswordAndIsBlockedWhileTheUserStillSignsIn() throws Exception {
    int wrong = 3 * RateLimiter.DEFAULT_AUTH_FAILURE_BURST;
    Path dictionary = work.resolve("passwords.txt");
    Files.writeString(dictionary, IntStream.range(0, wrong).mapToObj(i -> "guess" + i)
        .collect(Collectors.joining("\n")) + "\n" + PASSWORD + "\n");

    String out = run("svcrack", "-u", "alice", "-d", dictionary.toString(), "-p", port(),
        "-b", "127.0.0.6", "-x", "127.0.0.6", "--domain", ParleyServer.DOMAIN, "127.0.0.1");

    assertThat(out).doesNotContain(PASSWORD).doesNotContain("The password for");
    RateLimiter.Stats limits = server.server().status().rateLimits();
    assertThat(limits.authBlocks()).as("svcrack's source blocked; %s", out).isEqualTo(1);
    // the burst, plus what the bucket refilled (10 a minute) while svcrack ran
    assertThat(limits.authFailures()).as("guesses checked before the block")
        .isBetween((long) RateLimiter.DEFAULT_AUTH_FAILURE_BURST, (long) wrong - 1);
    assertThat(limits.requestsRefused()).as("requests of the blocked source").isPositive();

    // the real user, from another address, is not locked out by the scanner
    Endpoint alice = Endpoint.builder(server.aor("alice"))
        .credentials("alice", PASSWORD)
        .server("sip:" + server.hostPort())
        .listen("udp:127.0.0.7:0")
        .registrationExpiry(Duration.ofSeconds(600))
        .build();
    open.add(alice);
    alice.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(alice.state()).isEqualTo(EndpointState.ENABLED);
  }

  private String port() {
    return Integer.toString(server.port());
  }

  /** Runs a SIPVicious tool to its end (stdout and stderr together) in the test's directory. */
  private String run(String tool, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(PeerProcess.resolve(tool));
    command.addAll(List.of(args));
    Path log = work.resolve(tool + "-" + System.nanoTime() + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("HOME", work.toString()); // its ~/.sipvicious session files
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(tool + " did not end within 120 s:\n"
          + Files.readString(log, StandardCharsets.UTF_8));
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    System.out.printf("--- %s %s (exit %d)%n%s%n", tool, String.join(" ", args), p.exitValue(),
        out);
    return out;
  }
}
