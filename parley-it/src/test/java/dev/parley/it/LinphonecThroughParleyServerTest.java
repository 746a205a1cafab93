package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.server.registrar.Aor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's interop case with Linphone: linphonec users sign in to {@code parley server} with
 * digest authentication, call baresip users and are called by them, chat with them, and get the
 * chat messages sent while they were offline when they sign in.
 *
 * <p>The servers run with the defaults: linphonec's User-Agent ({@code Linphonec/5.1.65}) is not
 * in {@code auth.md5_only_user_agents}, so it gets the SHA-256 and the MD5 challenge and answers
 * the SHA-256 one (RFC 8760); baresip gets MD5 alone. The domain is {@code parley.test}, a name
 * no resolver knows: every client sends everything to the server as its outbound proxy (linphonec's
 * {@code reg_proxy} and {@code reg_route}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LinphonecThroughParleyServerTest {
  // generous: a step may include starting a client JVM, 11 s once on a busy CI machine
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path work;

  @BeforeEach
  void needsPeers() {
    Linphonec.requireInstalled();
    Baresip.requireInstalled();
  }

  /** The default challenge pair (SHA-256, then MD5): linphonec answers with SHA-256. */
  @Test
  void linphonecRegistersWithSha256UnderTheDefaultAlgorithms() throws Exception {
    try (ParleyServer server = defaults().user("lin", "lin-pw").start();
        Linphonec lin = linphonec(server, "lin", "lin-pw").start()) {
      lin.awaitRegistered(WAIT);

      assertThat(server.server().location().lookup(new Aor("lin", server.domain())))
          .singleElement().satisfies(b -> assertThat(b.userAgent()).startsWith("Linphonec/"));
      assertThat(lin.sipLogContains("algorithm=MD5")).as("offered MD5 too\n%s", lin.log())
          .isTrue();
      // linphonec writes two spaces after the colon
      assertThat(lin.sipLogLines("Authorization:")).as("%s", lin.log()).isNotEmpty()
          .allSatisfy(a -> assertThat(a).startsWith("Authorization:  Digest realm=\"parley.test\"")
              .contains("algorithm=SHA-256").contains("username=\"lin\""));
    }
  }

  @Test
  void linphonecCallsBaresipThroughTheServerAndHangsUp() throws Exception {
    try (ParleyServer server = defaults().user("lin", "lin-pw").user("dave", "dave-pw").start();
        Linphonec lin = linphonec(server, "lin", "lin-pw").start();
        Baresip dave = baresip(server, "dave", "dave-pw").start()) {
      try {
        lin.awaitRegistered(WAIT);
        dave.awaitRegistered(WAIT);

        lin.call(server.aor("dave"));
        assertThat(dave.awaitEvent("CALL_INCOMING", WAIT).fields().get("peeruri"))
            .contains("lin@parley.test");
        lin.awaitOutput("ringing.", WAIT);
        dave.accept();
        assertThat(lin.awaitOutput("connected.", WAIT)).contains("dave@parley.test");
        dave.awaitEvent("CALL_ESTABLISHED", WAIT);

        lin.terminate();
        assertThat(dave.awaitEvent("CALL_CLOSED", WAIT).param())
            .isEqualTo("Connection reset by peer");
        assertThat(lin.awaitOutput("ended (", WAIT)).endsWith("ended (No error).");
        // the INVITE was challenged (407) and retried with lin's SHA-256 credentials
        assertThat(lin.sipLogContains("SIP/2.0 407 ")).isTrue();
        assertThat(lin.sipLogLines("Proxy-Authorization:")).isNotEmpty().allSatisfy(
            a -> assertThat(a).contains("algorithm=SHA-256").contains("username=\"lin\""));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n" + lin.log() + "\n" + dave.log()
            + "\n--- proxy: " + server.server().proxyStats(), e);
      }
    }
  }

  @Test
  void baresipCallsLinphonecThroughTheServerAndHangsUp() throws Exception {
    try (ParleyServer server = defaults().user("lin", "lin-pw").user("dave", "dave-pw").start();
        Linphonec lin = linphonec(server, "lin", "lin-pw").start();
        Baresip dave = baresip(server, "dave", "dave-pw").start()) {
      try {
        lin.awaitRegistered(WAIT);
        dave.awaitRegistered(WAIT);

        dave.dial(server.aor("lin"));
        assertThat(lin.awaitOutput("Receiving new incoming call from", WAIT))
            .contains("dave@parley.test");
        dave.awaitEvent("CALL_RINGING", WAIT);
        lin.answer();
        assertThat(dave.awaitEvent("CALL_ESTABLISHED", WAIT).fields().get("peeruri"))
            .contains("lin@parley.test");
        lin.awaitOutput("connected.", WAIT);

        dave.hangup();
        assertThat(lin.awaitOutput("ended (", WAIT)).endsWith("ended (No error).");
        assertThat(dave.awaitEvent("CALL_CLOSED", WAIT).param())
            .isEqualTo("Connection reset by user");
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n" + lin.log() + "\n" + dave.log()
            + "\n--- proxy: " + server.server().proxyStats(), e);
      }
    }
  }

  /**
   * Issue 11: {@code parley client}'s {@code hangup} of a connected call is a normal end, which
   * linphonec reports as it reports its own and baresip's hang-ups ("No error"), not as a declined
   * call (the BYE used to carry {@code Reason: SIP;cause=603}).
   */
  @Test
  void aParleyClientCallsLinphonecAndHangsUpNormally() throws Exception {
    try (ParleyServer server = defaults().user("lin", "lin-pw").user("paul", "paul-pw").start();
        Linphonec lin = linphonec(server, "lin", "lin-pw").start()) {
      lin.awaitRegistered(WAIT);
      Path script = work.resolve("paul.script");
      Files.writeString(script, String.join("\n", "call " + server.aor("lin"),
          "wait state:CONNECTED 20", "hangup 1", "quit") + "\n");
      try (ParleyClient paul = ParleyClient.start("paul", "client", "--user", server.aor("paul"),
          "--server", server.hostPort(), "--password", "paul-pw", "--json", "--script",
          script.toString())) {
        try {
          assertThat(lin.awaitOutput("Receiving new incoming call from", WAIT))
              .contains("paul@parley.test");
          lin.answer();
          lin.awaitOutput("connected.", WAIT);
          assertThat(lin.awaitOutput("ended (", WAIT)).endsWith("ended (No error).");
          assertThat(paul.exitStatus(Duration.ofSeconds(20))).isZero();
          assertThat(paul.events()).filteredOn(e -> "ended".equals(e.get("event")))
              .singleElement().satisfies(e -> assertThat(e.get("cause")).isEqualTo("NORMAL"));
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + "\n" + lin.log() + "\n" + paul.log(), e);
        }
      }
    }
  }

  /** linphonec's {@code chat} reaches baresip through the server, and baresip's reply linphonec. */
  @Test
  void linphonecAndBaresipChatThroughTheServer() throws Exception {
    try (ParleyServer server = defaults().user("lin", "lin-pw").user("dave", "dave-pw").start();
        Linphonec lin = linphonec(server, "lin", "lin-pw").start();
        Baresip dave = baresip(server, "dave", "dave-pw").contact("Lin", server.aor("lin"))
            .start()) {
      lin.awaitRegistered(WAIT);
      dave.awaitRegistered(WAIT);

      lin.chat(server.aor("dave"), "hello dave, linphone here");
      assertThat(dave.awaitMessage("hello dave, linphone here", WAIT)).as("%s", lin.log())
          .contains("lin@parley.test");
      dave.message("hi lin, baresip answers");
      assertThat(lin.awaitMessage("hi lin, baresip answers", WAIT)).contains("dave@parley.test");
      // lin's MESSAGE was challenged like any request of a local user
      assertThat(lin.sipLogContains("SIP/2.0 407 ")).as("%s", lin.log()).isTrue();
    }
  }

  /**
   * RFC 3428 store-and-forward to a Linphone user: erin has an account and no registration; lin's
   * chat message is accepted (202) and stored, and delivered when erin's linphonec signs in.
   */
  @Test
  void chatMessageToAnOfflineLinphonecIsDeliveredWhenItRegisters() throws Exception {
    try (ParleyServer server = defaults().user("lin", "lin-pw").user("erin", "erin-pw").start();
        Linphonec lin = linphonec(server, "lin", "lin-pw").start()) {
      lin.awaitRegistered(WAIT);

      lin.chat(server.aor("erin"), "for erin, while away");
      lin.awaitSipLog("SIP/2.0 202 Accepted", WAIT);

      try (Linphonec erin = linphonec(server, "erin", "erin-pw").start()) {
        erin.awaitRegistered(WAIT);
        assertThat(erin.awaitMessage("for erin, while away", WAIT)).contains("lin@parley.test");
        // from the store, answered 2xx by erin's linphonec, and so deleted
        await().atMost(WAIT).until(() -> server.server().status().offlineMessages(),
            o -> o.delivered() == 1 && o.pending() == 0);
      }
    }
  }

  /** Two Linphone users: lin calls erin, whose linphonec answers by itself ({@code -a}). */
  @Test
  void linphonecCallsLinphonecThroughTheServerAndHangsUp() throws Exception {
    try (ParleyServer server = defaults().user("lin", "lin-pw").user("erin", "erin-pw").start();
        Linphonec lin = linphonec(server, "lin", "lin-pw").start();
        Linphonec erin = linphonec(server, "erin", "erin-pw").autoAnswer(true).start()) {
      try {
        lin.awaitRegistered(WAIT);
        erin.awaitRegistered(WAIT);

        lin.call(server.aor("erin"));
        assertThat(erin.awaitOutput("Receiving new incoming call from", WAIT))
            .contains("lin@parley.test");
        assertThat(lin.awaitOutput("connected.", WAIT)).contains("erin@parley.test");
        erin.awaitOutput("connected.", WAIT);

        lin.terminate();
        assertThat(erin.awaitOutput("ended (", WAIT)).endsWith("ended (No error).");
        assertThat(lin.awaitOutput("ended (", WAIT)).endsWith("ended (No error).");
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n" + lin.log() + "\n" + erin.log()
            + "\n--- proxy: " + server.server().proxyStats(), e);
      }
    }
  }

  /**
   * A server whose domain is its own address ({@code --domain 127.0.0.1}): lin's AOR is
   * {@code sip:lin@127.0.0.1:PORT}, and linphonec drops the port of a chat URI, so its MESSAGE
   * for dave goes out as {@code MESSAGE sip:dave@127.0.0.1} (through the server, its route): the
   * server must take that port-less address as its domain. Then lin calls dave.
   */
  @Test
  void linphonecChatsAndCallsThroughAServerWhoseDomainIsItsAddress() throws Exception {
    try (ParleyServer server = defaults().domain(ParleyServer.HOST)
            .user("lin", "lin-pw").user("dave", "dave-pw").start();
        Linphonec lin = linphonec(server, "lin", "lin-pw").start();
        Baresip dave = baresip(server, "dave", "dave-pw").contact("Lin", server.aor("lin"))
            .start()) {
      try {
        lin.awaitRegistered(WAIT);
        dave.awaitRegistered(WAIT);

        lin.chat(server.aor("dave"), "hello dave, at the address");
        assertThat(dave.awaitMessage("hello dave, at the address", WAIT)).contains("lin@");
        assertThat(lin.sipLogContains("MESSAGE sip:dave@127.0.0.1 SIP/2.0"))
            .as("linphonec dropped the port").isTrue();
        dave.message("hi lin, at the address");
        assertThat(lin.awaitMessage("hi lin, at the address", WAIT)).contains("dave@");

        lin.call(server.aor("dave"));
        dave.awaitEvent("CALL_INCOMING", WAIT);
        dave.accept();
        lin.awaitOutput("connected.", WAIT);
        dave.awaitEvent("CALL_ESTABLISHED", WAIT);
        lin.terminate();
        assertThat(dave.awaitEvent("CALL_CLOSED", WAIT).param())
            .isEqualTo("Connection reset by peer");
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n" + lin.log() + "\n" + dave.log()
            + "\n--- proxy: " + server.server().proxyStats(), e);
      }
    }
  }

  private Linphonec.Builder linphonec(ParleyServer server, String name, String password) {
    return Linphonec.builder(work.resolve(name)).account(name, password, server.aorHost())
        .outboundProxy(server.hostPort());
  }

  private Baresip.Builder baresip(ParleyServer server, String name, String password) {
    return Baresip.builder(work.resolve(name)).account(name, password, server.aorHost())
        .outboundProxy(server.hostPort());
  }

  /** A server with the default configuration, as {@code parley server} starts without one. */
  private ParleyServer.Builder defaults() {
    return ParleyServer.builder(work.resolve("data"));
  }
}
