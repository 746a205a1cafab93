package dev.parley.media.internal.jitter;

/**
 * The sequence numbers and timestamps of one RTP stream as received: extends 16-bit sequence
 * numbers and 32-bit timestamps to 64 bits against the highest sequence number seen (so both wrap
 * around), and remembers which of the last 64 sequence numbers arrived (to find duplicates).
 * RFC 3550 appendix A.1 keeps the same state (max_seq, cycles).
 *
 * <p>Not thread-safe: the owning {@code JitterBuffer} guards it.
 */
public final class ReceivedNumbers {
  private static final int SEEN_WINDOW = 64;

  private boolean anchored;
  private long highestSeq;
  private long highestTs; // the timestamp of the packet with the highest sequence number
  private long seenBits; // bit i: highestSeq - i was received

  /** Whether a first packet has set the reference. */
  public boolean isAnchored() {
    return anchored;
  }

  /** Makes this packet the reference: its numbers extend to themselves. */
  public void anchor(int sequence, long rtpTimestamp) {
    anchored = true;
    highestSeq = sequence;
    highestTs = rtpTimestamp;
    seenBits = 0;
  }

  /** Forgets the reference; the next packet anchors again. */
  public void clear() {
    anchored = false;
    seenBits = 0;
  }

  /** The signed distance (-32768..32767) from the highest sequence number seen. */
  public int sequenceDistance(int sequence) {
    return (short) (sequence - (int) (highestSeq & 0xFFFF));
  }

  /** The signed distance (32-bit range) from the timestamp of the highest packet seen. */
  public long timestampDistance(long rtpTimestamp) {
    return timestampDistance(rtpTimestamp, highestTs);
  }

  /** The signed 32-bit distance from {@code reference} (extended or not) to a timestamp. */
  public static long timestampDistance(long rtpTimestamp, long reference) {
    return (int) (rtpTimestamp - (reference & 0xFFFF_FFFFL));
  }

  /** The 64-bit sequence number nearest the highest seen. */
  public long extendSequence(int sequence) {
    return highestSeq + sequenceDistance(sequence);
  }

  /** The 64-bit timestamp nearest the highest packet's. */
  public long extendTimestamp(long rtpTimestamp) {
    return highestTs + timestampDistance(rtpTimestamp);
  }

  /**
   * Records a packet as received.
   *
   * @return false if the same sequence number was received already among the last 64
   */
  public boolean markReceived(long extSeq, long extTs) {
    long back = highestSeq - extSeq;
    if (back >= 0 && back < SEEN_WINDOW && (seenBits >>> back & 1) != 0) {
      return false;
    }
    if (back < 0) {
      seenBits = -back >= SEEN_WINDOW ? 1 : seenBits << -back | 1;
      highestSeq = extSeq;
      highestTs = extTs;
    } else if (back < SEEN_WINDOW) {
      seenBits |= 1L << back;
    }
    return true;
  }
}
