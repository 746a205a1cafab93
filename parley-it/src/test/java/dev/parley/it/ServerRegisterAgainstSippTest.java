package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.SipServer;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.registrar.Aor;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIPp registers many distinct users with digest authentication against {@link SipServer}
 * ({@code src/test/resources/sipp/register-uac.xml}): every registration must succeed on SIPp's
 * side, the location service must hold one binding per user, and they must survive a restart.
 * Also sipsak (its {@code -U} register mode with {@code -a}), when installed.
 */
class ServerRegisterAgainstSippTest {
  private static final int USERS = 500;

  @TempDir Path work;

  @BeforeEach
  void needsSipp() {
    Sipp.requireInstalled();
  }

  @Test
  void sippRegistersFiveHundredUsersWithDigestOverUdp() throws Exception {
    Path data = work.resolve("data");
    List<Account> accounts = new ArrayList<>();
    Path inf = work.resolve("users.csv");
    try (BufferedWriter w = Files.newBufferedWriter(inf)) {
      w.write("SEQUENTIAL\n");
      for (int i = 0; i < USERS; i++) {
        accounts.add(Account.withPassword("127.0.0.1", "user" + i, "pw" + i));
        w.write("user" + i + ";[authentication username=user" + i + " password=pw" + i + "]\n");
      }
    }
    try (Store store = Store.embedded(data)) {
      store.addAccounts(accounts);
    }
    int port = Sipp.freePort();
    ServerConfig config = ServerConfig.builder().domain("127.0.0.1").dataDir(data)
        .listen("udp:127.0.0.1:" + port).threads(2)
        // SIPp is a load generator: 1,000 REGISTERs/s from one source is over the per-source
        // rate limit (50/s), which would drop most of them; trusted sources are not limited
        // (the registrar still challenges them)
        .trusted("127.0.0.1").statusListen("127.0.0.1:0")
        // SIPp 3.6 answers only the first WWW-Authenticate and aborts when it is not MD5
        // ("createAuthHeader: authentication must use MD5 or AKAv1-MD5"): the default
        // auth.md5_only_user_agents offers "SIPp register-uac" MD5 alone
        .build();
    try (SipServer server = SipServer.start(config)) {
      Sipp uac = Sipp.scenarioResource("register-uac.xml").remote("127.0.0.1:" + port)
          .localPort(Sipp.freePort()).transport("u1").calls(USERS).rate(500).maxOpenCalls(200)
          .arg("-inf", inf.toString()).timeoutSeconds(60).workDir(work.resolve("sipp"));
      long start = System.nanoTime();
      Sipp.Result result = uac.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("SIPp REGISTER with digest -> parley server over UDP: %d users in %.2f s;"
          + " %s%n", USERS, seconds, result.summary());
      assertThat(result.failed()).as("%s", result).isZero();
      assertThat(result.successful()).as("%s", result).isEqualTo(USERS);
      assertThat(server.location().aorCount()).isEqualTo(USERS);
      assertThat(server.location().lookup(new Aor("user7", "127.0.0.1")))
          .singleElement().satisfies(b -> assertThat(b.userAgent()).isEqualTo("SIPp register-uac"));
    }
    try (SipServer again = SipServer.start(config)) {
      assertThat(again.loadedBindings()).isEqualTo(USERS);
      assertThat(again.location().lookup(new Aor("user499", "127.0.0.1"))).hasSize(1);
    }
  }

  @Test
  void sipsakRegistersWithDigest() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/sipsak")),
        "sipsak not installed");
    Path data = work.resolve("data");
    try (Store store = Store.embedded(data)) {
      store.addAccount(Account.withPassword("127.0.0.1", "alice", "secret"));
    }
    int port = Sipp.freePort();
    try (SipServer server = SipServer.start(ServerConfig.builder().domain("127.0.0.1")
        .dataDir(data).listen("udp:127.0.0.1:" + port).threads(1)
        // sipsak 0.9.8 also reads only the first challenge ("unsupported authentication
        // algorithm"): the default auth.md5_only_user_agents offers "sipsak 0.9.8.1" MD5 alone
        .build())) {
      Process p = new ProcessBuilder("sipsak", "-U", "-C", "sip:alice@127.0.0.1:" + Sipp.freePort(),
          "-s", "sip:alice@127.0.0.1:" + port, "-u", "alice", "-a", "secret", "-x", "120", "-vv")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      System.out.println("sipsak -U against parley server: exit " + p.exitValue());
      assertThat(p.exitValue()).as(out).isZero();
      // sipsak -U registers, then removes its binding again; exit 0 means every step got 200
    }
  }
}
