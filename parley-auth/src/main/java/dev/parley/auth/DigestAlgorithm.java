package dev.parley.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;

/**
 * A digest algorithm of the {@code algorithm} auth-param (RFC 7616 §3.3, RFC 8760 §2.2), with its
 * registered name ({@code MD5}, {@code SHA-256}, {@code SHA-512-256}, and each with {@code -sess}).
 *
 * <p>Enum constants are declared from weakest to strongest hash, so {@link #strength()} orders a
 * UAC's preference (RFC 8760 §2.4). Thread-safe.
 */
public enum DigestAlgorithm {
  /** MD5 (RFC 3261 §22.4, RFC 7616 §3.3); the default when {@code algorithm} is absent. */
  MD5("MD5", "MD5", false, 0),
  /** MD5-sess: HA1 is re-hashed with the nonce and cnonce (RFC 7616 §3.4.2). */
  MD5_SESS("MD5-sess", "MD5", true, 0),
  /** SHA-256 (RFC 7616 §3.3, RFC 8760 §2.2). */
  SHA_256("SHA-256", "SHA-256", false, 1),
  /** SHA-256-sess (RFC 7616 §3.4.2). */
  SHA_256_SESS("SHA-256-sess", "SHA-256", true, 1),
  /** SHA-512/256, named "SHA-512-256" on the wire (RFC 7616 §3.3, RFC 8760 §2.2). */
  SHA_512_256("SHA-512-256", "SHA-512/256", false, 2),
  /** SHA-512-256-sess (RFC 7616 §3.4.2). */
  SHA_512_256_SESS("SHA-512-256-sess", "SHA-512/256", true, 2);

  private final String token;
  private final String javaName;
  private final boolean session;
  private final int strength;

  DigestAlgorithm(String token, String javaName, boolean session, int strength) {
    this.token = token;
    this.javaName = javaName;
    this.session = session;
    this.strength = strength;
  }

  /** The name as written in the {@code algorithm} auth-param, such as {@code "SHA-256"}. */
  public String token() {
    return token;
  }

  /** Whether this is a {@code -sess} variant, whose HA1 depends on the nonce and cnonce. */
  public boolean isSession() {
    return session;
  }

  /** The variant without {@code -sess}: the algorithm under which an HA1 is stored. */
  public DigestAlgorithm base() {
    switch (this) {
      case MD5_SESS:
        return MD5;
      case SHA_256_SESS:
        return SHA_256;
      case SHA_512_256_SESS:
        return SHA_512_256;
      default:
        return this;
    }
  }

  /** The relative strength of the hash: 0 for MD5, 1 for SHA-256, 2 for SHA-512-256. */
  public int strength() {
    return strength;
  }

  /** The length of a hash of this algorithm in lower-case hex digits (32 or 64). */
  public int hexLength() {
    return strength == 0 ? 32 : 64;
  }

  /**
   * The algorithm named by an {@code algorithm} auth-param value (case-insensitive; quotes, which
   * some peers add, are ignored); MD5 when {@code token} is null, as RFC 7616 §3.3 says.
   *
   * @return the algorithm, or empty when the name is not one of the six above
   */
  public static Optional<DigestAlgorithm> find(String token) {
    return Optional.ofNullable(named(token));
  }

  /** As {@link #find(String)}, null for a name not known: for the server's check, per request. */
  static DigestAlgorithm named(String token) {
    if (token == null) {
      return MD5;
    }
    String t = token.trim();
    if (t.length() >= 2 && t.charAt(0) == '"' && t.charAt(t.length() - 1) == '"') {
      t = t.substring(1, t.length() - 1).trim();
    }
    for (DigestAlgorithm a : ALL) {
      if (a.token.equalsIgnoreCase(t)) {
        return a;
      }
    }
    return null;
  }

  /** {@link #values()} once (each call of it copies the array). */
  private static final DigestAlgorithm[] ALL = values();

  /**
   * Like {@link #find(String)}, but for a name that must be known.
   *
   * @throws IllegalArgumentException if {@code token} names no supported algorithm
   */
  public static DigestAlgorithm parse(String token) {
    return find(token).orElseThrow(
        () -> new IllegalArgumentException("unknown digest algorithm: " + token));
  }

  /** H(data) (RFC 7616 §3.4.1) of the UTF-8 bytes of {@code data}, in lower-case hex. */
  String hash(String data) {
    return hash(data.getBytes(StandardCharsets.UTF_8));
  }

  /** H(data) of raw bytes (the body for qop=auth-int), in lower-case hex. */
  String hash(byte[] data) {
    Objects.requireNonNull(data, "data");
    return hex(messageDigest().digest(data));
  }

  /** This thread's digest (looking one up in the providers costs more than hashing a line). */
  MessageDigest messageDigest() {
    return DIGESTS[ordinal()].get();
  }

  /** Per constant, a thread's MessageDigest; digest() leaves it reset for the next use. */
  private static final ThreadLocal<MessageDigest>[] DIGESTS = digests();

  @SuppressWarnings("unchecked")
  private static ThreadLocal<MessageDigest>[] digests() {
    DigestAlgorithm[] all = values();
    ThreadLocal<MessageDigest>[] out = new ThreadLocal[all.length];
    for (DigestAlgorithm a : all) {
      String name = a.javaName;
      out[a.ordinal()] = ThreadLocal.withInitial(() -> newDigest(name));
    }
    return out;
  }

  private static MessageDigest newDigest(String javaName) {
    try {
      return MessageDigest.getInstance(javaName);
    } catch (NoSuchAlgorithmException e) {
      // MD5 and SHA-256 are required of every Java runtime; the JDK's SUN provider has SHA-512/256.
      throw new IllegalStateException("JDK lacks MessageDigest " + javaName, e);
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[bytes[i] & 0xF];
    }
    return new String(out);
  }
}
