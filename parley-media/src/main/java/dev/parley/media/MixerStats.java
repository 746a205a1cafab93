package dev.parley.media;

/**
 * A snapshot of an {@link AudioMixer}'s own figures (each participant's RTP figures are its
 * {@link MixerParticipant#stats()}); immutable.
 *
 * @param participants participants in the mix now
 * @param ticks 20 ms mix ticks run
 * @param lateTicks ticks that started more than {@link AudioMixer#LATE_TICK_MILLIS} ms after
 *     their time (the worker was busy: too many conferences for the scheduler's threads)
 * @param maxLatenessNanos the latest start of a tick after its time, in ns
 * @param tickNanos the time spent in ticks (every participant's stream tick and the mix), in ns
 *     of wall time on the worker: divided by {@code ticks}, the cost of one 20 ms frame
 * @param maxTickNanos the longest tick, in ns
 * @param mixedFrames participant frames that went into the mix (someone speaking)
 */
public record MixerStats(int participants, long ticks, long lateTicks, long maxLatenessNanos,
    long tickNanos, long maxTickNanos, long mixedFrames) {}
