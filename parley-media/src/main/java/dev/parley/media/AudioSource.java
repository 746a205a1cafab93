package dev.parley.media;

/**
 * Where a stream's outgoing audio comes from: a pull source of 20 ms frames.
 *
 * <p>The media scheduler calls {@link #next()} once per 20 ms, off the Netty event loops; a
 * source has no thread of its own and should return quickly (a file read, a queue poll). Unless a
 * class says otherwise, a source is used by one thread at a time.
 */
public interface AudioSource extends AutoCloseable {
  /** The format of every frame {@link #next()} returns. */
  AudioFormat format();

  /**
   * The next 20 ms of audio; never null. A source that has run out (a WAV file played once)
   * returns silence and says so in {@link #isFinished()}.
   */
  AudioFrame next();

  /** True once the source has nothing more to play (it then returns silence). */
  default boolean isFinished() {
    return false;
  }

  /** Releases what the source holds (a file). Idempotent. */
  @Override
  default void close() {}
}
