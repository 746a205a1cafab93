package dev.parley.media;

import dev.parley.media.internal.mix.MixLeg;
import dev.parley.media.internal.stream.LinearResampler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A participant of an {@link AudioMixer} without RTP: an application's {@link AudioSource} is
 * heard by the others and its {@link AudioSink} hears their mix (a bot, an announcement, a
 * recorder of the conference, a test). Its source is pulled and its sink pushed once per 20 ms on
 * the mixer's worker, inside the mix tick, like an RTP participant's stream; source frames of
 * another rate than the mix are resampled (linear), sink frames are in the mix's
 * {@link AudioMixer#format()}.
 *
 * <p>Thread-safe; no method blocks.
 */
public final class LocalParticipant {
  private final AudioMixer mixer;
  private final int id;
  private final MixLeg leg;
  private final AudioSource source;
  private final AudioSink sink;
  private final LinearResampler resampler;
  private final AtomicBoolean removed = new AtomicBoolean();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private MediaClock.Timer tick;

  LocalParticipant(AudioMixer mixer, int id, MixLeg leg, AudioSource source, AudioSink sink) {
    this.mixer = mixer;
    this.id = id;
    this.leg = leg;
    this.source = source;
    this.sink = sink;
    this.resampler = new LinearResampler(leg.format());
  }

  void start() {
    tick = leg.clock().scheduleAtFixedRate(this::tick, AudioFormat.FRAME_MILLIS,
        AudioFormat.FRAME_MILLIS, TimeUnit.MILLISECONDS);
  }

  MixLeg leg() {
    return leg;
  }

  /** The mixer's tick for this participant: its sink hears, its source speaks. */
  private void tick() {
    sink.accept(leg.next());
    leg.accept(resampler.convert(source.next()));
  }

  /** The participant's number in its mixer (shared with the RTP participants' numbers). */
  public int id() {
    return id;
  }

  /** Leaves the participant's audio out of the mix (true) or puts it back; it hears either way. */
  public void muted(boolean muted) {
    leg.muted(muted);
  }

  /** Whether the participant's audio is left out of the mix. */
  public boolean isMuted() {
    return leg.muted();
  }

  /** Frames of this participant's audio that went into the mix. */
  public long mixedFrames() {
    return leg.mixedFrames();
  }

  /** Whether {@link #remove()} was called (or the mixer closed). */
  public boolean isRemoved() {
    return removed.get();
  }

  /**
   * Takes the participant out of the mix; its source and sink are closed on the mixer's worker
   * (the future completes then). Returns at once; idempotent.
   */
  public CompletableFuture<Void> remove() {
    if (removed.compareAndSet(false, true)) {
      mixer.detach(this);
    }
    return closeFuture;
  }

  /** Completes once the participant is removed and its source and sink are closed. */
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  /** Stops the ticks and closes the source and the sink (on the worker). */
  void close() {
    try {
      tick.cancel();
      try {
        source.close();
      } finally {
        sink.close();
      }
    } finally {
      closeFuture.complete(null);
    }
  }

  @Override
  public String toString() {
    return "LocalParticipant[" + id + (isMuted() ? ", muted" : "") + "]";
  }
}
