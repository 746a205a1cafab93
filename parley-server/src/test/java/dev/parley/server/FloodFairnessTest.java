package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.dialog.Dialog;
import dev.parley.server.proxy.RateLimitConfig;
import dev.parley.server.proxy.RateLimiter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15's "per-source limits hold under a flood while other sources are served at full rate":
 * a raw UDP loop from 127.0.0.5 sends a bounded flood of OPTIONS while two phones on 127.0.0.1
 * register, exchange MESSAGEs and set up and end calls through the proxy one after another, in
 * real time. Every request of the phones gets its normal answer (none times out); the flooder
 * gets at most its bucket's worth of answers, the rest are dropped unanswered (UDP).
 *
 * <p>Two cases: the default limits (50/s, burst 100) against 300 datagrams a second, 6 times
 * the limit, with the server on one event loop, so that the phones' datagrams wait in the same
 * socket buffer as the flood's and are read by the same thread (with several loops, SO_REUSEPORT
 * spreads sources over the sockets by a hash, and the phones may or may not share the flood's);
 * at 1,000 a second one run of five at load 20 lost a phone's request (the lone loop, starved
 * of CPU, read about 500 a second and the kernel dropped the rest: docs/reliability.md);
 * and limits scaled down (10/s, burst 40) against 60 a second, where the bound on the flooder's
 * answers is tight enough to check. Over UDP the limit is checked on the raw datagram,
 * before it is copied or parsed ({@code TransportListener.mayParseDatagram}): a dropped datagram
 * costs its read and a table lookup. Before that, every datagram of the flood was parsed, checked
 * and had its Via stamped on the event loop that reads its socket before the limiter dropped it;
 * the first versions of this test saw the phones' transactions time out (408) at 200-1,000 a
 * second on a machine at load 20 with a cold JVM: the loop fell behind, the socket buffer filled
 * and the kernel dropped the phones' datagrams with the flood's.
 *
 * <p>Nothing here asserts a time: "served" is every request answered with its normal status
 * within the phones' own transaction timeouts.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FloodFairnessTest extends ProxyFixture {
  /** At least this many rounds of MESSAGE + call. */
  private static final int ROUNDS = 5;
  /**
   * At most this many rounds: the phones go on until the flood has sent {@link #FLOOD_SECONDS}
   * seconds' worth of datagrams since they started (a fast machine does a round in a few
   * milliseconds).
   */
  private static final int MAX_ROUNDS = 500;
  /**
   * Requests a round takes from the phones' own source (127.0.0.1, both phones): MESSAGE, INVITE
   * and its authenticated copy, BYE, with room to spare; the rounds are paced at half the limit
   * so that the phones are never limited themselves.
   */
  private static final int REQUESTS_PER_ROUND = 8;
  /** The flood runs a second's worth before the phones start and 5 seconds' worth during. */
  private static final int FLOOD_SECONDS = 5;
  /** At most this many datagrams, whatever happens (the flood stops when the phones are done). */
  private static final int FLOOD_MAX = 120_000;

  @Test
  void aFloodFromOneSourceAtTheDefaultLimitsDoesNotStopAnotherSourceBeingServed()
      throws Exception {
    start(b -> b.threads(1)); // one socket, one event loop: the phones share both with the flood
    Flood flood = floodWhilePhonesWork(300, RateLimiter.DEFAULT_REQUESTS_PER_SECOND);
    assertThat(flood.answered).as("the flood was answered at its rate, not more")
        .isLessThanOrEqualTo(bound(RateLimiter.DEFAULT_REQUEST_BURST,
            RateLimiter.DEFAULT_REQUESTS_PER_SECOND, flood));
  }

  @Test
  void aUdpFloodFromOneSourceIsLimitedWhileAnotherSourceRegistersMessagesAndCalls()
      throws Exception {
    start(b -> b.rateLimits(RateLimitConfig.builder().requestsPerSecond(10)
        .requestBurst(40).build()));
    Flood flood = floodWhilePhonesWork(60, 10);
    assertThat(flood.answered).as("answers to the flooder")
        .isLessThanOrEqualTo(bound(40, 10, flood));
  }

  /** The most answers a source held to {@code perSecond}, burst {@code burst}, may get. */
  private static int bound(int burst, double perSecond, Flood flood) {
    // every answer left after its request was admitted, and the bucket was made at the first:
    // the time from the flood's start to the last answer bounds the refill (+1 s of slack)
    double seconds = Math.max(flood.nanos, flood.lastAnswerNanos) / 1e9 + 1;
    return (int) Math.min(burst + (long) Math.ceil(perSecond * seconds), flood.sent);
  }

  /**
   * What a flood did: datagrams sent, in how long, final answers it got, and when the last came
   * (nanoseconds from the flood's start).
   */
  private record Flood(int sent, long nanos, int answered, long lastAnswerNanos) {}

  /**
   * Floods the server's UDP port from 127.0.0.5 at {@code perSecond} while alice and bob (on
   * 127.0.0.1) register and then send MESSAGEs and calls; fails unless every request of theirs
   * got its normal answer, the flood outlasted their work and the limiter dropped part of it.
   */
  private Flood floodWhilePhonesWork(int perSecond, double limit) throws Exception {
    InetSocketAddress target = udp();
    AtomicInteger answered = new AtomicInteger();
    AtomicLong floodNanos = new AtomicLong();
    AtomicLong lastAnswer = new AtomicLong();
    long start = System.nanoTime();
    AtomicInteger sent = new AtomicInteger();
    AtomicBoolean phonesDone = new AtomicBoolean();
    int calls = 0;
    try (DatagramSocket flooder = new DatagramSocket(
        new InetSocketAddress(InetAddress.getByName("127.0.0.5"), 0))) {
      flooder.setSoTimeout(10_000);
      Thread reader = new Thread(() -> countAnswers(flooder, answered, lastAnswer),
          "flood-answers");
      reader.setDaemon(true);
      reader.start();
      CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
        send(flooder, target, perSecond, phonesDone, sent);
        floodNanos.set(System.nanoTime() - start);
      });

      // the phones start once the limit is at work on the flood (past its burst): on a loaded
      // machine the flood's thread may get so little time that the phones' work ended first
      await().atMost(Duration.ofSeconds(60))
          .until(() -> (server.status().rateLimits().requestsRefused() > 0
              && sent.get() >= perSecond) || flood.isDone());
      int floodGoal = sent.get() + FLOOD_SECONDS * perSecond;
      Phone alice = phone("alice", "secret");
      Phone bob = phone("bob", "hunter2").answering(false);
      try {
        assertThat(alice.register().statusCode()).as("alice's REGISTER").isEqualTo(200);
        assertThat(bob.register().statusCode()).as("bob's REGISTER").isEqualTo(200);
        long roundNanos = (long) (REQUESTS_PER_ROUND * 2 / limit * 1e9);
        calls = calls(alice, bob, roundNanos,
            () -> sent.get() >= floodGoal || flood.isDone());
      } catch (Exception | AssertionError e) {
        throw new AssertionError("the phones failed during the flood (" + sent.get()
            + " sent, " + answered.get() + " answered); " + server.status().rateLimits()
            + "; " + server.transactionCounts(), e);
      } finally {
        phonesDone.set(true);
      }
      flood.get(60, TimeUnit.SECONDS);
      assertThat(calls).isGreaterThanOrEqualTo(ROUNDS);
      reader.join(30_000);
    }
    RateLimiter.Stats limits = server.status().rateLimits();
    System.out.printf("flood at %d/s: %d sent in %.1f s, %d answered; the phones' %d rounds all"
        + " served; %s%n", perSecond, sent.get(), floodNanos.get() / 1e9, answered.get(), calls,
        limits);
    assertThat(answered.get()).as("answers to the flooder").isPositive();
    assertThat(sent.get()).as("the flood outlasted the phones' work").isGreaterThan(answered.get());
    assertThat(limits.requestsRefused()).as("the flood's requests dropped").isPositive();
    assertThat(limits.authBlocks()).isZero();
    return new Flood(sent.get(), floodNanos.get(), answered.get(),
        Math.max(0, lastAnswer.get() - start));
  }

  /**
   * MESSAGEs and calls from alice to bob, a round every {@code roundNanos} at most, at least
   * {@link #ROUNDS} and until {@code enough}; the number of calls ended.
   */
  private static int calls(Phone alice, Phone bob, long roundNanos,
      java.util.function.BooleanSupplier enough) throws Exception {
    int calls = 0;
    long start = System.nanoTime();
    for (int i = 0; i < MAX_ROUNDS && (i < ROUNDS || !enough.getAsBoolean()); i++) {
      long early = start + i * roundNanos - System.nanoTime();
      if (early > 0) {
        LockSupport.parkNanos(early); // pacing the phones below their own limit, not a wait
      }
      assertThat(alice.message("bob", "during the flood " + i).statusCode())
          .as("MESSAGE %d", i).isEqualTo(200);
      Dialog call = alice.call("bob").dialog().get(10, TimeUnit.SECONDS);
      bob.nextInvite();
      assertThat(alice.ua.bye(call).get(10, TimeUnit.SECONDS).statusCode())
          .as("BYE %d", i).isEqualTo(200);
      calls++;
    }
    return calls;
  }

  /**
   * OPTIONS to the server itself, each a new transaction, {@code perSecond} a second, until
   * {@code done} (or {@link #FLOOD_MAX}).
   */
  private static void send(DatagramSocket socket, InetSocketAddress target, int perSecond,
      AtomicBoolean done, AtomicInteger sent) {
    String local = socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    long start = System.nanoTime();
    try {
      for (int i = 0; i < FLOOD_MAX && !done.get(); i++) {
        long early = start + i * (1_000_000_000L / perSecond) - System.nanoTime();
        if (i % 10 == 0 && early > 0) {
          LockSupport.parkNanos(early); // pacing the load in tens, not waiting for a state
        }
        byte[] bytes = ("OPTIONS sip:" + DOMAIN + " SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP " + local + ";branch=z9hG4bKflood" + i + ";rport\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: <sip:flood@elsewhere.example>;tag=f" + i + "\r\n"
            + "To: <sip:" + DOMAIN + ">\r\n"
            + "Call-ID: flood-" + i + "\r\n"
            + "CSeq: 1 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(bytes, bytes.length, target));
        sent.incrementAndGet();
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Counts final responses until the socket is silent for its timeout or closed, noting when the
   * last arrived ({@link System#nanoTime}).
   */
  private static void countAnswers(DatagramSocket socket, AtomicInteger answered,
      AtomicLong lastAnswer) {
    byte[] buffer = new byte[65_535];
    try {
      while (true) {
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        socket.receive(p);
        String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
        if (text.startsWith("SIP/2.0 ") && !text.startsWith("SIP/2.0 1")) {
          answered.incrementAndGet();
          lastAnswer.set(System.nanoTime());
        }
      }
    } catch (SocketTimeoutException e) {
      // silent for the timeout: the flood's answers are all in
    } catch (java.io.IOException e) {
      // closed by the test: counting is over
    }
  }
}
