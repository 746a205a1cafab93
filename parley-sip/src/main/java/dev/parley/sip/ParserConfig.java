package dev.parley.sip;

/**
 * Limits a {@link SipParser} enforces on what the network sends. Every limit has a name, a
 * default and a check in {@link Builder#build()}.
 *
 * <p>A message beyond a limit is refused with {@link SipParseException} and status 513 Message Too
 * Large (RFC 3261 §21.5.14). Immutable and thread-safe.
 */
public final class ParserConfig {
  /** Default {@link #maxMessageSize()}: {@value} bytes (UDP's ceiling is 65,535; streams may carry more). */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024;
  /** Default {@link #maxHeaderSectionSize()}: {@value} bytes. */
  public static final int DEFAULT_MAX_HEADER_SECTION_SIZE = 64 * 1024;
  /** Default {@link #maxHeaderCount()}: {@value} fields. */
  public static final int DEFAULT_MAX_HEADER_COUNT = 256;
  /** Default {@link #maxLineLength()}: {@value} characters. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 16 * 1024;

  /** The defaults. */
  public static final ParserConfig DEFAULT = builder().build();

  private final int maxMessageSize;
  private final int maxHeaderSectionSize;
  private final int maxHeaderCount;
  private final int maxLineLength;

  private ParserConfig(Builder b) {
    this.maxMessageSize = b.maxMessageSize;
    this.maxHeaderSectionSize = b.maxHeaderSectionSize;
    this.maxHeaderCount = b.maxHeaderCount;
    this.maxLineLength = b.maxLineLength;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Largest whole message (start line, headers and body) in bytes. */
  public int maxMessageSize() {
    return maxMessageSize;
  }

  /** Largest start line plus header fields in bytes. */
  public int maxHeaderSectionSize() {
    return maxHeaderSectionSize;
  }

  /** Most header fields in one message. */
  public int maxHeaderCount() {
    return maxHeaderCount;
  }

  /** Longest single line (start line or one physical header line). */
  public int maxLineLength() {
    return maxLineLength;
  }

  /** Builds a {@link ParserConfig}; not thread-safe. */
  public static final class Builder {
    private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
    private int maxHeaderSectionSize = DEFAULT_MAX_HEADER_SECTION_SIZE;
    private int maxHeaderCount = DEFAULT_MAX_HEADER_COUNT;
    private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;

    private Builder() {}

    public Builder maxMessageSize(int bytes) {
      this.maxMessageSize = bytes;
      return this;
    }

    public Builder maxHeaderSectionSize(int bytes) {
      this.maxHeaderSectionSize = bytes;
      return this;
    }

    public Builder maxHeaderCount(int count) {
      this.maxHeaderCount = count;
      return this;
    }

    public Builder maxLineLength(int chars) {
      this.maxLineLength = chars;
      return this;
    }

    /**
     * The config.
     *
     * @throws IllegalArgumentException naming the first limit that is out of range
     */
    public ParserConfig build() {
      check("maxMessageSize", maxMessageSize, 64);
      check("maxHeaderSectionSize", maxHeaderSectionSize, 64);
      check("maxHeaderCount", maxHeaderCount, 1);
      check("maxLineLength", maxLineLength, 32);
      if (maxHeaderSectionSize > maxMessageSize) {
        throw new IllegalArgumentException("maxHeaderSectionSize " + maxHeaderSectionSize
            + " exceeds maxMessageSize " + maxMessageSize);
      }
      return new ParserConfig(this);
    }

    private static void check(String name, int value, int min) {
      if (value < min) {
        throw new IllegalArgumentException(name + " out of range (at least " + min + "): " + value);
      }
    }
  }
}
