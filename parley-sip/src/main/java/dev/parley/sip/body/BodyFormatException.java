package dev.parley.sip.body;

/**
 * A message body that is not in its declared format ({@link SipFrag}, {@link CpimMessage},
 * {@link DeliveryResults}) or beyond its bounds; the message names the format and the fault
 * ({@code "message/cpim: headers not ended by a blank line"}). Unchecked.
 */
public final class BodyFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with {@code message}. */
  public BodyFormatException(String message) {
    super(message);
  }
}
