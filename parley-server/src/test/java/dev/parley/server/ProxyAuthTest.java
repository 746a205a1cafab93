package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.auth.CredentialsProvider;
import dev.parley.auth.DigestAlgorithm;
import dev.parley.auth.DigestClient;
import dev.parley.auth.UserSecret;
import dev.parley.server.config.AuthConfig;
import dev.parley.server.registrar.UserAgentMatcher;
import dev.parley.sip.Challenge;
import dev.parley.sip.Header;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Who may have a request proxied: digest with 407 for local users, trusted sources, outsiders. */
class ProxyAuthTest extends ProxyFixture {
  final DigestClient digest = new DigestClient();

  /** The request answering {@code challenge}, in a new transaction (a fresh Via branch). */
  SipRequest authorize(SipRequest request, SipResponse challenge, String user, String password) {
    SipRequest retry = digest.authorize(request, challenge,
        CredentialsProvider.of(UserSecret.ofPassword(user, password)));
    return retry.toBuilder().setHeader(HeaderName.VIA, request.topVia().toBuilder()
        .branch("z9hG4bKretry" + System.nanoTime()).build().toString()).build();
  }

  @Test
  void requestFromALocalUserIsChallenged407AndTheRetryIsForwardedWithoutCredentials()
      throws Exception {
    start();
    Phone bob = phone("bob", "hunter2");
    bob.register();
    MockSipPeer alice = peer();
    SipRequest m = alice.request("MESSAGE", "sip:bob@" + DOMAIN, "sip:alice@" + DOMAIN,
        "sip:bob@" + DOMAIN, "");
    alice.send(m, udp());
    SipResponse challenge = alice.takeFinalResponse();
    assertThat(challenge.statusCode()).isEqualTo(407);
    List<Challenge> cs = challenge.headers(Header.PROXY_AUTHENTICATE);
    assertThat(cs).extracting(c -> c.parameter("algorithm")).containsExactly("SHA-256", "MD5");
    assertThat(cs).allSatisfy(c -> assertThat(c.parameter("realm")).isEqualTo(DOMAIN));

    alice.send(authorize(m, challenge, "alice", "secret"), udp());
    assertThat(alice.takeFinalResponse().statusCode()).isEqualTo(200);
    SipRequest atBob = bob.requests.poll(10, TimeUnit.SECONDS);
    assertThat(atBob.headers().contains(HeaderName.PROXY_AUTHORIZATION)).isFalse();
    assertThat(server.proxyStats().challenges()).isEqualTo(1);
  }

  @Test
  void unknownAndExistingUsersGetTheSameChallenge() throws Exception {
    start();
    MockSipPeer peer = peer();
    SipResponse known = challenge(peer, "alice");
    SipResponse unknown = challenge(peer, "mallory");
    assertThat(known.statusCode()).isEqualTo(407).isEqualTo(unknown.statusCode());
    assertThat(shape(unknown)).isEqualTo(shape(known));
    // a guessed password for a missing user fails exactly as a wrong one for an existing user
    SipRequest m1 = peer.request("MESSAGE", "sip:bob@" + DOMAIN, "sip:mallory@" + DOMAIN,
        "sip:bob@" + DOMAIN, "");
    peer.send(authorize(m1, unknown, "mallory", "guess"), udp());
    SipResponse afterGuess = peer.takeFinalResponse();
    SipRequest m2 = peer.request("MESSAGE", "sip:bob@" + DOMAIN, "sip:alice@" + DOMAIN,
        "sip:bob@" + DOMAIN, "");
    peer.send(authorize(m2, known, "alice", "wrong"), udp());
    SipResponse afterWrong = peer.takeFinalResponse();
    assertThat(afterGuess.statusCode()).isEqualTo(407).isEqualTo(afterWrong.statusCode());
    assertThat(shape(afterGuess)).isEqualTo(shape(afterWrong));
  }

  private SipResponse challenge(MockSipPeer peer, String from) throws Exception {
    peer.send(peer.request("MESSAGE", "sip:bob@" + DOMAIN, "sip:" + from + "@" + DOMAIN,
        "sip:bob@" + DOMAIN, ""), udp());
    return peer.takeFinalResponse();
  }

  private static List<String> shape(SipResponse r) {
    return r.headers().values(HeaderName.PROXY_AUTHENTICATE).stream()
        .map(v -> v.replaceAll("nonce=\"[^\"]*\"", "nonce=?")).toList();
  }

  @Test
  void inviteChallengeKeepsNoStateAndItsAckGoesNowhere() throws Exception {
    start();
    MockSipPeer bob = peer();
    bind("bob", bob.uri("bob"), 1.0f);
    MockSipPeer alice = peer();
    SipRequest invite = alice.request("INVITE", "sip:bob@" + DOMAIN, "sip:alice@" + DOMAIN,
        "sip:bob@" + DOMAIN, "");
    alice.send(invite, udp());
    SipResponse challenge = alice.takeFinalResponse();
    assertThat(challenge.statusCode()).isEqualTo(407);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
        .until(() -> server.transactionCounts().server() == 0);
    // RFC 3261 §17.1.1.3: the ACK repeats the INVITE's Request-URI, top Via, From, Call-ID and
    // CSeq number, with the response's To
    SipRequest ack = invite.toBuilder().method(dev.parley.sip.SipMethod.ACK)
        .setHeader(HeaderName.TO, challenge.to().toString())
        .setHeader(HeaderName.CSEQ, "1 ACK").removeHeader(HeaderName.CONTACT).build();
    alice.send(ack, udp());
    alice.send(authorize(invite, challenge, "alice", "secret"), udp());
    SipRequest atBob = bob.takeRequest();
    assertThat(atBob.method().name()).as("the ACK of the 407 is not forwarded").isEqualTo("INVITE");
    bob.respondWithTag(atBob, 486, "b1");
    assertThat(alice.takeFinalResponse().statusCode()).isEqualTo(486);
  }

  @Test
  void credentialsOfAnotherUserThanTheFromAreForbidden() throws Exception {
    start();
    MockSipPeer peer = peer();
    SipRequest m = peer.request("MESSAGE", "sip:bob@" + DOMAIN, "sip:carol@" + DOMAIN,
        "sip:bob@" + DOMAIN, "");
    peer.send(m, udp());
    SipResponse challenge = peer.takeFinalResponse();
    peer.send(authorize(m, challenge, "alice", "secret"), udp());
    SipResponse r = peer.takeFinalResponse();
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.reasonPhrase()).contains("not the authenticated user");
  }

  @Test
  void trustedSourceIsNotChallenged() throws Exception {
    start(b -> b.trusted("127.0.0.0/8"));
    Phone bob = phone("bob", "hunter2");
    bob.register();
    Phone alice = phone("alice", null); // no credentials at all
    assertThat(alice.message("bob", "from a gateway").statusCode()).isEqualTo(200);
    assertThat(server.proxyStats().challenges()).isZero();
  }

  @Test
  void requestFromAnotherDomainToALocalUserNeedsNoCredentials() throws Exception {
    start();
    Phone bob = phone("bob", "hunter2");
    bob.register();
    MockSipPeer outsider = peer();
    outsider.send(outsider.request("MESSAGE", "sip:bob@" + DOMAIN, "sip:dave@elsewhere.example",
        "sip:bob@" + DOMAIN, ""), udp());
    assertThat(outsider.takeFinalResponse().statusCode()).isEqualTo(200);
    assertThat(bob.requests.poll(10, TimeUnit.SECONDS).from().uri().toString())
        .isEqualTo("sip:dave@elsewhere.example");
  }

  @Test
  void baresipAndSippAreOfferedMd5OnlyAndOtherClientsSha256AndMd5() throws Exception {
    start();
    MockSipPeer peer = peer();
    assertThat(algorithms(peer, "REGISTER", "baresip v1.0.0 (x86_64/linux)"))
        .containsExactly("MD5");
    assertThat(algorithms(peer, "MESSAGE", "baresip v1.0.0 (x86_64/linux)"))
        .containsExactly("MD5");
    assertThat(algorithms(peer, "REGISTER", "SIPp register-uac")).containsExactly("MD5");
    assertThat(algorithms(peer, "REGISTER", "sipsak 0.9.8.1")).containsExactly("MD5");
    assertThat(algorithms(peer, "REGISTER", "Linphone/5.1.65 (belle-sip/5.1.55)"))
        .containsExactly("SHA-256", "MD5");
    assertThat(algorithms(peer, "MESSAGE", "Sippy B2BUA")).containsExactly("SHA-256", "MD5");
    assertThat(algorithms(peer, "MESSAGE", null)).containsExactly("SHA-256", "MD5");
  }

  @Test
  void md5OnlyClientsAreOfferedEveryAlgorithmWhenTheServerHasNoMd5OrTheListIsEmpty()
      throws Exception {
    start(b -> b.auth(AuthConfig.builder().algorithms(List.of(DigestAlgorithm.SHA_256)).build()));
    MockSipPeer peer = peer();
    assertThat(algorithms(peer, "REGISTER", "baresip v1.0.0")).containsExactly("SHA-256");
    server.close();
    start(b -> b.auth(AuthConfig.builder().md5OnlyUserAgents(UserAgentMatcher.NONE).build()));
    assertThat(algorithms(peer, "REGISTER", "baresip v1.0.0")).containsExactly("SHA-256", "MD5");
    assertThat(algorithms(peer, "MESSAGE", "baresip v1.0.0")).containsExactly("SHA-256", "MD5");
  }

  @Test
  void md5OnlyClientSignsInAndIsProxiedWithItsMd5Answer() throws Exception {
    start();
    Phone bob = phone("bob", "hunter2");
    bob.register();
    MockSipPeer alice = peer();
    SipRequest m = alice.request("MESSAGE", "sip:bob@" + DOMAIN, "sip:alice@" + DOMAIN,
        "sip:bob@" + DOMAIN, "User-Agent: baresip v1.0.0\r\n");
    alice.send(m, udp());
    SipResponse challenge = alice.takeFinalResponse();
    assertThat(challenge.headers(Header.PROXY_AUTHENTICATE)).singleElement()
        .satisfies(c -> assertThat(c.parameter("algorithm")).isEqualTo("MD5"));
    SipRequest retry = authorize(m, challenge, "alice", "secret");
    assertThat(retry.headers().get(HeaderName.PROXY_AUTHORIZATION)).contains("algorithm=MD5");
    alice.send(retry, udp());
    assertThat(alice.takeFinalResponse().statusCode()).isEqualTo(200);
    assertThat(bob.requests.poll(10, TimeUnit.SECONDS)).isNotNull();
  }

  /** The algorithms of the 401 (REGISTER) or 407 (MESSAGE) a client called {@code userAgent} gets. */
  private List<String> algorithms(MockSipPeer peer, String method, String userAgent)
      throws Exception {
    String ruri = method.equals("REGISTER") ? "sip:" + DOMAIN : "sip:bob@" + DOMAIN;
    String to = method.equals("REGISTER") ? "sip:alice@" + DOMAIN : "sip:bob@" + DOMAIN;
    peer.send(peer.request(method, ruri, "sip:alice@" + DOMAIN, to,
        userAgent == null ? "" : "User-Agent: " + userAgent + "\r\n"), udp());
    SipResponse r = peer.takeFinalResponse();
    assertThat(r.statusCode()).isEqualTo(method.equals("REGISTER") ? 401 : 407);
    return r.headers(method.equals("REGISTER") ? Header.WWW_AUTHENTICATE
        : Header.PROXY_AUTHENTICATE).stream().map(c -> c.parameter("algorithm")).toList();
  }

  @Test
  void registerStaysWithTheRegistrarAndIsChallenged401() throws Exception {
    start();
    MockSipPeer peer = peer();
    peer.send(peer.request("REGISTER", "sip:" + DOMAIN, "sip:alice@" + DOMAIN,
        "sip:alice@" + DOMAIN, ""), udp());
    assertThat(peer.takeFinalResponse().statusCode()).isEqualTo(401);
  }
}
