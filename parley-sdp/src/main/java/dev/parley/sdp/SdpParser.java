package dev.parley.sdp;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads session descriptions (RFC 8866 §5, §9) from text or UTF-8 bytes, under an {@link
 * SdpPolicy} and {@link SdpLimits}.
 *
 * <p>Lines may end with CRLF or a bare LF. Fields must come in RFC 8866 §5 order unless the policy
 * tolerates {@link SdpViolation#FIELD_OUT_OF_ORDER}. {@link #DEFAULT} is {@link SdpPolicy#LENIENT}
 * with {@link SdpLimits#DEFAULT}, because real peers and the RFC examples send the quirks that
 * policy repairs (see {@code docs/sdp.md}).
 *
 * <p>Immutable and thread-safe. The only exception {@code parse} throws for any input is {@link
 * SdpParseException} (a null argument aside, which is a {@link NullPointerException}).
 */
public final class SdpParser {
  /** A lenient parser with the default limits. */
  public static final SdpParser DEFAULT = builder().build();

  /** A strict parser with the default limits. */
  public static final SdpParser STRICT = builder().policy(SdpPolicy.STRICT).build();

  private final SdpPolicy policy;
  private final SdpLimits limits;

  private SdpParser(Builder b) {
    this.policy = b.policy;
    this.limits = b.limits;
  }

  /** A builder: lenient policy, default limits. */
  public static Builder builder() {
    return new Builder();
  }

  /** The policy. */
  public SdpPolicy policy() {
    return policy;
  }

  /** The limits. */
  public SdpLimits limits() {
    return limits;
  }

  /**
   * Parses a session description.
   *
   * @throws SdpParseException if {@code text} is not a description this parser accepts
   */
  public SessionDescription parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.length() > limits.maxBodySize()) {
      throw new SdpParseException("body of " + text.length() + " characters exceeds maxBodySize "
          + limits.maxBodySize(), 1, 1);
    }
    return new DescriptionParser(text, policy, limits).parse();
  }

  /**
   * Parses a UTF-8 session description; malformed UTF-8 sequences become U+FFFD.
   *
   * @throws SdpParseException if {@code bytes} are not a description this parser accepts
   */
  public SessionDescription parse(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return parse(bytes, 0, bytes.length);
  }

  /**
   * Parses {@code length} UTF-8 bytes of {@code bytes} from {@code offset}.
   *
   * @throws SdpParseException if the bytes are not a description this parser accepts
   * @throws IndexOutOfBoundsException if the range is outside {@code bytes}
   */
  public SessionDescription parse(byte[] bytes, int offset, int length) {
    Objects.requireNonNull(bytes, "bytes");
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (length > limits.maxBodySize()) {
      throw new SdpParseException(
          "body of " + length + " bytes exceeds maxBodySize " + limits.maxBodySize(), 1, 1);
    }
    return new DescriptionParser(new String(bytes, offset, length, StandardCharsets.UTF_8),
        policy, limits).parse();
  }

  @Override
  public String toString() {
    return "SdpParser{policy=" + policy + ", limits=" + limits + "}";
  }

  /** Builds an {@link SdpParser}. Not thread-safe. */
  public static final class Builder {
    private SdpPolicy policy = SdpPolicy.LENIENT;
    private SdpLimits limits = SdpLimits.DEFAULT;

    private Builder() {}

    /** Sets the policy (default {@link SdpPolicy#LENIENT}). */
    public Builder policy(SdpPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Sets the limits (default {@link SdpLimits#DEFAULT}). */
    public Builder limits(SdpLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** Builds the parser. */
    public SdpParser build() {
      return new SdpParser(this);
    }
  }
}
