package dev.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.auth.AuthResult.Status;
import dev.parley.auth.internal.NonceCounters;
import dev.parley.sip.Challenge;
import dev.parley.sip.Credentials;
import dev.parley.sip.Header;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.Parameters;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Uri;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DigestAuthenticatorTest {
  private static final String REALM = "example.com";
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();
  private static final UserSecret ALICE = UserSecret.ofPassword("alice", "wonderland");
  private static final Map<DigestAlgorithm, String> ALICE_HA1 =
      Ha1.computeAll("alice", REALM, "wonderland");
  private static final CredentialStore STORE = (user, realm, algorithm) ->
      user.equals("alice") && realm.equals(REALM) ? ALICE_HA1.get(algorithm) : null;

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final DigestAuthenticator server = server(DigestConfig.DEFAULT);
  private final DigestClient client = new DigestClient();

  private DigestAuthenticator server(DigestConfig config) {
    return DigestAuthenticator.builder(STORE).config(config).clock(clock).secret(SECRET).build();
  }

  /** The REGISTER a client sends after the server's 401. */
  private SipRequest answer(SipRequest request, List<Challenge> challenges, UserSecret secret) {
    SipResponse unauthorized = Messages.challenge(request, 401, challenges);
    SipRequest retry = client.authorize(request, unauthorized, CredentialsProvider.of(secret));
    assertThat(retry).as("client retries").isNotNull();
    return retry;
  }

  private SipRequest signIn(UserSecret secret) {
    return answer(Messages.register(), server.challenges(REALM, false), secret);
  }

  private static SipRequest withAuthorization(SipRequest request, Credentials credentials) {
    return request.toBuilder().setHeader(HeaderName.AUTHORIZATION, credentials.toString()).build();
  }

  private static Credentials edit(Credentials c, String name, String value) {
    Parameters p = value == null ? c.parameters().without(name) : c.parameters().with(name, value);
    return new Credentials(c.scheme(), p);
  }

  @Test
  void noncesOfTheDefaultRandomnessAreAllDifferentAndAuthenticate() {
    // the per-thread DRBG is drawn 32 nonces at a time: 100 nonces cross several draws
    List<String> nonces = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      nonces.add(server.challenges(REALM, false).get(0).parameter("nonce"));
    }
    java.util.Set<String> distinct = new java.util.HashSet<>(nonces);
    assertThat(distinct).hasSize(100);
    SipRequest retry = answer(Messages.register(), server.challenges(REALM, false), ALICE);
    assertThat(server.authenticate(retry, REALM).status()).isEqualTo(Status.OK);
  }

  @Test
  void clientAnsweringTheServersChallengeIsAuthenticated() {
    SipRequest retry = signIn(ALICE);

    AuthResult result = server.authenticate(retry, REALM);

    assertThat(result).isEqualTo(new AuthResult(Status.OK, "alice", ""));
    assertThat(retry.header(Header.AUTHORIZATION).parameter("algorithm")).isEqualTo("SHA-256");
  }

  @Test
  void challengesOfferSha256ThenMd5WithOneNonceQopAuthAndOpaque() {
    List<Challenge> challenges = server.challenges(REALM, false);

    assertThat(challenges).extracting(c -> c.parameter("algorithm"))
        .containsExactly("SHA-256", "MD5");
    Challenge first = challenges.get(0);
    assertThat(first.toString()).matches("Digest realm=\"example\\.com\", nonce=\"[A-Za-z0-9_-]{48}\","
        + " opaque=\"[A-Za-z0-9_-]{16}\", algorithm=SHA-256, qop=\"auth\"");
    assertThat(challenges.get(1).parameter("nonce")).isEqualTo(first.parameter("nonce"));
    assertThat(server.challenges(REALM, false).get(0).parameter("nonce"))
        .isNotEqualTo(first.parameter("nonce"));
    assertThat(first.parameters().contains("stale")).isFalse();
    assertThat(server.challenges(REALM, true)).allSatisfy(
        c -> assertThat(c.parameter("stale")).isEqualTo("true"));
  }

  @Test
  void challengeTextsAreTheChallengesTextAndTheirNonceAuthenticates() {
    String anyNonce = "nonce=\"[^\"]*\"";
    List<String> texts = server.challengeTexts(REALM, false, a -> true);
    assertThat(texts).extracting(t -> t.replaceAll(anyNonce, "nonce=?")).containsExactlyElementsOf(
        server.challenges(REALM, false).stream()
            .map(c -> c.toString().replaceAll(anyNonce, "nonce=?")).toList());
    assertThat(server.challengeTexts(REALM, true, a -> true))
        .allSatisfy(t -> assertThat(t).endsWith(", stale=true"));
    assertThat(server.challengeTexts(REALM, false, a -> a == DigestAlgorithm.MD5))
        .singleElement().satisfies(t -> assertThat(t).contains("algorithm=MD5"));
    assertThat(shaOnlyServer().challengeTexts(REALM, false, a -> a == DigestAlgorithm.MD5))
        .as("an algorithm not configured is never offered").singleElement()
        .satisfies(t -> assertThat(t).contains("algorithm=SHA-256"));

    SipRequest request = Messages.register();
    SipResponse.Builder unauthorized = Messages.challenge(request, 401, List.of()).toBuilder();
    texts.forEach(t -> unauthorized.header(HeaderName.WWW_AUTHENTICATE, t));
    SipRequest retry = client.authorize(request, unauthorized.build(), CredentialsProvider.of(ALICE));
    assertThat(server.authenticate(retry, REALM).status()).isEqualTo(Status.OK);
  }

  private DigestAuthenticator shaOnlyServer() {
    return server(DigestConfig.builder().algorithms(List.of(DigestAlgorithm.SHA_256)).build());
  }

  @Test
  void wrongPasswordIsBadCredentials() {
    AuthResult result = server.authenticate(signIn(UserSecret.ofPassword("alice", "looking-glass")),
        REALM);

    assertThat(result.status()).isEqualTo(Status.BAD_CREDENTIALS);
    assertThat(result.username()).isNull();
  }

  @Test
  void unknownUserIsBadCredentialsLikeAWrongPassword() {
    AuthResult result = server.authenticate(signIn(UserSecret.ofPassword("mallory", "x")), REALM);

    assertThat(result).isEqualTo(new AuthResult(Status.BAD_CREDENTIALS, null,
        "response does not match"));
  }

  @Test
  void tamperedNonceIsUnknownNonceEvenWithAMatchingDigest() {
    Challenge real = server.challenges(REALM, false).get(0);
    String nonce = real.parameter("nonce");
    String tampered = (nonce.charAt(0) == 'A' ? 'B' : 'A') + nonce.substring(1);
    Challenge forged = new Challenge("Digest", real.parameters().with("nonce", '"' + tampered + '"'));

    SipRequest retry = answer(Messages.register(), List.of(forged), ALICE);

    assertThat(server.authenticate(retry, REALM)).isEqualTo(new AuthResult(Status.UNKNOWN_NONCE,
        null, "nonce was not issued here for this realm"));
  }

  @Test
  void nonceOfAnotherServerSecretOrRealmIsUnknownNonce() {
    DigestAuthenticator other = DigestAuthenticator.builder(STORE).clock(clock)
        .secret("another secret of 32 bytes......".getBytes()).build();
    SipRequest foreign = answer(Messages.register(), other.challenges(REALM, false), ALICE);
    Challenge otherRealm = server.challenges("other.example", false).get(0);
    Challenge relabelled = new Challenge("Digest",
        otherRealm.parameters().with("realm", "\"" + REALM + "\"").without("opaque"));
    SipRequest crossRealm = answer(Messages.register(), List.of(relabelled), ALICE);

    assertThat(server.authenticate(foreign, REALM).status()).isEqualTo(Status.UNKNOWN_NONCE);
    assertThat(server.authenticate(crossRealm, REALM).status()).isEqualTo(Status.UNKNOWN_NONCE);
  }

  @Test
  void aNonceIssuedToAClientAddressIsAcceptedFromThatAddressOnly() throws Exception {
    InetAddress alicesHost = InetAddress.getByName("192.0.2.10");
    InetAddress elsewhere = InetAddress.getByName("192.0.2.11");
    SipRequest signed =
        answer(Messages.register(), server.challenges(REALM, false, alicesHost), ALICE);

    assertThat(server.authenticate(signed, REALM, elsewhere)).isEqualTo(new AuthResult(
        Status.UNKNOWN_NONCE, null, "nonce was not issued here for this realm and client address"));
    assertThat(server.authenticate(signed, REALM)).as("nor from anyone")
        .extracting(AuthResult::status).isEqualTo(Status.UNKNOWN_NONCE);
    assertThat(server.authenticate(signed, REALM, alicesHost).isOk()).isTrue();
  }

  @Test
  void anIpv6ClientIsBoundByItsSlash64() throws Exception {
    InetAddress first = InetAddress.getByName("2001:db8:1:2::10");
    InetAddress samePrefix = InetAddress.getByName("2001:db8:1:2:aaaa::99");
    InetAddress otherPrefix = InetAddress.getByName("2001:db8:1:3::10");
    SipRequest signed = answer(Messages.register(), server.challenges(REALM, false, first), ALICE);

    assertThat(server.authenticate(signed, REALM, otherPrefix).status())
        .isEqualTo(Status.UNKNOWN_NONCE);
    assertThat(server.authenticate(signed, REALM, samePrefix).isOk()).isTrue();
  }

  @Test
  void aWrongPasswordOnAForgedNonceIsUnknownNonceNotAFailedGuess() throws Exception {
    InetAddress host = InetAddress.getByName("192.0.2.10");
    Challenge real = server.challenges(REALM, false, host).get(0);
    String nonce = real.parameter("nonce");
    Challenge forged = new Challenge("Digest", real.parameters()
        .with("nonce", '"' + (nonce.charAt(0) == 'A' ? "B" : "A") + nonce.substring(1) + '"'));
    SipRequest wrong = answer(Messages.register(), List.of(forged),
        UserSecret.ofPassword("alice", "nope"));
    Credentials c = wrong.header(Header.AUTHORIZATION);
    SipRequest wrongUri = withAuthorization(Messages.register(), edit(c, "uri", "\"sip:x.test\""));

    assertThat(server.authenticate(wrong, REALM, host).status()).isEqualTo(Status.UNKNOWN_NONCE);
    assertThat(server.authenticate(wrongUri, REALM, host).status()).as("nonce checked first")
        .isEqualTo(Status.UNKNOWN_NONCE);
  }

  @Test
  void expiredNonceIsStaleAndTheStaleChallengeLetsTheClientIn() {
    SipRequest first = signIn(ALICE);
    clock.advance(Duration.ofSeconds(DigestConfig.DEFAULT_NONCE_LIFETIME_SECONDS));

    AuthResult result = server.authenticate(first, REALM);

    assertThat(result).isEqualTo(new AuthResult(Status.STALE, null, "nonce expired"));
    assertThat(result.isStale()).isTrue();
    SipRequest again = answer(first, server.challenges(REALM, result.isStale()), ALICE);
    assertThat(server.authenticate(again, REALM).isOk()).isTrue();
  }

  @Test
  void nonceJustUnderItsLifetimeIsAccepted() {
    SipRequest first = signIn(ALICE);
    clock.advance(Duration.ofSeconds(DigestConfig.DEFAULT_NONCE_LIFETIME_SECONDS).minusMillis(1));

    assertThat(server.authenticate(first, REALM).isOk()).isTrue();
  }

  @Test
  void expiredNonceWithAWrongPasswordIsBadCredentialsNotStale() {
    SipRequest wrong = signIn(UserSecret.ofPassword("alice", "nope"));
    clock.advance(Duration.ofHours(1));

    assertThat(server.authenticate(wrong, REALM).status()).isEqualTo(Status.BAD_CREDENTIALS);
  }

  @Test
  void replayedRequestIsReplay() {
    SipRequest retry = signIn(ALICE);

    assertThat(server.authenticate(retry, REALM).isOk()).isTrue();
    AuthResult replay = server.authenticate(retry, REALM);

    assertThat(replay).isEqualTo(new AuthResult(Status.REPLAY, null,
        "nc 00000001 not above the last one accepted"));
    assertThat(replay.isStale()).isTrue();
  }

  @Test
  void increasingNonceCountsOnOneNonceAreEachAcceptedAndAnOlderOneIsReplay() {
    Challenge challenge = server.challenges(REALM, false).get(0);
    SipRequest register = Messages.register();
    List<SipRequest> sent = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Credentials c = client.respond(challenge, ALICE, SipMethod.REGISTER, "sip:example.com", null);
      assertThat(c.parameter("nc")).isEqualTo(String.format("%08x", i + 1));
      sent.add(withAuthorization(register, c));
    }

    for (SipRequest r : sent) {
      assertThat(server.authenticate(r, REALM).isOk()).isTrue();
    }
    assertThat(server.authenticate(sent.get(1), REALM).status()).isEqualTo(Status.REPLAY);
  }

  @Test
  void nonceCountsArrivingOutOfOrderRejectTheLowerOne() {
    Challenge challenge = server.challenges(REALM, false).get(0);
    SipRequest register = Messages.register();
    SipRequest nc1 = withAuthorization(register,
        client.respond(challenge, ALICE, SipMethod.REGISTER, "sip:example.com", null));
    SipRequest nc2 = withAuthorization(register,
        client.respond(challenge, ALICE, SipMethod.REGISTER, "sip:example.com", null));

    assertThat(server.authenticate(nc2, REALM).isOk()).isTrue();
    assertThat(server.authenticate(nc1, REALM).status()).isEqualTo(Status.REPLAY);
  }

  @Test
  void uriOtherThanTheRequestUriIsBadCredentials() {
    SipRequest retry = signIn(ALICE);
    SipRequest elsewhere = retry.toBuilder().requestUri(Uri.parse("sip:other.example.com")).build();

    assertThat(server.authenticate(elsewhere, REALM)).isEqualTo(new AuthResult(
        Status.BAD_CREDENTIALS, null, "uri does not match the Request-URI: sip:example.com"));
  }

  @Test
  void uriEquivalentToTheRequestUriIsAccepted() {
    Challenge challenge = server.challenges(REALM, false).get(0);
    SipRequest register = Messages.register();
    Credentials c = client.respond(challenge, ALICE, SipMethod.REGISTER, "sip:EXAMPLE.COM", null);

    assertThat(server.authenticate(withAuthorization(register, c), REALM).isOk()).isTrue();
  }

  @Test
  void md5OnlyClientAnsweringTheMd5ChallengeIsAccepted() {
    // baresip and SIPp answer MD5 only: offered alone, or picked by a secret that only has MD5.
    List<Challenge> md5Only = List.of(server.challenges(REALM, false).get(1));
    UserSecret ha1Md5 = UserSecret.ofHa1("alice", REALM,
        Map.of(DigestAlgorithm.MD5, ALICE_HA1.get(DigestAlgorithm.MD5)));

    SipRequest viaOnlyChallenge = answer(Messages.register(), md5Only, ALICE);
    SipRequest viaSecret = answer(Messages.register(), server.challenges(REALM, false), ha1Md5);

    assertThat(viaOnlyChallenge.header(Header.AUTHORIZATION).parameter("algorithm"))
        .isEqualTo("MD5");
    assertThat(server.authenticate(viaOnlyChallenge, REALM).isOk()).isTrue();
    assertThat(viaSecret.header(Header.AUTHORIZATION).parameter("algorithm")).isEqualTo("MD5");
    assertThat(server.authenticate(viaSecret, REALM).isOk()).isTrue();
  }

  @Test
  void absentAlgorithmIsMd5() {
    Challenge md5 = server.challenges(REALM, false).get(1);
    Credentials c = client.respond(md5, ALICE, SipMethod.REGISTER, "sip:example.com", null);

    AuthResult result = server.authenticate(
        withAuthorization(Messages.register(), edit(c, "algorithm", null)), REALM);

    assertThat(result.isOk()).isTrue();
  }

  @Test
  void opaqueIsEchoedAndAForeignOpaqueIsRefused() {
    Challenge challenge = server.challenges(REALM, false).get(0);
    Credentials c = client.respond(challenge, ALICE, SipMethod.REGISTER, "sip:example.com", null);

    assertThat(c.parameter("opaque")).isEqualTo(challenge.parameter("opaque"));
    assertThat(server.authenticate(withAuthorization(Messages.register(),
        edit(c, "opaque", "\"forged\"")), REALM))
        .isEqualTo(new AuthResult(Status.BAD_CREDENTIALS, null, "opaque was not issued here"));
  }

  @Test
  void withoutQopIsRefusedByDefault() {
    Challenge challenge = server.challenges(REALM, false).get(0);
    Challenge rfc2069 = new Challenge("Digest", challenge.parameters().without("qop"));
    SipRequest request = withAuthorization(Messages.register(),
        client.respond(rfc2069, ALICE, SipMethod.REGISTER, "sip:example.com", null));

    assertThat(server.authenticate(request, REALM))
        .isEqualTo(new AuthResult(Status.MALFORMED, null, "missing qop"));
  }

  @Test
  void withoutQopANonceIsGoodForOneRequestOnlyWhenAllowed() {
    DigestAuthenticator server = server(DigestConfig.builder().acceptMissingQop(true).build());
    Challenge challenge = server.challenges(REALM, false).get(0);
    Challenge rfc2069 = new Challenge("Digest", challenge.parameters().without("qop"));
    SipRequest request = withAuthorization(Messages.register(),
        client.respond(rfc2069, ALICE, SipMethod.REGISTER, "sip:example.com", null));

    assertThat(server.authenticate(request, REALM).isOk()).isTrue();
    assertThat(server.authenticate(request, REALM)).isEqualTo(
        new AuthResult(Status.REPLAY, null, "nonce already used without qop"));
  }

  @Test
  void withoutQopIsMalformedWhenTheConfigRequiresQop() {
    DigestAuthenticator strict = server(DigestConfig.builder().acceptMissingQop(false).build());
    Challenge challenge = strict.challenges(REALM, false).get(0);
    Challenge rfc2069 = new Challenge("Digest", challenge.parameters().without("qop"));
    SipRequest request = withAuthorization(Messages.register(),
        client.respond(rfc2069, ALICE, SipMethod.REGISTER, "sip:example.com", null));

    assertThat(strict.authenticate(request, REALM))
        .isEqualTo(new AuthResult(Status.MALFORMED, null, "missing qop"));
  }

  @Test
  void authIntCoversTheBody() {
    Challenge challenge = server.challenges(REALM, false).get(0);
    Challenge authInt = new Challenge("Digest", challenge.parameters().with("qop", "\"auth-int\""));
    SipRequest message = Messages.request(SipMethod.MESSAGE, "sip:bob@example.com").toBuilder()
        .body(MediaType.parse("text/plain"), "hello").build();
    Credentials c = client.respond(authInt, ALICE, SipMethod.MESSAGE, "sip:bob@example.com",
        message.body());
    SipRequest signed = withAuthorization(message, c);
    SipRequest altered = signed.toBuilder().body(MediaType.parse("text/plain"), "hellO").build();

    assertThat(server.authenticate(altered, REALM).status()).isEqualTo(Status.BAD_CREDENTIALS);
    assertThat(server.authenticate(signed, REALM).isOk()).isTrue();
  }

  @Test
  void sessionAlgorithmsVerifyFromTheStoredBaseHa1() {
    DigestAuthenticator sess = server(DigestConfig.builder()
        .algorithms(List.of(DigestAlgorithm.SHA_512_256_SESS, DigestAlgorithm.MD5_SESS)).build());
    UserSecret md5Ha1 = UserSecret.ofHa1("alice", REALM,
        Map.of(DigestAlgorithm.MD5, ALICE_HA1.get(DigestAlgorithm.MD5)));

    SipRequest strong = answer(Messages.register(), sess.challenges(REALM, false), ALICE);
    SipRequest weak = answer(Messages.register(), sess.challenges(REALM, false), md5Ha1);

    assertThat(strong.header(Header.AUTHORIZATION).parameter("algorithm"))
        .isEqualTo("SHA-512-256-sess");
    assertThat(sess.authenticate(strong, REALM).isOk()).isTrue();
    assertThat(weak.header(Header.AUTHORIZATION).parameter("algorithm")).isEqualTo("MD5-sess");
    assertThat(sess.authenticate(weak, REALM).isOk()).isTrue();
  }

  @Test
  void algorithmNotOfferedOrUnknownIsUnknownAlgorithm() {
    DigestAuthenticator shaOnly = server(DigestConfig.builder()
        .algorithms(List.of(DigestAlgorithm.SHA_256)).build());
    Challenge sha = shaOnly.challenges(REALM, false).get(0);
    Challenge asMd5 = new Challenge("Digest", sha.parameters().with("algorithm", "MD5"));
    SipRequest md5 = withAuthorization(Messages.register(),
        client.respond(asMd5, ALICE, SipMethod.REGISTER, "sip:example.com", null));
    SipRequest sha1 = withAuthorization(Messages.register(),
        edit(md5.header(Header.AUTHORIZATION), "algorithm", "SHA-1"));

    assertThat(shaOnly.authenticate(md5, REALM))
        .isEqualTo(new AuthResult(Status.UNKNOWN_ALGORITHM, null, "algorithm not offered: MD5"));
    assertThat(shaOnly.authenticate(sha1, REALM))
        .isEqualTo(new AuthResult(Status.UNKNOWN_ALGORITHM, null, "unknown algorithm: SHA-1"));
  }

  @Test
  void missingOrInvalidParametersAreMalformed() {
    Credentials c = signIn(ALICE).header(Header.AUTHORIZATION);
    SipRequest register = Messages.register();

    assertThat(server.authenticate(withAuthorization(register, edit(c, "response", null)), REALM))
        .isEqualTo(new AuthResult(Status.MALFORMED, null, "missing response"));
    assertThat(server.authenticate(withAuthorization(register, edit(c, "nonce", null)), REALM))
        .isEqualTo(new AuthResult(Status.MALFORMED, null, "missing nonce"));
    assertThat(server.authenticate(withAuthorization(register, edit(c, "nc", "1")), REALM))
        .isEqualTo(new AuthResult(Status.MALFORMED, null, "nc is not 8 hex digits: 1"));
    assertThat(server.authenticate(withAuthorization(register, edit(c, "nc", "00000000")), REALM))
        .isEqualTo(new AuthResult(Status.MALFORMED, null, "nc is zero"));
    assertThat(server.authenticate(withAuthorization(register, edit(c, "cnonce", null)), REALM))
        .isEqualTo(new AuthResult(Status.MALFORMED, null, "missing cnonce"));
    assertThat(server.authenticate(withAuthorization(register, edit(c, "qop", "auth-conf")), REALM))
        .isEqualTo(new AuthResult(Status.MALFORMED, null, "unsupported qop: auth-conf"));
    assertThat(server.authenticate(withAuthorization(register, edit(c, "response", "\"abc\"")),
        REALM)).isEqualTo(new AuthResult(Status.MALFORMED, null, "response is not 64 hex digits"));
  }

  @Test
  void noCredentialsForTheRealmIsMissing() {
    SipRequest retry = signIn(ALICE);

    assertThat(server.authenticate(Messages.register(), REALM).status()).isEqualTo(Status.MISSING);
    assertThat(server.authenticate(retry, "other.example").status()).isEqualTo(Status.MISSING);
    assertThat(server.verify(null, REALM, SipMethod.REGISTER, Uri.parse("sip:example.com"), null)
        .status()).isEqualTo(Status.MISSING);
  }

  @Test
  void proxyReadsOnlyItsOwnRealmsProxyAuthorization() {
    SipRequest invite = Messages.request(SipMethod.INVITE, "sip:bob@example.com");
    SipResponse c407 = Messages.challenge(invite, 407, server.challenges(REALM, false));
    SipRequest retry = client.authorize(invite, c407, CredentialsProvider.of(ALICE));
    SipRequest withOtherFirst = retry.toBuilder().addFirstHeader(HeaderName.PROXY_AUTHORIZATION,
        "Digest username=\"alice\", realm=\"upstream.example\", nonce=\"x\", uri=\"sip:x\","
            + " response=\"00\"").build();

    assertThat(server.authenticateProxy(withOtherFirst, REALM).isOk()).isTrue();
    assertThat(server.authenticate(retry, REALM).status()).isEqualTo(Status.MISSING);
  }

  @Test
  void evictedNoncesAreNeverAcceptedAgain() {
    DigestAuthenticator small = server(DigestConfig.builder()
        .maxTrackedNonces(DigestConfig.MIN_TRACKED_NONCES).build());
    List<SipRequest> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      SipRequest r = answer(Messages.register(), small.challenges(REALM, false), ALICE);
      assertThat(small.authenticate(r, REALM).isOk()).isTrue();
      sent.add(r);
      clock.advance(Duration.ofMillis(10));
    }

    for (SipRequest r : sent) {
      AuthResult again = small.authenticate(r, REALM);
      assertThat(again.status()).isIn(Status.REPLAY, Status.STALE);
    }
  }

  @Test
  void concurrentClientsAreEachAuthenticatedOnceAndReplaysRefused() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> {
          int ok = 0;
          for (int i = 0; i < 100; i++) {
            SipRequest r = answer(Messages.register(), server.challenges(REALM, false), ALICE);
            ok += server.authenticate(r, REALM).isOk() ? 1 : 0;
            ok += server.authenticate(r, REALM).isOk() ? 1 : 0;
          }
          return ok;
        }));
      }
      for (Future<Integer> f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(100);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void nonceCountersNeverCallAForgottenReplayFresh() {
    NonceCounters counters = new NonceCounters(16);
    for (int i = 0; i < 1000; i++) {
      assertThat(counters.advance("nonce-" + i, i, 1, Long.MIN_VALUE))
          .isEqualTo(NonceCounters.Verdict.FRESH);
    }
    assertThat(counters.size()).isLessThanOrEqualTo(16);
    for (int i = 0; i < 1000; i++) {
      assertThat(counters.advance("nonce-" + i, i, 1, Long.MIN_VALUE))
          .isNotEqualTo(NonceCounters.Verdict.FRESH);
    }
  }

  @Test
  void configRefusesOutOfRangeValuesNamingThem() {
    assertThatThrownBy(() -> DigestConfig.builder().nonceLifetime(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nonceLifetime out of range 1s..1d: PT0S");
    assertThatThrownBy(() -> DigestConfig.builder().maxTrackedNonces(3).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxTrackedNonces below 16: 3");
    assertThatThrownBy(() -> DigestConfig.builder().algorithms(List.of()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("algorithms is empty");
    assertThatThrownBy(() -> DigestConfig.builder()
        .algorithms(List.of(DigestAlgorithm.MD5, DigestAlgorithm.MD5)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("algorithms holds MD5 twice");
    assertThatThrownBy(() -> DigestAuthenticator.builder(STORE).secret(new byte[8]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret is shorter than 16 bytes: 8");
    assertThatThrownBy(() -> server.challenges("", false))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("realm is empty");
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    assertThat(DigestConfig.DEFAULT.nonceLifetime()).isEqualTo(Duration.ofSeconds(300));
    assertThat(DigestConfig.DEFAULT.maxTrackedNonces()).isEqualTo(100_000);
    assertThat(DigestConfig.DEFAULT.algorithms())
        .containsExactly(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);
    assertThat(DigestConfig.DEFAULT.acceptMissingQop()).isFalse();
  }
}
