package dev.parley.media;

import java.util.Objects;

/**
 * The payload of one RFC 4733 telephone-event packet (§2.3):
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Events 0-15 are the DTMF digits {@code 0-9 * # A-D} (RFC 4733 §3.2); volume is in -dBm0
 * (0..63); duration is in RTP timestamp units since the event's timestamp. Immutable.
 *
 * @param event 0..255
 * @param end the E bit: the last packet of the event
 * @param volume 0..63, the power level in -dBm0
 * @param duration 0..65535 timestamp units
 */
public record DtmfEvent(int event, boolean end, int volume, int duration) {
  /** The payload length of one event. */
  public static final int LENGTH = 4;

  private static final String DIGITS = "0123456789*#ABCD";

  /** Checks the ranges. */
  public DtmfEvent {
    if (event < 0 || event > 255) {
      throw new IllegalArgumentException("event out of range 0..255: " + event);
    }
    if (volume < 0 || volume > 63) {
      throw new IllegalArgumentException("volume out of range 0..63: " + volume);
    }
    if (duration < 0 || duration > 0xffff) {
      throw new IllegalArgumentException("duration out of range 0..65535: " + duration);
    }
  }

  /**
   * The event code of a DTMF digit ({@code 0-9 * # A-D}, letters in either case).
   *
   * @throws IllegalArgumentException if {@code digit} is not a DTMF digit
   */
  public static int eventOf(char digit) {
    int i = DIGITS.indexOf(Character.toUpperCase(digit));
    if (i < 0) {
      throw new IllegalArgumentException("digit is not a DTMF digit (0-9 * # A-D): '" + digit
          + "'");
    }
    return i;
  }

  /** True if this event is a DTMF digit (0..15). */
  public boolean isDigit() {
    return event < DIGITS.length();
  }

  /**
   * The DTMF digit of this event.
   *
   * @throws IllegalStateException if the event is not a digit ({@link #isDigit()})
   */
  public char digit() {
    if (!isDigit()) {
      throw new IllegalStateException("event " + event + " is not a DTMF digit");
    }
    return DIGITS.charAt(event);
  }

  /** The four payload bytes (the R bit is 0). */
  public byte[] encode() {
    return new byte[] {
        (byte) event, (byte) ((end ? 0x80 : 0) | volume), (byte) (duration >> 8), (byte) duration
    };
  }

  /**
   * The first event of a telephone-event payload (a payload may hold more, RFC 4733 §2.5.1.5
   * redundancy; they are ignored). The R bit is ignored, as §2.3.3 says.
   *
   * @throws IllegalArgumentException if the payload is shorter than {@value #LENGTH} bytes
   */
  public static DtmfEvent decode(byte[] payload, int offset, int length) {
    Objects.requireNonNull(payload, "payload");
    if (offset < 0 || length < 0 || offset > payload.length - length) {
      throw new IllegalArgumentException("offset " + offset + " and length " + length
          + " out of range for a payload of " + payload.length + " bytes");
    }
    if (length < LENGTH) {
      throw new IllegalArgumentException("telephone-event payload of " + length
          + " bytes is shorter than " + LENGTH);
    }
    int event = payload[offset] & 0xff;
    int flags = payload[offset + 1] & 0xff;
    int duration = ((payload[offset + 2] & 0xff) << 8) | (payload[offset + 3] & 0xff);
    return new DtmfEvent(event, (flags & 0x80) != 0, flags & 0x3f, duration);
  }
}
