package dev.parley.server;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Store-and-forward with a real SQLite store in a temp dir and a scripted {@link FakeSender}. */
class OfflineMessagesTest {
  static final Aor BOB = new Aor("bob", "example.com");
  static final RequestOrigin ORIGIN =
      RequestOrigin.authenticated(new java.net.InetSocketAddress("127.0.0.1", 5070), "alice");
  static final Aor CAROL = new Aor("carol", "example.com");
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path data;
  MutableClock clock = new MutableClock(1_700_000_000_000L); // Tue, 14 Nov 2023 22:13:20 GMT
  ScheduledExecutorService background;
  Store store;
  FakeSender sender = new FakeSender();
  OfflineMessages offline;

  @BeforeEach
  void open() {
    background = Executors.newSingleThreadScheduledExecutor();
    store = Store.embedded(data);
  }

  @AfterEach
  void close() throws Exception {
    if (offline != null) {
      offline.close();
    }
    background.shutdown();
    background.awaitTermination(10, TimeUnit.SECONDS);
    store.close();
  }

  static OfflineMessagesConfig.Builder limits() {
    return OfflineMessagesConfig.builder();
  }

  OfflineMessages.Builder builder() {
    return OfflineMessages.builder(store, background, sender).clock(clock);
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
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(sender.sent).isEmpty();

    restart(b -> b);
    assertThat(offline.stats().pending()).isEqualTo(3);
    assertThat(offline.pendingCount(BOB)).isEqualTo(3);
    offline.onRegistered(BOB);
    await().atMost(WAIT).until(() -> offline.stats().pending() == 0);
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
    await().atMost(WAIT).until(() -> offline.stats().failedAttempts() == 1);
    assertThat(offline.stats().pending()).isEqualTo(1);
    await().atMost(WAIT).until(
        () -> store.pendingMessages("example.com", "bob", 1).get(0).attempts() == 1);

    offline.onRegistered(BOB);
    await().atMost(WAIT).until(() -> offline.stats().pending() == 0);
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
    await().atMost(WAIT).until(() -> offline.stats().delivered() == 1);
    assertThat(sender.bodies()).containsExactly("hi", "hi", "hi", "hi");
    assertThat(offline.stats().failedAttempts()).isEqualTo(3);
  }

  @Test
  void aTimedRetryWaitsForTheNextRegistrationWhenTheUserIsOffline() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    offline = builder().registered(aor -> {
      asked.incrementAndGet();
      return false;
    }).config(limits().retryInitial(Duration.ofMillis(20)).build()).build();
    sender.script.add(480);
    accept(BOB, "c1", "hi"); // asks once after the write
    offline.onRegistered(BOB);
    await().atMost(WAIT).until(() -> offline.stats().failedAttempts() == 1);
    await().atMost(WAIT).until(() -> asked.get() == 2); // the timed retry asked, got "offline"
    background.submit(() -> { }).get(); // anything it queued has run
    assertThat(sender.sent).hasSize(1);

    offline.onRegistered(BOB);
    await().atMost(WAIT).until(() -> offline.stats().delivered() == 1);
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
    await().atMost(WAIT).until(() -> offline.stats().failedAttempts() == 1);
    assertThat(sender.bodies()).containsExactly("one", "two");
    assertThat(offline.stats().pending()).isEqualTo(2);

    offline.onRegistered(BOB);
    await().atMost(WAIT).until(() -> offline.stats().pending() == 0);
    assertThat(sender.bodies()).containsExactly("one", "two", "two", "three");
  }

  @Test
  void oneMessageAtATimePerUserAndAnotherRegistrationDoesNotStartASecondRun() {
    ManualSender manual = new ManualSender();
    offline = OfflineMessages.builder(store, background, manual).clock(clock).build();
    accept(BOB, "c1", "one");
    accept(BOB, "c2", "two");
    offline.onRegistered(BOB);
    await().atMost(WAIT).until(() -> manual.pending.size() == 1);
    offline.onRegistered(BOB);
    offline.onRegistered(BOB);
    manual.pending.peek().complete(200);
    await().atMost(WAIT).until(() -> manual.bodies.size() == 2);
    assertThat(manual.pending).hasSize(2); // the first (done) and the second
    manual.pending.stream().filter(f -> !f.isDone()).forEach(f -> f.complete(202));
    await().atMost(WAIT).until(() -> offline.stats().pending() == 0);
    assertThat(manual.bodies).containsExactly("one", "two");
  }

  @Test
  void aMessageTheRecipientKeepsRefusingIsDroppedAndTheNextOneDelivered() {
    offline = builder().config(limits().maxRefusals(2).build()).build();
    accept(BOB, "c1", "bad");
    accept(BOB, "c2", "good");
    sender.script.add(415);
    offline.onRegistered(BOB);
    await().atMost(WAIT).until(() -> offline.stats().failedAttempts() == 1);
    assertThat(offline.stats().pending()).isEqualTo(2);

    sender.script.add(415);
    offline.onRegistered(BOB);
    await().atMost(WAIT).until(() -> offline.stats().pending() == 0);
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
    await().atMost(WAIT).until(() -> offline.pendingCount(BOB) == 0);
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
    await().atMost(WAIT).until(() -> offline.stats().pending() == 0);
    assertThat(sender.bodies()).containsExactly("hi");
  }

  @Test
  void messagesOlderThanMaxAgeAreDroppedNotDelivered() {
    offline = builder().config(limits().maxAge(Duration.ofDays(7)).build()).build();
    accept(BOB, "c1", "old");
    accept(CAROL, "c2", "old too");
    clock.advance(Duration.ofDays(6));
    accept(BOB, "c3", "recent");
    clock.advance(Duration.ofDays(2));

    offline.onRegistered(BOB); // "old" expired on the way
    await().atMost(WAIT).until(() -> offline.pendingCount(BOB) == 0);
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
    await().atMost(WAIT).until(() -> offline.pendingCount(CAROL) == 0);
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
    assertThat(answered.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);

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
    offline = builder().config(limits().retryInitial(Duration.ofSeconds(30))
        .retryMax(Duration.ofMinutes(2)).build()).build();
    List<Duration> delays = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      delays.add(offline.retryDelay(i));
    }
    assertThat(delays).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(60),
        Duration.ofSeconds(120), Duration.ofSeconds(120), Duration.ofSeconds(120));
    assertThat(OfflineMessages.isTransient(480)).isTrue();
    assertThat(OfflineMessages.isTransient(503)).isTrue();
    assertThat(OfflineMessages.isTransient(415)).isFalse();
    assertThat(OfflineMessages.isTransient(603)).isFalse();
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
