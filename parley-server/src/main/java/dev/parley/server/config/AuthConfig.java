package dev.parley.server.config;

import dev.parley.auth.DigestAlgorithm;
import dev.parley.auth.DigestConfig;
import dev.parley.server.registrar.UserAgentMatcher;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Digest authentication as the registrar (401) and the proxy (407) use it (the {@code auth.*}
 * keys of {@code docs/server.md}): the algorithms offered and nonce rules, the nonce secret
 * shared by nodes, and the clients offered MD5 only.
 *
 * <p>Immutable and thread-safe.
 */
public final class AuthConfig {
  /**
   * Default clients offered MD5 digest only: {@value}. baresip 1.0 fails a challenge set in which
   * any algorithm is not MD5; SIPp 3.6 and sipsak 0.9.8 answer only the first, and only MD5.
   */
  public static final String DEFAULT_MD5_ONLY_USER_AGENTS = "baresip, SIPp, sipsak";

  private static final AuthConfig DEFAULTS = new Builder().build();

  private final DigestConfig digest;
  private final byte[] secret;
  private final UserAgentMatcher md5OnlyUserAgents;

  private AuthConfig(Builder b) {
    this.digest = b.digest.build();
    this.secret = b.secret == null ? null : b.secret.clone();
    this.md5OnlyUserAgents = b.md5OnlyUserAgents;
  }

  /** The documented defaults. */
  public static AuthConfig defaults() {
    return DEFAULTS;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.digest = digest.toBuilder();
    b.secret = secret;
    b.md5OnlyUserAgents = md5OnlyUserAgents;
    return b;
  }

  /** Digest settings (algorithms offered, nonce lifetime, answers without qop). */
  public DigestConfig digest() {
    return digest;
  }

  /** The nonce secret shared by nodes, or null for a random one per start. */
  public byte[] secret() {
    return secret == null ? null : secret.clone();
  }

  /**
   * The clients, by User-Agent, that the registrar's 401 and the proxy's 407 offer MD5 only
   * (when MD5 is among {@link #digest()}'s algorithms); everyone else gets every configured
   * algorithm. Default {@value #DEFAULT_MD5_ONLY_USER_AGENTS}.
   */
  public UserAgentMatcher md5OnlyUserAgents() {
    return md5OnlyUserAgents;
  }

  @Override
  public String toString() {
    return "AuthConfig[" + digest + ", md5Only=" + md5OnlyUserAgents.entries() + "]";
  }

  /** Builds an {@link AuthConfig}; not thread-safe. Setters check their argument at once. */
  public static final class Builder {
    private DigestConfig.Builder digest = DigestConfig.builder();
    private byte[] secret;
    private UserAgentMatcher md5OnlyUserAgents =
        UserAgentMatcher.parse(DEFAULT_MD5_ONLY_USER_AGENTS);

    private Builder() {}

    /** Digest algorithms offered, most preferred first; default SHA-256, MD5. */
    public Builder algorithms(List<DigestAlgorithm> algorithms) {
      for (DigestAlgorithm a : algorithms) {
        if (a.isSession()) {
          throw new IllegalArgumentException("session algorithms are not offered: " + a.token());
        }
      }
      digest.algorithms(algorithms);
      return this;
    }

    /**
     * Whether a digest answer without qop (RFC 2069 style) is accepted, once per nonce; default
     * {@value DigestConfig#DEFAULT_ACCEPT_MISSING_QOP}: such an answer gets 400. The
     * {@code auth.allow_no_qop} key.
     */
    public Builder allowNoQop(boolean allow) {
      digest.acceptMissingQop(allow);
      return this;
    }

    /** How long a nonce is valid; default 300 s. */
    public Builder nonceLifetime(Duration lifetime) {
      digest.nonceLifetime(lifetime);
      return this;
    }

    /** The nonce secret as hex (at least 16 bytes), shared by nodes; default random per start. */
    public Builder secretHex(String hex) {
      byte[] s;
      try {
        s = HexFormat.of().parseHex(Objects.requireNonNull(hex, "hex"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not hex: " + e.getMessage());
      }
      if (s.length < 16) {
        throw new IllegalArgumentException("secret must be at least 16 bytes, got " + s.length);
      }
      this.secret = s;
      return this;
    }

    /**
     * See {@link AuthConfig#md5OnlyUserAgents()}; default
     * {@value AuthConfig#DEFAULT_MD5_ONLY_USER_AGENTS}, {@link UserAgentMatcher#NONE} to offer
     * every client the same.
     */
    public Builder md5OnlyUserAgents(UserAgentMatcher userAgents) {
      this.md5OnlyUserAgents = Objects.requireNonNull(userAgents, "userAgents");
      return this;
    }

    /** The settings. */
    public AuthConfig build() {
      return new AuthConfig(this);
    }
  }
}
