package dev.parley.sdp;

/**
 * The limits {@link SdpParser} enforces on a body, so that a peer cannot make it allocate without
 * bound. Exceeding one is an {@link SdpParseException} naming the limit.
 *
 * <p>Build with {@link #builder()}; every limit has a named default and is checked (at least 1)
 * when built. Immutable and thread-safe.
 */
public final class SdpLimits {
  /** Default of {@link #maxBodySize()}: {@value} (bytes, or characters for a String). */
  public static final int DEFAULT_MAX_BODY_SIZE = 65_536;
  /** Default of {@link #maxLineLength()}: {@value} characters, line end excluded. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 4_096;
  /** Default of {@link #maxLines()}: {@value}. */
  public static final int DEFAULT_MAX_LINES = 2_048;
  /** Default of {@link #maxMediaDescriptions()}: {@value}. */
  public static final int DEFAULT_MAX_MEDIA_DESCRIPTIONS = 64;
  /** Default of {@link #maxAttributes()}: {@value}, session and media levels together. */
  public static final int DEFAULT_MAX_ATTRIBUTES = 1_024;

  /** The defaults. */
  public static final SdpLimits DEFAULT = builder().build();

  private final int maxBodySize;
  private final int maxLineLength;
  private final int maxLines;
  private final int maxMediaDescriptions;
  private final int maxAttributes;

  private SdpLimits(Builder b) {
    this.maxBodySize = b.maxBodySize;
    this.maxLineLength = b.maxLineLength;
    this.maxLines = b.maxLines;
    this.maxMediaDescriptions = b.maxMediaDescriptions;
    this.maxAttributes = b.maxAttributes;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these limits. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxBodySize = maxBodySize;
    b.maxLineLength = maxLineLength;
    b.maxLines = maxLines;
    b.maxMediaDescriptions = maxMediaDescriptions;
    b.maxAttributes = maxAttributes;
    return b;
  }

  /** The largest body accepted: bytes for {@code parse(byte[])}, characters for {@code parse(String)}. */
  public int maxBodySize() {
    return maxBodySize;
  }

  /** The longest line accepted, in characters, without its line end. */
  public int maxLineLength() {
    return maxLineLength;
  }

  /** The most lines accepted, empty ones included. */
  public int maxLines() {
    return maxLines;
  }

  /** The most {@code m=} sections accepted. */
  public int maxMediaDescriptions() {
    return maxMediaDescriptions;
  }

  /** The most {@code a=} lines accepted, all levels together. */
  public int maxAttributes() {
    return maxAttributes;
  }

  @Override
  public String toString() {
    return "SdpLimits{maxBodySize=" + maxBodySize + ", maxLineLength=" + maxLineLength
        + ", maxLines=" + maxLines + ", maxMediaDescriptions=" + maxMediaDescriptions
        + ", maxAttributes=" + maxAttributes + "}";
  }

  /** Builds {@link SdpLimits}. Not thread-safe. */
  public static final class Builder {
    private int maxBodySize = DEFAULT_MAX_BODY_SIZE;
    private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
    private int maxLines = DEFAULT_MAX_LINES;
    private int maxMediaDescriptions = DEFAULT_MAX_MEDIA_DESCRIPTIONS;
    private int maxAttributes = DEFAULT_MAX_ATTRIBUTES;

    private Builder() {}

    /** Sets {@link SdpLimits#maxBodySize()}. */
    public Builder maxBodySize(int value) {
      this.maxBodySize = value;
      return this;
    }

    /** Sets {@link SdpLimits#maxLineLength()}. */
    public Builder maxLineLength(int value) {
      this.maxLineLength = value;
      return this;
    }

    /** Sets {@link SdpLimits#maxLines()}. */
    public Builder maxLines(int value) {
      this.maxLines = value;
      return this;
    }

    /** Sets {@link SdpLimits#maxMediaDescriptions()}. */
    public Builder maxMediaDescriptions(int value) {
      this.maxMediaDescriptions = value;
      return this;
    }

    /** Sets {@link SdpLimits#maxAttributes()}. */
    public Builder maxAttributes(int value) {
      this.maxAttributes = value;
      return this;
    }

    /**
     * Builds the limits.
     *
     * @throws IllegalArgumentException if a limit is below 1
     */
    public SdpLimits build() {
      check("maxBodySize", maxBodySize);
      check("maxLineLength", maxLineLength);
      check("maxLines", maxLines);
      check("maxMediaDescriptions", maxMediaDescriptions);
      check("maxAttributes", maxAttributes);
      return new SdpLimits(this);
    }

    private static void check(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1: " + value);
      }
    }
  }
}
