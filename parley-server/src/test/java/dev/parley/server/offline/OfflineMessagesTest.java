package dev.parley.server.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import dev.parley.server.proxy.RequestOrigin;
import dev.parley.server.registrar.Aor;
import dev.parley.server.store.Store;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.FakeScheduler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store-and-forward with a real SQLite store in a temp dir and a scripted {@link FakeSender}, on
 * virtual time: the store work, the timers and the wall clock all run on one
 * {@link FakeScheduler}, so each call has settled when it returns.
 */
class OfflineMessagesTest {
  static final Aor BOB = new Aor("bob", "example.com");
  static final RequestOrigin ORIGIN =
      RequestOrigin.authenticated(new java.net.InetSocketAddress("127.0.0.1", 5070), "alice");
  static final Aor CAROL = new Aor("carol", "example.com");

  @TempDir Path data;
  /** The store thread and the timers. */
  FakeScheduler timers = new FakeScheduler();
  /** The wall clock: Tue, 14 Nov 2023 22:13:20 GMT at first, moved by {@code timers}. */
  Clock clock = timers.clock(Instant.ofEpochMilli(1_700_000_000_000L));
  Store store;
  FakeSender sender = new FakeSender();
  OfflineMessages offline;

  @BeforeEach
  void open() {
    store = Store.embedded(data);
  }

  @AfterEach
  void close() throws Exception {
    if (offline != null) {
      offline.close();
    }
    store.close();
  }

  static OfflineMessagesConfig.Builder limits() {
    return OfflineMessagesConfig.builder();
  }

  OfflineMessages.Builder builder() {
    return OfflineMessages.builder(store, timers, timers, sender).clock(clock);
  }

  /** Closes everything and opens a new store and service on the same directory. */
  void restart(UnaryOperator<OfflineMessages.Builder> settings) throws Exception {
    close();
    open();
    offline = settings.apply(builder()).build();
  }

  static SipRequest message(String user, String callId, int cseq, String body) {
    return (SipRequest) SipParser.create().parse("MESSAGE sip:" + user + "@example.com SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK" + callId + cseq + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: \"Alice\" <sip:alice@example.com>;tag=a1\r\n"
        + "To: <sip:" + user + "@example.com>\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: " + cseq + " MESSAGE\r\n"
        + "Content-Type: text/plain;charset=UTF-8\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n" + body);
  }

  SipResponse accept(Aor aor, String callId, String body) {
    return offline.accept(message(aor.user(), callId, 1, body), aor, ORIGIN).join();
  }

  @Test
  void storedMessagesSurviveARestartAndAreDeliveredInOrderOnceWhenTheUserRegisters()
      throws Exception {
    offline = builder().build();
    for (String text : List.of("one", "two", "three")) {
      SipResponse r = accept(BOB, "c-" + text, text);
      assertThat(r.statusCode()).isEqualTo(202);
      assertThat(r.to().tag()).isNotNull();
      timers.advance(Duration.ofSeconds(1));
    }
    assertThat(sender.sent).isEmpty();

    restart(b -> b);
    assertThat(offline.stats().pending()).isEqualTo(3);
    assertThat(offline.pendingCount(BOB)).isEqualTo(3);
    offline.onRegistered(BOB);
    assertThat(offline.stats().pending()).isZero();
    assertThat(sender.bodies()).containsExactly("one", "two", "three");
    assertThat(store.pendingMessages("example.com", "bob", 10)).isEmpty();
    assertThat(offline.stats()).extracting(OfflineMessages.Stats::delivered,
        OfflineMessages.Stats::users).containsExactly(3L, 0);

    SipRequest first = sender.sent.get(0);
    assertThat(first.requestUri().toString()).isEqualTo("sip:bob@example.com");
    assertThat(first.headers().get(HeaderName.FROM))
        .isEqualTo("\"Alice\" <sip:alice@example.com>;tag=a1");
    assertThat(first.headers().get(HeaderName.TO)).isEqualTo("<sip:bob@example.com>");
    assertThat(first.callId()).isNotEqualTo("c-one").endsWith("@example.com");
    assertThat(first.cseq().toString()).isEqualTo("1 MESSAGE");
    assertThat(first.headers().get(HeaderName.CONTENT_TYPE)).isEqualTo("text/plain;charset=UTF-8");
    assertThat(first.headers().get(HeaderName.DATE)).isEqualTo("Tue, 14 Nov 2023 22:13:20 GMT");
    assertThat(sender.sent.get(2).headers().get(HeaderName.DATE))
        .isEqualTo("Tue, 14 Nov 2023 22:13:22 GMT");
    assertThat(first.maxForwards()).isEqualTo(70);
    assertThat(first.vias()).isEmpty();

    offline.onRegistered(BOB); // nothing left: nothing sent again
    restart(b -> b.registered(aor -> true));
    assertThat(offline.stats().pending()).isZero();
    assertThat(sender.sent).hasSize(3);
  }

  @Test
  void aFailedDeliveryKeepsTheMessageAndIsRetriedOnTheNextRegistration() {
    offline = builder().build();
    accept(BOB, "c1", "hello");
    sender.script.add(480);
    offline.onRegistered(BOB);
    assertThat(offline.stats().failedAttempts()).isEqualTo(1);
    assertThat(offline.stats().pending()).isEqualTo(1);
    assertThat(store.pendingMessages("example.com", "bob", 1).get(0).attempts()).isEqualTo(1);

    offline.onRegistered(BOB);
    assertThat(offline.stats().pending()).isZero();
    assertThat(sender.bodies()).containsExactly("hello", "hello");
    assertThat(offline.stats().delivered()).isEqualTo(1);
  }

  @Test
  void aFailedDeliveryIsRetriedAfterTheBackOffWhileTheUserStaysRegistered() {
    offline = builder().registered(aor -> true)
        .config(limits().retryInitial(Duration.ofMillis(20)).build()).build();
    sender.script.add(503);
    sender.script.add(408);
    sender.script.add(0); // the send itself fails
    accept(BOB, "c1", "hi"); // registered meanwhile: delivered without onRegistered
    assertThat(sender.sent).hasSize(1);
    // the back-off doubles: 20, 40, 80 ms
    timers.advance(Duration.ofMillis(19));
    assertThat(sender.sent).hasSize(1);
    timers.advance(Duration.ofMillis(1));
    assertThat(sender.sent).hasSize(2);
    timers.advance(Duration.ofMillis(39));
    assertThat(sender.sent).hasSize(2);
    timers.advance(Duration.ofMillis(1));
    assertThat(sender.sent).hasSize(3);
    timers.advance(Duration.ofMillis(79));
    assertThat(offline.stats().delivered()).isZero();
    timers.advance(Duration.ofMillis(1));
    assertThat(offline.stats().delivered()).isEqualTo(1);
    assertThat(sender.bodies()).containsExactly("hi", "hi", "hi", "hi");
    assertThat(offline.stats().failedAttempts()).isEqualTo(3);
    assertThat(timers.pendingTimers()).as("only the expiry sweep").isEqualTo(1);
  }

  @Test
  void aTimedRetryWaitsForTheNextRegistrationWhenTheUserIsOffline() {
    AtomicInteger asked = new AtomicInteger();
    offline = builder().registered(aor -> {
      asked.incrementAndGet();
      return false;
    }).config(limits().retryInitial(Duration.ofMillis(20)).build()).build();
    sender.script.add(480);
    accept(BOB, "c1", "hi"); // asks once after the write
    offline.onRegistered(BOB);
    assertThat(offline.stats().failedAttempts()).isEqualTo(1);
    assertThat(asked.get()).isEqualTo(1);
    timers.advance(Duration.ofMillis(20));
    assertThat(asked.get()).as("the timed retry asked, got \"offline\"").isEqualTo(2);
    assertThat(sender.sent).hasSize(1);

    offline.onRegistered(BOB);
    assertThat(offline.stats().delivered()).isEqualTo(1);
  }

  @Test
  void aDeliveryWithoutFinalStatusWithinTheTimeoutIsAFailedAttemptAndALateAnswerIsIgnored() {
    ManualSender manual = new ManualSender();
    offline = OfflineMessages.builder(store, timers, timers, manual).clock(clock)
        .config(limits().deliveryTimeout(Duration.ofSeconds(64)).build()).build();
    accept(BOB, "c1", "hello");
    offline.onRegistered(BOB);
    assertThat(manual.pending).hasSize(1);
    timers.advance(Duration.ofMillis(63_999));
    assertThat(offline.stats().failedAttempts()).isZero();
    timers.advance(Duration.ofMillis(1));
    assertThat(offline.stats().failedAttempts()).isEqualTo(1);
    assertThat(offline.pendingCount(BOB)).isEqualTo(1);

    manual.pending.peek().complete(200); // too late: the attempt failed already
    assertThat(offline.stats().delivered()).isZero();
    offline.onRegistered(BOB);
    assertThat(manual.pending).hasSize(2);
    manual.pending.stream().filter(f -> !f.isDone()).forEach(f -> f.complete(200));
    assertThat(offline.stats().delivered()).isEqualTo(1);
    assertThat(offline.pendingCount(BOB)).isZero();
  }

  @Test
  void theExpirySweepDropsOldMessagesEverySweepInterval() {
    offline = builder().config(limits().maxAge(Duration.ofDays(1))
        .sweepInterval(Duration.ofHours(1)).build()).build();
    accept(CAROL, "c1", "for carol");
    timers.advance(Duration.ofHours(24)); // 24 h old: not older than maxAge yet
    assertThat(offline.pendingCount(CAROL)).isEqualTo(1);
    timers.advance(Duration.ofHours(1));
    assertThat(offline.pendingCount(CAROL)).isZero();
    assertThat(offline.stats()).extracting(OfflineMessages.Stats::dropped,
        OfflineMessages.Stats::users).containsExactly(1L, 0);
    assertThat(store.pendingMessages("example.com", "carol", 10)).isEmpty();
    assertThat(sender.sent).isEmpty();
  }

  @Test
  void closeCancelsTheSweepAndTheRetries() {
    offline = builder().registered(aor -> true).build();
    sender.script.add(503);
    accept(BOB, "c1", "hi");
    assertThat(offline.stats().failedAttempts()).isEqualTo(1);
    assertThat(timers.pendingTimers()).as("the sweep and a retry").isEqualTo(2);
    offline.close();
    assertThat(timers.pendingTimers()).isZero();
    timers.advance(Duration.ofDays(1));
    assertThat(sender.sent).hasSize(1);
    assertThat(offline.pendingCount(BOB)).isEqualTo(1);
  }

  @Test
  void deliveryStopsAtAFailureSoThatTheOrderIsKept() {
    offline = builder().build();
    accept(BOB, "c1", "one");
    accept(BOB, "c2", "two");
    accept(BOB, "c3", "three");
    sender.script.add(200);
    sender.script.add(486);
    offline.onRegistered(BOB);
    assertThat(offline.stats().failedAttempts()).isEqualTo(1);
    assertThat(sender.bodies()).containsExactly("one", "two");
    assertThat(offline.stats().pending()).isEqualTo(2);

    offline.onRegistered(BOB);
    assertThat(offline.stats().pending()).isZero();
    assertThat(sender.bodies()).containsExactly("one", "two", "two", "three");
  }

  @Test
  void oneMessageAtATimePerUserAndAnotherRegistrationDoesNotStartASecondRun() {
    ManualSender manual = new ManualSender();
    offline = OfflineMessages.builder(store, timers, timers, manual).clock(clock).build();
    accept(BOB, "c1", "one");
    accept(BOB, "c2", "two");
    offline.onRegistered(BOB);
    assertThat(manual.pending).hasSize(1);
    offline.onRegistered(BOB);
    offline.onRegistered(BOB);
    assertThat(manual.pending).hasSize(1);
    manual.pending.peek().complete(200);
    assertThat(manual.bodies).hasSize(2);
    assertThat(manual.pending).hasSize(2); // the first (done) and the second
    manual.pending.stream().filter(f -> !f.isDone()).forEach(f -> f.complete(202));
    assertThat(offline.stats().pending()).isZero();
    assertThat(manual.bodies).containsExactly("one", "two");
  }

  @Test
  void aMessageTheRecipientKeepsRefusingIsDroppedAndTheNextOneDelivered() {
    offline = builder().config(limits().maxRefusals(2).build()).build();
    accept(BOB, "c1", "bad");
    accept(BOB, "c2", "good");
    sender.script.add(415);
    offline.onRegistered(BOB);
    assertThat(offline.stats().failedAttempts()).isEqualTo(1);
    assertThat(offline.stats().pending()).isEqualTo(2);

    sender.script.add(415);
    offline.onRegistered(BOB);
    assertThat(offline.stats().pending()).isZero();
    assertThat(sender.bodies()).containsExactly("bad", "bad", "good");
    assertThat(offline.stats()).extracting(OfflineMessages.Stats::dropped,
        OfflineMessages.Stats::delivered).containsExactly(1L, 1L);
  }

  @Test
  void perUserLimitsAnswer480AndFreeUpAfterDelivery() {
    offline = builder().config(limits().maxMessagesPerUser(2).maxBytesPerUser(100).build())
        .build();
    assertThat(accept(BOB, "c1", "one").statusCode()).isEqualTo(202);
    assertThat(accept(BOB, "c2", "two").statusCode()).isEqualTo(202);
    SipResponse full = accept(BOB, "c3", "three");
    assertThat(full.statusCode()).isEqualTo(480);
    assertThat(full.reasonPhrase()).contains("mailbox full");
    assertThat(accept(CAROL, "c4", "x".repeat(100)).statusCode()).isEqualTo(202);
    assertThat(accept(CAROL, "c5", "y").statusCode()).isEqualTo(480); // 101 bytes
    assertThat(offline.stats().rejected()).isEqualTo(2);

    offline.onRegistered(BOB);
    assertThat(offline.pendingCount(BOB)).isZero();
    assertThat(accept(BOB, "c6", "again").statusCode()).isEqualTo(202);
  }

  @Test
  void theWholeStoreFullAnswers503WithRetryAfter() throws Exception {
    offline = builder().config(limits().maxMessages(2).maxBytes(1000).build()).build();
    accept(BOB, "c1", "one");
    accept(CAROL, "c2", "two");
    SipResponse full = accept(new Aor("dave", "example.com"), "c3", "three");
    assertThat(full.statusCode()).isEqualTo(503);
    assertThat(full.headers().get(HeaderName.RETRY_AFTER)).isEqualTo("300");

    restart(b -> b.config(limits().maxMessages(10).maxBytes(8).build())); // 6 bytes stored before the restart count
    assertThat(accept(BOB, "c4", "12").statusCode()).isEqualTo(202);
    assertThat(accept(BOB, "c5", "1").statusCode()).isEqualTo(503);
  }

  @Test
  void aBodyOverTheSizeLimitAnswers413() {
    offline = builder().config(limits().maxMessageBytes(10).build()).build();
    assertThat(accept(BOB, "c1", "0123456789").statusCode()).isEqualTo(202);
    SipResponse big = accept(BOB, "c2", "0123456789X");
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(offline.stats().pending()).isEqualTo(1);
  }

  @Test
  void aMessageSentAgainInANewTransactionIsStoredOnce() {
    offline = builder().build();
    assertThat(accept(BOB, "same", "hi").statusCode()).isEqualTo(202);
    assertThat(accept(BOB, "same", "hi").statusCode()).isEqualTo(202);
    assertThat(offline.stats().pending()).isEqualTo(1);
    assertThat(offline.stats().accepted()).isEqualTo(1);
    offline.onRegistered(BOB);
    assertThat(offline.stats().pending()).isZero();
    assertThat(sender.bodies()).containsExactly("hi");
  }

  @Test
  void messagesOlderThanMaxAgeAreDroppedNotDelivered() {
    // no timed sweep in this test: delivery skips what expired, sweepExpired drops the rest
    offline = builder().config(limits().maxAge(Duration.ofDays(7))
        .sweepInterval(Duration.ofDays(30)).build()).build();
    accept(BOB, "c1", "old");
    accept(CAROL, "c2", "old too");
    timers.advance(Duration.ofDays(6));
    accept(BOB, "c3", "recent");
    timers.advance(Duration.ofDays(2));

    offline.onRegistered(BOB); // "old" expired on the way
    assertThat(offline.pendingCount(BOB)).isZero();
    assertThat(sender.bodies()).containsExactly("recent");

    assertThat(offline.sweepExpired()).isEqualTo(1); // carol's
    assertThat(offline.stats()).extracting(OfflineMessages.Stats::pending,
        OfflineMessages.Stats::users, OfflineMessages.Stats::dropped).containsExactly(0L, 0, 2L);
  }

  @Test
  void usersAlreadyRegisteredAtStartGetTheirMessages() throws Exception {
    offline = builder().build();
    accept(BOB, "c1", "for bob");
    accept(CAROL, "c2", "for carol");
    restart(b -> b.registered(aor -> aor.equals(CAROL)));
    assertThat(offline.pendingCount(CAROL)).isZero();
    assertThat(sender.bodies()).containsExactly("for carol");
    assertThat(offline.pendingCount(BOB)).isEqualTo(1);
  }

  @Test
  void onlyMessageRequestsAreAccepted() {
    offline = builder().build();
    SipRequest options = message("bob", "c", 1, "").toBuilder()
        .method(dev.parley.sip.SipMethod.OPTIONS).build();
    assertThatThrownBy(() -> offline.accept(options, BOB, ORIGIN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OPTIONS");
  }

  @Test
  void asTheProxysHookItAnswersMessagesAndDeclinesOtherRequests() throws Exception {
    offline = builder().build();
    CompletableFuture<SipResponse> answered = new CompletableFuture<>();
    SipRequest message = message("bob", "c1", 1, "hi");
    assertThat(offline.handle(transaction(message, answered), message, BOB, ORIGIN)).isTrue();
    assertThat(answered).isDone();
    assertThat(answered.join().statusCode()).isEqualTo(202);

    SipRequest invite = message.toBuilder().method(dev.parley.sip.SipMethod.INVITE)
        .setHeader(HeaderName.CSEQ, "1 INVITE").build();
    CompletableFuture<SipResponse> never = new CompletableFuture<>();
    assertThat(offline.handle(transaction(invite, never), invite, BOB, ORIGIN)).isFalse();
    assertThat(never).isNotDone();
    assertThat(offline.stats().pending()).isEqualTo(1);
  }

  static dev.parley.transaction.ServerTransaction transaction(SipRequest request,
      CompletableFuture<SipResponse> responses) {
    return new dev.parley.transaction.ServerTransaction() {
      @Override
      public dev.parley.transport.Flow flow() {
        return null;
      }

      @Override
      public void respond(SipResponse response) {
        responses.complete(response);
      }

      @Override
      public void respondStatelessly(SipResponse response) {
        responses.complete(response);
      }

      @Override
      public String branch() {
        return "z9hG4bKtest";
      }

      @Override
      public SipRequest request() {
        return request;
      }

      @Override
      public dev.parley.transport.Scheduler scheduler() {
        return null;
      }

      @Override
      public boolean isTerminated() {
        return responses.isDone();
      }
    };
  }

  @Test
  void retryDelayDoublesUpToTheMaximum() {
    OfflineMessagesConfig config = limits().retryInitial(Duration.ofSeconds(30))
        .retryMax(Duration.ofMinutes(2)).build();
    List<Duration> delays = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      delays.add(Delivery.retryDelay(config, i));
    }
    assertThat(delays).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(60),
        Duration.ofSeconds(120), Duration.ofSeconds(120), Duration.ofSeconds(120));
    assertThat(Delivery.isTransient(480)).isTrue();
    assertThat(Delivery.isTransient(503)).isTrue();
    assertThat(Delivery.isTransient(415)).isFalse();
    assertThat(Delivery.isTransient(603)).isFalse();
    assertThatThrownBy(() -> limits().retryInitial(Duration.ofMinutes(5))
        .retryMax(Duration.ofMinutes(1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryMax");
  }

  /** Answers each MESSAGE at once: the next scripted status (0: fail the send), else 200. */
  static final class FakeSender implements OfflineMessages.Sender {
    final List<SipRequest> sent = new CopyOnWriteArrayList<>();
    final Queue<Integer> script = new ConcurrentLinkedQueue<>();

    @Override
    public CompletableFuture<Integer> send(SipRequest message) {
      sent.add(message);
      Integer status = script.poll();
      if (status != null && status == 0) {
        return CompletableFuture.failedFuture(new java.io.IOException("connection refused"));
      }
      return CompletableFuture.completedFuture(status == null ? 200 : status);
    }

    List<String> bodies() {
      List<String> out = new ArrayList<>();
      for (SipRequest r : sent) {
        out.add(new String(r.body(), StandardCharsets.UTF_8));
      }
      return out;
    }
  }

  /** Leaves each MESSAGE's outcome to the test. */
  static final class ManualSender implements OfflineMessages.Sender {
    final Queue<CompletableFuture<Integer>> pending = new ConcurrentLinkedQueue<>();
    final List<String> bodies = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<Integer> send(SipRequest message) {
      bodies.add(new String(message.body(), StandardCharsets.UTF_8));
      CompletableFuture<Integer> f = new CompletableFuture<>();
      pending.add(f);
      return f;
    }
  }
}
