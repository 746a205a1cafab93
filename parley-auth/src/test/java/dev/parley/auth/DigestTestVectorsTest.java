package dev.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.Challenge;
import dev.parley.sip.Credentials;
import dev.parley.sip.Header;
import dev.parley.sip.SipMethod;
import org.junit.jupiter.api.Test;

/** The published examples of RFC 7616 §3.9.1 and RFC 2617 §3.5, answered by {@link DigestClient}. */
class DigestTestVectorsTest {
  private static final SipMethod GET = SipMethod.of("GET");
  private static final UserSecret MUFASA_7616 = UserSecret.ofPassword("Mufasa", "Circle of Life");
  private static final String NONCE_7616 = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
  private static final String CNONCE_7616 = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
  private static final String OPAQUE_7616 = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";

  private static Challenge challenge7616(String algorithm) {
    return Header.WWW_AUTHENTICATE.parse("Digest realm=\"http-auth@example.org\","
        + " qop=\"auth, auth-int\", algorithm=" + algorithm + ", nonce=\"" + NONCE_7616 + "\","
        + " opaque=\"" + OPAQUE_7616 + "\"");
  }

  @Test
  void rfc7616Md5ExampleGivesThePublishedResponse() {
    Credentials c = new DigestClient().respond(challenge7616("MD5"), MUFASA_7616, GET,
        "/dir/index.html", null, CNONCE_7616);

    assertThat(c.parameter("response")).isEqualTo("8ca523f5e9506fed4657c9700eebdbec");
    assertThat(c.parameter("qop")).isEqualTo("auth");
    assertThat(c.parameter("nc")).isEqualTo("00000001");
  }

  @Test
  void rfc7616Sha256ExampleGivesThePublishedResponse() {
    Credentials c = new DigestClient().respond(challenge7616("SHA-256"), MUFASA_7616, GET,
        "/dir/index.html", null, CNONCE_7616);

    assertThat(c.parameter("response"))
        .isEqualTo("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
    assertThat(c.toString()).isEqualTo("Digest username=\"Mufasa\","
        + " realm=\"http-auth@example.org\", nonce=\"" + NONCE_7616 + "\","
        + " uri=\"/dir/index.html\","
        + " response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\","
        + " algorithm=SHA-256, cnonce=\"" + CNONCE_7616 + "\", opaque=\"" + OPAQUE_7616 + "\","
        + " qop=auth, nc=00000001");
  }

  @Test
  void rfc7616ExampleVerifiesFromStoredHa1WithoutThePassword() {
    String ha1 = Ha1.compute(DigestAlgorithm.SHA_256, "Mufasa", "http-auth@example.org",
        "Circle of Life");
    assertThat(Digest.response(DigestAlgorithm.SHA_256, ha1, NONCE_7616, "00000001", CNONCE_7616,
        "auth", "GET", "/dir/index.html", null))
        .isEqualTo("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  }

  @Test
  void rfc2617Md5ExampleGivesThePublishedResponse() {
    Challenge challenge = Header.WWW_AUTHENTICATE.parse("Digest realm=\"testrealm@host.com\","
        + " qop=\"auth,auth-int\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\","
        + " opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");

    Credentials c = new DigestClient().respond(challenge,
        UserSecret.ofPassword("Mufasa", "Circle Of Life"), GET, "/dir/index.html", null, "0a4f113b");

    assertThat(c.parameter("response")).isEqualTo("6629fae49393a05397450978507c4ef1");
    assertThat(c.parameter("opaque")).isEqualTo("5ccc069c403ebaf9f0171e9517f40e41");
    assertThat(c.parameter("algorithm")).isEqualTo("MD5");
  }

  @Test
  void rfc2617ExampleAlsoAnswersFromAPrecomputedHa1() {
    Challenge challenge = Header.WWW_AUTHENTICATE.parse("Digest realm=\"testrealm@host.com\","
        + " qop=\"auth\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"");
    UserSecret secret = UserSecret.ofHa1("Mufasa", "testrealm@host.com",
        java.util.Map.of(DigestAlgorithm.MD5, "939E7578ED9E3C518A452ACEE763BCE9"));

    Credentials c = new DigestClient().respond(challenge, secret, GET, "/dir/index.html", null,
        "0a4f113b");

    assertThat(c.parameter("response")).isEqualTo("6629fae49393a05397450978507c4ef1");
  }
}
