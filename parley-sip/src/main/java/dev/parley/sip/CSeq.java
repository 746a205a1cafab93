package dev.parley.sip;

import java.util.Objects;

/**
 * The CSeq header (RFC 3261 §20.16): a sequence number and the request method.
 *
 * @param sequence the sequence number, 0..2^32-1
 * @param method the method, which must equal the request's (RFC 3261 §8.1.1.5)
 */
public record CSeq(long sequence, SipMethod method) {
  /** The largest sequence number a CSeq can carry (a 32-bit unsigned integer). */
  public static final long MAX_SEQUENCE = 0xFFFF_FFFFL;

  /**
   * Validates the parts.
   *
   * @throws IllegalArgumentException if {@code sequence} is out of range or {@code method} null
   */
  public CSeq {
    if (sequence < 0 || sequence > MAX_SEQUENCE) {
      throw new IllegalArgumentException("sequence out of range: " + sequence);
    }
    Objects.requireNonNull(method, "method");
  }

  @Override
  public String toString() {
    return sequence + " " + method;
  }
}
