package dev.parley.media.internal.mix;

import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import dev.parley.media.AudioSink;
import dev.parley.media.AudioSource;
import dev.parley.media.MediaClock;
import dev.parley.media.internal.stream.PlayoutKind;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant's place in a mix: the {@link AudioSource} its stream sends (its N-1 mix), the
 * {@link AudioSink} its stream plays into (its input to the mix), and the {@link MediaClock} its
 * stream ticks on, which does not schedule anything: it hands the stream's 20 ms tick to the
 * mixer, which runs the ticks of every leg of a conference, in turn, inside its own tick.
 *
 * <p>Threading: {@link #next()}, {@link #accept}, {@link #runStreamTick()} and the mixing state
 * run on the mixer's tick only (one thread at a time); the flags and counters are read and set
 * from any thread.
 */
public final class MixLeg implements AudioSource, AudioSink, PlayoutKind.Listener {
  /** The fate of a leg's frame in one tick: {@link #fate()}. */
  public enum Fate {
    /** Decoded audio (or a local source's) that went into the mix. */
    MIXED,
    /** The codec's concealment of a missing packet that went into the mix. */
    MIXED_CONCEALED,
    /** Decoded audio whose samples were all 0 (the peer sent silence). */
    SILENT,
    /** Concealment faded to silence (all samples 0): a long gap, or late packets. */
    CONCEALED_SILENT,
    /** No packet played yet: the jitter buffer filling at the start, or no RTP ever. */
    STARTING,
    /** No packet to play after packets had played: a gap, an underrun, the sender stopped. */
    MISSING,
    /** Audio left out because the leg is muted or on hold. */
    LEFT_OUT,
    /** The stream played nothing this tick (not started yet, closing, or its tick failed). */
    NO_FRAME
  }

  private static final Logger log = LoggerFactory.getLogger(MixLeg.class);

  private final AudioFormat format;
  private final MediaClock delegate;
  private final String name;
  private final short[] input;
  private boolean hasInput;
  private boolean contributed;
  private boolean accepted; // a frame came this tick
  private PlayoutKind kind; // what the stream said it was, null: audio (a local source)
  private boolean played; // a packet (or a local frame) was played once
  private Fate fate = Fate.NO_FRAME;
  private AudioFrame output;
  private volatile Runnable streamTick;
  private volatile LongConsumer streamSkip; // null: a local participant (no RTP timeline)
  private volatile boolean muted;
  private volatile boolean held;
  private final LongAdder mixedFrames = new LongAdder();
  private final LongAdder silentFrames = new LongAdder();
  private final AtomicBoolean failureLogged = new AtomicBoolean();
  private final MediaClock clock = new LegClock();

  /**
   * @param format the mix's format: what the stream's sink gets and its source gives
   * @param delegate the mixer's clock (time, and any task other than the tick)
   * @param name for the log
   */
  public MixLeg(AudioFormat format, MediaClock delegate, String name) {
    this.format = Objects.requireNonNull(format, "format");
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.name = Objects.requireNonNull(name, "name");
    this.input = new short[format.samplesPerFrame()];
    this.output = AudioFrame.silence(format);
  }

  /** The clock to build the leg's stream on: its tick runs inside the mixer's. */
  public MediaClock clock() {
    return clock;
  }

  /** Whether the leg's audio is left out of the mix (it still hears). */
  public boolean muted() {
    return muted;
  }

  /** Mutes or unmutes the leg's audio in the mix. */
  public void muted(boolean muted) {
    this.muted = muted;
  }

  /** Whether the leg is on hold (left out of the mix; its stream sends nothing). */
  public boolean held() {
    return held;
  }

  /** Puts the leg on hold or takes it off. */
  public void held(boolean held) {
    this.held = held;
  }

  /** Frames of the leg's audio that went into the mix. */
  public long mixedFrames() {
    return mixedFrames.sum();
  }

  /** Frames the leg's stream played whose samples were all 0 (silent audio, or no packet). */
  public long silentFrames() {
    return silentFrames.sum();
  }

  /** What became of the leg's frame in the last tick (set by {@link #contribute}). */
  public Fate fate() {
    return fate;
  }

  // --------------------------------------------------------------- the mixer's tick

  /** Runs the leg's stream tick: it sends {@link #next()} and plays into {@link #accept}. */
  public void runStreamTick() {
    Runnable tick = streamTick;
    hasInput = false;
    accepted = false;
    kind = null;
    if (tick == null) {
      return;
    }
    try {
      tick.run();
    } catch (RuntimeException e) {
      hasInput = false;
      accepted = false;
      if (failureLogged.compareAndSet(false, true)) {
        log.warn("stream tick of {} failed (the mix goes on; further failures at debug)", name,
            e);
      } else {
        log.debug("stream tick of {} failed again", name, e);
      }
    }
  }

  /**
   * Where {@link #skip(long)} goes: the leg's stream, set before the leg first ticks. A local
   * participant has none.
   */
  public void onSkip(LongConsumer streamSkip) {
    this.streamSkip = Objects.requireNonNull(streamSkip, "streamSkip");
  }

  /**
   * The mixer skipped {@code ticks} ticks it had fallen too far behind on: the leg's stream moves
   * its RTP timestamp on by their samples and marks its next packet (sending nothing for them).
   * On the mixer's tick, before {@link #runStreamTick()}.
   */
  public void skip(long ticks) {
    LongConsumer skip = streamSkip;
    if (skip == null || streamTick == null) {
      return;
    }
    try {
      skip.accept(ticks);
    } catch (RuntimeException e) {
      if (failureLogged.compareAndSet(false, true)) {
        log.warn("skip of {} ticks on {} failed (the mix goes on; further failures at debug)",
            ticks, name, e);
      } else {
        log.debug("skip of {} ticks on {} failed again", ticks, name, e);
      }
    }
  }

  /**
   * Adds the leg's input to the bus if it has one and may be heard; remembers whether, and the
   * frame's {@link #fate()}.
   */
  public void contribute(MixBus bus) {
    contributed = hasInput && !muted && !held;
    if (contributed) {
      bus.add(input);
      mixedFrames.increment();
    }
    fate = fateOfFrame();
  }

  private Fate fateOfFrame() {
    if (!accepted) {
      return Fate.NO_FRAME;
    }
    if (kind == PlayoutKind.NO_PACKET) {
      return played ? Fate.MISSING : Fate.STARTING;
    }
    played = true;
    if (!hasInput) {
      return kind == PlayoutKind.CONCEALED ? Fate.CONCEALED_SILENT : Fate.SILENT;
    }
    if (!contributed) {
      return Fate.LEFT_OUT;
    }
    return kind == PlayoutKind.CONCEALED ? Fate.MIXED_CONCEALED : Fate.MIXED;
  }

  /** Takes the leg's output for its next send from the bus. */
  public void takeOutput(MixBus bus) {
    output = bus.output(contributed ? input : null);
  }

  // --------------------------------------------------------------- the stream's source and sink

  @Override
  public AudioFormat format() {
    return format;
  }

  @Override
  public AudioFrame next() {
    return output;
  }

  @Override
  public void playing(PlayoutKind kind) {
    this.kind = kind;
  }

  @Override
  public void accept(AudioFrame frame) {
    if (frame.format() != format) {
      throw new IllegalArgumentException("frame of " + frame.format() + ", mix is " + format);
    }
    accepted = true;
    frame.copyTo(input, 0);
    short[] in = input;
    for (int i = 0; i < in.length; i++) {
      if (in[i] != 0) {
        hasInput = true;
        return;
      }
    }
    silentFrames.increment();
  }

  @Override
  public void close() {
    streamTick = null;
  }

  private final class LegClock implements MediaClock {
    @Override
    public long nanoTime() {
      return delegate.nanoTime();
    }

    @Override
    public boolean inClockThread() {
      return delegate.inClockThread();
    }

    @Override
    public void execute(Runnable task) {
      delegate.execute(task);
    }

    @Override
    public Timer schedule(Runnable task, long delay, TimeUnit unit) {
      return delegate.schedule(task, delay, unit);
    }

    /** The stream's 20 ms tick: kept for the mixer to run, not scheduled. */
    @Override
    public Timer scheduleAtFixedRate(Runnable task, long initialDelay, long period,
        TimeUnit unit) {
      Objects.requireNonNull(task, "task");
      if (unit.toMillis(period) != AudioFormat.FRAME_MILLIS) {
        throw new IllegalArgumentException("a mixed stream ticks every "
            + AudioFormat.FRAME_MILLIS + " ms: " + unit.toMillis(period) + " ms");
      }
      streamTick = task;
      return () -> {
        boolean was = streamTick == task;
        streamTick = null;
        return was;
      };
    }
  }
}
