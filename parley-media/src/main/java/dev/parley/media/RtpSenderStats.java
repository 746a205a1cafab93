package dev.parley.media;

import dev.parley.media.RtcpPacket.SenderReport;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a sender knows of its own RTP stream: packets and payload octets sent (the sender info of
 * an SR, RFC 3550 6.4.1), and the round-trip time to each receiver from the LSR and DLSR of the
 * report blocks it gets back (6.4.1).
 *
 * <p>Not thread-safe: one stream feeds it on its own event loop. The clock gives the NTP
 * timestamp of each sender report and the arrival time of each report block.
 */
public final class RtpSenderStats {
  private final long ssrc;
  private final Clock clock;
  private long packets;
  private long octets;
  private Duration roundTripTime;

  /**
   * Creates the statistics of a stream that has sent nothing yet.
   *
   * @param ssrc the stream's SSRC, 0..2<sup>32</sup>-1
   * @param clock wallclock for NTP timestamps and round-trip arithmetic
   */
  public RtpSenderStats(long ssrc, Clock clock) {
    this.ssrc = RtpPacket.checkU32("ssrc", ssrc);
    if (clock == null) {
      throw new IllegalArgumentException("clock is null");
    }
    this.clock = clock;
  }

  /** The stream these statistics are about. */
  public long ssrc() {
    return ssrc;
  }

  /**
   * Counts a packet sent: one packet and its payload octets (not header nor padding, 6.4.1).
   *
   * @throws IllegalArgumentException if the packet is null
   */
  public void onPacketSent(RtpPacket packet) {
    if (packet == null) {
      throw new IllegalArgumentException("packet is null");
    }
    packets++;
    octets += packet.payloadLength();
  }

  /** Packets sent. */
  public long packetsSent() {
    return packets;
  }

  /** Payload octets sent. */
  public long octetsSent() {
    return octets;
  }

  /**
   * A sender report for this stream, now by the clock.
   *
   * @param rtpTimestamp the RTP timestamp that corresponds to now, 0..2<sup>32</sup>-1 (the
   *     stream knows its clock rate and timestamp origin)
   * @param reportBlocks what this side received, at most {@value RtcpPacket#MAX_COUNT}
   */
  public SenderReport senderReport(long rtpTimestamp, List<RtcpReportBlock> reportBlocks) {
    return new SenderReport(ssrc, NtpTime.fromInstant(clock.instant()), rtpTimestamp,
        packets & 0xffffffffL, octets & 0xffffffffL, reportBlocks);
  }

  /**
   * Takes a report block about this stream, arriving now by the clock, and computes the
   * round-trip time from its LSR and DLSR (6.4.1); see {@link RtcpReportBlock#roundTripTime}.
   *
   * @return the round-trip time, empty if the block cannot give one
   * @throws IllegalArgumentException if the block is null or about another source
   */
  public Optional<Duration> onReportBlock(RtcpReportBlock block) {
    if (block == null) {
      throw new IllegalArgumentException("block is null");
    }
    if (block.ssrc() != ssrc) {
      throw new IllegalArgumentException("block about SSRC " + block.ssrc() + ", these are"
          + " stats of " + ssrc);
    }
    Optional<Duration> rtt = block.roundTripTime(NtpTime.fromInstant(clock.instant()));
    rtt.ifPresent(d -> roundTripTime = d);
    return rtt;
  }

  /** The last round-trip time computed, if any. */
  public Optional<Duration> roundTripTime() {
    return Optional.ofNullable(roundTripTime);
  }

  @Override
  public String toString() {
    return "RtpSenderStats{ssrc=" + ssrc + ", packets=" + packets + ", octets=" + octets
        + ", rtt=" + roundTripTime + "}";
  }
}
