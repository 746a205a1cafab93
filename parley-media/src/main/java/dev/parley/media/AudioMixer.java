package dev.parley.media;

import dev.parley.media.internal.mix.MixBus;
import dev.parley.media.internal.mix.MixLeg;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An N-1 audio mixer: one per conference, one {@link MixerParticipant} per RTP leg. Each
 * participant hears the sum of every other participant's audio, and not its own.
 *
 * <p><b>One tick per conference.</b> Every 20 ms one task on a {@link MediaScheduler} worker runs
 * the tick of every participant's {@link AudioStream} in turn (each sends the mix computed for it
 * at the previous tick, encoded with its own codec, and plays what its jitter buffer has into the
 * mix), then mixes: the inputs are summed once at the mixer's {@link Builder#format(AudioFormat)
 * rate} (16 kHz by default), and each participant's next frame is that total minus its own
 * input, clipped to 16 bits. The streams resample to and from their codec's rate (PCMU and PCMA
 * 8 kHz, Opus 48 kHz), so a participant on Opus hears one on PCMU. A conference's legs tick
 * together on one thread: no queue between a stream and the mix, no drift between them, and one
 * frame (20 ms) of delay added by the mix.
 *
 * <p><b>Who is heard.</b> A participant's frame goes into the mix unless it is silent (no packet,
 * or all samples 0: nothing to add), the participant is {@link MixerParticipant#muted(boolean)
 * muted} or {@link MixerParticipant#hold(boolean) on hold}. Every participant that put nothing in
 * hears the same frame, computed once; when nobody speaks that frame is silence, and it is still
 * encoded and sent (comfort silence: phones end calls that stop receiving RTP).
 *
 * <p><b>Threading.</b> Mixing runs on the scheduler's workers, never on a Netty event loop; a
 * conference's ticks never overlap, and several conferences use several workers. Every public
 * method is thread-safe and none blocks: a SIP event loop may add, change and remove
 * participants. Received packets are handled on the sockets' loops as in {@link AudioStream}.
 *
 * <p><b>Falling behind.</b> A tick that starts late (the worker busy, the process descheduled)
 * is counted late; the ticks missed meanwhile run back to back to catch up, at most
 * {@link Builder#maxCatchUpTicks(int)} of them (5, 100 ms, by default). Further behind, the
 * mixer skips the missed ticks (counted in {@link MixerStats#skippedTicks()}) and goes on from
 * the tick due now: a stall costs the participants a gap, not a burst of stale frames followed
 * by a mix that stays late. Each RTP participant's outgoing timestamp jumps by the skipped
 * frames' samples, so it keeps following the wall clock (RFC 3550 section 5.1), and the packet
 * after the gap has the marker bit (RFC 3551 section 4.1); nothing is sent for the skipped slots.
 * The participants' jitter buffers cut the packets that piled up meanwhile back to their target
 * delay.
 *
 * <p><b>Accounting.</b> {@link MixerStats#frames()} says what became of every participant's frame
 * of every tick (mixed, concealment mixed, silent, concealment faded out, still starting, missing,
 * muted or held, none),
 * so a shortfall of mixed frames can be traced to its cause.
 *
 * <p>{@link #addLocal(AudioSource, AudioSink)} adds a participant without RTP: an application's
 * source and sink (a bot, an announcement, a recording of the conference).
 *
 * <pre>{@code
 * AudioMixer mixer = AudioMixer.builder(scheduler).build();
 * MixerParticipant alice = mixer.add(socket, settings, new MixerParticipant.Listener() {
 *   public void onDtmf(MixerParticipant p, char digit) { ... }
 * });
 * alice.muted(true);                      // muted-via-focus
 * alice.settings(fromReInvite);           // a new codec, address or direction
 * alice.remove().join();                  // BYE: ports back in the range
 * mixer.close();
 * }</pre>
 */
public final class AudioMixer implements AutoCloseable {
  /** A tick starting more than this after its time is counted late: {@value} ms. */
  public static final long LATE_TICK_MILLIS = 10;
  /**
   * The default of {@link Builder#maxCatchUpTicks(int)}: a mixer more than {@value} ticks (100 ms)
   * behind skips the missed ticks instead of running them back to back.
   */
  public static final int DEFAULT_MAX_CATCH_UP_TICKS = 5;
  /** The default maximum number of participants of one mixer: {@value}. */
  public static final int DEFAULT_MAX_PARTICIPANTS = 100;

  private static final Logger log = LoggerFactory.getLogger(AudioMixer.class);
  private static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(AudioFormat.FRAME_MILLIS);
  private static final long LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(LATE_TICK_MILLIS);

  private final MediaClock clock;
  private final AudioFormat format;
  private final int maxParticipants;
  private final Duration rtcpInterval;
  private final JitterBufferConfig jitterBuffer;
  private final int maxCatchUpTicks;

  private final Object lock = new Object();
  private final List<MixerParticipant> participants = new ArrayList<>(); // under lock
  private final List<LocalParticipant> locals = new ArrayList<>(); // under lock
  private volatile MixLeg[] ticking = new MixLeg[0];
  private int nextId = 1; // under lock
  private boolean closed; // under lock
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  // The tick's state: the tick only (one at a time).
  private final MixBus bus;
  private final MediaClock.Timer timer;
  private final long origin;
  private long tickIndex;

  // Figures: written by the tick, read anywhere.
  private volatile long ticks;
  private volatile long lateTicks;
  private volatile long skippedTicks;
  private volatile long maxLatenessNanos;
  private volatile long tickNanos;
  private volatile long maxTickNanos;
  private static final MixLeg.Fate[] FATES = MixLeg.Fate.values();
  private final int[] tickFates = new int[FATES.length]; // the tick's own
  private final AtomicLongArray fates = new AtomicLongArray(FATES.length);

  private AudioMixer(Builder b) {
    this.clock = b.clock;
    this.format = b.format;
    this.maxParticipants = b.maxParticipants;
    this.rtcpInterval = b.rtcpInterval;
    this.jitterBuffer = b.jitterBuffer;
    this.maxCatchUpTicks = b.maxCatchUpTicks;
    this.bus = new MixBus(format);
    this.origin = clock.nanoTime() + FRAME_NANOS;
    this.timer = clock.scheduleAtFixedRate(this::tick, AudioFormat.FRAME_MILLIS,
        AudioFormat.FRAME_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Starts building a mixer whose ticks run on {@code scheduler}'s workers. */
  public static Builder builder(MediaScheduler scheduler) {
    return new Builder(Objects.requireNonNull(scheduler, "scheduler").clock());
  }

  /**
   * Starts building a mixer ticking on {@code clock} (a {@link MediaScheduler#clock()}, or a
   * virtual clock in tests; never a Netty event loop's).
   */
  public static Builder builder(MediaClock clock) {
    return new Builder(Objects.requireNonNull(clock, "clock"));
  }

  /** The format the mix runs at. */
  public AudioFormat format() {
    return format;
  }

  /**
   * Adds a participant: an {@link AudioStream} on {@code socket} with {@code settings} (the
   * negotiated ones; the remote address may come later by {@link MixerParticipant#settings}),
   * heard by the others and hearing them from the next tick. The mixer owns the socket from now
   * on: {@link MixerParticipant#remove()} closes it.
   *
   * @throws IllegalStateException if the mixer is closed or has {@link Builder#maxParticipants}
   *     participants already
   */
  public MixerParticipant add(RtpSocket socket, AudioStreamSettings settings,
      MixerParticipant.Listener listener) {
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(listener, "listener");
    synchronized (lock) {
      checkRoom();
      int id = nextId++;
      MixLeg leg = new MixLeg(format, clock, "participant " + id + " on "
          + socket.localRtpAddress());
      MixerParticipant p = new MixerParticipant(this, id, leg, settings);
      AudioStream stream = AudioStream.builder(socket, leg.clock())
          .settings(settings)
          .source(leg)
          .sink(leg)
          .playoutFormat(format)
          .rtcpInterval(rtcpInterval)
          .jitterBuffer(jitterBuffer)
          .listener(new AudioStream.Listener() {
            @Override
            public void onDtmf(char digit) {
              listener.onDtmf(p, digit);
            }
          })
          .start();
      p.stream(stream);
      leg.onSkip(stream::skipFrames); // before the leg is in the tick
      participants.add(p);
      retick();
      return p;
    }
  }

  /**
   * Adds a participant without RTP: {@code source} is heard by the others (resampled to the
   * mix's rate when needed) and {@code sink} hears everyone else, in the mix's
   * {@link #format()}, from the next tick. Both are called on the mixer's worker and closed when
   * the participant is removed.
   *
   * @throws IllegalStateException if the mixer is closed or full
   */
  public LocalParticipant addLocal(AudioSource source, AudioSink sink) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(sink, "sink");
    synchronized (lock) {
      checkRoom();
      int id = nextId++;
      LocalParticipant p = new LocalParticipant(this, id,
          new MixLeg(format, clock, "local participant " + id), source, sink);
      p.start();
      locals.add(p);
      retick();
      return p;
    }
  }

  private void checkRoom() {
    if (closed) {
      throw new IllegalStateException("mixer closed");
    }
    if (participants.size() + locals.size() >= maxParticipants) {
      throw new IllegalStateException("mixer full: " + maxParticipants + " participants");
    }
  }

  /** Under the lock: the legs the tick runs, RTP participants first. */
  private void retick() {
    MixLeg[] legs = new MixLeg[participants.size() + locals.size()];
    int i = 0;
    for (MixerParticipant p : participants) {
      legs[i++] = p.leg();
    }
    for (LocalParticipant p : locals) {
      legs[i++] = p.leg();
    }
    ticking = legs;
  }

  /** The RTP participants now, in the order they were added. */
  public List<MixerParticipant> participants() {
    synchronized (lock) {
      return List.copyOf(participants);
    }
  }

  /** The local participants now, in the order they were added. */
  public List<LocalParticipant> localParticipants() {
    synchronized (lock) {
      return List.copyOf(locals);
    }
  }

  /** Takes {@code p} out of the tick and closes its stream on a worker (never here). */
  void detach(MixerParticipant p) {
    synchronized (lock) {
      if (participants.remove(p)) {
        retick();
      }
    }
    closeOnWorker(p.stream()::close, p);
  }

  /** Takes {@code p} out of the tick and closes its source and sink on a worker. */
  void detach(LocalParticipant p) {
    synchronized (lock) {
      if (locals.remove(p)) {
        retick();
      }
    }
    closeOnWorker(p::close, p);
  }

  private void closeOnWorker(Runnable close, Object what) {
    try {
      clock.execute(close);
    } catch (RejectedExecutionException e) {
      log.debug("media scheduler gone: closing {} here", what, e);
      close.run();
    }
  }

  // ---------------------------------------------------------------------------------------
  // The 20 ms tick, on a media worker

  private void tick() {
    long start = clock.nanoTime();
    long lateness = start - (origin + tickIndex * FRAME_NANOS);
    if (lateness < 0) {
      return; // a run of the timer's backlog after a skip: this slot's time has not come yet
    }
    long behind = lateness / FRAME_NANOS; // slots due before this tick's
    MixLeg[] legs = ticking;
    if (behind > maxCatchUpTicks) {
      // Too far behind to catch up by running the missed ticks back to back (each would send
      // a burst the peers' jitter buffers drop, and delay the next): skip them, realign on
      // the slot due now. The timer's backlog of runs then finds its slots not yet due.
      // Each RTP leg's timestamp moves on by the skipped frames (RFC 3550 5.1: it follows the
      // sampling clock, a skip must not leave it behind for good) and its next packet is marked.
      tickIndex += behind;
      skippedTicks += behind;
      for (MixLeg leg : legs) {
        leg.skip(behind);
      }
    }
    tickIndex++;
    for (MixLeg leg : legs) {
      leg.runStreamTick();
    }
    bus.begin();
    for (MixLeg leg : legs) {
      leg.contribute(bus);
      tickFates[leg.fate().ordinal()]++;
    }
    for (MixLeg leg : legs) {
      leg.takeOutput(bus);
    }
    long took = clock.nanoTime() - start;
    for (int i = 0; i < tickFates.length; i++) {
      if (tickFates[i] != 0) {
        fates.addAndGet(i, tickFates[i]);
        tickFates[i] = 0;
      }
    }
    ticks++;
    if (lateness > LATE_NANOS) {
      lateTicks++;
    }
    maxLatenessNanos = Math.max(maxLatenessNanos, lateness);
    tickNanos += took;
    maxTickNanos = Math.max(maxTickNanos, took);
  }

  /** The mixer's figures now; any thread. */
  public MixerStats stats() {
    int n;
    synchronized (lock) {
      n = participants.size() + locals.size();
    }
    MixerStats.Frames frames = new MixerStats.Frames(fate(MixLeg.Fate.MIXED),
        fate(MixLeg.Fate.MIXED_CONCEALED), fate(MixLeg.Fate.SILENT),
        fate(MixLeg.Fate.CONCEALED_SILENT), fate(MixLeg.Fate.STARTING),
        fate(MixLeg.Fate.MISSING), fate(MixLeg.Fate.LEFT_OUT), fate(MixLeg.Fate.NO_FRAME));
    return new MixerStats(n, ticks, lateTicks, skippedTicks, Math.max(0, maxLatenessNanos),
        tickNanos, maxTickNanos, frames);
  }

  private long fate(MixLeg.Fate fate) {
    return fates.get(fate.ordinal());
  }

  /**
   * Stops the mix and removes every participant (their streams closed, their ports freed, see
   * {@link #closeFuture()}); returns at once. Idempotent.
   */
  @Override
  public void close() {
    List<MixerParticipant> all;
    List<LocalParticipant> local;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      all = List.copyOf(participants);
      local = List.copyOf(locals);
    }
    timer.cancel();
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    all.forEach(p -> futures.add(p.remove()));
    local.forEach(p -> futures.add(p.remove()));
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
        .whenComplete((v, e) -> closeFuture.complete(null));
  }

  /** Completes once the mixer is closed and every participant's ports are free. */
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public String toString() {
    return "AudioMixer[" + format + ", " + ticking.length + " participants]";
  }

  // ---------------------------------------------------------------------------------------

  /** Builds an {@link AudioMixer}; its tick starts at {@link #build()}. */
  public static final class Builder {
    private final MediaClock clock;
    private AudioFormat format = AudioFormat.PCM_16000;
    private int maxParticipants = DEFAULT_MAX_PARTICIPANTS;
    private Duration rtcpInterval = Duration.ofMillis(AudioStream.DEFAULT_RTCP_INTERVAL_MILLIS);
    private JitterBufferConfig jitterBuffer = JitterBufferConfig.DEFAULT;
    private int maxCatchUpTicks = DEFAULT_MAX_CATCH_UP_TICKS;

    private Builder(MediaClock clock) {
      this.clock = clock;
    }

    /**
     * The rate the mix runs at: 16 kHz by default (wideband: Opus participants hear each other
     * at 16 kHz, G.711 ones lose nothing); {@link AudioFormat#PCM_8000} saves the resampling
     * of a G.711-only conference, {@link AudioFormat#PCM_48000} keeps Opus's full band.
     */
    public Builder format(AudioFormat format) {
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    /** The most participants at once; {@value #DEFAULT_MAX_PARTICIPANTS} by default. */
    public Builder maxParticipants(int max) {
      if (max < 1 || max > 10_000) {
        throw new IllegalArgumentException("maxParticipants out of range: " + max);
      }
      this.maxParticipants = max;
      return this;
    }

    /** The participants' mean RTCP interval (as {@link AudioStream.Builder#rtcpInterval}). */
    public Builder rtcpInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("rtcpInterval out of range: " + interval);
      }
      this.rtcpInterval = interval;
      return this;
    }

    /** The participants' jitter buffer settings (as {@link AudioStream.Builder#jitterBuffer}). */
    public Builder jitterBuffer(JitterBufferConfig config) {
      this.jitterBuffer = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * How many missed ticks a late mixer runs back to back to catch up; further behind (the
     * worker stalled, the machine overloaded) it skips the missed ticks, counted in
     * {@link MixerStats#skippedTicks()}, and goes on from the tick due now. Default
     * {@value #DEFAULT_MAX_CATCH_UP_TICKS}; 0 skips as soon as one tick is missed.
     */
    public Builder maxCatchUpTicks(int ticks) {
      if (ticks < 0 || ticks > 1000) {
        throw new IllegalArgumentException("maxCatchUpTicks out of range 0..1000: " + ticks);
      }
      this.maxCatchUpTicks = ticks;
      return this;
    }

    /** The mixer, ticking from now on. */
    public AudioMixer build() {
      return new AudioMixer(this);
    }
  }
}
