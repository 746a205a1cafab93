package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.dialog.UserAgent;
import dev.parley.sip.Address;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.transport.Transport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The "no unbounded growth" proof: two in-process Parley user agents over real loopback UDP
 * exchange thousands of short calls (INVITE, 200, ACK, BYE, 200) and OPTIONS, a bounded number
 * in flight; every one succeeds, and once the transaction timers ran out (fast timers: 64*T1 is
 * 3.2 s) both agents hold no dialog, no pending INVITE and no transaction.
 */
class ThousandsOfShortCallsTest {
  private static final int CALLS = 3_000;
  private static final int OPTIONS = 3_000;
  private static final int IN_FLIGHT = 50;
  @Test
  void thousandsOfCallsLeaveNoDialogOrTransactionBehind() throws Exception {
    try (UserAgent callee = Loopback.agent(Loopback.answeringEveryInvite());
        UserAgent caller = Loopback.agent(Loopback.rejectingEveryInvite())) {
      int port = Loopback.address(callee, Transport.UDP).getPort();
      SipUri target = Loopback.uri("callee", port, Transport.UDP);

      CallLoad.Outcome calls = new CallLoad(caller, IN_FLIGHT, Duration.ofSeconds(90))
          .calls(CALLS, i -> CallLoad.invite(caller, target, Transport.UDP),
              Loopback.hop(Transport.UDP, port));
      System.out.printf("Parley -> Parley over UDP: calls %s%n", calls);

      assertThat(calls.failures()).as("calls: %s", calls).isEmpty();
      assertThat(calls.succeeded()).isEqualTo(CALLS);
      assertThat(caller.dialogCount()).as("caller dialogs right after the last BYE").isZero();
      Loopback.awaitIdle(caller);
      Loopback.awaitIdle(callee);
    }
  }

  @Test
  void thousandsOfOptionsLeaveNoTransactionBehind() throws Exception {
    try (UserAgent callee = Loopback.agent(Loopback.answeringEveryInvite());
        UserAgent caller = Loopback.agent(Loopback.rejectingEveryInvite())) {
      int port = Loopback.address(callee, Transport.UDP).getPort();
      SipUri target = Loopback.uri("callee", port, Transport.UDP);

      CallLoad.Outcome options = new CallLoad(caller, IN_FLIGHT, Duration.ofSeconds(90))
          .requests(OPTIONS, i -> options(caller, target), Loopback.hop(Transport.UDP, port));
      System.out.printf("Parley -> Parley over UDP: OPTIONS %s%n", options);

      assertThat(options.failures()).as("OPTIONS: %s", options).isEmpty();
      assertThat(options.succeeded()).isEqualTo(OPTIONS);
      Loopback.awaitIdle(caller);
      Loopback.awaitIdle(callee);
    }
  }

  private static SipRequest options(UserAgent ua, SipUri target) {
    return ua.newRequest(SipMethod.OPTIONS, target, Loopback.from("parley"), Address.of(target),
        Transport.UDP).build();
  }
}
