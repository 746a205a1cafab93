package dev.parley.sip;

/**
 * The one documented failure of Parley's SIP parsers: the input is not a SIP message, header value
 * or URI that the active {@link CompliancePolicy} accepts.
 *
 * <p>It carries where the problem is ({@link #line()} and {@link #column()}, both 1-based, counted
 * in the text handed to the parser), a {@link #reason()} a person can act on, and the status code a
 * server should answer with ({@link #statusCode()}: 400 Bad Request, 505 Version Not Supported,
 * 413 Request Entity Too Large, ...). No other exception escapes a parser, whatever the bytes.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SipParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Status code for a request that is malformed: RFC 3261 §21.4.1. */
  public static final int BAD_REQUEST = 400;

  private final String reason;
  private final int line;
  private final int column;
  private final int statusCode;

  /**
   * Creates an error.
   *
   * @param reason what is wrong, in words a person can act on
   * @param line 1-based line, or 0 when unknown
   * @param column 1-based column, or 0 when unknown
   * @param statusCode the status a server should answer with (400..699)
   */
  public SipParseException(String reason, int line, int column, int statusCode) {
    super(format(reason, line, column));
    if (reason == null) {
      throw new IllegalArgumentException("reason is null");
    }
    if (statusCode < 400 || statusCode > 699) {
      throw new IllegalArgumentException("statusCode out of range: " + statusCode);
    }
    this.reason = reason;
    this.line = Math.max(0, line);
    this.column = Math.max(0, column);
    this.statusCode = statusCode;
  }

  /**
   * An error at a 0-based {@code index} of a one-line text (a header value or a URI), answered
   * with 400.
   */
  public static SipParseException at(String reason, int index) {
    return new SipParseException(reason, 1, index + 1, BAD_REQUEST);
  }

  /**
   * This error moved into a larger text: a value parsed alone at line 1 is relocated to where the
   * value starts in the message ({@code line}, {@code column}, both 1-based).
   */
  public SipParseException relocate(int line, int column) {
    int newColumn = this.line <= 1 ? column + Math.max(0, this.column - 1) : this.column;
    int newLine = line + Math.max(0, this.line - 1);
    SipParseException moved = new SipParseException(reason, newLine, newColumn, statusCode);
    moved.setStackTrace(getStackTrace());
    return moved;
  }

  /** The same error with another status code (a 400 that is really a 505, say). */
  public SipParseException withStatusCode(int statusCode) {
    SipParseException e = new SipParseException(reason, line, column, statusCode);
    e.setStackTrace(getStackTrace());
    return e;
  }

  /** What is wrong, without the position. */
  public String reason() {
    return reason;
  }

  /** The 1-based line of the problem, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** The 1-based column of the problem, or 0 when unknown. */
  public int column() {
    return column;
  }

  /** The status code a server should answer with. */
  public int statusCode() {
    return statusCode;
  }

  private static String format(String reason, int line, int column) {
    return line > 0 ? reason + " at " + line + ":" + column : String.valueOf(reason);
  }
}
