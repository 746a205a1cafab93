package dev.parley.sdp;

/**
 * The one documented failure of {@link SdpParser}: the text is not a session description that the
 * parser's {@link SdpPolicy} and {@link SdpLimits} accept.
 *
 * <p>It carries where the problem is ({@link #line()} and {@link #column()}, both 1-based, counted
 * in the text handed to the parser; a problem with the body as a whole, such as its size, is
 * reported at 1:1), a {@link #reason()} a person can act on, and, when the problem is a departure
 * from RFC 8866 that a more lenient policy would repair, that {@link #violation()}. No other
 * exception escapes the parser, whatever the bytes.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SdpParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String reason;
  private final int line;
  private final int column;
  private final SdpViolation violation;

  /**
   * Creates an error.
   *
   * @param reason what is wrong, in words a person can act on
   * @param line 1-based line
   * @param column 1-based column
   * @param violation the refused violation, or {@code null} when no policy would accept the text
   * @throws IllegalArgumentException if {@code reason} is null or a position is below 1
   */
  public SdpParseException(String reason, int line, int column, SdpViolation violation) {
    super(format(reason, line, column, violation));
    if (reason == null) {
      throw new IllegalArgumentException("reason is null");
    }
    if (line < 1) {
      throw new IllegalArgumentException("line out of range: " + line);
    }
    if (column < 1) {
      throw new IllegalArgumentException("column out of range: " + column);
    }
    this.reason = reason;
    this.line = line;
    this.column = column;
    this.violation = violation;
  }

  /** Creates an error that no policy would accept. */
  public SdpParseException(String reason, int line, int column) {
    this(reason, line, column, null);
  }

  /** What is wrong, without the position. */
  public String reason() {
    return reason;
  }

  /** The 1-based line of the problem. */
  public int line() {
    return line;
  }

  /** The 1-based column of the problem. */
  public int column() {
    return column;
  }

  /** The violation the policy refused, or {@code null} if the text is beyond repair. */
  public SdpViolation violation() {
    return violation;
  }

  private static String format(String reason, int line, int column, SdpViolation violation) {
    String where = reason + " at " + line + ":" + column;
    return violation == null
        ? where
        : where + " (" + violation + ", " + violation.reference() + "; refused by the policy)";
  }
}
