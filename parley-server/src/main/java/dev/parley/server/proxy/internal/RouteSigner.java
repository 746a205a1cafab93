package dev.parley.server.proxy.internal;

import dev.parley.server.internal.Hosts;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
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
 * {@value #TAG_BYTES} bytes, hex) over the request's Call-ID, the initiator's From tag and the
 * <b>remote target</b> the holder of that Record-Route may send to, keyed with the server's
 * route secret (kept in the store, so it survives restarts, SIGKILL included, and is the same on
 * every node sharing the store). The callee gets it in the request, signed for the caller's
 * Contact; the proxy rewrites it in the 1xx/2xx going back (RFC 3261 §16.7 step 4 lets a proxy
 * rewrite its own Record-Route in a response), signed for the callee's Contact. Both ends copy
 * the Record-Route into their route set (§12.1), so every later request of the dialog carries
 * the value back in its Route, and its Request-URI is the remote target it was signed for: a
 * request from the caller has the signed tag as its From tag, one from the callee as its To
 * tag. A request that looks in-dialog but whose Route has no valid signature for its own
 * Call-ID, tags and Request-URI was not record-routed here, or goes somewhere its dialog never
 * named, and is treated as a new request (challenged, or refused as a relay). So even a party
 * to a dialog set up here (anyone may call a user of the domain) can send requests through the
 * proxy only to the other end of that dialog. Stateless: no table to fill, nothing to lose in a
 * restart.
 *
 * <p>A target is compared by scheme, user, host ({@link Hosts#canonical}) and port (the
 * default port when none is written), not by its parameters, which user agents may reorder.
 *
 * <p>Thread-safe (a {@link Mac} per thread).
 */
final class RouteSigner {
  /** The Record-Route URI parameter that carries the signature. */
  public static final String PARAMETER = "psig";
  /**
   * The Record-Route URI parameter that names the flow (RFC 5626 §5.3's flow token, in the clear
   * and covered by the signature) over which the holder's peer is reached: {@code
   * transport:ip:port} of the connection (or UDP source) the peer's request came on, or its
   * binding was reached over, when its Contact cannot be reached directly ({@code *.invalid}, a
   * NAT, a WebSocket client).
   */
  public static final String FLOW_PARAMETER = "pflow";
  /** Bytes of HMAC kept: {@value} (80 bits: an online forgery needs about 2^79 tries). */
  static final int TAG_BYTES = 10;
  private static final HexFormat HEX = HexFormat.of();

  /** The label of the origination key: HMAC(route secret, {@value}) keys {@code porig}. */
  static final String ORIGINATION_LABEL = "parley-origination";

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;
  private final ThreadLocal<Mac> originationMacs;

  /**
   * @param secret the route secret, at least 16 bytes
   * @throws IllegalArgumentException if {@code secret} is shorter
   */
  RouteSigner(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < 16) {
      throw new IllegalArgumentException("secret must be at least 16 bytes, got " + secret.length);
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    // a key of its own for originations, HKDF-like (the label MACed with the route secret): no
    // MAC of one kind is ever a MAC of the other, whatever the inputs
    SecretKeySpec originationKey = new SecretKeySpec(
        newMac(key).doFinal(ORIGINATION_LABEL.getBytes(StandardCharsets.UTF_8)), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(() -> newMac(key));
    this.originationMacs = ThreadLocal.withInitial(() -> newMac(originationKey));
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  /**
   * The signature for a dialog whose initiator's From tag is {@code fromTag}, for a holder that
   * may send to {@code target} (the other end's Contact), or null when the target is not a SIP
   * URI (then nothing verifies: its requests need credentials).
   */
  public String sign(String callId, String fromTag, Uri target) {
    return sign(callId, fromTag, target, null);
  }

  /**
   * As {@link #sign(String, String, Uri)}, for a holder whose peer is reached over {@code flow}
   * (the {@value #FLOW_PARAMETER} value, or null for none): the signature covers it.
   */
  public String sign(String callId, String fromTag, Uri target, String flow) {
    String t = target(target);
    return t == null ? UNVERIFIABLE : HEX.formatHex(mac(callId, fromTag, withFlow(t, flow)));
  }

  /** The signed target: the target, then the flow when there is one (none: as before flows). */
  private static String withFlow(String target, String flow) {
    return flow == null ? target : target + "\0" + flow;
  }

  /** The Route URI parameter that marks a request the server itself starts (the focus's). */
  public static final String ORIGIN_PARAMETER = "porig";

  /**
   * The signature of a request the server itself starts (a dial-out of the conference focus),
   * for its Call-ID, From tag and Request-URI: a Route bearing it lets the request through the
   * proxy without credentials. Keyed apart from the dialog signatures (with HMAC(route secret,
   * {@value #ORIGINATION_LABEL})), so a party to a record-routed dialog cannot pass its Route
   * off as one, whatever Call-ID it picks.
   */
  public String signOrigination(String callId, String fromTag, Uri target) {
    String t = target(target);
    return t == null ? UNVERIFIABLE
        : HEX.formatHex(mac(originationMacs.get(), callId, fromTag, t));
  }

  /** Whether {@code signature} is {@link #signOrigination}'s for these. */
  public boolean verifyOrigination(String signature, String callId, String fromTag, Uri target) {
    if (signature == null || signature.length() != 2 * TAG_BYTES || fromTag == null) {
      return false;
    }
    byte[] given;
    try {
      given = HEX.parseHex(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    String t = target(target);
    return t != null
        && MessageDigest.isEqual(given, mac(originationMacs.get(), callId, fromTag, t));
  }

  /** A value no request verifies against (a dialog whose Contact is not a SIP URI). */
  static final String UNVERIFIABLE = "0";

  /**
   * Whether {@code signature} (the {@value #PARAMETER} of our Route, or null) was made for this
   * request's dialog and destination: for {@code callId} with the From tag (a request from the
   * dialog's initiator) or the To tag (one from the other end), and {@code target} (its remote
   * target: the Request-URI, or the last Route after a strict router).
   */
  public boolean verify(String signature, String callId, String fromTag, String toTag,
      Uri target) {
    return verify(signature, callId, fromTag, toTag, target, null);
  }

  /** As {@link #verify(String, String, String, String, Uri)} for a Route naming {@code flow}. */
  public boolean verify(String signature, String callId, String fromTag, String toTag,
      Uri target, String flow) {
    if (signature == null || signature.length() != 2 * TAG_BYTES) {
      return false;
    }
    byte[] given;
    try {
      given = HEX.parseHex(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    String t = target(target);
    if (t == null) {
      return false;
    }
    t = withFlow(t, flow);
    return (fromTag != null && MessageDigest.isEqual(given, mac(callId, fromTag, t)))
        || (toTag != null && MessageDigest.isEqual(given, mac(callId, toTag, t)));
  }

  /**
   * The parts of a remote target that decide where a request goes: scheme, user, canonical host,
   * effective port; null for a URI that is not {@code sip:}/{@code sips:}.
   */
  static String target(Uri uri) {
    if (!(uri instanceof SipUri u)) {
      return null;
    }
    int port = u.port();
    if (port < 0) {
      port = u.isSecure() || "tls".equalsIgnoreCase(u.transport()) ? 5061 : 5060;
    }
    String user = u.userDecoded();
    return (u.isSecure() ? "sips:" : "sip:") + (user == null ? "" : user) + "@"
        + Hosts.canonical(u.host()) + ":" + port;
  }

  private byte[] mac(String callId, String tag, String target) {
    return mac(macs.get(), callId, tag, target);
  }

  private static byte[] mac(Mac mac, String callId, String tag, String target) {
    mac.update(callId.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    // tags are compared ignoring case (RFC 3261 §7.3.1: parameter values): a UA may echo them so
    mac.update((tag == null ? "" : tag.toLowerCase(java.util.Locale.ROOT))
        .getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    byte[] full = mac.doFinal(target.getBytes(StandardCharsets.UTF_8));
    byte[] out = new byte[TAG_BYTES];
    System.arraycopy(full, 0, out, 0, TAG_BYTES);
    return out;
  }
}
