package dev.parley.auth.internal;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
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
    Scratch t = scratch.get();
    byte[] out = t.raw;
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (issuedAt >>> (56 - 8 * i));
    }
    System.arraycopy(random, 0, out, 8, RANDOM_BYTES);
    nonceMac(t, client, realm);
    System.arraycopy(t.mac, 0, out, 8 + RANDOM_BYTES, MAC_BYTES);
    return encode(out, t.text);
  }

  /**
   * The issue time of {@code nonce}, or {@link #INVALID} if it was not issued here for
   * {@code realm} and {@code client} (null: a nonce issued to anyone).
   */
  public long issuedAt(String nonce, String realm, InetAddress client) {
    if (nonce.length() != NONCE_CHARS) {
      return INVALID;
    }
    Scratch t = scratch.get();
    byte[] raw = t.raw;
    if (!decode(nonce, raw)) {
      return INVALID;
    }
    nonceMac(t, client, realm);
    int diff = 0; // constant time, as MessageDigest.isEqual
    for (int i = 0; i < MAC_BYTES; i++) {
      diff |= t.mac[i] ^ raw[8 + RANDOM_BYTES + i];
    }
    if (diff != 0) {
      return INVALID;
    }
    long issuedAt = 0;
    for (int i = 0; i < 8; i++) {
      issuedAt = issuedAt << 8 | (raw[i] & 0xFF);
    }
    return issuedAt;
  }

  /**
   * HMAC-SHA256(secret, "N" || t.raw[0, 20) || client || realm) into {@code t.mac}: the MAC of a
   * nonce whose issue time and random bytes are in {@code t.raw}, fed the bytes
   * {@link #mac} would be given, without an array for them.
   */
  private void nonceMac(Scratch t, InetAddress client, String realm) {
    Mac mac = macs.get();
    mac.update((byte) 'N');
    mac.update(t.raw, 0, 8 + RANDOM_BYTES);
    if (client == null) {
      mac.update(NO_CLIENT);
    } else { // 0x04 IPv4-address(4) | 0x06 IPv6-/64-prefix(8): the class comment's client
      byte[] a = client.getAddress();
      mac.update((byte) (a.length == 4 ? 4 : 6));
      mac.update(a, 0, a.length == 4 ? 4 : 8);
    }
    mac.update(realmBytes(realm));
    try {
      mac.doFinal(t.mac, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 output does not fit 32 bytes", e);
    }
  }

  /** The UTF-8 bytes of {@code realm}, kept for the last realm (one per server, in practice). */
  private byte[] realmBytes(String realm) {
    RealmBytes last = lastRealm;
    if (last != null && last.realm().equals(realm)) {
      return last.bytes();
    }
    byte[] bytes = realm.getBytes(StandardCharsets.UTF_8);
    lastRealm = new RealmBytes(realm, bytes);
    return bytes;
  }

  private record RealmBytes(String realm, byte[] bytes) {}

  private volatile RealmBytes lastRealm;

  /** This thread's buffers for {@link #mint} and {@link #issuedAt}: nothing allocated but the nonce. */
  private static final class Scratch {
    final byte[] raw = new byte[NONCE_BYTES];
    final byte[] mac = new byte[32];
    final byte[] text = new byte[NONCE_CHARS];
  }

  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
          .getBytes(StandardCharsets.US_ASCII);

  /** base64url without padding of the {@value #NONCE_BYTES} bytes (as {@code ENCODER} gives). */
  @SuppressWarnings("deprecation")
  private static String encode(byte[] raw, byte[] text) {
    int o = 0;
    for (int i = 0; i < NONCE_BYTES; i += 3) {
      int bits = (raw[i] & 0xFF) << 16 | (raw[i + 1] & 0xFF) << 8 | (raw[i + 2] & 0xFF);
      text[o++] = ALPHABET[bits >>> 18];
      text[o++] = ALPHABET[(bits >>> 12) & 0x3F];
      text[o++] = ALPHABET[(bits >>> 6) & 0x3F];
      text[o++] = ALPHABET[bits & 0x3F];
    }
    return new String(text, 0, 0, NONCE_CHARS); // ASCII: the plain copy
  }

  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  /** The base64url alphabet's values, -1 for any other character. */
  private static final byte[] BASE64URL = new byte[128];

  static {
    Arrays.fill(BASE64URL, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      BASE64URL[ALPHABET[i]] = (byte) i;
    }
  }

  /**
   * The {@value #NONCE_BYTES} bytes of a {@value #NONCE_CHARS}-character base64url nonce (no
   * padding: 36 bytes are 48 characters exactly) into {@code out}; false if a character is not of
   * the alphabet (what {@code Base64.getUrlDecoder()} refuses).
   */
  private static boolean decode(String nonce, byte[] out) {
    int o = 0;
    for (int i = 0; i < NONCE_CHARS; i += 4) {
      int bits = 0;
      for (int k = 0; k < 4; k++) {
        char c = nonce.charAt(i + k);
        int v = c < 128 ? BASE64URL[c] : -1;
        if (v < 0) {
          return false;
        }
        bits = bits << 6 | v;
      }
      out[o++] = (byte) (bits >> 16);
      out[o++] = (byte) (bits >> 8);
      out[o++] = (byte) bits;
    }
    return true;
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
