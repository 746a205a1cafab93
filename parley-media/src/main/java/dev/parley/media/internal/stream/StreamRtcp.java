package dev.parley.media.internal.stream;

import dev.parley.media.MediaClock;
import dev.parley.media.RtcpCompoundPacket;
import dev.parley.media.RtcpPacket;
import dev.parley.media.RtcpPacket.Bye;
import dev.parley.media.RtcpPacket.ReceiverReport;
import dev.parley.media.RtcpPacket.SourceDescription;
import dev.parley.media.RtcpReportBlock;
import dev.parley.media.RtpPacket;
import dev.parley.media.RtpSenderStats;
import dev.parley.media.RtpSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An audio stream's RTCP (RFC 3550 section 6): the statistics of what it sends, a report (an SR,
 * or an RR while nothing is sent, and an SDES CNAME) every interval randomised to 0.5..1.5 times
 * it (section 6.3.1; no bandwidth-based interval, no reconsideration), what the peer's reports say
 * about us (round-trip time, the loss it sees), and a BYE when the stream closes.
 *
 * <p>Threading: the stream's tick records the packets it sends and its RTP clock; reports are
 * received and sent on the socket's event loop; {@link #snapshot()} reads from any thread. A
 * short lock guards the sender's statistics.
 */
public final class StreamRtcp {
  /** What RTCP knows now (see {@code AudioStreamStats}). */
  public record Snapshot(long packetsSent, long octetsSent, double rttMillis,
      double peerFractionLost, long peerCumulativeLost, long reportsSent, long reportsReceived) {}

  private static final Logger log = LoggerFactory.getLogger(StreamRtcp.class);

  private final RtpSocket socket;
  private final StreamReceiver receiver;
  private final MediaClock tickClock;
  private final long ssrc;
  private final String cname;
  private final long intervalNanos;

  private final Object lock = new Object();
  private final RtpSenderStats senderStats;
  private long reportedPackets = -1;
  private Duration rtt;
  private double peerFractionLost = -1;
  private long peerCumulativeLost;
  // where the RTP clock was at the last tick: an SR's RTP timestamp is extrapolated from it
  private volatile long clockMarkTimestamp;
  private volatile long clockMarkNanos;
  private volatile int clockMarkRate = 8000;

  private final LongAdder sent = new LongAdder();
  private final LongAdder received = new LongAdder();
  private MediaClock.Timer timer; // on the loop only

  /**
   * RTCP of the stream {@code ssrc} on {@code socket}, reporting on what {@code receiver} got.
   *
   * @param tickClock the stream's tick clock (the RTP clock's time base)
   * @param wallclock the NTP timestamps' clock
   * @param interval the report interval before randomisation
   */
  public StreamRtcp(RtpSocket socket, StreamReceiver receiver, MediaClock tickClock,
      Clock wallclock, long ssrc, String cname, Duration interval) {
    this.socket = socket;
    this.receiver = receiver;
    this.tickClock = tickClock;
    this.ssrc = ssrc;
    this.cname = cname;
    this.intervalNanos = interval.toNanos();
    this.senderStats = new RtpSenderStats(ssrc, wallclock);
  }

  /** The tick sent {@code packet}. */
  public void onPacketSent(RtpPacket packet) {
    synchronized (lock) {
      senderStats.onPacketSent(packet);
    }
  }

  /** The tick's RTP clock: {@code timestamp} at {@code nanos} of the tick clock, {@code rate} Hz. */
  public void clockMark(long timestamp, long nanos, int rate) {
    clockMarkTimestamp = timestamp;
    clockMarkNanos = nanos;
    clockMarkRate = rate;
  }

  /** On the loop: a compound packet from the peer (parsed; malformed ones never come here). */
  public void onReport(RtcpCompoundPacket compound) {
    received.increment();
    compound.senderReport().ifPresent(receiver::onSenderReport);
    for (RtcpReportBlock block : compound.reportBlocks()) {
      if (block.ssrc() != ssrc) {
        continue;
      }
      synchronized (lock) {
        senderStats.onReportBlock(block).ifPresent(d -> rtt = d);
        peerFractionLost = block.fractionLostRatio();
        peerCumulativeLost = block.cumulativeLost();
      }
    }
    compound.bye().ifPresent(bye -> log.debug("RTCP BYE from {}: {}", bye.ssrcs(), bye.reason()));
  }

  /** On the loop: schedules the next report, and each one after it until {@code closed}. */
  public void schedule(BooleanSupplier closed) {
    if (closed.getAsBoolean()) {
      return;
    }
    long delay = (long) (intervalNanos * (0.5 + ThreadLocalRandom.current().nextDouble()));
    timer = socket.clock().schedule(() -> {
      if (closed.getAsBoolean()) {
        return;
      }
      send(null);
      schedule(closed);
    }, delay, TimeUnit.NANOSECONDS);
  }

  /** On the loop: no more reports; a last one with a BYE (RFC 3550 section 6.6). */
  public void bye() {
    if (timer != null) {
      timer.cancel();
    }
    send(new Bye(List.of(ssrc), ""));
  }

  private void send(Bye bye) {
    List<RtcpReportBlock> blocks = new ArrayList<>(1);
    receiver.reportBlock().ifPresent(blocks::add);
    List<RtcpPacket> packets = new ArrayList<>(3);
    synchronized (lock) {
      long packetsSent = senderStats.packetsSent();
      if (packetsSent > 0 && packetsSent != reportedPackets) {
        long elapsed = tickClock.nanoTime() - clockMarkNanos;
        long ts = (clockMarkTimestamp + elapsed * clockMarkRate / 1_000_000_000L) & 0xffffffffL;
        packets.add(senderStats.senderReport(ts, blocks));
      } else {
        packets.add(new ReceiverReport(ssrc, blocks));
      }
      reportedPackets = packetsSent;
    }
    packets.add(SourceDescription.ofCname(ssrc, cname));
    if (bye != null) {
      packets.add(bye);
    }
    byte[] bytes = RtcpCompoundPacket.of(packets).toBytes();
    socket.sendRtcp(bytes, 0, bytes.length);
    sent.increment();
  }

  /** The figures now; any thread. */
  public Snapshot snapshot() {
    synchronized (lock) {
      return new Snapshot(senderStats.packetsSent(), senderStats.octetsSent(),
          rtt == null ? -1 : rtt.toNanos() / 1e6, peerFractionLost, peerCumulativeLost,
          sent.sum(), received.sum());
    }
  }
}
