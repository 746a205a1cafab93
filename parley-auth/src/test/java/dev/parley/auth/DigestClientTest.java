package dev.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.Challenge;
import dev.parley.sip.Credentials;
import dev.parley.sip.Header;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DigestClientTest {
  private static final UserSecret ALICE = UserSecret.ofPassword("alice", "wonderland");
  private static final CredentialsProvider PROVIDER = CredentialsProvider.of(ALICE);

  private final DigestClient client = new DigestClient();

  private static Challenge challenge(String params) {
    return Header.WWW_AUTHENTICATE.parse("Digest " + params);
  }

  private static Challenge md5(String nonce) {
    return challenge("realm=\"example.com\", nonce=\"" + nonce + "\", qop=\"auth\", algorithm=MD5");
  }

  private static Challenge sha256(String nonce) {
    return challenge("realm=\"example.com\", nonce=\"" + nonce + "\", qop=\"auth\","
        + " algorithm=SHA-256");
  }

  @Test
  void selectPrefersSha256OverMd5WhateverTheOrder() {
    assertThat(DigestClient.select(List.of(md5("a"), sha256("b")))).contains(sha256("b"));
    assertThat(DigestClient.select(List.of(sha256("b"), md5("a")))).contains(sha256("b"));
  }

  @Test
  void selectTakesTheTopmostAmongEqualAlgorithms() {
    assertThat(DigestClient.select(List.of(md5("first"), md5("second")))).contains(md5("first"));
  }

  @Test
  void selectSkipsWhatItCannotAnswer() {
    Challenge basic = Header.WWW_AUTHENTICATE.parse("Basic realm=\"example.com\"");
    Challenge aka = challenge("realm=\"example.com\", nonce=\"n\", algorithm=AKAv1-MD5");
    Challenge noNonce = challenge("realm=\"example.com\", algorithm=SHA-256");
    Challenge oddQop = challenge("realm=\"example.com\", nonce=\"n\", qop=\"auth-conf\"");

    assertThat(DigestClient.select(List.of(basic, aka, noNonce, oddQop))).isEmpty();
    assertThat(DigestClient.select(List.of(basic, aka, md5("x")))).contains(md5("x"));
  }

  /**
   * Found by fuzzing (DigestCoverageFuzzTest, input crash-fd4e2635...): a 401 whose only Digest
   * challenge has {@code realm=""} made authorize throw IllegalArgumentException ("realm is
   * empty", from the HA1 computation) where it declines every challenge it cannot answer.
   */
  @Test
  void authorizeDeclinesAChallengeWithAnEmptyRealm() {
    SipRequest register = Messages.register();
    SipResponse unauthorized = Messages.challenge(register, 401, List.of(
        challenge("realm=\"\", qop=\"auth,auth-int\", nonce=\"7ypf/xlj9XXwfDPUYo5tdS\"")));

    assertThat(DigestClient.select(unauthorized.headers(Header.WWW_AUTHENTICATE))).isEmpty();
    assertThat(new DigestClient().authorize(register, unauthorized, PROVIDER)).isNull();
    assertThatThrownBy(() -> new DigestClient().respond(
        unauthorized.header(Header.WWW_AUTHENTICATE), ALICE, SipMethod.REGISTER, "sip:example.com",
        null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("realm");
  }

  @Test
  void selectWithOnlyAnMd5Ha1PicksMd5() {
    UserSecret md5Only = UserSecret.ofHa1("alice", "example.com", Map.of(DigestAlgorithm.MD5,
        Ha1.compute(DigestAlgorithm.MD5, "alice", "example.com", "wonderland")));

    assertThat(DigestClient.select(List.of(sha256("b"), md5("a")), md5Only)).contains(md5("a"));
  }

  @Test
  void authIsPreferredOverAuthIntWhicheverComesFirst() {
    Challenge c = challenge("realm=\"example.com\", nonce=\"n\", qop=\"auth-int,auth\"");

    assertThat(client.respond(c, ALICE, SipMethod.MESSAGE, "sip:bob@example.com", null)
        .parameter("qop")).isEqualTo("auth");
  }

  @Test
  void authIntIsUsedWhenAloneAndCoversTheBody() {
    Challenge c = challenge("realm=\"example.com\", nonce=\"n\", qop=\"auth-int\","
        + " algorithm=SHA-256");
    byte[] body = "hello".getBytes(StandardCharsets.UTF_8);

    Credentials cred = new DigestClient(8, () -> "c0ffee")
        .respond(c, ALICE, SipMethod.MESSAGE, "sip:bob@example.com", body);

    String ha1 = Ha1.compute(DigestAlgorithm.SHA_256, "alice", "example.com", "wonderland");
    assertThat(cred.parameter("qop")).isEqualTo("auth-int");
    assertThat(cred.parameter("response")).isEqualTo(Digest.response(DigestAlgorithm.SHA_256, ha1,
        "n", "00000001", "c0ffee", "auth-int", "MESSAGE", "sip:bob@example.com", body));
    assertThat(cred.parameter("response")).isNotEqualTo(Digest.response(DigestAlgorithm.SHA_256,
        ha1, "n", "00000001", "c0ffee", "auth-int", "MESSAGE", "sip:bob@example.com", new byte[0]));
  }

  @Test
  void withoutQopTheResponseIsRfc2069Style() {
    Challenge c = challenge("realm=\"example.com\", nonce=\"abc\"");

    Credentials cred = client.respond(c, ALICE, SipMethod.REGISTER, "sip:example.com", null);

    String ha1 = Ha1.compute(DigestAlgorithm.MD5, "alice", "example.com", "wonderland");
    String ha2 = DigestAlgorithm.MD5.hash("REGISTER:sip:example.com");
    assertThat(cred.parameter("response")).isEqualTo(DigestAlgorithm.MD5.hash(ha1 + ":abc:" + ha2));
    assertThat(cred.parameters().contains("qop")).isFalse();
    assertThat(cred.parameters().contains("nc")).isFalse();
    assertThat(cred.parameters().contains("cnonce")).isFalse();
  }

  @Test
  void nonceCountIncreasesPerNonceAndStartsAtOneForANewNonce() {
    assertThat(client.respond(md5("n1"), ALICE, SipMethod.REGISTER, "sip:example.com", null)
        .parameter("nc")).isEqualTo("00000001");
    assertThat(client.respond(md5("n1"), ALICE, SipMethod.REGISTER, "sip:example.com", null)
        .parameter("nc")).isEqualTo("00000002");
    assertThat(client.respond(md5("n2"), ALICE, SipMethod.REGISTER, "sip:example.com", null)
        .parameter("nc")).isEqualTo("00000001");
  }

  @Test
  void cnonceIsFreshEachTime() {
    String a = client.respond(md5("n"), ALICE, SipMethod.REGISTER, "sip:example.com", null)
        .parameter("cnonce");
    String b = client.respond(md5("n"), ALICE, SipMethod.REGISTER, "sip:example.com", null)
        .parameter("cnonce");
    assertThat(a).hasSize(32).isNotEqualTo(b);
  }

  @Test
  void ncQopAndAlgorithmAreTokensWhileTheRestIsQuoted() {
    String header = client.respond(challenge("realm=\"example.com\", nonce=\"n\", opaque=\"op\","
        + " qop=\"auth\", algorithm=SHA-256"), ALICE, SipMethod.REGISTER, "sip:example.com", null)
        .toString();

    assertThat(header).startsWith("Digest username=\"alice\", realm=\"example.com\", nonce=\"n\","
        + " uri=\"sip:example.com\", response=\"")
        .contains(", algorithm=SHA-256, cnonce=\"", ", opaque=\"op\", qop=auth, nc=00000001")
        .endsWith("nc=00000001");
  }

  @Test
  void quoteAndBackslashInAUsernameAreEscapedAndReadBack() {
    UserSecret odd = UserSecret.ofPassword("a\"b\\c", "pw");

    Credentials cred = client.respond(md5("n"), odd, SipMethod.REGISTER, "sip:example.com", null);

    assertThat(cred.toString()).contains("username=\"a\\\"b\\\\c\"");
    Credentials reparsed = Header.AUTHORIZATION.parse(cred.toString());
    assertThat(reparsed.parameter("username")).isEqualTo("a\"b\\c");
    String ha1 = Ha1.compute(DigestAlgorithm.MD5, "a\"b\\c", "example.com", "pw");
    assertThat(reparsed.parameter("response")).isEqualTo(Digest.response(DigestAlgorithm.MD5, ha1,
        "n", "00000001", reparsed.parameter("cnonce"), "auth", "REGISTER", "sip:example.com", null));
  }

  @Test
  void usernameWithALineBreakIsRefused() {
    assertThatThrownBy(() -> UserSecret.ofPassword("a\r\nVia: x", "pw"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("username holds CR or LF");
  }

  @Test
  void respondRefusesWhatItCannotAnswerNamingTheProblem() {
    assertThatThrownBy(() -> client.respond(Header.WWW_AUTHENTICATE.parse("Basic realm=\"x\""),
        ALICE, SipMethod.REGISTER, "sip:example.com", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("challenge is not Digest: Basic");
    assertThatThrownBy(() -> client.respond(challenge("realm=\"x\", nonce=\"n\", algorithm=SHA-1"),
        ALICE, SipMethod.REGISTER, "sip:example.com", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("challenge algorithm is not supported: SHA-1");
    UserSecret otherRealm = UserSecret.ofHa1("alice", "elsewhere.com",
        Map.of(DigestAlgorithm.MD5, "0123456789abcdef0123456789abcdef"));
    assertThatThrownBy(() -> client.respond(md5("n"), otherRealm, SipMethod.REGISTER,
        "sip:example.com", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret cannot answer realm example.com with MD5");
  }

  @Test
  void authorizeAddsAuthorizationAndIncrementsCseqKeepingTheRest() {
    SipRequest original = Messages.register();
    SipResponse challenge = Messages.challenge(original, 401, List.of(sha256("n1"), md5("n2")));

    SipRequest retry = client.authorize(original, challenge, PROVIDER);

    assertThat(retry).isNotNull();
    assertThat(retry.method()).isEqualTo(SipMethod.REGISTER);
    assertThat(retry.requestUri()).isEqualTo(original.requestUri());
    assertThat(retry.cseq().sequence()).isEqualTo(2);
    assertThat(retry.cseq().method()).isEqualTo(SipMethod.REGISTER);
    Credentials cred = retry.header(Header.AUTHORIZATION);
    assertThat(cred.parameter("algorithm")).isEqualTo("SHA-256");
    assertThat(cred.parameter("nonce")).isEqualTo("n1");
    assertThat(cred.parameter("uri")).isEqualTo("sip:example.com");
    assertThat(retry.headers().contains(HeaderName.PROXY_AUTHORIZATION)).isFalse();
    for (HeaderName same : List.of(HeaderName.VIA, HeaderName.FROM, HeaderName.TO,
        HeaderName.CALL_ID, HeaderName.CONTACT, HeaderName.MAX_FORWARDS)) {
      assertThat(retry.headers().values(same)).isEqualTo(original.headers().values(same));
    }
  }

  @Test
  void authorizeAnswersA407WithProxyAuthorization() {
    SipRequest original = Messages.request(SipMethod.INVITE, "sip:bob@example.com");
    SipResponse challenge = Messages.challenge(original, 407, List.of(md5("p1")));

    SipRequest retry = client.authorize(original, challenge, PROVIDER);

    assertThat(retry.headers().contains(HeaderName.AUTHORIZATION)).isFalse();
    Credentials cred = retry.header(Header.PROXY_AUTHORIZATION);
    assertThat(cred.parameter("uri")).isEqualTo("sip:bob@example.com");
    assertThat(retry.cseq().toString()).isEqualTo("2 INVITE");
  }

  @Test
  void authorizeAnswersEveryRealmOfAForkedChallengeAndKeepsOtherCredentials() {
    SipRequest first = Messages.request(SipMethod.INVITE, "sip:bob@example.com");
    SipRequest withA = client.authorize(first, Messages.challenge(first, 407,
        List.of(challenge("realm=\"a.example\", nonce=\"na\", qop=\"auth\""))), PROVIDER);
    SipResponse both = Messages.challenge(withA, 407, List.of(
        challenge("realm=\"b.example\", nonce=\"nb\", qop=\"auth\""),
        challenge("realm=\"c.example\", nonce=\"nc\", qop=\"auth\"")));

    SipRequest retry = client.authorize(withA, both, PROVIDER);

    assertThat(retry.headers(Header.PROXY_AUTHORIZATION))
        .extracting(c -> c.parameter("realm"))
        .containsExactly("a.example", "b.example", "c.example");
    assertThat(retry.cseq().sequence()).isEqualTo(3);
  }

  @Test
  void authorizeDoesNotAnswerTheSameNonceTwice() {
    SipRequest original = Messages.register();
    SipRequest retry = client.authorize(original,
        Messages.challenge(original, 401, List.of(md5("n1"))), PROVIDER);

    assertThat(client.authorize(retry, Messages.challenge(retry, 401, List.of(md5("n1"))), PROVIDER))
        .isNull();
  }

  @Test
  void authorizeRetriesWhenTheServerSaysStale() {
    SipRequest original = Messages.register();
    SipRequest retry = client.authorize(original,
        Messages.challenge(original, 401, List.of(md5("n1"))), PROVIDER);
    Challenge stale = challenge("realm=\"example.com\", nonce=\"n2\", qop=\"auth\", stale=true");

    SipRequest again = client.authorize(retry, Messages.challenge(retry, 401, List.of(stale)),
        PROVIDER);

    assertThat(again).isNotNull();
    assertThat(again.headers(Header.AUTHORIZATION)).singleElement()
        .satisfies(c -> assertThat(c.parameter("nonce")).isEqualTo("n2"));
    assertThat(again.cseq().sequence()).isEqualTo(3);
  }

  @Test
  void authorizeRetriesANewNonceWithoutStaleOnceThenGivesUp() {
    SipRequest r1 = Messages.register();
    SipRequest r2 = client.authorize(r1, Messages.challenge(r1, 401, List.of(md5("n1"))), PROVIDER);
    SipRequest r3 = client.authorize(r2, Messages.challenge(r2, 401, List.of(md5("n2"))), PROVIDER);

    assertThat(r3).isNotNull();
    assertThat(client.authorize(r3, Messages.challenge(r3, 401, List.of(md5("n3"))), PROVIDER))
        .isNull();
  }

  @Test
  void authorizeStopsAnEndlessRunOfStaleChallenges() {
    SipRequest r = Messages.register();
    r = client.authorize(r, Messages.challenge(r, 401, List.of(md5("s0"))), PROVIDER);
    int retries = 0;
    for (int i = 1; i < 10 && r != null; i++) {
      Challenge stale = challenge("realm=\"example.com\", nonce=\"s" + i + "\", stale=TRUE");
      r = client.authorize(r, Messages.challenge(r, 401, List.of(stale)), PROVIDER);
      retries += r == null ? 0 : 1;
    }
    assertThat(retries).isEqualTo(DigestClient.MAX_CHAINED_RETRIES);
  }

  @Test
  void authorizeGivesUpWithoutASecretForTheRealm() {
    SipRequest original = Messages.register();

    assertThat(client.authorize(original, Messages.challenge(original, 401, List.of(md5("n"))),
        realm -> null)).isNull();
  }

  @Test
  void authorizeGivesUpWhenNothingCanBeAnswered() {
    SipRequest original = Messages.register();
    SipResponse basic = Messages.challenge(original, 401,
        List.of(Header.WWW_AUTHENTICATE.parse("Basic realm=\"example.com\"")));

    assertThat(client.authorize(original, basic, PROVIDER)).isNull();
    assertThat(client.authorize(original, Messages.challenge(original, 401, List.of()), PROVIDER))
        .isNull();
  }

  @Test
  void authorizeRefusesAResponseThatIsNotAChallenge() {
    SipRequest original = Messages.register();
    SipResponse ok = SipResponse.builder(200).header(HeaderName.CSEQ, "1 REGISTER").build();

    assertThatThrownBy(() -> client.authorize(original, ok, PROVIDER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("challengeResponse is not a 401 or 407: 200");
  }

  @Test
  void answersTheRfc3665Register401() {
    SipParser parser = SipParser.create();
    SipRequest f1 = (SipRequest) parser.parse(Messages.corpus("rfc3665/2.1/F01.dat"));
    SipResponse f2 = (SipResponse) parser.parse(Messages.corpus("rfc3665/2.1/F02.dat"));
    UserSecret bob = UserSecret.ofPassword("bob", "zanzibar");

    SipRequest f3 = new DigestClient(8, () -> "0a4f113b")
        .authorize(f1, f2, CredentialsProvider.of(bob));

    assertThat(f3.cseq().toString()).isEqualTo("2 REGISTER");
    Credentials cred = f3.header(Header.AUTHORIZATION);
    assertThat(cred.toString()).isEqualTo("Digest username=\"bob\", realm=\"atlanta.example.com\","
        + " nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", uri=\"sips:ss2.biloxi.example.com\","
        + " response=\"" + cred.parameter("response") + "\", algorithm=MD5,"
        + " cnonce=\"0a4f113b\", opaque=\"\", qop=auth, nc=00000001");
    String ha1 = Ha1.compute(DigestAlgorithm.MD5, "bob", "atlanta.example.com", "zanzibar");
    assertThat(cred.parameter("response")).isEqualTo(Digest.response(DigestAlgorithm.MD5, ha1,
        "ea9c8e88df84f1cec4341ae6cbe5a359", "00000001", "0a4f113b", "auth", "REGISTER",
        "sips:ss2.biloxi.example.com", null));
    // The retry is itself a valid message the parser accepts.
    assertThat(parser.parse(f3.encode())).isEqualTo(f3);
  }
}
