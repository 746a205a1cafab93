package dev.parley.media;

/**
 * Where a stream's incoming audio goes: a push sink of 20 ms frames.
 *
 * <p>The media scheduler calls {@link #accept(AudioFrame)} once per 20 ms of received (decoded or
 * concealed) audio, off the Netty event loops; a sink has no thread of its own and should return
 * quickly. Unless a class says otherwise, a sink is used by one thread at a time.
 */
public interface AudioSink extends AutoCloseable {
  /** Takes the next 20 ms of audio. */
  void accept(AudioFrame frame);

  /** Ends the sink (a recorder finishes its file). Idempotent. */
  @Override
  void close();
}
