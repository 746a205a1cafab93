package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.UserAgent;
import dev.parley.sip.Address;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipUri;
import dev.parley.transaction.TransactionConfig;
import dev.parley.transport.Hop;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.NettyTransportLayer;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;

/**
 * Parley user agents on real loopback sockets for end-to-end tests: listen points on
 * 127.0.0.1 with kernel-chosen ports, fast transaction timers so that Timers J, K, L and M end
 * within seconds, and a check that every table drained.
 */
final class Loopback {
  /**
   * T1 50 ms (so 64*T1, Timers B, F, H, J, L and M, is 3.2 s), T2 400 ms, T4 100 ms (Timer K),
   * Timer D 500 ms: loopback round trips are well under a millisecond.
   */
  static final TransactionConfig FAST_TIMERS = TransactionConfig.builder()
      .t1(Duration.ofMillis(50))
      .t2(Duration.ofMillis(400))
      .t4(Duration.ofMillis(100))
      .timerD(Duration.ofMillis(500))
      .build();

  /**
   * Timers for a Parley UAC calling a SIPp UAS over UDP. SIPp 3.6.1 aborts a call when an INVITE
   * retransmission arrives after it sent 200, although the retransmission is byte-identical (see
   * {@link SippUasTrapTest}), so our INVITE must not be retransmitted before SIPp's answer is
   * processed, even on a cold JVM: T1 250 ms (the RFC default is 500 ms). Timer M (64*T1, 16 s)
   * then bounds how long the INVITE transactions linger. Over TCP nothing is retransmitted and
   * {@link #FAST_TIMERS} serve.
   */
  static final TransactionConfig SIPP_UDP_TIMERS = FAST_TIMERS.toBuilder()
      .t1(Duration.ofMillis(250))
      .t2(Duration.ofMillis(1000))
      .build();

  /** Long enough for every timer of {@link #FAST_TIMERS} and a loaded 2-core machine. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

  private Loopback() {}

  /** A started user agent on UDP and TCP, 127.0.0.1, free ports, fast timers. */
  static UserAgent agent(UserAgent.Handler handler) {
    return agent(handler, FAST_TIMERS);
  }

  /** A started user agent on UDP and TCP, 127.0.0.1, free ports, with {@code timers}. */
  static UserAgent agent(UserAgent.Handler handler, TransactionConfig timers) {
    return agent(builder().handler(handler), timers);
  }

  /** A user agent builder on UDP and TCP, 127.0.0.1, free ports (not yet built). */
  static UserAgent.Builder builder() {
    return UserAgent.builder(NettyTransportLayer.builder()
        .listen("udp:127.0.0.1:0", "tcp:127.0.0.1:0").build());
  }

  /** Starts the agent {@code builder} makes, with {@code timers}. */
  static UserAgent agent(UserAgent.Builder builder, TransactionConfig timers) {
    UserAgent ua = builder.transactionConfig(timers).build();
    try {
      ua.start().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      ua.close();
      throw new IllegalStateException("user agent did not start", e);
    }
    return ua;
  }

  /** Accepts every INVITE at once with 200 OK and an SDP answer (like {@code parley uas}). */
  static UserAgent.Handler answeringEveryInvite() {
    return new UserAgent.Handler() {
      @Override
      public void onInvite(IncomingInvite invite) {
        invite.accept(MediaType.APPLICATION_SDP, sdp("parley-uas"));
      }
    };
  }

  /** A caller that takes no calls: INVITEs get 480 (the UserAgent default). */
  static UserAgent.Handler rejectingEveryInvite() {
    return invite -> invite.reject(480);
  }

  /** A minimal PCMU offer or answer on 127.0.0.1. */
  static byte[] sdp(String session) {
    return ("v=0\r\no=" + session + " 1 1 IN IP4 127.0.0.1\r\ns=" + session
        + "\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Where {@code ua} listens for {@code transport}. */
  static InetSocketAddress address(UserAgent ua, Transport transport) {
    ListenPoint lp = ua.transport().listenPoint(transport);
    assertThat(lp).as("listen point for %s", transport).isNotNull();
    return lp.address();
  }

  /** {@code sip:user@127.0.0.1:port}, with {@code ;transport=tcp} unless UDP. */
  static SipUri uri(String user, int port, Transport transport) {
    SipUri.Builder b = SipUri.builder().user(user).host("127.0.0.1").port(port);
    if (transport != Transport.UDP) {
      b.transport(transport.name().toLowerCase(Locale.ROOT));
    }
    return b.build();
  }

  /** Our From: {@code <sip:user@127.0.0.1>}. */
  static Address from(String user) {
    return Address.of(SipUri.builder().user(user).host("127.0.0.1").build());
  }

  static Hop hop(Transport transport, int port) {
    return new Hop(transport, new InetSocketAddress("127.0.0.1", port));
  }

  /**
   * Waits until {@code ua} holds no dialog, no unanswered INVITE and no transaction: the
   * "no unbounded growth" check after a load.
   */
  static void awaitIdle(UserAgent ua) {
    await().atMost(DRAIN_TIMEOUT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      SoftAssertions soft = new SoftAssertions();
      soft.assertThat(ua.dialogCount()).as("dialogs").isZero();
      soft.assertThat(ua.pendingInviteCount()).as("pending INVITEs").isZero();
      soft.assertThat(ua.transactions().serverCount()).as("server transactions").isZero();
      soft.assertThat(ua.transactions().clientCount()).as("client transactions").isZero();
      soft.assertAll();
    });
  }
}
