package dev.parley.media;

import dev.parley.media.internal.mix.MixLeg;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One participant of an {@link AudioMixer}: an RTP leg ({@link AudioStream} on its own socket and
 * codec) that hears the mix of everyone else and is heard by them.
 *
 * <p>{@link #settings(AudioStreamSettings)} takes what the SDP negotiation of the leg decided (a
 * re-INVITE's new codec, address or direction) and applies it at the next frame, as
 * {@link AudioStream#settings} does. The mixer adds two states of its own: {@link #muted(boolean)
 * muted} (left out of the mix, still hears: RFC 4575's {@code muted-via-focus}) and
 * {@link #hold(boolean) on hold} (left out of the mix and sent nothing, whatever the
 * negotiated direction says; its packets are still received and counted).
 *
 * <p>Thread-safe; no method blocks (a SIP event loop may call any of them). The listener runs on
 * the mixer's worker, inside the mix tick: it must return quickly.
 */
public final class MixerParticipant {
  /** Receives a participant's events, on the mixer's worker thread (never a Netty loop). */
  public interface Listener {
    /** A DTMF digit ({@code 0-9 * # A-D}) arrived from the participant as an RFC 4733 event. */
    default void onDtmf(MixerParticipant participant, char digit) {}
  }

  private final AudioMixer mixer;
  private final int id;
  private final MixLeg leg;
  private final Object lock = new Object();
  private AudioStreamSettings negotiated; // under lock
  private AudioStream stream;
  private final AtomicBoolean removed = new AtomicBoolean();

  MixerParticipant(AudioMixer mixer, int id, MixLeg leg, AudioStreamSettings settings) {
    this.mixer = mixer;
    this.id = id;
    this.leg = leg;
    this.negotiated = settings;
  }

  void stream(AudioStream stream) {
    this.stream = stream;
  }

  MixLeg leg() {
    return leg;
  }

  /** The participant's number in its mixer (1, 2, ...: never reused by that mixer). */
  public int id() {
    return id;
  }

  /** The participant's socket (its local addresses and counters). */
  public RtpSocket socket() {
    return stream.socket();
  }

  /** The negotiated settings (as given; {@link #hold} is not in them). */
  public AudioStreamSettings settings() {
    synchronized (lock) {
      return negotiated;
    }
  }

  /** Replaces the negotiated settings (a re-INVITE's outcome); from the next frame. */
  public void settings(AudioStreamSettings next) {
    Objects.requireNonNull(next, "settings");
    synchronized (lock) {
      negotiated = next;
      apply();
    }
  }

  /** Sets the negotiated direction. */
  public void direction(StreamDirection direction) {
    Objects.requireNonNull(direction, "direction");
    synchronized (lock) {
      settings(negotiated.toBuilder().direction(direction).build());
    }
  }

  /** Sets the participant's RTP and RTCP addresses (rtcp null: as RtpSocket#remote). */
  public void remote(InetSocketAddress rtp, InetSocketAddress rtcp) {
    synchronized (lock) {
      settings(negotiated.toBuilder().remote(rtp, rtcp).build());
    }
  }

  /** Leaves the participant's audio out of the mix (true) or puts it back; it hears either way. */
  public void muted(boolean muted) {
    leg.muted(muted);
  }

  /** Whether the participant's audio is left out of the mix. */
  public boolean isMuted() {
    return leg.muted();
  }

  /**
   * Puts the participant on hold (true: left out of the mix, nothing sent to it) or takes it off
   * (the negotiated direction applies again).
   */
  public void hold(boolean held) {
    synchronized (lock) {
      leg.held(held);
      apply();
    }
  }

  /** Whether the participant is on hold. */
  public boolean isHeld() {
    return leg.held();
  }

  private void apply() {
    AudioStreamSettings s = negotiated;
    if (leg.held() && s.direction() != StreamDirection.INACTIVE) {
      s = s.toBuilder().direction(StreamDirection.INACTIVE).build();
    }
    stream.settings(s);
  }

  /** The leg's RTP statistics (codec, packets, loss, jitter, DTMF, receive stalls...). */
  public AudioStreamStats stats() {
    return stream.stats();
  }

  /** Frames of this participant's audio that went into the mix (it spoke, unmuted, not held). */
  public long mixedFrames() {
    return leg.mixedFrames();
  }

  /** Whether {@link #remove()} was called (or the mixer closed). */
  public boolean isRemoved() {
    return removed.get();
  }

  /**
   * Takes the participant out of the mix and closes its stream (an RTCP BYE, the socket closed);
   * returns at once. The future completes when the ports are back in the network's range.
   * Idempotent.
   */
  public CompletableFuture<Void> remove() {
    if (removed.compareAndSet(false, true)) {
      mixer.detach(this);
    }
    return stream.closeFuture();
  }

  /** Completes once the participant is removed and its ports are free. */
  public CompletableFuture<Void> closeFuture() {
    return stream.closeFuture();
  }

  AudioStream stream() {
    return stream;
  }

  @Override
  public String toString() {
    return "MixerParticipant[" + id + ", " + stream.socket().localRtpAddress() + ", "
        + settings().sendCodec().name() + (isMuted() ? ", muted" : "")
        + (isHeld() ? ", held" : "") + "]";
  }
}
