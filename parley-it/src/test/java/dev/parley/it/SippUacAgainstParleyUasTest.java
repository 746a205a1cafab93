package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.dialog.UserAgent;
import dev.parley.transport.Transport;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIPp's built-in {@code uac} (INVITE, 100/180/200, ACK, BYE, 200) against an in-process Parley
 * UAS that accepts every INVITE with an SDP answer: SIPp must count every call successful, and
 * afterwards the UAS must hold no dialog and, once its timers ran out, no transaction.
 */
class SippUacAgainstParleyUasTest {
  private static final int CALLS = 300;
  private static final int RATE = 100;

  @TempDir Path work;

  @BeforeEach
  void needsSipp() {
    Sipp.requireInstalled();
  }

  @Test
  void sippUacCompletesEveryCallOverUdpAndTheUasForgetsThem() throws Exception {
    placeCallsAgainstParley(Transport.UDP, "u1");
  }

  @Test
  void sippUacCompletesEveryCallOverTcpAndTheUasForgetsThem() throws Exception {
    placeCallsAgainstParley(Transport.TCP, "t1");
  }

  private void placeCallsAgainstParley(Transport transport, String sippMode) throws Exception {
    try (UserAgent uas = Loopback.agent(Loopback.answeringEveryInvite())) {
      int port = Loopback.address(uas, transport).getPort();

      Sipp.Result result = Sipp.builtin("uac")
          .remote("127.0.0.1:" + port)
          .localPort(Sipp.freePort())
          .transport(sippMode)
          .calls(CALLS)
          .rate(RATE)
          .maxOpenCalls(100)
          .timeoutSeconds(60)
          .workDir(work.resolve("uac-" + sippMode))
          .run();

      System.out.printf("SIPp uac -> Parley UAS over %s: %s%n", transport, result.summary());
      assertThat(result.failed()).as("%s", result).isZero();
      assertThat(result.successful()).as("%s", result).isEqualTo(CALLS);
      assertThat(result.exitCode()).as("%s", result).isZero();
      assertThat(uas.dialogCount()).as("dialogs right after the last BYE").isZero();
      assertThat(uas.pendingInviteCount()).as("unanswered INVITEs").isZero();
      Loopback.awaitIdle(uas);
    }
  }
}
