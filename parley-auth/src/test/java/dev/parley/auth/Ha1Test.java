package dev.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Ha1Test {
  @Test
  void md5Ha1OfTheRfc2617Example() {
    assertThat(Ha1.compute(DigestAlgorithm.MD5, "Mufasa", "testrealm@host.com", "Circle Of Life"))
        .isEqualTo("939e7578ed9e3c518a452acee763bce9");
  }

  @Test
  void ha1IsLowerCaseHexOfUserRealmPasswordPerAlgorithm() {
    assertThat(Ha1.computeAll("Mufasa", "http-auth@example.org", "Circle of Life"))
        .containsEntry(DigestAlgorithm.MD5, "3d78807defe7de2157e2b0b6573a855f")
        .containsEntry(DigestAlgorithm.SHA_256,
            "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232")
        .containsEntry(DigestAlgorithm.SHA_512_256,
            "fb174f5c3c7802721517cae13b98e2b8dae2e0118cb705d94ee29946319204ce")
        .hasSize(3);
  }

  @Test
  void sessionAlgorithmStoresTheBaseHa1() {
    assertThat(Ha1.compute(DigestAlgorithm.SHA_256_SESS, "u", "r", "p"))
        .isEqualTo(Ha1.compute(DigestAlgorithm.SHA_256, "u", "r", "p"));
  }

  @Test
  void nonAsciiIsHashedAsUtf8() {
    assertThat(Ha1.compute(DigestAlgorithm.MD5, "j\u00f6rg", "r", "p\u00e4ss"))
        .isEqualTo(DigestAlgorithm.MD5.hash(new byte[] {
            'j', (byte) 0xc3, (byte) 0xb6, 'r', 'g', ':', 'r', ':', 'p', (byte) 0xc3, (byte) 0xa4,
            's', 's'}));
  }

  @Test
  void emptyUsernameOrRealmIsRefusedByName() {
    assertThatThrownBy(() -> Ha1.compute(DigestAlgorithm.MD5, "", "r", "p"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("username is empty");
    assertThatThrownBy(() -> Ha1.compute(DigestAlgorithm.MD5, "u", "", "p"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("realm is empty");
    assertThatThrownBy(() -> Ha1.compute(DigestAlgorithm.MD5, "u", "r", null))
        .isInstanceOf(NullPointerException.class).hasMessage("password");
  }
}
