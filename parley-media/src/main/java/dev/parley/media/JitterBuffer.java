package dev.parley.media;

import dev.parley.media.internal.jitter.HeldPackets;
import dev.parley.media.internal.jitter.ReceivedNumbers;
import dev.parley.media.internal.jitter.TransitWindow;
import java.util.Objects;

/**
 * The adaptive jitter buffer between the RTP receive path and the decoder: packets go in with
 * {@link #offer} as they arrive, in any order; {@link #poll} is called once per frame period by the
 * playout side and says what to play in that slot.
 *
 * <p>The model (docs/media.md, "Jitter buffer"):
 *
 * <ul>
 *   <li>Each packet is one frame ({@link JitterBufferConfig#frameDuration()}); its slot is its RTP
 *       timestamp. The playout position advances one frame per poll.
 *   <li>The <em>transit</em> of a packet is its arrival time minus its RTP timestamp in
 *       nanoseconds (RFC 3550 section 6.4.1). Over the last {@code jitterWindow} of packets, the
 *       smallest transit is the base (a packet that met no queueing) and the largest minus the
 *       smallest is the peak deviation. The <em>target delay</em> is the peak deviation plus one
 *       frame, clamped to {@code minDelay..maxDelay}: at zero jitter it is {@code minDelay}.
 *   <li>The <em>delay</em> D is how long a packet with the base transit waits before it is played
 *       (poll time minus playout position minus base). A packet is on time when its deviation is at
 *       most D. D is kept in the band {@code (target - frame, target]}: below the band one frame is
 *       inserted at once (a conceal, or a silent slot, that does not advance the position); above
 *       it for {@code shrinkHold} one frame is dropped. So the delay grows quickly (one frame per
 *       poll) and shrinks slowly (one frame per {@code shrinkHold}, and only after the jitter
 *       window has forgotten the peak). Drops fall preferably on a silent or missing slot; a packet
 *       is dropped only when the next slot's packet is there to play instead.
 *   <li>Clock drift shows as a base transit that creeps (the sender's clock faster: D grows;
 *       slower: D shrinks); the same band corrects it one frame at a time, counted as drift when
 *       the target is steady.
 *   <li>D above {@code maxDelay} (a burst, a stall) is cut back to the target at once, dropping
 *       the packets of the skipped slots (counted as overflow), but never past the newest packet
 *       held: the slots after it have not arrived yet.
 *   <li>A slot with no packet is concealed when a later packet shows it is missing, or when the
 *       buffer is empty, for at most {@code maxConcealFrames} in a row; after that the buffer is
 *       idle (silence), forgets the transits it measured (they did not foretell the underrun: a
 *       sender that fell behind our clock, as on a starved machine, would otherwise make every
 *       later packet look too old and be dropped) and re-anchors on the next packet as at the
 *       start. A slot skipped by
 *       the sender (a silence period: no sequence number missing) is silence.
 *   <li>Sequence numbers (16 bits) and timestamps (32 bits) are extended across wraparound. A
 *       jump larger than {@code maxDropout} sequence numbers or {@code resyncThreshold} of
 *       timestamp is a restart (a new source) once the next packet confirms it (RFC 3550 appendix
 *       A.1's probation); the buffer then resyncs. {@link #reset()} does the same on demand (an
 *       SSRC change).
 * </ul>
 *
 * <p>Pure logic on the caller's clock: nothing here reads a clock, starts a thread or blocks.
 * Thread-safe: {@code offer} (the receive path) and {@code poll} (the playout side) may be called
 * from different threads; each call holds the buffer's lock for a few microseconds.
 *
 * @param <T> the payload, usually the encoded bytes of one frame
 */
public final class JitterBuffer<T> {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long NO_SEQUENCE = Long.MIN_VALUE;

  /**
   * What to play in one frame slot: the answer of {@link JitterBuffer#poll}.
   *
   * @param <T> the payload type
   */
  public sealed interface Playout<T> permits Playout.Decode, Playout.Conceal, Playout.Silence {

    /**
     * Decode this packet's payload and play it.
     *
     * @param sequence the packet's 16-bit RTP sequence number
     * @param rtpTimestamp the packet's 32-bit RTP timestamp
     * @param payload the payload offered with it
     */
    record Decode<T>(int sequence, long rtpTimestamp, T payload) implements Playout<T> {}

    /**
     * The slot has no packet to play while the stream is running: run the codec's packet loss
     * concealment. Also used to insert a frame when the delay must grow.
     *
     * @param rtpTimestamp the 32-bit RTP timestamp of the slot
     */
    record Conceal<T>(long rtpTimestamp) implements Playout<T> {}

    /**
     * Nothing to play: the buffer is filling, idle after an underrun, or the sender is silent in
     * this slot. Play silence (or comfort noise).
     */
    record Silence<T>() implements Playout<T> {}
  }

  private enum State {
    /** No playout position: waiting for a packet to wait the target delay (start, underrun). */
    IDLE,
    /** Playing: the position advances one frame per poll. */
    PLAYING
  }

  private enum Adjust {
    NONE,
    INSERT,
    DROP
  }

  private final JitterBufferConfig config;
  private final int clockRate;
  private final long frameNanos;
  private final long samplesPerFrame;
  private final long minDelayNanos;
  private final long maxDelayNanos;
  private final long resyncSamples;
  private final int shrinkHoldPolls;
  private final HeldPackets<T> held;
  private final TransitWindow window;
  private final Playout.Silence<T> silence = new Playout.Silence<>();

  private State state = State.IDLE;
  private final ReceivedNumbers numbers = new ReceivedNumbers();
  // a jump waiting for confirmation by the next packet
  private boolean candidate;
  private int candidateSeq;
  private long candidateTs;
  private long candidateArrival;
  private T candidatePayload;
  // playout
  private long lastSeq = NO_SEQUENCE; // highest extended sequence number played, dropped or skipped
  private long playoutTs; // extended timestamp of the next slot
  private int concealedSinceLast; // missing slots concealed since lastSeq
  private int emptyConceals; // slots concealed in a row with an empty buffer
  private int aboveTargetPolls;
  private long targetNanos;
  private long alignedTargetNanos; // the target at the last alignment
  private long delayNanos;
  // counters
  private long received;
  private long played;
  private long concealed;
  private long late;
  private long duplicate;
  private long overflowDropped;
  private long adjustDroppedPackets;
  private long driftDrops;
  private long driftInsertions;
  private long adaptDrops;
  private long adaptInsertions;
  private long delayCuts;
  private long underruns;
  private long resyncs;
  private long discardedJumps;
  private long flushed;

  /** A buffer with the given parameters. */
  public JitterBuffer(JitterBufferConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    clockRate = config.clockRate();
    frameNanos = config.frameDuration().toNanos();
    samplesPerFrame = config.samplesPerFrame();
    minDelayNanos = config.minDelay().toNanos();
    maxDelayNanos = config.maxDelay().toNanos();
    resyncSamples = config.resyncThreshold().toNanos() * clockRate / NANOS_PER_SECOND;
    shrinkHoldPolls = (int) Math.max(1, config.shrinkHold().toNanos() / frameNanos);
    held = new HeldPackets<>(config.capacity());
    window = new TransitWindow(
        (int) Math.max(1, (config.jitterWindow().toNanos() + frameNanos - 1) / frameNanos));
    targetNanos = minDelayNanos;
    alignedTargetNanos = minDelayNanos;
  }

  /** A buffer with {@link JitterBufferConfig#DEFAULT}. */
  public JitterBuffer() {
    this(JitterBufferConfig.DEFAULT);
  }

  /** The parameters. */
  public JitterBufferConfig config() {
    return config;
  }

  /**
   * Takes one received packet. Late, duplicate and surplus packets are dropped and counted, never
   * thrown.
   *
   * @param sequence the RTP sequence number, 0..65535
   * @param rtpTimestamp the RTP timestamp, 0..2^32-1
   * @param arrivalNanos when the packet arrived, on the same clock as {@code poll}'s
   * @param payload what {@link Playout.Decode} hands back for this packet
   * @throws IllegalArgumentException if sequence or rtpTimestamp is out of range
   * @throws NullPointerException if payload is null
   */
  public synchronized void offer(int sequence, long rtpTimestamp, long arrivalNanos, T payload) {
    if (sequence < 0 || sequence > 0xFFFF) {
      throw new IllegalArgumentException("sequence out of range 0..65535: " + sequence);
    }
    if (rtpTimestamp < 0 || rtpTimestamp > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("rtpTimestamp out of range 0..2^32-1: " + rtpTimestamp);
    }
    Objects.requireNonNull(payload, "payload");
    received++;
    if (!numbers.isAnchored()) {
      numbers.anchor(sequence, rtpTimestamp);
    }
    if (Math.abs(numbers.sequenceDistance(sequence)) > config.maxDropout()
        || Math.abs(numbers.timestampDistance(rtpTimestamp)) > resyncSamples) {
      onJump(sequence, rtpTimestamp, arrivalNanos, payload);
      return;
    }
    if (candidate) {
      dropCandidate();
    }
    accept(sequence, rtpTimestamp, arrivalNanos, payload);
  }

  /**
   * What to play in the slot due at {@code nowNanos}; call once per frame period.
   *
   * @param nowNanos the playout side's time, on the same clock as the arrival times
   */
  public synchronized Playout<T> poll(long nowNanos) {
    targetNanos = target();
    if (state == State.IDLE) {
      if (held.isEmpty()
          || nowNanos - nanosOf(held.timestamp(0)) - window.min() <= targetNanos - frameNanos) {
        delayNanos = 0;
        return silence;
      }
      state = State.PLAYING;
      playoutTs = held.timestamp(0);
      lastSeq = Math.max(lastSeq, held.sequence(0) - 1);
      concealedSinceLast = 0;
      emptyConceals = 0;
      aboveTargetPolls = 0;
      align();
    }
    long d = nowNanos - nanosOf(playoutTs) - window.min();
    if (d > maxDelayNanos) {
      d -= cutBack(d);
    }
    delayNanos = d;
    Adjust adjust = Adjust.NONE;
    if (d <= targetNanos - frameNanos) {
      adjust = Adjust.INSERT;
      aboveTargetPolls = 0;
    } else if (d > targetNanos) {
      if (++aboveTargetPolls >= shrinkHoldPolls) {
        adjust = Adjust.DROP;
      }
    } else {
      aboveTargetPolls = 0;
    }
    return playSlot(adjust);
  }

  /**
   * Forgets the stream (a new source, an SSRC change): drops every held packet (counted as
   * flushed) and the transit history, and waits for the next packet as at the start. Counters are
   * kept.
   */
  public synchronized void reset() {
    if (candidate) {
      dropCandidate();
    }
    resync();
  }

  /** A snapshot of the counters and delays. */
  public synchronized JitterBufferStats stats() {
    return new JitterBufferStats(received, played, concealed, late, duplicate, overflowDropped,
        adjustDroppedPackets, driftDrops, driftInsertions, adaptDrops, adaptInsertions, delayCuts,
        underruns, resyncs, discardedJumps, flushed, held.size() + (candidate ? 1 : 0),
        delayNanos / 1e6, targetNanos / 1e6);
  }

  // ---- receive side

  private void accept(int sequence, long rtpTimestamp, long arrivalNanos, T payload) {
    long extSeq = numbers.extendSequence(sequence);
    long extTs = numbers.extendTimestamp(rtpTimestamp);
    if (!numbers.markReceived(extSeq, extTs)) {
      duplicate++;
      return;
    }
    window.add(arrivalNanos - nanosOf(extTs));
    if (extSeq <= lastSeq || state == State.PLAYING && extTs < playoutTs) {
      late++;
      return;
    }
    if (held.contains(extSeq)) { // older than the seen window yet still held: a duplicate
      duplicate++;
      return;
    }
    if (held.isFull()) {
      overflowDropped++;
      if (extSeq < held.sequence(0)) {
        return;
      }
      held.removeFirst();
    }
    held.insert(extSeq, extTs, payload);
  }

  private void onJump(int sequence, long rtpTimestamp, long arrivalNanos, T payload) {
    boolean confirms = candidate
        && sequence == ((candidateSeq + 1) & 0xFFFF)
        && Math.abs(ReceivedNumbers.timestampDistance(rtpTimestamp, candidateTs))
            <= resyncSamples;
    if (!confirms) {
      if (candidate) {
        dropCandidate();
      }
      candidate = true;
      candidateSeq = sequence;
      candidateTs = rtpTimestamp;
      candidateArrival = arrivalNanos;
      candidatePayload = payload;
      return;
    }
    int firstSeq = candidateSeq;
    long firstTs = candidateTs;
    long firstArrival = candidateArrival;
    T firstPayload = candidatePayload;
    candidate = false;
    candidatePayload = null;
    resync();
    numbers.anchor(firstSeq, firstTs);
    accept(firstSeq, firstTs, firstArrival, firstPayload);
    accept(sequence, rtpTimestamp, arrivalNanos, payload);
  }

  private void dropCandidate() {
    candidate = false;
    candidatePayload = null;
    discardedJumps++;
  }

  private void resync() {
    resyncs++;
    flushed += held.size();
    held.clear();
    window.clear();
    numbers.clear();
    state = State.IDLE;
    lastSeq = NO_SEQUENCE;
    concealedSinceLast = 0;
    emptyConceals = 0;
    aboveTargetPolls = 0;
    targetNanos = minDelayNanos;
    align();
    delayNanos = 0;
  }

  // ---- playout side

  private Playout<T> playSlot(Adjust adjust) {
    while (!held.isEmpty() && held.timestamp(0) < playoutTs) { // a timestamp behind its sequence
      late++;
      lastSeq = Math.max(lastSeq, held.sequence(0));
      held.removeFirst();
    }
    while (true) {
      if (held.isEmpty()) {
        if (emptyConceals >= config.maxConcealFrames()) {
          state = State.IDLE;
          underruns++;
          delayNanos = 0;
          // the base transit did not foretell this: packets came later than it promised (a
          // sender that fell behind our clock, a stall). Measured again from the next packet,
          // as at the start; kept, it would make every packet after the restart look too old
          window.clear();
          return silence;
        }
        emptyConceals++;
        if (adjust == Adjust.INSERT) {
          countInsertion();
          return conceal();
        }
        concealed++;
        concealedSinceLast++;
        return concealAndAdvance();
      }
      emptyConceals = 0;
      if (held.timestamp(0) < playoutTs + samplesPerFrame) { // the slot's packet is here
        if (adjust == Adjust.INSERT) {
          countInsertion();
          return conceal();
        }
        if (adjust == Adjust.DROP && held.size() >= 2
            && held.timestamp(1) < playoutTs + 2 * samplesPerFrame) {
          countDrop();
          adjustDroppedPackets++;
          lastSeq = held.sequence(0);
          concealedSinceLast = 0;
          held.removeFirst();
          playoutTs += samplesPerFrame;
          adjust = Adjust.NONE;
          continue;
        }
        return decodeHead();
      }
      // the slot has no packet, a later one is here: missing, or skipped by a silent sender
      boolean missing = held.sequence(0) - lastSeq - 1 - concealedSinceLast > 0;
      if (adjust == Adjust.INSERT) {
        countInsertion();
        return missing ? conceal() : silence;
      }
      if (adjust == Adjust.DROP) {
        countDrop();
        if (missing) {
          concealedSinceLast++;
        }
        playoutTs += samplesPerFrame;
        adjust = Adjust.NONE;
        continue;
      }
      if (missing) {
        concealed++;
        concealedSinceLast++;
        return concealAndAdvance();
      }
      playoutTs += samplesPerFrame;
      return silence;
    }
  }

  private Playout<T> decodeHead() {
    long seq = held.sequence(0);
    long ts = held.timestamp(0);
    T payload = held.payload(0);
    held.removeFirst();
    played++;
    lastSeq = seq;
    concealedSinceLast = 0;
    playoutTs = ts + samplesPerFrame;
    return new Playout.Decode<>((int) (seq & 0xFFFF), ts & 0xFFFF_FFFFL, payload);
  }

  private Playout<T> conceal() {
    return new Playout.Conceal<>(playoutTs & 0xFFFF_FFFFL);
  }

  private Playout<T> concealAndAdvance() {
    Playout<T> p = conceal();
    playoutTs += samplesPerFrame;
    return p;
  }

  /**
   * Skips slots until the delay is at most the target, but never past the newest packet held
   * (the slots after it have not arrived, maybe not been sent: a position beyond them would make
   * every packet still to come late); returns the delay removed.
   */
  private long cutBack(long d) {
    long frames = (d - targetNanos + frameNanos - 1) / frameNanos;
    long toNewest = held.isEmpty() ? 0
        : Math.max(0, (held.timestamp(held.size() - 1) - playoutTs) / samplesPerFrame);
    frames = Math.min(frames, toNewest);
    if (frames == 0) {
      return 0;
    }
    delayCuts++;
    playoutTs += frames * samplesPerFrame;
    while (!held.isEmpty() && held.timestamp(0) < playoutTs) {
      overflowDropped++;
      lastSeq = Math.max(lastSeq, held.sequence(0));
      held.removeFirst();
    }
    concealedSinceLast = 0;
    if (!held.isEmpty()) { // sequence numbers of the skipped slots are not missing
      long slotsAhead = (held.timestamp(0) - playoutTs) / samplesPerFrame;
      lastSeq = Math.max(lastSeq, held.sequence(0) - 1 - slotsAhead);
    }
    aboveTargetPolls = 0;
    align();
    return frames * frameNanos;
  }

  /**
   * The target delay: the peak deviation in the window plus one frame, between the minimum and
   * the maximum delay. The deviation is padded by 2/n of itself (n the number of samples): under
   * clock drift the spread grows by about 1/n per packet, and the pad keeps the next packet,
   * which drifts one step further than any in the window, on time. At zero jitter the pad is 0.
   */
  private long target() {
    if (window.isEmpty()) {
      return minDelayNanos;
    }
    long spread = window.spread();
    long padded = spread + 2 * spread / window.size() + frameNanos;
    return Math.min(maxDelayNanos, Math.max(minDelayNanos, padded));
  }

  /** Remembers the target just after a (re)alignment of the playout position. */
  private void align() {
    alignedTargetNanos = targetNanos;
  }

  /**
   * Whether the target has stayed within half a frame of its value at the last alignment: then a
   * drop or insertion compensates clock drift; otherwise it follows the jitter (adaptation).
   */
  private boolean targetSteady() {
    return Math.abs(targetNanos - alignedTargetNanos) < frameNanos / 2;
  }

  private void countInsertion() {
    if (targetSteady()) {
      driftInsertions++;
    } else {
      adaptInsertions++;
    }
    align();
  }

  private void countDrop() {
    aboveTargetPolls = 0;
    if (targetSteady()) {
      driftDrops++;
    } else {
      adaptDrops++;
    }
    align();
  }

  // ---- arithmetic

  /** An extended timestamp in nanoseconds, without overflow for any realistic call length. */
  private long nanosOf(long extTs) {
    return Math.floorDiv(extTs, clockRate) * NANOS_PER_SECOND
        + Math.floorMod(extTs, clockRate) * NANOS_PER_SECOND / clockRate;
  }

  @Override
  public synchronized String toString() {
    return "JitterBuffer{" + state + ", held=" + held.size() + ", delay=" + delayNanos / 1_000_000
        + "ms, target=" + targetNanos / 1_000_000 + "ms}";
  }
}
