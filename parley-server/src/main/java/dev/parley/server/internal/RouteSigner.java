package dev.parley.server.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs the proxy's Record-Route URIs so that only dialogs this proxy set up can send in-dialog
 * requests through it without credentials ({@code docs/security.md}, "Open relay").
 *
 * <p>When the proxy record-routes a dialog-creating request it adds the parameter
 * {@value #PARAMETER} to its Record-Route URI: an HMAC-SHA256 (truncated to
 * {@value #TAG_BYTES} bytes, hex) over the request's Call-ID and From tag, keyed with the
 * server's route secret (kept in the store, so it survives restarts, SIGKILL included, and is
 * the same on every node sharing the store). Both ends copy the Record-Route into their route
 * set (RFC 3261 §12.1), so every later request of the dialog carries the value back in its
 * Route: a request from the caller has the signed tag as its From tag, one from the callee as
 * its To tag. A request that looks in-dialog but whose Route has no valid signature for its own
 * Call-ID and tags was not record-routed here and is treated as a new request (challenged, or
 * refused as a relay). Stateless: no table to fill, nothing to lose in a restart.
 *
 * <p>Thread-safe (a {@link Mac} per thread).
 */
public final class RouteSigner {
  /** The Record-Route URI parameter that carries the signature. */
  public static final String PARAMETER = "psig";
  /** Bytes of HMAC kept: {@value} (80 bits: an online forgery needs about 2^79 tries). */
  static final int TAG_BYTES = 10;
  private static final HexFormat HEX = HexFormat.of();

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  /**
   * @param secret the route secret, at least 16 bytes
   * @throws IllegalArgumentException if {@code secret} is shorter
   */
  public RouteSigner(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < 16) {
      throw new IllegalArgumentException("secret must be at least 16 bytes, got " + secret.length);
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  /** The signature for a dialog whose initiator's From tag is {@code fromTag}. */
  public String sign(String callId, String fromTag) {
    return HEX.formatHex(mac(callId, fromTag));
  }

  /**
   * Whether {@code signature} (the {@value #PARAMETER} of our Route, or null) was made for this
   * request's dialog: for {@code callId} with the From tag (a request from the dialog's
   * initiator) or the To tag (one from the other end).
   */
  public boolean verify(String signature, String callId, String fromTag, String toTag) {
    if (signature == null || signature.length() != 2 * TAG_BYTES) {
      return false;
    }
    byte[] given;
    try {
      given = HEX.parseHex(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return (fromTag != null && MessageDigest.isEqual(given, mac(callId, fromTag)))
        || (toTag != null && MessageDigest.isEqual(given, mac(callId, toTag)));
  }

  private byte[] mac(String callId, String tag) {
    Mac mac = macs.get();
    mac.update(callId.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    byte[] full = mac.doFinal((tag == null ? "" : tag).getBytes(StandardCharsets.UTF_8));
    byte[] out = new byte[TAG_BYTES];
    System.arraycopy(full, 0, out, 0, TAG_BYTES);
    return out;
  }
}
