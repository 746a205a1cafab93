package dev.parley.media;

/**
 * The one documented failure of {@link RtpPacket#parse} and {@link RtcpCompoundPacket#parse}: the
 * bytes are not a valid RTP or RTCP packet.
 *
 * <p>It carries a {@link #reason()} so that a stream can count bad packets per reason and drop
 * them; the message adds the detail (which length, which count). No other exception escapes the
 * parsers, whatever the bytes; bad arguments (a null array, an offset outside it) are a caller's
 * error and get an {@link IllegalArgumentException} instead.
 *
 * <p>Unchecked, because a media stream counts and drops a bad packet where it reads it and has no
 * caller to propagate to. Instances are immutable and thread-safe.
 */
public final class MediaPacketException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a packet was refused; one constant per check, in the order the parsers make them. */
  public enum Reason {
    /** Shorter than the fixed header: 12 octets for RTP (RFC 3550 5.1), 4 for RTCP (6.4). */
    TOO_SHORT,
    /** The version field is not 2 (RFC 3550 5.1, 6.4; A.1 and A.2 validity checks). */
    BAD_VERSION,
    /** The CSRC count (CC) announces more identifiers than the packet holds (RFC 3550 5.1). */
    CSRC_OVERRUN,
    /** The header extension, or its length field, runs past the end (RFC 3550 5.3.1). */
    EXTENSION_OVERRUN,
    /**
     * The padding count is 0 or larger than the room after the header (RFC 3550 5.1, A.1), or
     * padding is set on an RTCP packet other than the last of a compound (6.4.1, A.2).
     */
    BAD_PADDING,
    /**
     * An RTCP length field does not fit: it runs past the end, or the lengths of the packets of
     * a compound do not add up to its size (RFC 3550 6.4.1, A.2).
     */
    BAD_LENGTH,
    /** The first packet of an RTCP compound is neither SR nor RR (RFC 3550 6.1, A.2). */
    NOT_REPORT_FIRST,
    /** An SR or RR is too short for its report count and sender info (RFC 3550 6.4.1, 6.4.2). */
    BAD_REPORT,
    /** An SDES chunk or item runs past its packet, or the chunks differ from SC (6.5). */
    BAD_SDES,
    /** A BYE is too short for its SSRC count, or its reason runs past its packet (6.6). */
    BAD_BYE
  }

  private final Reason reason;

  /**
   * Creates an error.
   *
   * @param reason the check that failed
   * @param detail what exactly was wrong, for the message
   * @throws IllegalArgumentException if {@code reason} is null
   */
  public MediaPacketException(Reason reason, String detail) {
    super(describe(reason, detail));
    this.reason = reason;
  }

  /** The check that failed; use it to count dropped packets per reason. */
  public Reason reason() {
    return reason;
  }

  private static String describe(Reason reason, String detail) {
    if (reason == null) {
      throw new IllegalArgumentException("reason is null");
    }
    return detail == null ? reason.toString() : reason + ": " + detail;
  }
}
