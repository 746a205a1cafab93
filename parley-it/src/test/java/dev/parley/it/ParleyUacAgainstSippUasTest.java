package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.dialog.UserAgent;
import dev.parley.sip.SipUri;
import dev.parley.transaction.TransactionConfig;
import dev.parley.transport.Transport;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Parley user agent places calls (INVITE, 180, 200, ACK, BYE, 200) to SIPp's built-in
 * {@code uas}, a bounded number in flight: every call must succeed on Parley's side, SIPp must
 * count every call successful and none failed, and Parley's tables must drain.
 */
class ParleyUacAgainstSippUasTest {
  private static final int CALLS = 300;
  private static final int IN_FLIGHT = 20;

  @TempDir Path work;

  @BeforeEach
  void needsSipp() {
    Sipp.requireInstalled();
  }

  @Test
  void everyCallToSippUasSucceedsOverUdp() throws Exception {
    callSipp(Transport.UDP, "u1");
  }

  @Test
  void everyCallToSippUasSucceedsOverTcp() throws Exception {
    callSipp(Transport.TCP, "t1");
  }

  private void callSipp(Transport transport, String sippMode) throws Exception {
    TransactionConfig timers = transport == Transport.UDP ? Loopback.SIPP_UDP_TIMERS : Loopback.FAST_TIMERS;
    // SIPp binds its port before Parley takes ephemeral ones, so they cannot collide; another
    // process may take the port between its choice and SIPp's start: then another port
    try (Sipp.Running sipp = Sipp.startListeningOnFreePort(port -> Sipp.builtin("uas")
            .remote("127.0.0.1")
            .localPort(port)
            .transport(sippMode)
            .calls(CALLS)
            .maxOpenCalls(IN_FLIGHT * 2)
            .timeoutSeconds(90)
            .workDir(work.resolve("uas-" + sippMode + "-" + port)));
        UserAgent uac = Loopback.agent(Loopback.rejectingEveryInvite(), timers)) {
      int sippPort = sipp.port();
      SipUri target = Loopback.uri("service", sippPort, transport);
      CallLoad.Outcome outcome = new CallLoad(uac, IN_FLIGHT, Duration.ofSeconds(60))
          .calls(CALLS, i -> CallLoad.invite(uac, target, transport),
              Loopback.hop(transport, sippPort));

      Sipp.Result result = sipp.stop(Duration.ofSeconds(15));
      System.out.printf("Parley UAC -> SIPp uas over %s: %s; %s%n", transport, outcome,
          result.summary());
      assertThat(outcome.failures()).as("Parley side: %s", outcome).isEmpty();
      assertThat(outcome.succeeded()).as("Parley side: %s", outcome).isEqualTo(CALLS);
      assertThat(result.failed()).as("%s", result).isZero();
      assertThat(result.successful()).as("%s", result).isEqualTo(CALLS);
      Loopback.awaitIdle(uac);
    }
  }
}
