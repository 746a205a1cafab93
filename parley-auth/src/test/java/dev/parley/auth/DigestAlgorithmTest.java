package dev.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DigestAlgorithmTest {
  @Test
  void absentAlgorithmMeansMd5() {
    assertThat(DigestAlgorithm.find(null)).contains(DigestAlgorithm.MD5);
  }

  @Test
  void namesAreTheRfc7616TokensCaseInsensitively() {
    assertThat(DigestAlgorithm.parse("MD5")).isEqualTo(DigestAlgorithm.MD5);
    assertThat(DigestAlgorithm.parse("md5-SESS")).isEqualTo(DigestAlgorithm.MD5_SESS);
    assertThat(DigestAlgorithm.parse("SHA-256")).isEqualTo(DigestAlgorithm.SHA_256);
    assertThat(DigestAlgorithm.parse("SHA-256-sess")).isEqualTo(DigestAlgorithm.SHA_256_SESS);
    assertThat(DigestAlgorithm.parse("SHA-512-256")).isEqualTo(DigestAlgorithm.SHA_512_256);
    assertThat(DigestAlgorithm.parse("SHA-512-256-sess")).isEqualTo(DigestAlgorithm.SHA_512_256_SESS);
    assertThat(DigestAlgorithm.parse("\"SHA-256\"")).isEqualTo(DigestAlgorithm.SHA_256);
    for (DigestAlgorithm a : DigestAlgorithm.values()) {
      assertThat(DigestAlgorithm.parse(a.token())).isEqualTo(a);
    }
  }

  @Test
  void unknownAlgorithmIsEmptyOrRefusedWithItsName() {
    assertThat(DigestAlgorithm.find("AKAv1-MD5")).isEmpty();
    assertThatThrownBy(() -> DigestAlgorithm.parse("SHA-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown digest algorithm: SHA-1");
  }

  @Test
  void sessionVariantsShareTheirBaseHash() {
    assertThat(DigestAlgorithm.SHA_256_SESS.isSession()).isTrue();
    assertThat(DigestAlgorithm.SHA_256_SESS.base()).isEqualTo(DigestAlgorithm.SHA_256);
    assertThat(DigestAlgorithm.MD5.base()).isEqualTo(DigestAlgorithm.MD5);
    assertThat(DigestAlgorithm.SHA_512_256.strength())
        .isGreaterThan(DigestAlgorithm.SHA_256.strength());
    assertThat(DigestAlgorithm.SHA_256.strength()).isGreaterThan(DigestAlgorithm.MD5.strength());
  }

  @Test
  void sha512256IsTheTruncatedSha512OfFips180() {
    // FIPS 180-4 example "abc" for SHA-512/256.
    assertThat(DigestAlgorithm.SHA_512_256.hash("abc"))
        .isEqualTo("53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23");
  }
}
