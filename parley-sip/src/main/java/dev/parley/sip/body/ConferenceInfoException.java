package dev.parley.sip.body;

/**
 * A conference-info document (RFC 4575) that cannot be read: not well-formed XML, a DTD, a
 * missing or bad required value, or a document beyond a {@link ConferenceInfoLimits limit}. The
 * message names what is wrong ({@code "user without entity"}, {@code "more than 1000 users"}).
 * Unchecked.
 */
public final class ConferenceInfoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with {@code message}. */
  public ConferenceInfoException(String message) {
    super(message);
  }

  /** An exception with {@code message} caused by {@code cause} (the XML parser's error). */
  public ConferenceInfoException(String message, Throwable cause) {
    super(message, cause);
  }
}
