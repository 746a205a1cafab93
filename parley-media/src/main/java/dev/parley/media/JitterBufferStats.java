package dev.parley.media;

/**
 * A snapshot of a {@link JitterBuffer}'s counters and delays, taken by
 * {@link JitterBuffer#stats()}. Counters only grow (a {@code reset} keeps them).
 *
 * <p>Every offered packet ends in exactly one of: {@code played}, {@code late}, {@code duplicate},
 * {@code overflowDropped}, {@code adjustDroppedPackets}, {@code discardedJumps}, {@code flushed},
 * or is still {@code held}; so {@code received} is their sum.
 *
 * @param received packets offered (with valid arguments)
 * @param played packets handed out to decode
 * @param concealed slots handed out as a conceal because their packet was missing (lost or not yet
 *     arrived); conceals that stretch the delay are counted as insertions, not here
 * @param late packets dropped because their slot had been played (or concealed) already
 * @param duplicate packets dropped because the same sequence number was received before
 * @param overflowDropped packets dropped to keep the buffer bounded: the lowest when more than
 *     {@code capacity} are held, or those skipped when the delay is cut back to the target
 * @param adjustDroppedPackets packets dropped by a one-frame drop (drift or adaptation) that fell
 *     on a slot holding a packet; drops that fall on a missing or silent slot drop no packet
 * @param driftDrops frames dropped because the delay rose above the band with the target steady
 *     (the sender's clock is faster than ours)
 * @param driftInsertions frames inserted because the delay fell below the band with the target
 *     steady (the sender's clock is slower than ours)
 * @param adaptDrops frames dropped because the target delay fell (jitter went down)
 * @param adaptInsertions frames inserted because the target delay rose (jitter went up)
 * @param delayCuts times the delay exceeded the maximum delay and was cut back to the target at
 *     once (after a burst or a stall)
 * @param underruns times the buffer ran empty for longer than {@code maxConcealFrames} and went
 *     back to waiting for the next packet
 * @param resyncs restarts: calls of {@code reset()} and confirmed sequence or timestamp jumps
 * @param discardedJumps packets with a jump that the next packet did not confirm (dropped)
 * @param flushed packets dropped because a resync emptied the buffer
 * @param held packets held now
 * @param currentDelayMillis the delay the buffer adds now: how long a packet with the smallest
 *     transit in the window waits before it is played, at the last poll; 0 while idle
 * @param targetDelayMillis the delay the buffer aims at: the peak transit deviation in the
 *     window plus one frame, between the minimum and maximum delay
 */
public record JitterBufferStats(
    long received,
    long played,
    long concealed,
    long late,
    long duplicate,
    long overflowDropped,
    long adjustDroppedPackets,
    long driftDrops,
    long driftInsertions,
    long adaptDrops,
    long adaptInsertions,
    long delayCuts,
    long underruns,
    long resyncs,
    long discardedJumps,
    long flushed,
    int held,
    double currentDelayMillis,
    double targetDelayMillis) {}
