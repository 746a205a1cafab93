package dev.parley.media;

/**
 * No RTP port of the media network's range could be bound: every even port of the range is held
 * by one of its own sockets or is in use by another program. The message names the range, the
 * bind address and how many ports were held and tried.
 */
public final class PortRangeExhaustedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with {@code message}; {@code cause} (may be null) is the last bind failure. */
  public PortRangeExhaustedException(String message, Throwable cause) {
    super(message, cause);
  }
}
