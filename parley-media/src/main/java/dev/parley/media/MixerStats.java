package dev.parley.media;

/**
 * A snapshot of an {@link AudioMixer}'s own figures (each participant's RTP figures are its
 * {@link MixerParticipant#stats()}); immutable.
 *
 * @param participants participants in the mix now
 * @param ticks 20 ms mix ticks run
 * @param lateTicks ticks that started more than {@link AudioMixer#LATE_TICK_MILLIS} ms after
 *     their time (the worker was busy: too many conferences for the scheduler's threads)
 * @param skippedTicks ticks not run because the mixer had fallen more than
 *     {@link AudioMixer.Builder#maxCatchUpTicks(int)} ticks behind (the clock realigned instead)
 * @param maxLatenessNanos the latest start of a tick after its time, in ns
 * @param tickNanos the time spent in ticks (every participant's stream tick and the mix), in ns
 *     of wall time on the worker: divided by {@code ticks}, the cost of one 20 ms frame
 * @param maxTickNanos the longest tick, in ns
 * @param frames where each participant's frame of each tick went: their total is the sum over
 *     the ticks run of the participants in each
 */
public record MixerStats(int participants, long ticks, long lateTicks, long skippedTicks,
    long maxLatenessNanos, long tickNanos, long maxTickNanos, Frames frames) {

  /** Participant frames that went into the mix (someone speaking, or concealment of it). */
  public long mixedFrames() {
    return frames.mixed() + frames.mixedConcealed();
  }

  /**
   * The fate of the participants' frames, one per participant per tick run; every frame is in
   * exactly one count.
   *
   * @param mixed decoded audio (or a local participant's) that went into the mix
   * @param mixedConcealed the codec's concealment of a missing or late packet, in the mix
   * @param silent decoded audio whose samples were all 0 (the peer sends silence)
   * @param concealedSilent the codec's concealment once faded to silence (all samples 0): the
   *     packets of a gap lost, or too late for their slot
   * @param starting no packet played yet: the jitter buffer filling at the start, or no RTP yet
   * @param missing no packet to play after packets had played: a gap longer than concealment
   *     covers, an underrun, a sender that stopped or skipped a slot
   * @param leftOut audio left out of the mix: the participant muted or on hold
   * @param noFrame the participant's stream played nothing (starting, closing, or its tick failed)
   */
  public record Frames(long mixed, long mixedConcealed, long silent, long concealedSilent,
      long starting, long missing, long leftOut, long noFrame) {
    /** Every frame counted: one per participant per tick. */
    public long total() {
      return mixed + mixedConcealed + silent + concealedSilent + starting + missing + leftOut
          + noFrame;
    }

    /** These counts plus {@code other}'s. */
    public Frames plus(Frames other) {
      return new Frames(mixed + other.mixed, mixedConcealed + other.mixedConcealed,
          silent + other.silent, concealedSilent + other.concealedSilent,
          starting + other.starting, missing + other.missing, leftOut + other.leftOut,
          noFrame + other.noFrame);
    }

    /** These counts minus {@code earlier}'s: the frames between two snapshots. */
    public Frames minus(Frames earlier) {
      return new Frames(mixed - earlier.mixed, mixedConcealed - earlier.mixedConcealed,
          silent - earlier.silent, concealedSilent - earlier.concealedSilent,
          starting - earlier.starting, missing - earlier.missing,
          leftOut - earlier.leftOut, noFrame - earlier.noFrame);
    }
  }
}
