package dev.parley.sdp.internal;

import dev.parley.sdp.SdpViolation;

/**
 * A syntax error inside one field value, at a 0-based index of that value; the SDP parser turns it
 * into an {@link dev.parley.sdp.SdpParseException} with the line and column. Carries no stack trace.
 * Not part of the API.
 */
public final class ValueSyntaxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int index;
  private final SdpViolation violation;

  /** An error at {@code index}, naming the {@code violation} a policy could repair, or null. */
  public ValueSyntaxException(String reason, int index, SdpViolation violation) {
    super(reason, null, false, false);
    this.index = index;
    this.violation = violation;
  }

  /** The 0-based index in the value. */
  public int index() {
    return index;
  }

  /** The repairable violation, or null. */
  public SdpViolation violation() {
    return violation;
  }
}
