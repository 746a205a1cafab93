package dev.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The server's digest check answers as comparing with {@link Digest#response} does. */
class DigestCheckTest {
  private static final String HA1_MD5 = Ha1.compute(DigestAlgorithm.MD5, "alice", "r", "pw");
  private static final String HA1_SHA = Ha1.compute(DigestAlgorithm.SHA_256, "alice", "r", "pw");
  private static final String HA1_512 =
      Ha1.compute(DigestAlgorithm.SHA_512_256, "alice", "r", "pw");

  private static String ha1(DigestAlgorithm a) {
    return a.strength() == 0 ? HA1_MD5 : a.strength() == 1 ? HA1_SHA : HA1_512;
  }

  /** What the server compared before: Digest.response against the response, lower-cased. */
  private static boolean before(DigestAlgorithm a, String ha1, String nonce, String nc,
      String cnonce, String qop, String method, String uri, byte[] body, String response) {
    String expected = Digest.response(a, ha1.toLowerCase(Locale.ROOT), nonce, nc, cnonce, qop,
        method, uri, body);
    return expected.equals(response.toLowerCase(Locale.ROOT));
  }

  private static void same(DigestAlgorithm a, String nonce, String nc, String cnonce, String qop,
      String method, String uri, byte[] body) {
    String ha1 = ha1(a);
    String right = Digest.response(a, ha1, nonce, nc, cnonce, qop, method, uri, body);
    for (String response : new String[] {right, right.toUpperCase(Locale.ROOT),
        right.substring(1) + "0", right.substring(0, right.length() - 1)}) {
      for (String stored : new String[] {ha1, ha1.toUpperCase(Locale.ROOT)}) {
        assertThat(DigestCheck.matches(a, stored, nonce, nc, cnonce, qop, method, uri, body,
            response)).as("%s %s %s", a, qop, response)
            .isEqualTo(before(a, stored, nonce, nc, cnonce, qop, method, uri, body, response));
      }
    }
    assertThat(DigestCheck.matches(a, ha1, nonce, nc, cnonce, qop, method, uri, body, right))
        .isTrue();
  }

  @Test
  void everyAlgorithmAndQopAgreesWithTheResponseItComputes() {
    byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
    for (DigestAlgorithm a : DigestAlgorithm.values()) {
      for (String qop : new String[] {null, "auth", "AUTH", "auth-int", "Auth-Int"}) {
        same(a, "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", qop, "REGISTER",
            "sip:example.com", body);
        same(a, "n", "0000000a", "c", qop, "MESSAGE", "sip:service@127.0.0.1:47470", null);
        same(a, "n\u00e9", "00000001", "c\u00e9", qop, "INVITE", "sip:b\u00e9b@example.com",
            new byte[0]);
      }
    }
  }

  @Test
  void longTextGrowsTheBuffer() {
    same(DigestAlgorithm.SHA_256, "n".repeat(1000), "00000001", "c".repeat(700), "auth", "INFO",
        "sip:" + "u".repeat(2000) + "@example.com", null);
  }

  @Test
  void generatedInputsAgree() {
    Random random = new Random(17);
    for (int i = 0; i < 500; i++) {
      DigestAlgorithm a = DigestAlgorithm.values()[random.nextInt(DigestAlgorithm.values().length)];
      String qop = random.nextBoolean() ? "auth" : random.nextBoolean() ? null : "auth-int";
      byte[] body = new byte[random.nextInt(40)];
      random.nextBytes(body);
      same(a, text(random, 40), "00000001", text(random, 20), qop, "MESSAGE", text(random, 60),
          random.nextBoolean() ? body : null);
    }
  }

  /** Up to {@code max} characters, some of them outside ASCII. */
  private static String text(Random random, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = random.nextInt(max + 1); i > 0; i--) {
      sb.append(random.nextInt(8) == 0 ? (char) (0x80 + random.nextInt(0x700))
          : (char) (0x20 + random.nextInt(0x5F)));
    }
    return sb.toString();
  }
}
