package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.auth.CredentialsProvider;
import dev.parley.auth.UserSecret;
import dev.parley.dialog.UserAgent;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.transaction.TransactionConfig;
import dev.parley.transport.Transport;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Parley UAC with alice's password against SIPp scenarios that challenge every INVITE or
 * REGISTER with 401 ({@code Digest realm="parley.test", algorithm=MD5, qop="auth"}) and check the
 * retried request with SIPp's own {@code verifyauth}: every call and registration must succeed on
 * Parley's side, and SIPp must count no failure (a digest that does not verify gets 403 and is
 * counted failed). Scenarios: {@code src/test/resources/sipp/*-digest-uas.xml}.
 */
class DigestAgainstSippTest {
  private static final int CALLS = 20;
  private static final int IN_FLIGHT = 5;
  private static final CredentialsProvider ALICE =
      CredentialsProvider.of(UserSecret.ofPassword("alice", "secret"));

  /** Why the INVITE runs wait; see {@link AckBeforeRetryTest}. Passes 20/20 with the fix. */
  private static final String ACK_ORDER_BUG = "bug: the 401's ACK leaves after the retried INVITE "
      + "(parley-transaction InviteClientTransaction.receive: deliver before send(ack)); SIPp "
      + "aborts those calls. See AckBeforeRetryTest";

  @TempDir Path work;

  @BeforeEach
  void needsSipp() {
    Sipp.requireInstalled();
  }

  @Test
  void callsChallengedWithDigestMd5QopAuthSucceedOverUdp() throws Exception {
    challengedCalls(Transport.UDP, "u1");
  }

  @Test
  void callsChallengedWithDigestMd5QopAuthSucceedOverTcp() throws Exception {
    challengedCalls(Transport.TCP, "t1");
  }

  @Test
  void registrationsChallengedWithDigestMd5QopAuthSucceedOverUdp() throws Exception {
    try (Sipp.Running sipp = Sipp.startListeningOnFreePort(port ->
            Sipp.scenarioResource("register-digest-uas.xml")
                .remote("127.0.0.1").localPort(port).transport("u1")
                .calls(CALLS).maxOpenCalls(IN_FLIGHT * 2).timeoutSeconds(60)
                .workDir(work.resolve("register-" + port)));
        UserAgent alice = Loopback.agent(
            Loopback.builder().handler(Loopback.rejectingEveryInvite()).credentials(ALICE)
                .contactUser("alice"), Loopback.FAST_TIMERS)) {
      int sippPort = sipp.port();
      SipUri registrarUri = SipUri.builder().host("127.0.0.1").port(sippPort).build();
      CallLoad.Outcome outcome = new CallLoad(alice, IN_FLIGHT, Duration.ofSeconds(30))
          .requests(CALLS, i -> register(alice, registrarUri),
              Loopback.hop(Transport.UDP, sippPort));

      Sipp.Result result = sipp.stop(Duration.ofSeconds(10));
      System.out.printf("Parley REGISTER with digest -> SIPp over UDP: %s; %s%n", outcome,
          result.summary());
      assertThat(outcome.failures()).as("Parley side: %s", outcome).isEmpty();
      assertThat(outcome.succeeded()).isEqualTo(CALLS);
      assertThat(result.failed()).as("%s", result).isZero();
      assertThat(result.successful()).as("%s", result).isEqualTo(CALLS);
      Loopback.awaitIdle(alice);
    }
  }

  private void challengedCalls(Transport transport, String sippMode) throws Exception {
    TransactionConfig timers =
        transport == Transport.UDP ? Loopback.SIPP_UDP_TIMERS : Loopback.FAST_TIMERS;
    try (Sipp.Running sipp = Sipp.startListeningOnFreePort(port ->
            Sipp.scenarioResource("invite-digest-uas.xml")
                .remote("127.0.0.1").localPort(port).transport(sippMode)
                .calls(CALLS).maxOpenCalls(IN_FLIGHT * 2).timeoutSeconds(60)
                .workDir(work.resolve("invite-" + sippMode + "-" + port)));
        UserAgent alice = Loopback.agent(
            Loopback.builder().handler(Loopback.rejectingEveryInvite()).credentials(ALICE)
                .contactUser("alice"), timers)) {
      int sippPort = sipp.port();
      SipUri target = Loopback.uri("service", sippPort, transport);
      CallLoad.Outcome outcome = new CallLoad(alice, IN_FLIGHT, Duration.ofSeconds(30))
          .calls(CALLS, i -> CallLoad.invite(alice, target, transport),
              Loopback.hop(transport, sippPort));

      Sipp.Result result = sipp.stop(Duration.ofSeconds(10));
      System.out.printf("Parley INVITE with digest -> SIPp over %s: %s; %s%n", transport, outcome,
          result.summary());
      assertThat(outcome.failures()).as("Parley side: %s", outcome).isEmpty();
      assertThat(outcome.succeeded()).isEqualTo(CALLS);
      assertThat(result.failed()).as("%s", result).isZero();
      assertThat(result.successful()).as("%s", result).isEqualTo(CALLS);
      Loopback.awaitIdle(alice);
    }
  }

  private static SipRequest register(UserAgent alice, SipUri registrar) {
    var aor = dev.parley.sip.Address.of(
        SipUri.builder().user("alice").host("127.0.0.1").build());
    return alice.newRequest(SipMethod.REGISTER, registrar, aor, aor, Transport.UDP)
        .header(HeaderName.CONTACT, alice.contact(Transport.UDP))
        .header(HeaderName.EXPIRES, "60")
        .build();
  }
}
