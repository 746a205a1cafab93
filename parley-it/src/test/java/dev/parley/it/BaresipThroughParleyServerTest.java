package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.auth.DigestAlgorithm;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.UserAgentMatcher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's interop case with real clients: baresip instances sign in to {@code parley server}
 * with digest authentication, call each other through its proxy, and send pager-mode MESSAGEs,
 * also to a user who is offline and receives it on registering.
 *
 * <p>baresip 1.0 (libre 1.1) gives up with "Function not implemented" (ENOSYS) when any of the
 * challenges of a 401/407 is not MD5, whatever their order; the servers here run with the
 * defaults, which offer MD5 alone to clients whose User-Agent starts with {@code baresip}
 * ({@code auth.md5_only_user_agents}) and SHA-256 and MD5 to everyone else.
 * {@link #baresipGivesUpWhenAnyChallengeIsNotMd5} pins the trap with that list emptied.
 *
 * <p>The domain is {@code parley.test}, a name no resolver knows: the baresips send everything to
 * the server as their outbound proxy, as clients of a real domain would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BaresipThroughParleyServerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path work;

  @BeforeEach
  void needsBaresip() {
    Baresip.requireInstalled();
  }

  @Test
  void baresipCallsBaresipThroughTheServerAndHangsUp() throws Exception {
    try (ParleyServer server = defaults().user("carol", "carol-pw").user("dave", "dave-pw").start()) {
      callAnsweredAndHungUp(server);
    }
  }

  /**
   * The same call with the domain {@code 127.0.0.1}, the server's own address ({@code parley
   * server --domain 127.0.0.1 --listen udp:127.0.0.1:PORT}), so that the baresips' AORs are
   * {@code sip:carol@127.0.0.1:PORT} and dave's contact {@code sip:dave-0x...@127.0.0.1:DAVEPORT}
   * has the domain's host: only the server's own ports are the domain, and carol's ACK and BYE,
   * which carry its Route, go to that contact (this was a bug: the ACK was dropped).
   */
  @Test
  void baresipCallsBaresipThroughAServerWhoseDomainIsItsAddress() throws Exception {
    try (ParleyServer server = defaults().domain(ParleyServer.HOST)
        .user("carol", "carol-pw").user("dave", "dave-pw").start()) {
      callAnsweredAndHungUp(server);
    }
  }

  private void callAnsweredAndHungUp(ParleyServer server) throws Exception {
    try (Baresip carol = user(server, "carol", "carol-pw").start();
        Baresip dave = user(server, "dave", "dave-pw").start()) {
      try {
        carol.awaitRegistered(WAIT);
        dave.awaitRegistered(WAIT);
        assertThat(server.server().location().lookup(new Aor("dave", server.domain())))
            .singleElement().satisfies(b -> assertThat(b.userAgent()).startsWith("baresip"));

        carol.dial(server.aor("dave"));
        Baresip.Event incoming = dave.awaitEvent("CALL_INCOMING", WAIT);
        assertThat(incoming.fields().get("peeruri")).contains("carol@");
        carol.awaitEvent("CALL_RINGING", WAIT);
        dave.accept();
        assertThat(carol.awaitEvent("CALL_ESTABLISHED", WAIT).fields().get("peeruri"))
            .contains("dave@");
        dave.awaitEvent("CALL_ESTABLISHED", WAIT);

        carol.hangup();
        // baresip's words for a BYE from the other side, and for its own
        assertThat(dave.awaitEvent("CALL_CLOSED", WAIT).param()).as("%s", dave.log())
            .isEqualTo("Connection reset by peer");
        assertThat(carol.awaitEvent("CALL_CLOSED", WAIT).param()).as("%s", carol.log())
            .isEqualTo("Connection reset by user");
        // the INVITE was challenged (407) and retried with carol's credentials
        assertThat(carol.outputContains("SIP/2.0 407")).as("%s", carol.log()).isTrue();
        assertThat(carol.outputContains("Proxy-Authorization: Digest username=\"carol\""))
            .as("%s", carol.log()).isTrue();
      } catch (AssertionError e) {
        // the failing side's log is in the message already; add the other side and the proxy
        throw new AssertionError(e.getMessage() + "\n" + carol.log() + "\n--- proxy: "
            + server.server().proxyStats(), e);
      }
    }
  }

  @Test
  void baresipMessageReachesARegisteredBaresip() throws Exception {
    try (ParleyServer server = defaults().user("carol", "carol-pw").user("dave", "dave-pw").start();
        Baresip carol = user(server, "carol", "carol-pw")
            .contact("Dave", server.aor("dave")).start();
        Baresip dave = user(server, "dave", "dave-pw").start()) {
      carol.awaitRegistered(WAIT);
      dave.awaitRegistered(WAIT);

      carol.message("hello dave, through parley");

      assertThat(dave.awaitMessage("hello dave, through parley", WAIT)).as("%s", dave.log())
          .contains("carol@");
      // the MESSAGE was challenged like any request of a local user, then answered 200 by dave
      assertThat(carol.outputContains("SIP/2.0 407")).as("%s", carol.log()).isTrue();
    }
  }

  /**
   * RFC 3428 store-and-forward: erin has an account but no registration; carol's MESSAGE is
   * accepted (202) and stored, and delivered to erin's baresip when it registers, with the server's
   * Date.
   */
  @Test
  void messageToAnOfflineUserIsDeliveredWhenItRegisters() throws Exception {
    try (ParleyServer server = defaults().user("carol", "carol-pw").user("erin", "erin-pw").start();
        Baresip carol = user(server, "carol", "carol-pw")
            .contact("Erin", server.aor("erin")).start()) {
      carol.awaitRegistered(WAIT);

      carol.message("for erin, while away");
      carol.awaitOutput("SIP/2.0 202 Accepted", WAIT);

      try (Baresip erin = user(server, "erin", "erin-pw").start()) {
        erin.awaitRegistered(WAIT);
        assertThat(erin.awaitMessage("for erin, while away", WAIT)).as("%s", erin.log())
            .contains("carol@");
        assertThat(erin.outputContains("Date: ")).as("%s", erin.log()).isTrue();
      }
    }
  }

  /**
   * {@code parley server} with no configuration must let baresip sign in (issue 5). Its default
   * {@code auth.algorithms} is {@code SHA-256, MD5} (RFC 8760 order), and its default
   * {@code auth.md5_only_user_agents} offers baresip MD5 alone.
   */
  @Test
  void baresipRegistersWithTheDefaultAlgorithms() throws Exception {
    try (ParleyServer server = ParleyServer.builder(work.resolve("data"))
            .user("carol", "carol-pw").start();
        Baresip carol = user(server, "carol", "carol-pw").start()) {
      carol.awaitRegistered(WAIT);
    }
  }

  /**
   * A trap of baresip 1.0, pinned: RFC 8760 §2.4 has a UAC use the first challenge whose algorithm
   * it supports, but baresip's libre fails the whole 401 ({@code ENOSYS}, "Function not
   * implemented") when any {@code WWW-Authenticate} is not MD5, even after an MD5 one. So MD5
   * first, enough for SIPp and sipsak, is not enough for baresip: it needs MD5 alone, which the
   * server's default {@code auth.md5_only_user_agents} gives it (emptied here).
   */
  @Test
  void baresipGivesUpWhenAnyChallengeIsNotMd5() throws Exception {
    try (ParleyServer server = ParleyServer.builder(work.resolve("data"))
            .authAlgorithms(DigestAlgorithm.MD5, DigestAlgorithm.SHA_256)
            .md5OnlyUserAgents(UserAgentMatcher.NONE)
            .user("carol", "carol-pw").start();
        Baresip carol = user(server, "carol", "carol-pw").start()) {
      Baresip.Event e = carol.awaitEvent(ev -> ev.type().startsWith("REGISTER_"),
          "REGISTER_OK or REGISTER_FAIL", WAIT);
      assertThat(e.type()).as("%s", carol.log()).isEqualTo("REGISTER_FAIL");
      assertThat(e.param()).isEqualTo("Function not implemented");
      assertThat(carol.outputContains("algorithm=MD5")).isTrue();
    }
  }

  /** A baresip signing in as {@code name} to {@code server} (its outbound proxy, for a name domain). */
  private Baresip.Builder user(ParleyServer server, String name, String password) {
    Baresip.Builder b = Baresip.builder(work.resolve(name))
        .account(name, password, server.aorHost());
    return server.aorHost().equals(server.hostPort()) ? b : b.outboundProxy(server.hostPort());
  }

  /** A server with the default configuration, as {@code parley server} starts without one. */
  private ParleyServer.Builder defaults() {
    return ParleyServer.builder(work.resolve("data"));
  }
}
