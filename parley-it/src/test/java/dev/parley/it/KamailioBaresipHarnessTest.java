package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interop harness itself, no Parley code: Kamailio (registrar-proxy.cfg) enforces digest
 * authentication, and two baresip instances registered to it reach each other through it. If
 * these fail, the Parley interop tests built on the same peers cannot be trusted either.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KamailioBaresipHarnessTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path work;

  @BeforeEach
  void needsPeers() {
    Kamailio.requireInstalled();
    Baresip.requireInstalled();
  }

  @Test
  void kamailioChallengesRegisterAndRefusesAWrongPassword() throws Exception {
    try (Kamailio kamailio = Kamailio.builder(work.resolve("kamailio"))
            .user("carol", "right-password").start();
        Baresip carol = Baresip.builder(work.resolve("carol"))
            .account("carol", "wrong-password", kamailio.hostPort()).start()) {
      Baresip.Event e = carol.awaitEvent(ev -> ev.type().startsWith("REGISTER_"),
          "REGISTER_OK or REGISTER_FAIL", WAIT);
      assertThat(e.type()).as("%s%n%s", carol.log(), kamailio.log()).isEqualTo("REGISTER_FAIL");
      assertThat(e.param()).as("%s", carol.log()).contains("401");
    }
  }

  @Test
  void baresipCallsBaresipThroughKamailio() throws Exception {
    try (Kamailio kamailio = Kamailio.builder(work.resolve("kamailio"))
            .user("carol", "carol-pw").user("dave", "dave-pw").start();
        Baresip carol = Baresip.builder(work.resolve("carol"))
            .account("carol", "carol-pw", kamailio.hostPort()).start();
        Baresip dave = Baresip.builder(work.resolve("dave"))
            .account("dave", "dave-pw", kamailio.hostPort()).start()) {
      carol.awaitRegistered(WAIT);
      dave.awaitRegistered(WAIT);

      carol.dial(kamailio.aor("dave"));
      Baresip.Event incoming = dave.awaitEvent("CALL_INCOMING", WAIT);
      assertThat(incoming.fields().get("peeruri")).contains("carol");
      carol.awaitEvent("CALL_RINGING", WAIT);
      dave.accept();
      carol.awaitEvent("CALL_ESTABLISHED", WAIT);
      dave.awaitEvent("CALL_ESTABLISHED", WAIT);

      carol.hangup();
      carol.awaitEvent("CALL_CLOSED", WAIT);
      Baresip.Event closed = dave.awaitEvent("CALL_CLOSED", WAIT);
      // baresip's words for a BYE from the other side
      assertThat(closed.param()).as("%s", dave.log()).isEqualTo("Connection reset by peer");
    }
  }
}
