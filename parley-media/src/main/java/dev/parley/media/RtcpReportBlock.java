package dev.parley.media;

import java.time.Duration;
import java.util.Optional;

/**
 * One reception report block of an SR or RR (RFC 3550 section 6.4.1): what the reporter received
 * from the source {@code ssrc}.
 *
 * <pre>
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param ssrc the source reported on, 0..2<sup>32</sup>-1
 * @param fractionLost packets lost in the last interval, in 1/256, 0..255 (A.3)
 * @param cumulativeLost packets lost since reception began, a signed 24-bit value (A.3)
 * @param extendedHighestSequence cycles in the high 16 bits, highest sequence number received in
 *     the low 16 (A.1), 0..2<sup>32</sup>-1
 * @param jitter interarrival jitter in timestamp units (A.8), 0..2<sup>32</sup>-1
 * @param lastSenderReport LSR: the middle 32 bits of the last SR's NTP timestamp, 0 if none
 * @param delaySinceLastSenderReport DLSR, in 1/65536 s, 0 if no SR was received
 */
public record RtcpReportBlock(long ssrc, int fractionLost, int cumulativeLost,
    long extendedHighestSequence, long jitter, long lastSenderReport,
    long delaySinceLastSenderReport) {

  /** Length of a report block on the wire. */
  public static final int LENGTH = 24;
  /** The largest cumulative loss a block can carry (24 bits signed). */
  public static final int MAX_CUMULATIVE_LOST = 0x7fffff;
  /** The smallest cumulative loss a block can carry (24 bits signed). */
  public static final int MIN_CUMULATIVE_LOST = -0x800000;

  /** Checks every field's range; throws an {@link IllegalArgumentException} naming the field. */
  public RtcpReportBlock {
    RtpPacket.checkU32("ssrc", ssrc);
    if (fractionLost < 0 || fractionLost > 255) {
      throw new IllegalArgumentException("fractionLost out of range: " + fractionLost);
    }
    if (cumulativeLost < MIN_CUMULATIVE_LOST || cumulativeLost > MAX_CUMULATIVE_LOST) {
      throw new IllegalArgumentException("cumulativeLost out of range: " + cumulativeLost);
    }
    RtpPacket.checkU32("extendedHighestSequence", extendedHighestSequence);
    RtpPacket.checkU32("jitter", jitter);
    RtpPacket.checkU32("lastSenderReport", lastSenderReport);
    RtpPacket.checkU32("delaySinceLastSenderReport", delaySinceLastSenderReport);
  }

  /** The fraction lost as a ratio, 0.0 to 255/256. */
  public double fractionLostRatio() {
    return fractionLost / 256.0;
  }

  /**
   * The round-trip time to the reporter (RFC 3550 6.4.1): A - LSR - DLSR, where A is the time
   * this block arrived, in compact NTP form. Empty when the block has no LSR (the reporter had no
   * SR from us yet) or when the result is negative (clocks or a stale block), so a bogus value is
   * never reported.
   *
   * @param arrivalNtp the 64-bit NTP timestamp of the arrival of this block (see {@link NtpTime})
   */
  public Optional<Duration> roundTripTime(long arrivalNtp) {
    if (lastSenderReport == 0) {
      return Optional.empty();
    }
    long rtt = (NtpTime.compact(arrivalNtp) - lastSenderReport - delaySinceLastSenderReport)
        & 0xffffffffL;
    if (rtt >= 0x8000_0000L) {
      return Optional.empty();
    }
    return Optional.of(NtpTime.fromCompactUnits(rtt));
  }
}
