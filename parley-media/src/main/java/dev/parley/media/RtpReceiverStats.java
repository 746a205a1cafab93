package dev.parley.media;

import dev.parley.media.RtcpPacket.SenderReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * What a receiver knows of one RTP source, by the algorithms of RFC 3550 appendix A: sequence
 * tracking with probation and restart (A.1), expected and lost packets with the fraction lost per
 * report interval (A.3), interarrival jitter (A.8), and the LSR/DLSR of the last sender report
 * (6.4.1), from which it builds the {@link RtcpReportBlock} for that source.
 *
 * <p>A source is valid once {@value #MIN_SEQUENTIAL} packets arrived in sequence (probation);
 * until then {@link #onPacket} answers {@link Verdict#PROBATION} and nothing is counted. A jump of
 * {@value #MAX_DROPOUT} or more ahead, or more than {@value #MAX_MISORDER} behind, is discarded
 * unless the next packet follows it, in which case the source is taken to have restarted and the
 * counts begin again from it (A.1). Packets up to {@value #MAX_MISORDER} behind the highest are
 * {@link Verdict#LATE} (reordered) or, if that sequence number was already seen,
 * {@link Verdict#DUPLICATE}. As in A.3, late and duplicate packets count as received, so the
 * cumulative loss can go negative when duplicates outnumber losses; {@link #duplicates()} and
 * {@link #late()} count them apart. Jitter ignores duplicates.
 *
 * <p>Not thread-safe: one stream feeds it on its own event loop. The clock gives the arrival time
 * of sender reports and the current time for DLSR.
 */
public final class RtpReceiverStats {
  /** Sequential packets that make a new source valid (A.1). */
  public static final int MIN_SEQUENTIAL = 2;
  /** The largest forward jump still taken as loss rather than a restart (A.1). */
  public static final int MAX_DROPOUT = 3000;
  /** How far behind the highest sequence number a packet is still taken as reordered (A.1). */
  public static final int MAX_MISORDER = 100;

  private static final int SEQ_MOD = 1 << 16;
  private static final int WINDOW = 128; // > MAX_MISORDER: which recent numbers arrived

  /** What {@link #onPacket} made of a packet. */
  public enum Verdict {
    /** The source is not valid yet (A.1 probation); the packet is not counted. */
    PROBATION,
    /** In order: the highest sequence number so far, with or without a gap. */
    IN_ORDER,
    /** Behind the highest sequence number and not seen before (reordered). */
    LATE,
    /** A sequence number already received (within the last {@value #MAX_MISORDER}). */
    DUPLICATE,
    /** A large jump, discarded until the next packet confirms it (A.1). */
    DISCARDED,
    /** The packet after a large jump followed it: the source restarted and counts begin anew. */
    RESTARTED
  }

  private final long ssrc;
  private final Clock clock;

  // A.1 state
  private int maxSeq;
  private long cycles;
  private int baseSeq;
  private int badSeq = SEQ_MOD + 1;
  private int probation;
  private long received;
  private long expectedPrior;
  private long receivedPrior;
  private boolean started;
  private final long[] seen = new long[WINDOW / 64];

  // counters
  private long octets;
  private long duplicates;
  private long late;
  private long discarded;
  private long restarts;

  // A.8 state
  private boolean haveTransit;
  private int transit;
  private long jitter16; // jitter scaled by 16

  // 6.4.1 state
  private long lastSenderReport;
  private Instant lastSenderReportArrival;

  /**
   * Creates the statistics of a source not heard from yet.
   *
   * @param ssrc the source, 0..2<sup>32</sup>-1
   * @param clock wallclock for sender report arrival and DLSR
   */
  public RtpReceiverStats(long ssrc, Clock clock) {
    this.ssrc = RtpPacket.checkU32("ssrc", ssrc);
    if (clock == null) {
      throw new IllegalArgumentException("clock is null");
    }
    this.clock = clock;
  }

  /** The source these statistics are about. */
  public long ssrc() {
    return ssrc;
  }

  /**
   * Counts a packet of this source.
   *
   * @param packet the packet; its SSRC must be this source's
   * @param arrival its arrival time in the source's RTP timestamp units (the receiver's clock
   *     converted at the payload's clock rate), for jitter (A.8); any origin, 32-bit wrap allowed
   * @return what the packet was
   * @throws IllegalArgumentException if the packet is null or of another source
   */
  public Verdict onPacket(RtpPacket packet, long arrival) {
    return onPacket(packet, arrival, true);
  }

  /**
   * Counts a packet of this source, leaving the jitter estimate alone when {@code timed} is false:
   * for telephone-events (RFC 4733), whose packets repeat the event's start timestamp for its
   * whole length, so their transit times say nothing about the network's jitter.
   *
   * @throws IllegalArgumentException if the packet is null or of another source
   */
  public Verdict onPacket(RtpPacket packet, long arrival, boolean timed) {
    if (packet == null) {
      throw new IllegalArgumentException("packet is null");
    }
    if (packet.ssrc() != ssrc) {
      throw new IllegalArgumentException("packet of SSRC " + packet.ssrc() + ", these are stats"
          + " of " + ssrc);
    }
    Verdict verdict = updateSequence(packet.sequenceNumber());
    switch (verdict) {
      case PROBATION:
      case DISCARDED:
        if (verdict == Verdict.DISCARDED) {
          discarded++;
        }
        return verdict;
      case RESTARTED:
        restarts++;
        haveTransit = false;
        break;
      case DUPLICATE:
        duplicates++;
        break;
      case LATE:
        late++;
        break;
      default:
        break;
    }
    received++;
    octets += packet.payloadLength();
    if (verdict != Verdict.DUPLICATE && timed) {
      updateJitter(packet.timestamp(), arrival);
    }
    return verdict;
  }

  /*
   * RFC 3550 A.1 update_seq, with the sequence arithmetic done modulo 2^16 and a bitmap of the
   * last WINDOW numbers to tell a duplicate from a reordered packet.
   */
  private Verdict updateSequence(int seq) {
    if (!started) {
      started = true;
      initSequence(seq);
      maxSeq = (seq - 1) & 0xffff;
      probation = MIN_SEQUENTIAL;
    }
    int udelta = (seq - maxSeq) & 0xffff;
    if (probation > 0) {
      if (seq == ((maxSeq + 1) & 0xffff)) {
        probation--;
        maxSeq = seq;
        if (probation == 0) {
          initSequence(seq);
          markSeen(seq);
          return Verdict.IN_ORDER;
        }
      } else {
        probation = MIN_SEQUENTIAL - 1;
        maxSeq = seq;
      }
      return Verdict.PROBATION;
    } else if (udelta < MAX_DROPOUT) {
      if (udelta == 0) {
        return Verdict.DUPLICATE;
      }
      if (seq < maxSeq) {
        cycles += SEQ_MOD; // wrapped
      }
      advanceWindow(udelta);
      maxSeq = seq;
      markSeen(seq);
      return Verdict.IN_ORDER;
    } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
      if (seq == badSeq) {
        initSequence(seq);
        markSeen(seq);
        return Verdict.RESTARTED;
      }
      badSeq = (seq + 1) & 0xffff;
      return Verdict.DISCARDED;
    } else {
      int behind = SEQ_MOD - udelta;
      if (behind < WINDOW && isSeen(seq)) {
        return Verdict.DUPLICATE;
      }
      markSeen(seq);
      return Verdict.LATE;
    }
  }

  /** RFC 3550 A.1 init_seq. */
  private void initSequence(int seq) {
    baseSeq = seq;
    maxSeq = seq;
    badSeq = SEQ_MOD + 1;
    cycles = 0;
    received = 0;
    receivedPrior = 0;
    expectedPrior = 0;
    Arrays.fill(seen, 0);
  }

  private void advanceWindow(int by) {
    if (by >= WINDOW) {
      Arrays.fill(seen, 0);
      return;
    }
    for (int i = 1; i <= by; i++) {
      clearSeen((maxSeq + i) & 0xffff);
    }
  }

  private void markSeen(int seq) {
    int bit = seq % WINDOW;
    seen[bit >>> 6] |= 1L << (bit & 63);
  }

  private void clearSeen(int seq) {
    int bit = seq % WINDOW;
    seen[bit >>> 6] &= ~(1L << (bit & 63));
  }

  private boolean isSeen(int seq) {
    int bit = seq % WINDOW;
    return (seen[bit >>> 6] & (1L << (bit & 63))) != 0;
  }

  /*
   * RFC 3550 A.8, in the integer form: transit = arrival - timestamp; D = transit - previous
   * transit; J += |D| - ((J + 8) >> 4), with J scaled by 16. Arithmetic is modulo 2^32.
   */
  private void updateJitter(long timestamp, long arrival) {
    int t = (int) (arrival - timestamp);
    if (haveTransit) {
      int d = t - transit;
      long abs = Math.abs((long) d);
      jitter16 += abs - ((jitter16 + 8) >> 4);
    }
    transit = t;
    haveTransit = true;
  }

  /**
   * Notes a sender report from this source, for the LSR and DLSR of the next report block
   * (6.4.1): the middle 32 bits of its NTP timestamp and its arrival time by the clock.
   *
   * @throws IllegalArgumentException if the report is null or of another source
   */
  public void onSenderReport(SenderReport report) {
    if (report == null) {
      throw new IllegalArgumentException("report is null");
    }
    if (report.ssrc() != ssrc) {
      throw new IllegalArgumentException("report of SSRC " + report.ssrc() + ", these are stats"
          + " of " + ssrc);
    }
    lastSenderReport = NtpTime.compact(report.ntpTimestamp());
    lastSenderReportArrival = clock.instant();
  }

  /**
   * The report block for this source, and the end of a report interval: the fraction lost is
   * that of the packets expected since the previous call (A.3).
   */
  public RtcpReportBlock reportBlock() {
    long expected = expected();
    long expectedInterval = expected - expectedPrior;
    expectedPrior = expected;
    long receivedInterval = received - receivedPrior;
    receivedPrior = received;
    long lostInterval = expectedInterval - receivedInterval;
    int fraction = expectedInterval == 0 || lostInterval <= 0
        ? 0 : (int) ((lostInterval << 8) / expectedInterval);
    long lsr = 0;
    long dlsr = 0;
    if (lastSenderReportArrival != null) {
      lsr = lastSenderReport;
      dlsr = NtpTime.toCompactUnits(Duration.between(lastSenderReportArrival, clock.instant()));
    }
    return new RtcpReportBlock(ssrc, Math.min(fraction, 255), (int) clampedLost(),
        extendedHighestSequence() & 0xffffffffL, jitter(), lsr, dlsr);
  }

  /** Whether the source has passed probation (A.1) and its packets are counted. */
  public boolean isValid() {
    return started && probation == 0;
  }

  /** The highest sequence number received with its wrap count in the high bits (A.1). */
  public long extendedHighestSequence() {
    return isValid() ? cycles + maxSeq : 0;
  }

  /** Packets expected since the source became valid or restarted: highest - base + 1 (A.3). */
  public long expected() {
    return isValid() ? cycles + maxSeq - baseSeq + 1 : 0;
  }

  /** Packets received since the source became valid or restarted, late and duplicates too. */
  public long received() {
    return received;
  }

  /** Payload octets received, since these statistics were created. */
  public long octetsReceived() {
    return octets;
  }

  /** Cumulative packets lost: expected - received, negative if duplicates outnumber losses. */
  public long cumulativeLost() {
    return expected() - received;
  }

  /** Interarrival jitter in RTP timestamp units (A.8). */
  public long jitter() {
    return jitter16 >> 4;
  }

  /** Duplicate packets received. */
  public long duplicates() {
    return duplicates;
  }

  /** Reordered packets: behind the highest sequence number and not seen before. */
  public long late() {
    return late;
  }

  /** Packets discarded as large jumps that nothing confirmed (A.1). */
  public long discarded() {
    return discarded;
  }

  /** Times the source restarted its sequence numbers (A.1). */
  public long restarts() {
    return restarts;
  }

  private long clampedLost() {
    long lost = cumulativeLost();
    return Math.max(RtcpReportBlock.MIN_CUMULATIVE_LOST,
        Math.min(RtcpReportBlock.MAX_CUMULATIVE_LOST, lost));
  }

  @Override
  public String toString() {
    return "RtpReceiverStats{ssrc=" + ssrc + ", received=" + received + ", expected="
        + expected() + ", lost=" + cumulativeLost() + ", jitter=" + jitter() + ", duplicates="
        + duplicates + ", late=" + late + "}";
  }
}
