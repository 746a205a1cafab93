package dev.parley.server.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.proxy.RequestOrigin;
import dev.parley.server.registrar.Aor;
import dev.parley.server.store.Store;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.FakeScheduler;
import dev.parley.transaction.ServerTransaction;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may fill a mailbox (issue 17, findings 5 and 6): unauthenticated senders are declined by
 * default and, when accepted, keep to their share; each authenticated sender to its own; and an
 * unauthenticated sender cannot tell a missing user from an offline one. Real SQLite store, the
 * service driven through {@link OfflineMessages#handle} as the proxy does, on virtual time (one
 * {@link FakeScheduler} for the store thread, the timers and the wall clock).
 */
class OfflineSenderQuotasTest {
  static final Aor BOB = new Aor("bob", "example.com");
  static final Aor NOBODY = new Aor("nobody", "example.com");
  static final RequestOrigin ALICE = RequestOrigin.authenticated(source("127.0.0.2"), "alice");
  static final RequestOrigin CAROL = RequestOrigin.authenticated(source("127.0.0.3"), "carol");
  static final RequestOrigin MALLORY = RequestOrigin.unauthenticated(source("127.0.0.5"));
  static final RequestOrigin MALLORY_TOO = RequestOrigin.unauthenticated(source("127.0.0.6"));

  @TempDir Path data;
  FakeScheduler timers = new FakeScheduler();
  Clock clock = timers.clock(Instant.ofEpochMilli(1_700_000_000_000L));
  Store store;
  OfflineMessagesTest.FakeSender sender = new OfflineMessagesTest.FakeSender();
  OfflineMessages offline;
  final AtomicInteger callIds = new AtomicInteger();

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

  static InetSocketAddress source(String ip) {
    return new InetSocketAddress(ip, 5060);
  }

  /** A service where bob is a user and nobody is not, with {@code limits} on the defaults. */
  OfflineMessages start(UnaryOperator<OfflineMessagesConfig.Builder> limits) {
    offline = OfflineMessages.builder(store, timers, timers, sender).clock(clock)
        .knownUser(aor -> !aor.equals(NOBODY))
        .config(limits.apply(OfflineMessagesConfig.builder()).build()).build();
    return offline;
  }

  void restart(UnaryOperator<OfflineMessagesConfig.Builder> limits) throws Exception {
    close();
    open();
    start(limits);
  }

  SipRequest message(Aor to, String from, String body) {
    String callId = "q" + callIds.incrementAndGet();
    return (SipRequest) SipParser.create().parse("MESSAGE sip:" + to.user() + "@example.com"
        + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.5:5060;branch=z9hG4bK" + callId + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:" + from + ">;tag=" + callId + "\r\n"
        + "To: <sip:" + to.user() + "@example.com>\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: 1 MESSAGE\r\n"
        + "Content-Type: text/plain\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n" + body);
  }

  /** What the proxy would send: the handler's answer, or its own 480 when it declines. */
  Answer send(Aor to, RequestOrigin origin, String body) throws Exception {
    String from = origin.authenticatedUser() != null
        ? origin.authenticatedUser() + "@example.com" : "mallory@evil.example";
    SipRequest m = message(to, from, body);
    CompletableFuture<SipResponse> response = new CompletableFuture<>();
    if (!offline.handle(OfflineMessagesTest.transaction(m, response), m, to, origin)) {
      return new Answer(480, "(the proxy's)");
    }
    assertThat(response).as("answered, the store work done on virtual time").isDone();
    SipResponse r = response.join();
    return new Answer(r.statusCode(), r.reasonPhrase());
  }

  /** A final status and its reason phrase. */
  record Answer(int status, String reason) {}

  @Test
  void anUnauthenticatedSenderIsDeclinedByDefaultAndNothingIsStored() throws Exception {
    start(b -> b);
    assertThat(send(BOB, MALLORY, "buy now").status()).isEqualTo(480);
    assertThat(send(BOB, MALLORY, "buy now").reason()).isEqualTo("(the proxy's)");
    assertThat(offline.stats().pending()).isZero();
    assertThat(store.messageCount("example.com", "bob").messages()).isZero();
    assertThat(offline.stats().unauthenticatedDeclined()).isEqualTo(2);
    assertThat(send(BOB, ALICE, "hi").status()).isEqualTo(202);
  }

  @Test
  void anUnauthenticatedSenderGetsTheSameAnswerForAMissingUserAsForAnOfflineOne()
      throws Exception {
    start(b -> b);
    assertThat(send(NOBODY, MALLORY, "x")).isEqualTo(send(BOB, MALLORY, "x"));

    restart(b -> b.acceptUnauthenticated(true));
    Answer missing = send(NOBODY, MALLORY, "x");
    Answer offlineUser = send(BOB, MALLORY, "x");
    assertThat(missing).isEqualTo(offlineUser);
    assertThat(missing).isEqualTo(new Answer(202, "Accepted"));
    assertThat(offline.pendingCount(NOBODY)).isZero();
    assertThat(store.messageCount("example.com", "nobody").messages()).isZero();
    assertThat(store.messageCount("example.com", "bob").messages()).isEqualTo(1);
    assertThat(offline.pendingCount(BOB)).isEqualTo(1);
  }

  @Test
  void aFullUnauthenticatedQuotaAnswersAsAMissingUserDoes() throws Exception {
    start(b -> b.acceptUnauthenticated(true).maxUnauthenticatedPerSource(1));
    assertThat(send(BOB, MALLORY, "stored").status()).isEqualTo(202);
    Answer overQuota = send(BOB, MALLORY, "over the quota");
    assertThat(overQuota).isEqualTo(send(NOBODY, MALLORY, "nobody there"));
    assertThat(overQuota.status()).isEqualTo(202);
    assertThat(offline.pendingCount(BOB)).isEqualTo(1);
    assertThat(offline.stats().unauthenticatedDiscarded()).isEqualTo(2);
  }

  @Test
  void unauthenticatedSendersStopAtTheirShareWhileAuthenticatedSendersKeepRoom()
      throws Exception {
    // the red team's flood: a mailbox of 100 filled by one foreign sender; here of 10
    start(b -> b.acceptUnauthenticated(true).maxMessagesPerUser(10)
        .maxUnauthenticatedPerUser(4).maxUnauthenticatedPerSource(3));
    for (int i = 0; i < 10; i++) {
      assertThat(send(BOB, MALLORY, "spam " + i).status()).isEqualTo(202);
    }
    assertThat(offline.pendingCount(BOB)).isEqualTo(3); // one source: 3
    for (int i = 0; i < 10; i++) {
      assertThat(send(BOB, MALLORY_TOO, "more spam " + i).status()).isEqualTo(202);
    }
    assertThat(offline.pendingCount(BOB)).isEqualTo(4); // all unauthenticated sources: 4
    assertThat(offline.stats().unauthenticatedPending()).isEqualTo(4);
    assertThat(offline.stats().unauthenticatedDiscarded()).isEqualTo(16);

    for (int i = 0; i < 6; i++) {
      assertThat(send(BOB, i % 2 == 0 ? ALICE : CAROL, "real " + i).status()).isEqualTo(202);
    }
    Answer full = send(BOB, ALICE, "one too many");
    assertThat(full.status()).isEqualTo(480);
    assertThat(full.reason()).contains("mailbox full");

    offline.onRegistered(BOB);
    assertThat(offline.pendingCount(BOB)).isZero();
    assertThat(sender.bodies()).contains("real 0", "real 5").hasSize(10);
    assertThat(offline.stats().unauthenticatedPending()).isZero();
  }

  @Test
  void theUnauthenticatedShareIsCountedInBytesToo() throws Exception {
    // the red team's 17 x 60 KB
    start(b -> b.acceptUnauthenticated(true).maxUnauthenticatedBytesPerUser(3 * 60 * 1024)
        .maxBytesPerSender(1024 * 1024));
    String big = "x".repeat(60 * 1024);
    for (int i = 0; i < 17; i++) {
      send(BOB, i % 2 == 0 ? MALLORY : MALLORY_TOO, big);
    }
    assertThat(offline.pendingCount(BOB)).isEqualTo(3);
    assertThat(offline.stats().pendingBytes()).isEqualTo(3 * 60 * 1024);
    assertThat(send(BOB, ALICE, big).status()).isEqualTo(202);
  }

  @Test
  void oneAuthenticatedSenderMayFillOnlyItsShareOfAMailbox() throws Exception {
    start(b -> b.maxPerSender(2));
    assertThat(send(BOB, ALICE, "one").status()).isEqualTo(202);
    assertThat(send(BOB, ALICE, "two").status()).isEqualTo(202);
    Answer third = send(BOB, ALICE, "three");
    assertThat(third.status()).isEqualTo(480);
    assertThat(third.reason()).isEqualTo("Temporarily Unavailable (mailbox full for this sender)");
    assertThat(send(BOB, CAROL, "from carol").status()).isEqualTo(202);
    assertThat(offline.stats().refusedPerSender()).isEqualTo(1);

    offline.onRegistered(BOB);
    assertThat(offline.pendingCount(BOB)).isZero();
    assertThat(send(BOB, ALICE, "again").status()).isEqualTo(202);
  }

  @Test
  void aPerSenderQuotaIsInBytesToo() throws Exception {
    start(b -> b.maxBytesPerSender(10));
    assertThat(send(BOB, ALICE, "0123456789").status()).isEqualTo(202);
    assertThat(send(BOB, ALICE, "!").status()).isEqualTo(480);
    assertThat(send(BOB, CAROL, "!").status()).isEqualTo(202);
  }

  @Test
  void senderQuotasAreRebuiltFromTheStoreAfterARestart() throws Exception {
    UnaryOperator<OfflineMessagesConfig.Builder> limits = b -> b.maxPerSender(2)
        .acceptUnauthenticated(true).maxUnauthenticatedPerUser(1);
    start(limits);
    send(BOB, ALICE, "one");
    send(BOB, ALICE, "two");
    send(BOB, MALLORY, "foreign");

    restart(limits);
    assertThat(offline.stats().unauthenticatedPending()).isEqualTo(1);
    assertThat(send(BOB, ALICE, "three").status()).isEqualTo(480);
    assertThat(send(BOB, MALLORY_TOO, "foreign too").status()).isEqualTo(202); // discarded
    assertThat(send(BOB, CAROL, "carol").status()).isEqualTo(202);
    assertThat(offline.pendingCount(BOB)).isEqualTo(4);
    assertThat(store.pendingMessages("example.com", "bob", 10))
        .extracting(StoredMessage::senderKey, StoredMessage::senderAuthenticated)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("user:alice", true),
            org.assertj.core.groups.Tuple.tuple("user:alice", true),
            org.assertj.core.groups.Tuple.tuple("source:127.0.0.5", false),
            org.assertj.core.groups.Tuple.tuple("user:carol", true));
  }

  @Test
  void theExpirySweepGivesTheSendersTheirRoomBack() throws Exception {
    start(b -> b.maxPerSender(1).acceptUnauthenticated(true).maxUnauthenticatedPerUser(1)
        .maxAge(Duration.ofDays(1)).sweepInterval(Duration.ofHours(1)));
    send(BOB, ALICE, "old");
    send(BOB, MALLORY, "old foreign");
    assertThat(send(BOB, ALICE, "refused").status()).isEqualTo(480);
    timers.advance(Duration.ofDays(2)); // the hourly sweep drops both
    assertThat(offline.stats().dropped()).isEqualTo(2);
    assertThat(offline.stats().unauthenticatedPending()).isZero();
    assertThat(send(BOB, ALICE, "new").status()).isEqualTo(202);
    assertThat(send(BOB, MALLORY, "new foreign").status()).isEqualTo(202);
    assertThat(offline.pendingCount(BOB)).isEqualTo(2);
    assertThat(store.pendingMessages("example.com", "bob", 10)).hasSize(2);
  }

  @Test
  void theUnauthenticatedShareOfTheWholeStoreIsKept() throws Exception {
    start(b -> b.acceptUnauthenticated(true).maxUnauthenticatedMessages(2));
    for (String user : List.of("bob", "carol", "dave")) {
      send(new Aor(user, "example.com"), MALLORY, "hello " + user);
    }
    assertThat(offline.stats().pending()).isEqualTo(2);
    assertThat(send(new Aor("erin", "example.com"), ALICE, "hi").status()).isEqualTo(202);
  }

  @Test
  void anAuthenticatedSenderGets404ForAMissingUser() throws Exception {
    start(b -> b);
    assertThat(offline.takes(message(NOBODY, "alice@example.com", "x"), NOBODY, ALICE)).isFalse();
    assertThat(offline.accept(message(NOBODY, "alice@example.com", "x"), NOBODY, ALICE).join()
        .statusCode()).isEqualTo(404);
  }

  @Test
  void sendersAreKeyedByUserOrBySourceAddressAndIpv6Slash64() {
    assertThat(Quotas.senderKey(ALICE)).isEqualTo("user:alice");
    assertThat(Quotas.senderKey(MALLORY)).isEqualTo("source:127.0.0.5");
    assertThat(Quotas.senderKey(RequestOrigin.trustedSource(source("192.0.2.7"))))
        .isEqualTo("trusted:192.0.2.7");
    Set<String> v6 = new java.util.HashSet<>(List.of(
        Quotas.senderKey(RequestOrigin.unauthenticated(source("2001:db8:1:2::1"))),
        Quotas.senderKey(RequestOrigin.unauthenticated(source("2001:db8:1:2:ff::9")))));
    assertThat(v6).containsExactly("source:2001:db8:1:2:0:0:0:0/64");
  }

  @Test
  void theSenderKeysDefaultToTheDocumentedValuesAndAreReadFromTheConfigFile() throws Exception {
    OfflineMessagesConfig d = OfflineMessagesConfig.defaults();
    assertThat(d.acceptUnauthenticated()).isFalse();
    assertThat(d.maxPerSender()).isEqualTo(20);
    assertThat(d.maxBytesPerSender()).isEqualTo(262144);
    assertThat(d.maxUnauthenticatedPerUser()).isEqualTo(20);
    assertThat(d.maxUnauthenticatedBytesPerUser()).isEqualTo(262144);
    assertThat(d.maxUnauthenticatedPerSource()).isEqualTo(5);
    assertThat(d.maxUnauthenticatedMessages()).isEqualTo(10000);
    assertThat(d.maxUnauthenticatedBytes()).isEqualTo(33554432);

    Path f = data.resolve("parley.conf");
    java.nio.file.Files.writeString(f, """
        offline.max_per_sender = 7
        offline.max_bytes_per_sender = 7000
        offline.accept_unauthenticated = true
        offline.max_unauthenticated_per_user = 4
        offline.max_unauthenticated_bytes_per_user = 4000
        offline.max_unauthenticated_per_source = 2
        offline.max_unauthenticated_messages = 40
        offline.max_unauthenticated_bytes = 40000
        """);
    OfflineMessagesConfig o = ServerConfig.builder().domain("example.com").load(f).build()
        .offline();
    assertThat(o.maxPerSender()).isEqualTo(7);
    assertThat(o.maxBytesPerSender()).isEqualTo(7000);
    assertThat(o.acceptUnauthenticated()).isTrue();
    assertThat(o.maxUnauthenticatedPerUser()).isEqualTo(4);
    assertThat(o.maxUnauthenticatedBytesPerUser()).isEqualTo(4000);
    assertThat(o.maxUnauthenticatedPerSource()).isEqualTo(2);
    assertThat(o.maxUnauthenticatedMessages()).isEqualTo(40);
    assertThat(o.maxUnauthenticatedBytes()).isEqualTo(40000);
    assertThat(o.toBuilder().build().maxUnauthenticatedPerSource()).isEqualTo(2);
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> OfflineMessagesConfig.builder().maxPerSender(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPerSender");
  }
}
