package dev.parley.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Nonces are the class comment's format, byte for byte, and only those are accepted. */
class NonceCodecTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();
  private final NonceCodec codec = new NonceCodec(SECRET);

  /** The format written out with the JDK's ByteBuffer, Mac and Base64, as the codec once was. */
  private static String reference(long issuedAt, byte[] random, String realm, InetAddress client)
      throws Exception {
    byte[] out = new byte[36];
    ByteBuffer.wrap(out).putLong(issuedAt).put(random, 0, 12);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    mac.update((byte) 'N');
    mac.update(out, 0, 20);
    if (client == null) {
      mac.update((byte) 0);
    } else {
      byte[] a = client.getAddress();
      mac.update((byte) (a.length == 4 ? 4 : 6));
      mac.update(a, 0, a.length == 4 ? 4 : 8);
    }
    mac.update(realm.getBytes(StandardCharsets.UTF_8));
    System.arraycopy(mac.doFinal(), 0, out, 20, 16);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
  }

  @Test
  void mintedNoncesAreTheFormatAndCheckOnlyForTheirRealmAndClient() throws Exception {
    Random random = new Random(17);
    InetAddress v4 = InetAddress.getByName("192.0.2.7");
    InetAddress v6 = InetAddress.getByName("2001:db8:1:2:3:4:5:6");
    InetAddress v6SameNet = InetAddress.getByName("2001:db8:1:2:ffff::1");
    for (int i = 0; i < 200; i++) {
      long at = random.nextLong();
      byte[] r = new byte[12];
      random.nextBytes(r);
      String realm = i % 3 == 0 ? "r\u00e9alm.example" : "example.com";
      InetAddress client = i % 3 == 0 ? null : i % 3 == 1 ? v4 : v6;
      String nonce = codec.mint(at, r, realm, client);
      assertThat(nonce).isEqualTo(reference(at, r, realm, client));
      assertThat(codec.issuedAt(nonce, realm, client)).isEqualTo(at);
      assertThat(codec.issuedAt(nonce, realm + ".", client)).isEqualTo(NonceCodec.INVALID);
      if (client == v6) {
        assertThat(codec.issuedAt(nonce, realm, v6SameNet)).isEqualTo(at);
      }
      if (client != null) {
        assertThat(codec.issuedAt(nonce, realm, null)).isEqualTo(NonceCodec.INVALID);
      }
      char[] c = nonce.toCharArray();
      c[i % c.length] = c[i % c.length] == 'A' ? 'B' : 'A';
      assertThat(codec.issuedAt(new String(c), realm, client)).isEqualTo(NonceCodec.INVALID);
      c = nonce.toCharArray();
      c[i % c.length] = "=+/.\u00e9 ".charAt(i % 6);
      assertThat(codec.issuedAt(new String(c), realm, client)).isEqualTo(NonceCodec.INVALID);
      assertThat(codec.issuedAt(nonce.substring(1), realm, client)).isEqualTo(NonceCodec.INVALID);
    }
    assertThat(Arrays.asList(codec.issuedAt("", "r", null), codec.issuedAt("x".repeat(48), "r", null)))
        .containsOnly(NonceCodec.INVALID);
  }
}
