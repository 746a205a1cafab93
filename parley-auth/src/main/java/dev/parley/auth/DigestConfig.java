package dev.parley.auth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The limits and choices of a {@link DigestAuthenticator}, with named defaults, checked when
 * built. Immutable and thread-safe.
 */
public final class DigestConfig {
  /** How long a nonce stays valid by default, in seconds: {@value}. */
  public static final long DEFAULT_NONCE_LIFETIME_SECONDS = 300;
  /** How many nonces the replay protection tracks by default: {@value}. */
  public static final int DEFAULT_MAX_TRACKED_NONCES = 100_000;
  /** The smallest number of tracked nonces accepted: {@value}. */
  public static final int MIN_TRACKED_NONCES = 16;
  /** The longest nonce lifetime accepted, in seconds (one day): {@value}. */
  public static final long MAX_NONCE_LIFETIME_SECONDS = 86_400;
  /** The algorithms offered by default, most preferred first: SHA-256 then MD5 (RFC 8760 §2.3). */
  public static final List<DigestAlgorithm> DEFAULT_ALGORITHMS =
      List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);
  /**
   * Whether credentials without qop (RFC 2069 style) are accepted by default: {@value}. Without
   * qop the client adds no cnonce of its own, so a captured exchange is an offline dictionary
   * attack on a chosen nonce; every challenge offers {@code qop="auth"}, and clients of this
   * century answer with it.
   */
  public static final boolean DEFAULT_ACCEPT_MISSING_QOP = false;

  /** The defaults. */
  public static final DigestConfig DEFAULT = builder().build();

  private final Duration nonceLifetime;
  private final int maxTrackedNonces;
  private final List<DigestAlgorithm> algorithms;
  private final boolean acceptMissingQop;

  private DigestConfig(Builder b) {
    this.nonceLifetime = b.nonceLifetime;
    this.maxTrackedNonces = b.maxTrackedNonces;
    this.algorithms = List.copyOf(b.algorithms);
    this.acceptMissingQop = b.acceptMissingQop;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.nonceLifetime = nonceLifetime;
    b.maxTrackedNonces = maxTrackedNonces;
    b.algorithms = new ArrayList<>(algorithms);
    b.acceptMissingQop = acceptMissingQop;
    return b;
  }

  /** How long after issue a nonce is accepted; after that a correct answer is STALE. */
  public Duration nonceLifetime() {
    return nonceLifetime;
  }

  /** How many nonces the replay protection remembers at most. */
  public int maxTrackedNonces() {
    return maxTrackedNonces;
  }

  /** The algorithms offered, one challenge each, most preferred first; only these are accepted. */
  public List<DigestAlgorithm> algorithms() {
    return algorithms;
  }

  /**
   * Whether credentials without qop are accepted (RFC 3261 §22.4 keeps RFC 2069 compatibility);
   * such a nonce may then be used once only. Default {@value #DEFAULT_ACCEPT_MISSING_QOP}: an
   * answer without qop is {@link AuthResult.Status#MALFORMED}.
   */
  public boolean acceptMissingQop() {
    return acceptMissingQop;
  }

  @Override
  public String toString() {
    return "DigestConfig{nonceLifetime=" + nonceLifetime + ", maxTrackedNonces=" + maxTrackedNonces
        + ", algorithms=" + algorithms + ", acceptMissingQop=" + acceptMissingQop + "}";
  }

  /** Builds a {@link DigestConfig}; not thread-safe. */
  public static final class Builder {
    private Duration nonceLifetime = Duration.ofSeconds(DEFAULT_NONCE_LIFETIME_SECONDS);
    private int maxTrackedNonces = DEFAULT_MAX_TRACKED_NONCES;
    private List<DigestAlgorithm> algorithms = new ArrayList<>(DEFAULT_ALGORITHMS);
    private boolean acceptMissingQop = DEFAULT_ACCEPT_MISSING_QOP;

    private Builder() {}

    /** See {@link DigestConfig#nonceLifetime()}; checked by {@link #build()}. */
    public Builder nonceLifetime(Duration nonceLifetime) {
      this.nonceLifetime = Objects.requireNonNull(nonceLifetime, "nonceLifetime");
      return this;
    }

    /** See {@link DigestConfig#maxTrackedNonces()}; checked by {@link #build()}. */
    public Builder maxTrackedNonces(int maxTrackedNonces) {
      this.maxTrackedNonces = maxTrackedNonces;
      return this;
    }

    /** See {@link DigestConfig#algorithms()}; checked by {@link #build()}. */
    public Builder algorithms(List<DigestAlgorithm> algorithms) {
      this.algorithms = new ArrayList<>(Objects.requireNonNull(algorithms, "algorithms"));
      return this;
    }

    /** See {@link DigestConfig#acceptMissingQop()}. */
    public Builder acceptMissingQop(boolean acceptMissingQop) {
      this.acceptMissingQop = acceptMissingQop;
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException if the lifetime is not within 1 s..1 day, fewer than
     *     {@link #MIN_TRACKED_NONCES} nonces are tracked, or the algorithms are empty, hold null
     *     or a duplicate
     */
    public DigestConfig build() {
      if (nonceLifetime.compareTo(Duration.ofSeconds(1)) < 0
          || nonceLifetime.compareTo(Duration.ofSeconds(MAX_NONCE_LIFETIME_SECONDS)) > 0) {
        throw new IllegalArgumentException("nonceLifetime out of range 1s..1d: " + nonceLifetime);
      }
      if (maxTrackedNonces < MIN_TRACKED_NONCES) {
        throw new IllegalArgumentException("maxTrackedNonces below " + MIN_TRACKED_NONCES + ": "
            + maxTrackedNonces);
      }
      if (algorithms.isEmpty()) {
        throw new IllegalArgumentException("algorithms is empty");
      }
      Set<DigestAlgorithm> seen = EnumSet.noneOf(DigestAlgorithm.class);
      for (DigestAlgorithm a : algorithms) {
        if (a == null) {
          throw new IllegalArgumentException("algorithms holds null");
        }
        if (!seen.add(a)) {
          throw new IllegalArgumentException("algorithms holds " + a.token() + " twice");
        }
      }
      return new DigestConfig(this);
    }
  }
}
