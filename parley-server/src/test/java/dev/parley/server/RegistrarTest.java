package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.config.AuthConfig;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import dev.parley.server.registrar.RegistrarConfig;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import dev.parley.sip.Address;
import dev.parley.sip.Challenge;
import dev.parley.sip.Header;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.FakeScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registrar over real UDP on loopback, with a hand-moved clock for expiry. */
class RegistrarTest {
  static final String DOMAIN = "example.com";
  static final Aor ALICE = new Aor("alice", DOMAIN);

  @TempDir Path data;
  MutableClock clock = new MutableClock(1_700_000_000_000L);
  SipServer server;
  UdpSipClient client;

  @BeforeEach
  void start() throws Exception {
    try (Store store = Store.embedded(data)) {
      store.addAccount(Account.withPassword(DOMAIN, "alice", "secret"));
      store.addAccount(Account.withPassword(DOMAIN, "bob", "hunter2"));
    }
    startServer();
  }

  void startServer() throws Exception {
    server = SipServer.start(ServerConfig.builder().domain(DOMAIN).dataDir(data)
        .listen("udp:127.0.0.1:0").threads(1)
        .registrar(RegistrarConfig.builder().flushInterval(Duration.ofHours(1))
            .sweepInterval(Duration.ofHours(1)).build()).build(), clock);
    client = new UdpSipClient(server.listenPoints().get(0).address());
  }

  /** Restarts the server with {@code extra} settings and its timers on virtual time. */
  FakeScheduler restartOnVirtualTime(UnaryOperator<ServerConfig.Builder> extra)
      throws Exception {
    stop();
    FakeScheduler timers = new FakeScheduler();
    server = SipServer.start(extra.apply(ServerConfig.builder().domain(DOMAIN).dataDir(data)
        .listen("udp:127.0.0.1:0").threads(1)).build(), clock, () -> clock.millis() * 1_000_000L,
        timers);
    client = new UdpSipClient(server.listenPoints().get(0).address());
    return timers;
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  SipResponse register(String user, String password, String callId, long cseq, String extra)
      throws Exception {
    return client.sendAuthorized(client.register(user, DOMAIN, callId, cseq, extra), user, password);
  }

  @Test
  void challengeThenAuthorizedRegisterGets200WithTheBinding() throws Exception {
    SipRequest req = client.register("alice", DOMAIN, "c1", 1,
        "Contact: <sip:alice@127.0.0.1:5555>\r\nExpires: 600\r\n");
    SipResponse challenge = client.send(req);
    assertThat(challenge.statusCode()).isEqualTo(401);
    List<Challenge> cs = challenge.headers(Header.WWW_AUTHENTICATE);
    assertThat(cs).extracting(c -> c.parameter("algorithm")).containsExactly("SHA-256", "MD5");
    assertThat(cs).allSatisfy(c -> assertThat(c.parameter("realm")).isEqualTo(DOMAIN));

    SipResponse ok = client.send(client.authorize(req, challenge, "alice", "secret"));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.contacts()).hasSize(1);
    assertThat(ok.contacts().get(0).uri().toString()).isEqualTo("sip:alice@127.0.0.1:5555");
    assertThat(ok.contacts().get(0).expires()).isEqualTo(600);
    assertThat(ok.headers().get(HeaderName.DATE)).endsWith("GMT");
    List<Binding> found = server.location().lookup(ALICE);
    assertThat(found).hasSize(1);
    assertThat(found.get(0).source()).startsWith("udp:127.0.0.1:");
  }

  @Test
  void challengeKeepsNoStateSoARetransmissionIsChallengedAgainWithTheSameTag() throws Exception {
    SipRequest req = client.register("alice", DOMAIN, "c-sl", 1, "Contact: <sip:alice@127.0.0.1:5555>\r\n");
    SipResponse first = client.send(req);
    assertThat(first.statusCode()).isEqualTo(401);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> server.transactionCounts().server() == 0);
    SipResponse again = client.send(req); // the same branch: a retransmission
    assertThat(again.statusCode()).isEqualTo(401);
    assertThat(again.to().tag()).as("RFC 3261 §8.2.7: the same tag for the same request")
        .isEqualTo(first.to().tag());
    assertThat(again.headers(Header.WWW_AUTHENTICATE).get(0).parameter("nonce"))
        .as("answered afresh, not from a kept response")
        .isNotEqualTo(first.headers(Header.WWW_AUTHENTICATE).get(0).parameter("nonce"));
    SipResponse ok = client.send(client.authorize(req, again, "alice", "secret"));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(server.transactionCounts().server()).as("the 200 lingers for retransmissions").isOne();
  }

  @Test
  void wrongPasswordIsChallengedAgain() throws Exception {
    SipResponse r = register("alice", "wrong", "c2", 1, "Contact: <sip:alice@127.0.0.1:5555>\r\n");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers(Header.WWW_AUTHENTICATE)).hasSize(2);
    assertThat(server.location().lookup(ALICE)).isEmpty();
  }

  @Test
  void unknownUserGetsTheSameChallengeAsAKnownOne() throws Exception {
    SipResponse known = client.send(client.register("alice", DOMAIN, "k", 1,
        "Contact: <sip:alice@127.0.0.1:5555>\r\n"));
    SipResponse unknown = client.send(client.register("mallory", DOMAIN, "u", 1,
        "Contact: <sip:mallory@127.0.0.1:5555>\r\n"));
    assertThat(unknown.statusCode()).isEqualTo(known.statusCode()).isEqualTo(401);
    assertThat(shape(unknown)).isEqualTo(shape(known));
    SipResponse afterGuess = register("mallory", "secret", "u2", 1,
        "Contact: <sip:mallory@127.0.0.1:5555>\r\n");
    SipResponse afterWrong = register("alice", "nope", "k2", 1,
        "Contact: <sip:alice@127.0.0.1:5555>\r\n");
    assertThat(shape(afterGuess)).isEqualTo(shape(afterWrong));
  }

  /** The challenge without its nonce, which is fresh each time. */
  private static List<String> shape(SipResponse r) {
    return r.headers().values(HeaderName.WWW_AUTHENTICATE).stream()
        .map(v -> v.replaceAll("nonce=\"[^\"]*\"", "nonce=?")).toList();
  }

  @Test
  void tooShortExpiryGets423WithMinExpires() throws Exception {
    SipResponse r = register("alice", "secret", "c3", 1,
        "Contact: <sip:alice@127.0.0.1:5555>;expires=10\r\n");
    assertThat(r.statusCode()).isEqualTo(423);
    assertThat(r.header(Header.MIN_EXPIRES)).isEqualTo(60L);
    assertThat(server.location().lookup(ALICE)).isEmpty();
  }

  @Test
  void longExpiryIsCappedAndMissingExpiryGetsTheDefault() throws Exception {
    SipResponse r = register("alice", "secret", "c4", 1,
        "Contact: <sip:alice@127.0.0.1:1>;expires=999999\r\nContact: <sip:alice@127.0.0.1:2>\r\n");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.contacts()).extracting(Address::expires).containsExactlyInAnyOrder(86_400L, 3_600L);
  }

  @Test
  void severalContactsAreListedHighestQFirst() throws Exception {
    SipResponse r = register("alice", "secret", "c5", 1,
        "Contact: <sip:alice@127.0.0.1:1>;q=0.1, <sip:alice@127.0.0.1:2>;q=0.9\r\n"
            + "Contact: <sip:alice@127.0.0.1:3>;q=0.5\r\nExpires: 300\r\n");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.contacts()).extracting(a -> a.uri().toString()).containsExactly(
        "sip:alice@127.0.0.1:2", "sip:alice@127.0.0.1:3", "sip:alice@127.0.0.1:1");
    assertThat(server.location().lookup(ALICE)).extracting(Binding::q)
        .containsExactly(0.9f, 0.5f, 0.1f);
    // a second REGISTER from another device adds to the set; an empty one queries it
    register("alice", "secret", "other-device", 1, "Contact: <sip:alice@127.0.0.1:4>\r\n");
    SipResponse query = register("alice", "secret", "c5", 3, "");
    assertThat(query.statusCode()).as(query.toString()).isEqualTo(200);
    assertThat(query.contacts()).hasSize(4);
    assertThat(query.contacts().get(0).uri().toString()).isEqualTo("sip:alice@127.0.0.1:4");
  }

  @Test
  void wildcardWithExpiresZeroRemovesEveryBinding() throws Exception {
    register("alice", "secret", "c6", 1,
        "Contact: <sip:alice@127.0.0.1:1>, <sip:alice@127.0.0.1:2>\r\n");
    assertThat(server.location().lookup(ALICE)).hasSize(2);
    SipResponse bad = register("alice", "secret", "c6", 3, "Contact: *\r\n");
    assertThat(bad.statusCode()).isEqualTo(400);
    SipResponse r = register("alice", "secret", "c6", 5, "Contact: *\r\nExpires: 0\r\n");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.contacts()).isEmpty();
    assertThat(server.location().lookup(ALICE)).isEmpty();
  }

  @Test
  void expiresZeroRemovesOneContact() throws Exception {
    register("alice", "secret", "c7", 1,
        "Contact: <sip:alice@127.0.0.1:1>, <sip:alice@127.0.0.1:2>\r\n");
    SipResponse r = register("alice", "secret", "c7", 3,
        "Contact: <sip:alice@127.0.0.1:1>;expires=0\r\n");
    assertThat(r.contacts()).extracting(a -> a.uri().toString())
        .containsExactly("sip:alice@127.0.0.1:2");
  }

  @Test
  void dateHeaderIsTheClockSecondInRfc1123Form() throws Exception {
    SipResponse first =
        register("alice", "secret", "c11", 1, "Contact: <sip:alice@127.0.0.1:1>\r\n");
    assertThat(first.headers().get(HeaderName.DATE)).isEqualTo("Tue, 14 Nov 2023 22:13:20 GMT");
    clock.advance(Duration.ofMillis(999));
    SipResponse sameSecond = register("alice", "secret", "c11", 3, "");
    assertThat(sameSecond.headers().get(HeaderName.DATE))
        .isEqualTo("Tue, 14 Nov 2023 22:13:20 GMT");
    clock.advance(Duration.ofSeconds(61));
    SipResponse later = register("alice", "secret", "c11", 5, "");
    assertThat(later.headers().get(HeaderName.DATE)).isEqualTo("Tue, 14 Nov 2023 22:14:21 GMT");
  }

  @Test
  void bindingsLapseAndTheSweeperRemovesThem() throws Exception {
    register("alice", "secret", "c8", 1,
        "Contact: <sip:alice@127.0.0.1:1>;expires=60, <sip:alice@127.0.0.1:2>;expires=120\r\n");
    clock.advance(Duration.ofSeconds(61));
    assertThat(server.location().lookup(ALICE)).extracting(b -> b.contact().uri().toString())
        .containsExactly("sip:alice@127.0.0.1:2");
    assertThat(server.location().bindingCount()).isEqualTo(2);
    assertThat(server.location().sweep()).isEqualTo(1);
    assertThat(server.location().bindingCount()).isEqualTo(1);
    SipResponse query = register("alice", "secret", "c8", 3, "");
    assertThat(query.contacts().get(0).expires()).isEqualTo(59);
  }

  @Test
  void theServersTimersWriteBindingsBehindAndSweepLapsedOnes() throws Exception {
    FakeScheduler timers = restartOnVirtualTime(
        b -> b.registrar(RegistrarConfig.builder().flushInterval(Duration.ofSeconds(30))
            .sweepInterval(Duration.ofSeconds(10)).build()));
    register("alice", "secret", "t1", 1, "Contact: <sip:alice@127.0.0.1:1>;expires=60\r\n");
    assertThat(server.location().dirtyCount()).isEqualTo(1);
    timers.advance(Duration.ofSeconds(29));
    // flush() runs on the store thread after what the timers handed it, so it settles the server
    assertThat(server.flush()).as("no timed flush before 30 s").isEqualTo(1);
    register("alice", "secret", "t1", 2, "Contact: <sip:alice@127.0.0.1:1>;expires=60\r\n");
    timers.advance(Duration.ofSeconds(1));
    assertThat(server.flush()).as("written by the timed flush").isZero();
    assertThat(server.location().dirtyCount()).isZero();

    clock.advance(Duration.ofSeconds(61)); // lapsed: no longer returned, still held
    assertThat(server.location().lookup(ALICE)).isEmpty();
    assertThat(server.location().bindingCount()).isEqualTo(1);
    timers.advance(Duration.ofSeconds(10)); // the sweep
    assertThat(server.flush()).as("the sweep marked alice dirty").isEqualTo(1);
    assertThat(server.location().bindingCount()).isZero();
  }

  @Test
  void sameInstanceAndRegIdReplacesTheOldBinding() throws Exception {
    String inst = "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"";
    register("alice", "secret", "c9", 1,
        "Contact: <sip:alice@127.0.0.1:1>;" + inst + ";reg-id=1\r\n");
    register("alice", "secret", "c9b", 1,
        "Contact: <sip:alice@127.0.0.1:7>;" + inst + ";reg-id=2\r\n");
    SipResponse r = register("alice", "secret", "c9c", 1,
        "Contact: <sip:alice@192.0.2.9:9>;" + inst + ";reg-id=1\r\n");
    assertThat(r.contacts()).extracting(a -> a.uri().toString())
        .containsExactlyInAnyOrder("sip:alice@192.0.2.9:9", "sip:alice@127.0.0.1:7");
    assertThat(r.contacts()).allSatisfy(a ->
        assertThat(a.parameters().get("+sip.instance")).contains("urn:uuid:"));
  }

  @Test
  void pathIsStoredAndEchoedWhenSupported() throws Exception {
    SipResponse r = register("alice", "secret", "c10", 1,
        "Supported: path\r\nPath: <sip:edge1.example.net;lr>\r\nPath: <sip:edge2.example.net;lr>\r\n"
            + "Contact: <sip:alice@127.0.0.1:1>\r\n");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().values(HeaderName.PATH))
        .containsExactly("<sip:edge1.example.net;lr>", "<sip:edge2.example.net;lr>");
    assertThat(server.location().lookup(ALICE).get(0).path()).extracting(Address::toString)
        .containsExactly("<sip:edge1.example.net;lr>", "<sip:edge2.example.net;lr>");
  }

  @Test
  void anotherUsersAorIsForbidden() throws Exception {
    SipRequest req = client.register("alice", DOMAIN, "c11", 1,
        "Contact: <sip:alice@127.0.0.1:1>\r\n");
    SipResponse r = client.sendAuthorized(req, "bob", "hunter2");
    assertThat(r.statusCode()).isEqualTo(403);
  }

  @Test
  void olderCseqOnTheSameCallIdIsRefused() throws Exception {
    register("alice", "secret", "c12", 10, "Contact: <sip:alice@127.0.0.1:1>\r\n");
    SipResponse r = register("alice", "secret", "c12", 4, "Contact: <sip:alice@127.0.0.1:1>\r\n");
    assertThat(r.statusCode()).isEqualTo(500);
  }

  @Test
  void portlessAorAndAddressAliasMeanTheDomain() throws Exception {
    SipRequest req = client.register("alice", "127.0.0.1", "c13", 1,
        "Contact: <sip:alice@127.0.0.1:1>\r\n");
    SipResponse r = client.sendAuthorized(req, "alice", "secret");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(server.location().lookup(ALICE)).hasSize(1);
  }

  @Test
  void bindingsSurviveARestartAndLapsedOnesAreDropped() throws Exception {
    register("alice", "secret", "c14", 1, "Contact: <sip:alice@127.0.0.1:1>;expires=3600\r\n");
    register("bob", "hunter2", "c15", 1, "Contact: <sip:bob@127.0.0.1:2>;expires=60\r\n");
    stop();
    clock.advance(Duration.ofSeconds(120));
    startServer();
    assertThat(server.loadedBindings()).isEqualTo(1);
    assertThat(server.droppedBindings()).isEqualTo(1);
    List<Binding> alice = server.location().lookup(ALICE);
    assertThat(alice).extracting(b -> b.contact().uri().toString())
        .containsExactly("sip:alice@127.0.0.1:1");
    assertThat(alice.get(0).expiresInSeconds(clock.millis())).isEqualTo(3480);
    assertThat(server.location().lookup(new Aor("bob", DOMAIN))).isEmpty();
  }

  @Test
  void periodicFlushWritesBehindInOneBatch() throws Exception {
    for (int i = 0; i < 20; i++) {
      register("alice", "secret", "f" + i, 1, "Contact: <sip:alice@127.0.0.1:" + (100 + i) + ">\r\n");
    }
    assertThat(server.location().dirtyCount()).isEqualTo(1);
    // 10 contacts at most: the last ten REGISTERs were refused with 503
    assertThat(server.location().lookup(ALICE)).hasSize(10);
    assertThat(server.flush()).isEqualTo(1);
    assertThat(server.location().dirtyCount()).isZero();
  }

  @Test
  void optionsGets200AndOtherMethods501() throws Exception {
    String text = "OPTIONS sip:" + DOMAIN + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:"
        + client.port() + ";branch=z9hG4bKopt1\r\nMax-Forwards: 70\r\nFrom: <sip:a@b>;tag=1\r\n"
        + "To: <sip:" + DOMAIN + ">\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    SipResponse r = client.send((SipRequest) dev.parley.sip.SipParser.create().parse(text));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().get(HeaderName.ALLOW)).isEqualTo("REGISTER, OPTIONS");
    SipResponse m = client.send((SipRequest) dev.parley.sip.SipParser.create().parse(
        text.replace("OPTIONS", "MESSAGE").replace("z9hG4bKopt1", "z9hG4bKopt2")));
    assertThat(m.statusCode()).isEqualTo(501);
  }

  @Test
  void accountsAddedWhileRunningAreSeenAfterARefresh() throws Exception {
    FakeScheduler timers = restartOnVirtualTime(b -> b.accountsRefresh(Duration.ofMillis(100)));
    try (Store other = Store.embedded(data)) {
      other.addAccount(Account.withPassword(DOMAIN, "carol", "pw"));
    }
    timers.advance(Duration.ofMillis(99));
    server.flush(); // runs after anything the timers handed to the store thread
    assertThat(server.accountCount()).isEqualTo(2);
    timers.advance(Duration.ofMillis(1));
    server.flush();
    assertThat(server.accountCount()).isEqualTo(3);
    assertThat(register("carol", "pw", "c16", 1, "Contact: <sip:carol@127.0.0.1:1>\r\n")
        .statusCode()).isEqualTo(200);
  }


  @Test
  void registerWithTwoToHeadersGets400NamingTheHeader() throws Exception {
    SipRequest req = client.register("alice", DOMAIN, "two-to", 1,
        "To: <sip:bob@" + DOMAIN + ">\r\nContact: <sip:alice@127.0.0.1:1>\r\n");
    SipResponse r = client.sendAuthorized(req, "alice", "secret");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.reasonPhrase()).isEqualTo("Bad Request (duplicate To header)");
    assertThat(server.location().lookup(ALICE)).isEmpty();
    assertThat(server.location().lookup(new Aor("bob", DOMAIN))).isEmpty();
  }

  @Test
  void anyRequestRepeatingASingleValuedHeaderGets400() throws Exception {
    String text = "OPTIONS sip:" + DOMAIN + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:"
        + client.port() + ";branch=z9hG4bKdup1\r\nMax-Forwards: 70\r\nFrom: <sip:a@b>;tag=1\r\n"
        + "To: <sip:" + DOMAIN + ">\r\nCall-ID: d1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 5\r\n"
        + "Content-Length: 0\r\n\r\n";
    SipResponse r = client.send((SipRequest) dev.parley.sip.SipParser.create().parse(text));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.reasonPhrase()).isEqualTo("Bad Request (duplicate Max-Forwards header)");
  }

  /** An RFC 2069 answer (no qop, nc, cnonce) to the MD5 challenge of {@code challenge}. */
  private SipRequest answerWithoutQop(SipRequest req, SipResponse challenge, String password)
      throws Exception {
    Challenge md5 = challenge.headers(Header.WWW_AUTHENTICATE).stream()
        .filter(c -> "MD5".equals(c.parameter("algorithm"))).findFirst().orElseThrow();
    String nonce = md5.parameter("nonce");
    String uri = "sip:" + DOMAIN;
    String ha1 = md5Hex("alice:" + DOMAIN + ":" + password);
    String ha2 = md5Hex("REGISTER:" + uri);
    return req.toBuilder()
        .setHeader(HeaderName.VIA, "SIP/2.0/UDP 127.0.0.1:" + client.port()
            + ";branch=z9hG4bKnoqop" + System.nanoTime())
        .setHeader(HeaderName.CSEQ, "2 REGISTER")
        .setHeader(HeaderName.AUTHORIZATION, "Digest username=\"alice\", realm=\"" + DOMAIN
            + "\", nonce=\"" + nonce + "\", uri=\"" + uri + "\", response=\""
            + md5Hex(ha1 + ":" + nonce + ":" + ha2) + "\", algorithm=MD5, opaque=\""
            + md5.parameter("opaque") + "\"")
        .build();
  }

  private static String md5Hex(String s) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
        .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void aDigestAnswerWithoutQopIsRefusedByDefault() throws Exception {
    SipRequest req = client.register("alice", DOMAIN, "noqop", 1,
        "Contact: <sip:alice@127.0.0.1:1>\r\n");
    SipResponse challenge = client.send(req);
    assertThat(challenge.headers(Header.WWW_AUTHENTICATE))
        .allSatisfy(c -> assertThat(c.parameter("qop")).isEqualTo("auth"));
    SipResponse r = client.send(answerWithoutQop(req, challenge, "secret"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(server.location().lookup(ALICE)).isEmpty();
  }

  @Test
  void aDigestAnswerWithoutQopIsAcceptedWithAllowNoQop() throws Exception {
    stop();
    server = SipServer.start(ServerConfig.builder().domain(DOMAIN).dataDir(data)
        .listen("udp:127.0.0.1:0").threads(1).auth(AuthConfig.builder().allowNoQop(true).build()).build(), clock);
    client = new UdpSipClient(server.listenPoints().get(0).address());
    SipRequest req = client.register("alice", DOMAIN, "noqop-ok", 1,
        "Contact: <sip:alice@127.0.0.1:1>\r\n");
    SipResponse r = client.send(answerWithoutQop(req, client.send(req), "secret"));
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void md5WithQopIsStillAccepted() throws Exception {
    SipRequest req = client.register("alice", DOMAIN, "md5", 1,
        "User-Agent: SIPp register-uac\r\nContact: <sip:alice@127.0.0.1:1>\r\n");
    SipResponse challenge = client.send(req);
    assertThat(challenge.headers(Header.WWW_AUTHENTICATE)).singleElement()
        .satisfies(c -> assertThat(c.parameter("algorithm")).isEqualTo("MD5"));
    SipRequest answer = client.authorize(req, challenge, "alice", "secret");
    assertThat(answer.header(Header.AUTHORIZATION).parameter("qop")).isEqualTo("auth");
    assertThat(answer.header(Header.AUTHORIZATION).parameter("algorithm")).isEqualTo("MD5");
    assertThat(client.send(answer).statusCode()).isEqualTo(200);
  }
}
