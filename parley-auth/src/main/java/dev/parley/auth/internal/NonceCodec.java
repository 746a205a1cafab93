package dev.parley.auth.internal;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Self-validating nonces and per-realm opaque values, keyed by a server secret.
 *
 * <pre>
 *   nonce  = base64url-nopad( issued-at(8, ms since epoch, big-endian) || random(12)
 *                             || HMAC-SHA256(secret, "N" || issued-at || random || client || realm)[0..16) )
 *   client = 0x00 (no client given) | 0x04 IPv4-address(4) | 0x06 IPv6-/64-prefix(8)
 *   opaque = base64url-nopad( HMAC-SHA256(secret, "O" || realm)[0..12) )
 * </pre>
 *
 * A nonce is 48 characters of {@code [A-Za-z0-9_-]}, so it needs no escaping in a quoted-string.
 * The client address a nonce was issued to is under the MAC but not in the nonce: only a request
 * from that address (IPv4) or that /64 (IPv6) can use it, so a sender that cannot receive at an
 * address (a spoofed UDP source) cannot hold a nonce valid for it.
 * Thread-safe: each thread keeps its own keyed {@link Mac} (making and keying one costs more than
 * the HMAC itself), and the opaque value of the last realm asked is kept.
 */
public final class NonceCodec {
  public static final int RANDOM_BYTES = 12;
  static final int MAC_BYTES = 16;
  static final int NONCE_BYTES = 8 + RANDOM_BYTES + MAC_BYTES;
  static final int NONCE_CHARS = NONCE_BYTES / 3 * 4;
  /** Returned by {@link #issuedAt} for a nonce this server did not issue for the realm. */
  public static final long INVALID = Long.MIN_VALUE;

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final byte[] NO_CLIENT = {0};

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);
  /** The last realm's opaque value (one realm per server, in practice). */
  private volatile Opaque lastOpaque;

  public NonceCodec(byte[] secret) {
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  private record Opaque(String realm, String value) {}

  /** A nonce issued at {@code issuedAt} to {@code client} (null: to anyone) for {@code realm}. */
  public String mint(long issuedAt, byte[] random, String realm, InetAddress client) {
    byte[] out = new byte[NONCE_BYTES];
    ByteBuffer.wrap(out).putLong(issuedAt).put(random, 0, RANDOM_BYTES);
    byte[] mac = mac('N', out, 8 + RANDOM_BYTES, clientBytes(client), realm);
    System.arraycopy(mac, 0, out, 8 + RANDOM_BYTES, MAC_BYTES);
    return ENCODER.encodeToString(out);
  }

  /**
   * The issue time of {@code nonce}, or {@link #INVALID} if it was not issued here for
   * {@code realm} and {@code client} (null: a nonce issued to anyone).
   */
  public long issuedAt(String nonce, String realm, InetAddress client) {
    if (nonce.length() != NONCE_CHARS) {
      return INVALID;
    }
    byte[] raw;
    try {
      raw = DECODER.decode(nonce);
    } catch (IllegalArgumentException e) {
      return INVALID;
    }
    if (raw.length != NONCE_BYTES) {
      return INVALID;
    }
    byte[] expected =
        Arrays.copyOf(mac('N', raw, 8 + RANDOM_BYTES, clientBytes(client), realm), MAC_BYTES);
    byte[] given = Arrays.copyOfRange(raw, 8 + RANDOM_BYTES, NONCE_BYTES);
    if (!MessageDigest.isEqual(expected, given)) {
      return INVALID;
    }
    return ByteBuffer.wrap(raw).getLong();
  }

  public String opaque(String realm) {
    Opaque last = lastOpaque;
    if (last != null && last.realm().equals(realm)) {
      return last.value();
    }
    String value =
        ENCODER.encodeToString(Arrays.copyOf(mac('O', new byte[0], 0, NO_CLIENT, realm), 12));
    lastOpaque = new Opaque(realm, value);
    return value;
  }

  /** The client field of the MAC input: the IPv4 address or the IPv6 /64, tagged by family. */
  private static byte[] clientBytes(InetAddress client) {
    if (client == null) {
      return NO_CLIENT;
    }
    byte[] a = client.getAddress();
    byte[] out = new byte[a.length == 4 ? 5 : 9];
    out[0] = (byte) (a.length == 4 ? 4 : 6);
    System.arraycopy(a, 0, out, 1, out.length - 1);
    return out;
  }

  private byte[] mac(char domain, byte[] prefix, int prefixLength, byte[] client, String realm) {
    // doFinal resets the Mac to its keyed initial state, ready for the thread's next call.
    Mac mac = macs.get();
    mac.update((byte) domain);
    mac.update(prefix, 0, prefixLength);
    mac.update(client);
    mac.update(realm.getBytes(StandardCharsets.UTF_8));
    return mac.doFinal();
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is required of every Java runtime (Mac Javadoc).
      throw new IllegalStateException("JDK lacks HmacSHA256", e);
    }
  }
}
