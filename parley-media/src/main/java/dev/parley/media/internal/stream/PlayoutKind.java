package dev.parley.media.internal.stream;

/**
 * What a stream's playout put into its sink in one 20 ms slot, told to a sink that wants to know
 * ({@link Listener}): a mixer leg counts where each of its frames came from.
 */
public enum PlayoutKind {
  /** A received packet decoded. */
  DECODED,
  /** The codec's concealment of a missing packet (or a frame inserted to grow the delay). */
  CONCEALED,
  /**
   * No packet to play: the jitter buffer is filling (start, after an underrun), idle after more
   * concealment than it allows, or the sender skipped the slot; silence played.
   */
  NO_PACKET;

  /** A sink told, before each {@code accept}, what the frame is. */
  public interface Listener {
    /** The next frame accepted is of this kind. */
    void playing(PlayoutKind kind);
  }
}
