package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.Subscription;
import dev.parley.dialog.UserAgent;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.transaction.ServerTransaction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIPp as subscriber and as referrer against an in-process Parley notifier (parley-dialog's
 * {@code Subscription}) over TCP: SUBSCRIBE, 200, NOTIFY active, unsubscribe, 200, NOTIFY
 * terminated ({@code sipp/subscribe-uac.xml}); REFER, 202, NOTIFY sipfrag 100 Trying, NOTIFY
 * sipfrag 200 OK terminated;reason=noresource ({@code sipp/refer-uac.xml}). SIPp checks the
 * headers and bodies (a failed check fails the call); afterwards Parley holds no subscription
 * and no dialog. Over TCP: over UDP on a loaded machine SIPp answers a NOTIFY late, our NOTIFY is
 * retransmitted, and SIPp 3.6 takes the retransmission for the next NOTIFY of its scenario and
 * fails the call (the same trap as {@link SippUasTrapTest}); the exchange is the same.
 */
class SippSubscribeAgainstParleyNotifierTest {
  private static final int CALLS = 50;
  private static final MediaType CONFERENCE_INFO =
      MediaType.parse("application/conference-info+xml");

  @TempDir Path work;

  @BeforeEach
  void needsSipp() {
    Sipp.requireInstalled();
  }

  /** A notifier of "conference" (a full state at once and on each SUBSCRIBE) that accepts REFERs. */
  private static UserAgent notifier() {
    UserAgent[] self = new UserAgent[1];
    Subscription.Listener fullStateEachTime = new Subscription.Listener() {
      @Override
      public void onSubscribe(Subscription s, SipRequest subscribe) {
        s.notify(CONFERENCE_INFO, state());
      }
    };
    self[0] = Loopback.agent(Loopback.builder().handler(new UserAgent.Handler() {
      @Override
      public void onInvite(IncomingInvite invite) {
        invite.reject(480);
      }

      @Override
      public void onRequest(ServerTransaction tx, SipRequest request) {
        if (request.method().equals(SipMethod.SUBSCRIBE)) {
          self[0].acceptSubscription(tx, request, new Subscription.Expiry(3600, 60, 3600), null,
              fullStateEachTime).notify(CONFERENCE_INFO, state());
        } else if (request.method().equals(SipMethod.REFER)) {
          Subscription referral = self[0].acceptRefer(tx, request, null, new Subscription.Listener() {});
          referral.notifyProgress(100, "Trying");
          referral.notifyProgress(200, "OK");
        } else {
          UserAgent.Handler.super.onRequest(tx, request);
        }
      }
    }), Loopback.SIPP_UDP_TIMERS);
    return self[0];
  }

  private static byte[] state() {
    return "<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\" state=\"full\" version=\"1\"/>"
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void sippSubscribesAndUnsubscribesAndTheNotifierForgetsEverySubscription() throws Exception {
    runAgainstParley("subscribe-uac.xml");
  }

  @Test
  void sippRefersAndHearsTryingThenOkAsSipfrag() throws Exception {
    runAgainstParley("refer-uac.xml");
  }

  private void runAgainstParley(String scenario) throws Exception {
    try (UserAgent notifier = notifier()) {
      int port = Loopback.address(notifier, dev.parley.transport.Transport.TCP).getPort();
      Sipp.Result result = Sipp.scenarioResource(scenario)
          .remote("127.0.0.1:" + port)
          .localPort(Sipp.freePort())
          .transport("t1")
          .calls(CALLS)
          .rate(20)
          .maxOpenCalls(20)
          .timeoutSeconds(60)
          .workDir(work.resolve(scenario))
          .run();

      System.out.printf("SIPp %s -> Parley notifier over TCP: %s%n", scenario, result.summary());
      assertThat(result.failed()).as("%s", result).isZero();
      assertThat(result.successful()).as("%s", result).isEqualTo(CALLS);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(notifier.subscriptionCount()).as("subscriptions").isZero();
        assertThat(notifier.dialogCount()).as("dialogs").isZero();
      });
      Loopback.awaitIdle(notifier);
    }
  }
}
