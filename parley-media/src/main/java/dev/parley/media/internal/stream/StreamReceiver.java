package dev.parley.media.internal.stream;

import dev.parley.media.AudioFormat;
import dev.parley.media.Codecs;
import dev.parley.media.JitterBuffer;
import dev.parley.media.JitterBufferConfig;
import dev.parley.media.JitterBufferStats;
import dev.parley.media.Pcma;
import dev.parley.media.Pcmu;
import dev.parley.media.RtcpPacket.SenderReport;
import dev.parley.media.RtcpReportBlock;
import dev.parley.media.RtpPacket;
import dev.parley.media.RtpReceiverStats;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receive side of an audio stream: the current source's RFC 3550 statistics, the jitter
 * buffer and the telephone-event queue, with the totals that outlive a source.
 *
 * <p>Thread-safe, for exactly this split: {@link #onPacket} and the RTCP methods run on the
 * socket's event loop; {@link #poll} and {@link #pollTelephoneEvent} on the media worker;
 * {@link #snapshot} anywhere. The state is under one lock held for microseconds; the jitter
 * buffer has its own.
 */
public final class StreamReceiver {
  /** Telephone-event packets that may wait for the worker: {@value}. */
  public static final int TELEPHONE_EVENT_CAPACITY = 64;

  private static final Logger log = LoggerFactory.getLogger(StreamReceiver.class);

  /** An audio payload waiting in the jitter buffer, with its payload type. */
  public record Encoded(int payloadType, byte[] payload) {}

  /**
   * A telephone-event payload (RFC 4733) waiting for the worker's DtmfReceiver.
   *
   * @param restart whether the source started afresh at or before this packet (a new SSRC, or
   *     an RFC 3550 A.1 restart of its numbers): event timestamps before it say nothing of order
   */
  public record TelephoneEvent(long timestamp, byte[] payload, boolean restart) {}

  /**
   * What to play for one jitter-buffer frame, and how long that frame is: 20 ms, or the packet
   * time a G.711 sender uses (10 to 60 ms).
   */
  public record Slot(JitterBuffer.Playout<Encoded> playout, int frameMillis) {}

  /** The packet times (ms) a G.711 payload may have for its jitter buffer to follow it. */
  private static final int MIN_FRAME_MILLIS = 10;
  private static final int MAX_FRAME_MILLIS = 60;

  /** The receive side's totals. */
  public record Snapshot(long packets, long bytes, long lost, double fractionLost,
      double jitterMillis, long late, long duplicate, long concealed, long ssrcChanges,
      long unknownPayloadType, long telephoneEventsDropped) {}

  private final Clock wallclock;
  private final JitterBufferConfig jitterTemplate;
  private final Object lock = new Object();
  private RtpReceiverStats source;
  private int arrivalRate;
  private long retiredLost;
  private long retiredLate;
  private long retiredDuplicate;
  private long retiredConcealed;
  private long ssrcChanges;
  private long packets;
  private long bytes;
  private double fractionLost;
  private volatile JitterBuffer<Encoded> jitter;
  private final BlockingQueue<TelephoneEvent> events =
      new ArrayBlockingQueue<>(TELEPHONE_EVENT_CAPACITY);
  private final LongAdder unknownPayloadType = new LongAdder();
  private final LongAdder eventsDropped = new LongAdder();
  private boolean restartPending; // under lock: the next telephone-event follows a restart
  private int candidateMillis; // under lock: a new packet time seen once, waiting for a second

  /**
   * A receive side with no source yet.
   *
   * @param jitterTemplate the jitter buffer's settings; its clock rate follows the payloads
   * @param clockRate the clock rate expected first
   * @param wallclock for RTCP's sender report arrival times
   */
  public StreamReceiver(JitterBufferConfig jitterTemplate, int clockRate, Clock wallclock) {
    this.jitterTemplate = jitterTemplate;
    this.wallclock = wallclock;
    this.arrivalRate = clockRate;
    this.jitter = newJitterBuffer(clockRate);
  }

  /**
   * Takes a received packet (event loop): a new SSRC resets the statistics and the jitter
   * buffer; a telephone-event is queued; audio of a known payload type goes into the jitter
   * buffer, other payload types are counted and dropped.
   *
   * @param entry the codec of the packet's payload type, null if unknown
   * @param telephoneEvent whether the payload type is the telephone-event one
   * @param nowNanos the arrival time on the playout's clock
   */
  public void onPacket(RtpPacket packet, Codecs.Entry entry, boolean telephoneEvent,
      long nowNanos) {
    JitterBuffer<Encoded> buffer;
    boolean restart;
    synchronized (lock) {
      if (source == null || source.ssrc() != packet.ssrc()) {
        restartPending |= source != null;
        newSource(packet.ssrc());
      }
      if (entry != null && entry.clockRate() != arrivalRate) {
        arrivalRate = entry.clockRate();
      }
      // events repeat their start timestamp: they would read as jitter (RFC 3550 A.8)
      RtpReceiverStats.Verdict verdict =
          source.onPacket(packet, (long) (nowNanos * (arrivalRate / 1e9)), !telephoneEvent);
      restartPending |= verdict == RtpReceiverStats.Verdict.RESTARTED;
      packets++;
      bytes += packet.payloadLength();
      int frameMillis = entry == null || telephoneEvent ? 0 : packetMillis(entry, packet);
      if (entry != null && (jitter.config().clockRate() != entry.clockRate()
          || frameMillis != 0 && frameMillis != frameMillis(jitter))) {
        retire(jitter.stats());
        jitter = newJitterBuffer(entry.clockRate(),
            frameMillis != 0 ? frameMillis : AudioFormat.FRAME_MILLIS);
      }
      buffer = jitter;
      restart = telephoneEvent && restartPending;
      if (restart) {
        restartPending = false;
      }
    }
    if (telephoneEvent) {
      if (!events.offer(new TelephoneEvent(packet.timestamp(), packet.payloadBytes(), restart))) {
        eventsDropped.increment();
      }
    } else if (entry == null) {
      unknownPayloadType.increment();
    } else {
      buffer.offer(packet.sequenceNumber(), packet.timestamp(), nowNanos,
          new Encoded(packet.payloadType(), packet.payloadBytes()));
    }
  }

  private void newSource(long ssrc) {
    if (source != null) {
      ssrcChanges++;
      retiredLost += source.cumulativeLost();
      log.debug("new source SSRC {} replaces {}", ssrc, source.ssrc());
      jitter.reset();
    }
    source = new RtpReceiverStats(ssrc, wallclock);
    fractionLost = 0;
  }

  private void retire(JitterBufferStats old) {
    retiredLate += old.late();
    retiredDuplicate += old.duplicate();
    retiredConcealed += old.concealed();
  }

  private JitterBuffer<Encoded> newJitterBuffer(int clockRate) {
    return newJitterBuffer(clockRate, AudioFormat.FRAME_MILLIS);
  }

  private JitterBuffer<Encoded> newJitterBuffer(int clockRate, int frameMillis) {
    Duration frame = Duration.ofMillis(frameMillis);
    JitterBufferConfig.Builder b = jitterTemplate.toBuilder().clockRate(clockRate)
        .frameDuration(frame);
    if (frameMillis != jitterTemplate.frameDuration().toMillis()) {
      // the same time of concealment whatever the packet time: 5 frames of 20 ms = 100 ms
      long concealMillis = jitterTemplate.maxConcealFrames()
          * jitterTemplate.frameDuration().toMillis();
      b.maxConcealFrames(concealMillis == 0 ? 0
          : (int) Math.max(1, Math.round((double) concealMillis / frameMillis)));
    }
    if (jitterTemplate.minDelay().compareTo(frame) < 0) { // longer packets: at least one held
      b.minDelay(frame);
      if (jitterTemplate.maxDelay().compareTo(frame) < 0) {
        b.maxDelay(frame);
      }
    }
    return new JitterBuffer<>(b.build());
  }

  private static int frameMillis(JitterBuffer<?> buffer) {
    return (int) buffer.config().frameDuration().toMillis();
  }

  /**
   * Under the lock: the packet time the jitter buffer should follow for this packet, or 0 to
   * keep the current one. Only G.711 says its length in its payload (one byte a sample); a new
   * length is followed when the first packet has it or two in a row do (one odd packet does not
   * replace the buffer), in 10 ms steps from 10 to 60 ms.
   */
  private int packetMillis(Codecs.Entry entry, RtpPacket packet) {
    if (!entry.name().equalsIgnoreCase(Pcmu.NAME) && !entry.name().equalsIgnoreCase(Pcma.NAME)) {
      return 0;
    }
    int bytes = packet.payloadLength();
    int perMilli = entry.clockRate() / 1000;
    if (bytes % (perMilli * MIN_FRAME_MILLIS) != 0) {
      return 0;
    }
    int millis = bytes / perMilli;
    if (millis < MIN_FRAME_MILLIS || millis > MAX_FRAME_MILLIS || millis == frameMillis(jitter)) {
      candidateMillis = 0;
      return 0;
    }
    boolean first = jitter.stats().received() == 0;
    if (first || candidateMillis == millis) {
      candidateMillis = 0;
      return millis;
    }
    candidateMillis = millis;
    return 0;
  }

  /** Takes a sender report (event loop): LSR and its arrival, if it is the current source's. */
  public void onSenderReport(SenderReport sr) {
    synchronized (lock) {
      if (source != null && source.ssrc() == sr.ssrc()) {
        source.onSenderReport(sr);
      }
    }
  }

  /** The report block about the current source, ending a report interval; empty before one. */
  public Optional<RtcpReportBlock> reportBlock() {
    synchronized (lock) {
      if (source == null || !source.isValid()) {
        return Optional.empty();
      }
      RtcpReportBlock block = source.reportBlock();
      fractionLost = block.fractionLostRatio();
      return Optional.of(block);
    }
  }

  /** What to play now, one jitter-buffer frame (media worker). */
  public Slot poll(long nowNanos) {
    JitterBuffer<Encoded> buffer = jitter;
    return new Slot(buffer.poll(nowNanos), frameMillis(buffer));
  }

  /** The next telephone-event waiting, or null (media worker). */
  public TelephoneEvent pollTelephoneEvent() {
    return events.poll();
  }

  /** Packets received so far, of any source (a cheap read for the tick). */
  public long packets() {
    synchronized (lock) {
      return packets;
    }
  }

  /** The totals now. */
  public Snapshot snapshot() {
    synchronized (lock) {
      JitterBufferStats js = jitter.stats();
      return new Snapshot(packets, bytes,
          retiredLost + (source == null ? 0 : source.cumulativeLost()), fractionLost,
          source == null ? 0 : source.jitter() * 1000.0 / arrivalRate,
          retiredLate + js.late(), retiredDuplicate + js.duplicate(),
          retiredConcealed + js.concealed(), ssrcChanges, unknownPayloadType.sum(),
          eventsDropped.sum());
    }
  }
}
