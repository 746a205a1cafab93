package dev.parley.auth;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;

/**
 * The server's side of {@link Digest#response}: whether a request-digest is the one expected,
 * computed into this thread's buffers instead of through Strings (no concatenated A1, A2 or KD
 * input, no hex String per hash), with the same inputs, the same UTF-8 bytes and the same
 * constant-time comparison of lower-case hex. {@code DigestCheckTest} checks it against
 * {@link Digest#response} on the RFC vectors and generated inputs.
 *
 * <p>Thread-safe: each thread has its own buffers (and {@link DigestAlgorithm} its own
 * {@link MessageDigest}).
 */
final class DigestCheck {
  /** 64 hex digits: the longest hash (SHA-256, SHA-512/256) in hex. */
  private static final int MAX_HEX = 64;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final ThreadLocal<DigestCheck> LOCAL = ThreadLocal.withInitial(DigestCheck::new);

  private final byte[] raw = new byte[MAX_HEX / 2];
  private final byte[] ha1 = new byte[MAX_HEX];
  private final byte[] ha2 = new byte[MAX_HEX];
  private final byte[] bodyHash = new byte[MAX_HEX];
  private final byte[] expected = new byte[MAX_HEX];
  private final byte[] given = new byte[MAX_HEX];
  /** ASCII text on its way to the digest. */
  private byte[] text = new byte[256];

  private DigestCheck() {}

  /**
   * Whether {@code response} (hex of the algorithm's length, either case) equals
   * {@link Digest#response} of the other arguments, compared in constant time.
   *
   * @param storedHa1 H(username:realm:password) under {@code algorithm.base()}: hex of
   *     {@code algorithm.hexLength()} digits, either case
   */
  static boolean matches(DigestAlgorithm algorithm, String storedHa1, String nonce, String nc,
      String cnonce, String qop, String method, String uri, byte[] body, String response) {
    return LOCAL.get().check(algorithm, storedHa1, nonce, nc, cnonce, qop, method, uri, body,
        response);
  }

  private boolean check(DigestAlgorithm algorithm, String storedHa1, String nonce, String nc,
      String cnonce, String qop, String method, String uri, byte[] body, String response) {
    MessageDigest md = algorithm.messageDigest();
    int n = algorithm.hexLength();
    if (response.length() != n) {
      return false;
    }
    for (int i = 0; i < n; i++) { // the stored HA1 is hex of this length (checked by the caller)
      int c = storedHa1.charAt(i);
      ha1[i] = (byte) (c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    if (algorithm.isSession()) {
      md.update(ha1, 0, n);
      colon(md);
      update(md, nonce);
      colon(md);
      update(md, cnonce);
      finish(md, ha1);
    }
    boolean authInt = Digest.AUTH_INT.equalsIgnoreCase(qop);
    if (authInt) {
      md.update(body == null ? new byte[0] : body);
      finish(md, bodyHash);
    }
    update(md, method);
    colon(md);
    update(md, uri);
    if (authInt) {
      colon(md);
      md.update(bodyHash, 0, n);
    }
    finish(md, ha2);
    md.update(ha1, 0, n);
    colon(md);
    update(md, nonce);
    colon(md);
    if (qop != null) {
      update(md, nc);
      colon(md);
      update(md, cnonce);
      colon(md);
      update(md, qop);
      colon(md);
    }
    md.update(ha2, 0, n);
    finish(md, expected);
    for (int i = 0; i < n; i++) {
      int c = response.charAt(i);
      given[i] = (byte) (c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    int diff = 0;
    for (int i = 0; i < n; i++) {
      diff |= expected[i] ^ given[i];
    }
    return diff == 0;
  }

  /** The digest so far, in lower-case hex, into {@code out}; resets {@code md}. */
  private void finish(MessageDigest md, byte[] out) {
    int len;
    try {
      len = md.digest(raw, 0, raw.length);
    } catch (DigestException e) {
      throw new IllegalStateException("digest longer than 32 bytes", e);
    }
    for (int i = 0; i < len; i++) {
      out[2 * i] = HEX[(raw[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[raw[i] & 0xF];
    }
  }

  private static void colon(MessageDigest md) {
    md.update((byte) ':');
  }

  /** The UTF-8 bytes of {@code s} (as {@link DigestAlgorithm#hash(String)} hashes them). */
  private void update(MessageDigest md, String s) {
    byte[] b = text(s);
    if (b == null) {
      md.update(s.getBytes(StandardCharsets.UTF_8));
    } else {
      md.update(b, 0, s.length());
    }
  }

  /** {@code s} in this thread's text buffer when it is ASCII, else null. */
  private byte[] text(String s) {
    int len = s.length();
    if (len > text.length) {
      text = new byte[Math.max(len, 2 * text.length)];
    }
    byte[] b = text;
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return null;
      }
      b[i] = (byte) c;
    }
    return b;
  }
}
