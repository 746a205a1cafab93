package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.auth.CredentialsProvider;
import dev.parley.auth.DigestClient;
import dev.parley.auth.UserSecret;
import dev.parley.server.config.ServerConfig;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code parley server} as a separate process, registers with it, stops it with SIGTERM. */
class ServerCommandTest {
  @TempDir Path data;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void printsReadyLineRegistersAUserShowsItsStatusAndStopsCleanlyOnSigterm() throws Exception {
    assertThat(Parley.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
        "user", "add", "alice", "--password", "secret", "--data", data.toString(),
        "--domain", "127.0.0.1")).isZero();
    int port = freePort();
    String java = System.getProperty("java.home") + "/bin/java";
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "dev.parley.cli.Parley", "server", "--data", data.toString(), "--domain", "127.0.0.1",
        "--listen", "udp:127.0.0.1:" + port, "--listen", "tcp:127.0.0.1:" + port,
        "--status", "127.0.0.1:0", "--web", "127.0.0.1:0")
        .redirectErrorStream(true).start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          lines.add(l);
        }
      } catch (java.io.IOException e) {
        lines.add("read error: " + e);
      }
    });
    reader.start();
    try {
      await().atMost(ServerProcess.STARTUP).until(() -> lines.stream()
          .anyMatch(l -> l.startsWith("parley server: ready on udp:127.0.0.1:" + port)));
      assertThat(lines).anyMatch(l -> l.contains("(domain 127.0.0.1, data " + data
          + ", 1 accounts, 0 bindings loaded, 0 expired dropped), web https://127.0.0.1:"))
          .anyMatch(l -> l.matches(".*, web https://127\\.0\\.0\\.1:\\d+/, status http://127\\.0\\.0"
              + "\\.1:\\d+"));
      // the status URL of the ready line is in DATA/status.url, where `parley status` looks
      String ready = lines.stream().filter(l -> l.startsWith("parley server: ready")).findFirst()
          .orElseThrow();
      String statusUrl = ready.substring(ready.lastIndexOf(", status ") + 9);
      Path urlFile = data.resolve("status.url");
      assertThat(Files.readString(urlFile).strip()).isEqualTo(statusUrl);
      String register = "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKsrv1;rport\r\n"
          + "Max-Forwards: 70\r\nTo: <sip:alice@127.0.0.1>\r\nFrom: <sip:alice@127.0.0.1>;tag=1\r\n"
          + "Call-ID: srv-test-1\r\nCSeq: 1 REGISTER\r\n"
          + "Contact: <sip:alice@127.0.0.1:7777>\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n";
      try (MockSipPeer s = MockSipPeer.start()) {
        SipRequest req = (SipRequest) SipParser.create().parse(register);
        SipResponse challenge = exchange(s, port, req);
        assertThat(challenge.statusCode()).isEqualTo(401);
        SipRequest retry = new DigestClient().authorize(req, challenge,
            CredentialsProvider.of(UserSecret.ofPassword("alice", "secret")));
        retry = retry.toBuilder().setHeader(HeaderName.VIA,
            "SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKsrv2;rport").build();
        SipResponse ok = exchange(s, port, retry);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.contacts()).hasSize(1);
      }
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      assertThat(Parley.run(new PrintWriter(out), new PrintWriter(err), "status", "--data",
          data.toString())).as(err.toString()).isZero();
      assertThat(out.toString())
          .startsWith("parley status: server at " + statusUrl + ", up ")
          .contains("\ndomain: 127.0.0.1\n", "\naccounts: 1\n",
              "\nregistrations: 1 AORs, 1 bindings\n", "\ntransactions: ",
              "\nconferences: 0\n")
          .containsPattern("\\nsip:alice@127\\.0\\.0\\.1 +<sip:alice@127\\.0\\.0\\.1:7777> +"
              + "(59\\d|600)s +udp:127\\.0\\.0\\.1:\\d+ +-\\n");
    } finally {
      p.toHandle().destroy(); // SIGTERM
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      reader.join(5000);
    }
    assertThat(p.exitValue()).isIn(0, 143);
    assertThat(lines).anyMatch(l -> l.equals("parley server: stopped, 1 bindings saved"));
    assertThat(lines).noneMatch(l -> l.contains("flyway") || l.contains("Transport layer"));
    assertThat(lines).as("the domain has an account").noneMatch(l -> l.contains("warning"));
    assertThat(data.resolve("status.url")).as("removed on a clean stop").doesNotExist();
  }

  @Test
  void aDomainWithoutAccountsIsSaidAtStartNamingTheDomainsThatHaveThem() throws Exception {
    for (String user : List.of("alice", "bob", "carol")) {
      assertThat(Parley.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
          "user", "add", user, "--password", "secret", "--data", data.toString(),
          "--domain", "example.com")).isZero();
    }
    assertThat(Parley.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
        "user", "add", "dave", "--password", "secret", "--data", data.toString(),
        "--domain", "example.org")).isZero();
    int port = freePort();
    String java = System.getProperty("java.home") + "/bin/java";
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "dev.parley.cli.Parley", "server", "--data", data.toString(), "--domain", "127.0.0.1",
        "--listen", "udp:127.0.0.1:" + port, "--status", "off", "--web", "off")
        .redirectErrorStream(true).start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          lines.add(l);
        }
      } catch (java.io.IOException e) {
        lines.add("read error: " + e);
      }
    });
    reader.start();
    try {
      await().atMost(ServerProcess.STARTUP).until(() -> lines.stream()
          .anyMatch(l -> l.startsWith("parley server: ready on udp:127.0.0.1:" + port)));
      assertThat(lines).containsSubsequence(
          "parley server: warning: no accounts for domain 127.0.0.1; the data directory has"
              + " accounts for example.com (3), example.org (1): every sign-in will fail; start"
              + " with --domain set to one of them, or add users with 'parley user add USER"
              + " --domain 127.0.0.1 --data " + data + "'",
          "parley server: ready on udp:127.0.0.1:" + port + " (domain 127.0.0.1, data " + data
              + ", 0 accounts, 0 bindings loaded, 0 expired dropped)");
    } finally {
      p.toHandle().destroy(); // SIGTERM
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      reader.join(5000);
    }
  }

  @Test
  void theNoAccountsWarningNamesTheOneOtherDomainOrSaysThereAreNone() {
    Path dir = Path.of("data");
    assertThat(ServerCommand.noAccountsWarning("127.0.0.1", dir, Map.of("example.com", 3)))
        .isEqualTo("parley server: warning: no accounts for domain 127.0.0.1; the data directory"
            + " has accounts for example.com (3): every sign-in will fail; start with --domain"
            + " example.com, or add users with 'parley user add USER --domain 127.0.0.1"
            + " --data data'");
    assertThat(ServerCommand.noAccountsWarning("127.0.0.1", dir, Map.of()))
        .isEqualTo("parley server: warning: no accounts for domain 127.0.0.1 (the data directory"
            + " has none): every sign-in will fail; add users with 'parley user add USER"
            + " --domain 127.0.0.1 --data data'");
    assertThat(ServerCommand.noAccountsWarning("example.com", dir,
        Map.of("example.com", 1, "example.org", 2))).isNull();
  }

  private static SipResponse exchange(MockSipPeer s, int port, SipRequest req) throws Exception {
    s.send(req, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return s.takeFinalResponse();
  }

  @Test
  void aBadStatusAddressIsAUsageError() {
    StringWriter err = new StringWriter();
    int status = Parley.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
        "server", "--data", data.toString(), "--status", "example.com:80");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--status: not an IP address: 'example.com'");
  }

  @Test
  void aBadConfigEntryRefusesToStartNamingLineAndKey() throws Exception {
    Path conf = data.resolve("parley.conf");
    Files.writeString(conf, "domain = example.com\nregistrar.max_contacts = many\n");
    StringWriter err = new StringWriter();
    int status = Parley.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
        "server", "--config", conf.toString());
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains(conf + ":2: key 'registrar.max_contacts': not a whole number: 'many'");
  }

  private ServerConfig configOf(String... args) {
    CommandLine cl = new CommandLine(new ServerCommand());
    cl.parseArgs(args);
    return ((ServerCommand) cl.getCommand()).config();
  }

  @Test
  void theFocusFlagTurnsTheFocusOnOrOffOverTheConfigFile() throws Exception {
    Path conf = Files.writeString(data.resolve("parley.conf"),
        "focus.enabled = false\nfocus.max_conferences = 3\n");
    assertThat(configOf("--data", data.toString()).focusEnabled()).isTrue();
    assertThat(configOf("--config", conf.toString()).focusEnabled()).isFalse();
    ServerConfig on = configOf("--config", conf.toString(), "--focus", "on");
    assertThat(on.focusEnabled()).isTrue();
    assertThat(on.focus().maxConferences()).as("the file's other focus settings stay")
        .isEqualTo(3);
    assertThat(configOf("--focus", "OFF").focusEnabled()).isFalse();
  }

  @Test
  void aBadFocusValueIsAUsageError() {
    StringWriter err = new StringWriter();
    int status = Parley.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
        "server", "--data", data.toString(), "--focus", "maybe");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--focus: not on or off: 'maybe'");
  }
}
