package dev.parley.media.internal.stream;

import dev.parley.media.Codecs;
import dev.parley.media.JitterBuffer;
import dev.parley.media.JitterBufferConfig;
import dev.parley.media.JitterBufferStats;
import dev.parley.media.RtcpPacket.SenderReport;
import dev.parley.media.RtcpReportBlock;
import dev.parley.media.RtpPacket;
import dev.parley.media.RtpReceiverStats;
import java.time.Clock;
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

  /** A telephone-event payload (RFC 4733) waiting for the worker's DtmfReceiver. */
  public record TelephoneEvent(long timestamp, byte[] payload) {}

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
    synchronized (lock) {
      if (source == null || source.ssrc() != packet.ssrc()) {
        newSource(packet.ssrc());
      }
      if (entry != null && entry.clockRate() != arrivalRate) {
        arrivalRate = entry.clockRate();
      }
      // events repeat their start timestamp: they would read as jitter (RFC 3550 A.8)
      source.onPacket(packet, (long) (nowNanos * (arrivalRate / 1e9)), !telephoneEvent);
      packets++;
      bytes += packet.payloadLength();
      if (entry != null && jitter.config().clockRate() != entry.clockRate()) {
        retire(jitter.stats());
        jitter = newJitterBuffer(entry.clockRate());
      }
      buffer = jitter;
    }
    if (telephoneEvent) {
      if (!events.offer(new TelephoneEvent(packet.timestamp(), packet.payloadBytes()))) {
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
    return new JitterBuffer<>(jitterTemplate.toBuilder().clockRate(clockRate).build());
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

  /** What to play now (media worker). */
  public JitterBuffer.Playout<Encoded> poll(long nowNanos) {
    return jitter.poll(nowNanos);
  }

  /** The next telephone-event waiting, or null (media worker). */
  public TelephoneEvent pollTelephoneEvent() {
    return events.poll();
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
