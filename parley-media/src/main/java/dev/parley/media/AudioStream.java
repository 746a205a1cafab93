package dev.parley.media;

import dev.parley.media.internal.stream.LinearResampler;
import dev.parley.media.internal.stream.StreamPlayout;
import dev.parley.media.internal.stream.StreamReceiver;
import dev.parley.media.internal.stream.StreamRtcp;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTP audio stream (RFC 3550, RFC 3551): the socket, the codec, the jitter buffer, a source
 * and a sink, RFC 4733 DTMF and RTCP reports, wired together.
 *
 * <p><b>Sending.</b> Every 20 ms a tick pulls a frame from the {@link AudioSource}, resamples it
 * to the send codec's rate when they differ (linear interpolation), encodes it and sends one RTP
 * packet (random SSRC, sequence number and timestamp origin; the marker bit on the first packet
 * and after every gap). In a mixer that skips ticks it fell too far behind on, the timestamp
 * jumps by the skipped frames' samples and the next packet has the marker bit. In a direction
 * without sending (hold, RFC 3264 section 5.1) nothing is sent; muted, no audio is sent; either
 * way the RTP clock keeps running. {@link #sendDtmf(String)} sends RFC 4733 telephone-events
 * instead of audio while a digit lasts, muted or not (digits wait while the direction does not
 * send).
 *
 * <p><b>Receiving.</b> On the socket's event loop each packet is parsed (malformed ones counted
 * per {@link MediaPacketException.Reason} and dropped, the first logged), its source checked (a
 * new SSRC resets the jitter buffer and the RFC 3550 statistics, and is counted), counted in
 * {@link RtpReceiverStats}; telephone-events go to a bounded queue for the {@link DtmfReceiver},
 * audio into the {@link JitterBuffer}. Every 20 ms a tick polls the jitter buffer, decodes,
 * conceals or plays silence, converts to the playout format and hands the frame to the
 * {@link AudioSink}; received digits go to {@link Listener#onDtmf(char)}.
 *
 * <p><b>RTCP.</b> A compound of an SR (or an RR while we send nothing) and an SDES CNAME every
 * {@link Builder#rtcpInterval(Duration) interval} (5 s by default), each interval randomised to
 * 0.5..1.5 times it as RFC 3550 section 6.3.1 does; a simplification of 6.3: no bandwidth-based
 * interval, no reconsideration. Received SRs feed LSR/DLSR, report blocks about us feed the
 * round-trip time and the peer's view of our loss. {@link #close()} sends a BYE.
 *
 * <p><b>Settings.</b> The {@link AudioStreamSettings} (from the SDP negotiation) can be replaced
 * at any time ({@link #settings(AudioStreamSettings)}, {@link #direction}, {@link #mute},
 * {@link #remote}): a re-INVITE's new codec, hold or resume, or new address takes effect at the
 * next frame.
 *
 * <p><b>Threading.</b> The receive path and RTCP run on the socket's event loop and never block;
 * the 20 ms tick (source, encoder, decoder, sink, DTMF listener) runs on the tick clock, normally
 * a {@link MediaScheduler}'s worker thread, never a Netty loop. The two meet in the jitter buffer
 * (bounded, synchronized), a bounded DTMF queue and short locks around the statistics. Every
 * public method may be called from any thread.
 */
public final class AudioStream implements AutoCloseable {
  /** How long without RTP, while we expect some, before a stall is counted: {@value} ms. */
  public static final long RECEIVE_STALL_MILLIS = 5000;
  private static final long RECEIVE_STALL_NANOS = RECEIVE_STALL_MILLIS * 1_000_000L;

  /** The default RTCP report interval: {@value} ms (RFC 3550 section 6.2's minimum). */
  public static final long DEFAULT_RTCP_INTERVAL_MILLIS = 5000;

  private static final Logger log = LoggerFactory.getLogger(AudioStream.class);

  /**
   * Receives a stream's events, on the media worker (never a Netty loop). Methods must return
   * quickly; an exception is logged and the stream goes on.
   */
  public interface Listener {
    /** A DTMF digit ({@code 0-9 * # A-D}) arrived as an RFC 4733 event; each digit once. */
    default void onDtmf(char digit) {}
  }

  private final RtpSocket socket;
  private final MediaClock tickClock;
  private final Listener listener;
  private final AudioFormat playoutFormat;
  private final long ssrc = ThreadLocalRandom.current().nextLong(1L << 32);

  private final Object settingsLock = new Object(); // serialises replacements, not reads
  private volatile AudioStreamSettings settings;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  // The tick's state: touched only under tickLock, by the tick (one at a time) and close().
  private final Object tickLock = new Object();
  private final AudioSource source;
  private final AudioSink sink;
  private LinearResampler sendResampler;
  private Codecs.Entry sendEntry;
  private AudioCodec encoder;
  private DtmfSender dtmfSender;
  private int dtmfSenderRate;
  private int sequence = ThreadLocalRandom.current().nextInt(1 << 16);
  private long timestamp = ThreadLocalRandom.current().nextLong(1L << 32);
  private boolean needMarker = true;
  private final StreamPlayout playout; // the receive side's tick, under tickLock
  private MediaClock.Timer tickTimer;

  private final StreamReceiver receiver;
  private final StreamRtcp rtcp;

  // Counters read by stats() from any thread.
  private final Map<MediaPacketException.Reason, LongAdder> malformed =
      new EnumMap<>(MediaPacketException.Reason.class);
  private final AtomicBoolean malformedLogged = new AtomicBoolean();
  private final LongAdder dtmfSent = new LongAdder();

  private AudioStream(Builder b) {
    this.socket = b.socket;
    this.tickClock = b.tickClock;
    this.listener = b.listener;
    this.playoutFormat = b.playoutFormat;
    this.source = b.source != null ? b.source : new SilenceSource(AudioFormat.PCM_8000);
    this.sink = b.sink;
    this.settings = b.settings;
    this.sendResampler = new LinearResampler(b.settings.sendCodec().newCodec().format());
    for (MediaPacketException.Reason r : MediaPacketException.Reason.values()) {
      malformed.put(r, new LongAdder());
    }
    this.receiver = new StreamReceiver(b.jitterBuffer, b.settings.sendCodec().clockRate(),
        b.wallclock);
    String cname = b.cname != null ? b.cname : "parley-" + Long.toHexString(ssrc) + "@"
        + socket.localRtpAddress().getAddress().getHostAddress();
    this.rtcp = new StreamRtcp(socket, receiver, tickClock, b.wallclock, ssrc, cname,
        b.rtcpInterval);
    this.playout = new StreamPlayout(receiver, sink, playoutFormat, listener::onDtmf,
        socket.localRtpAddress(), RECEIVE_STALL_NANOS);
  }

  /**
   * Starts building a stream on {@code socket}, ticking on {@code scheduler}'s worker threads.
   */
  public static Builder builder(RtpSocket socket, MediaScheduler scheduler) {
    return new Builder(socket, Objects.requireNonNull(scheduler, "scheduler").clock());
  }

  /**
   * Starts building a stream on {@code socket}, ticking on {@code tickClock} (a
   * {@link MediaScheduler#clock()}, or a virtual clock in tests; never a Netty event loop's).
   */
  public static Builder builder(RtpSocket socket, MediaClock tickClock) {
    return new Builder(socket, tickClock);
  }

  private void start() {
    if (settings.remoteRtp() != null) {
      socket.remote(settings.remoteRtp(), settings.remoteRtcp());
    }
    socket.handler(new RtpSocket.Handler() {
      @Override
      public void onRtp(ByteBuf packet, InetSocketAddress from, long arrivalNanos) {
        receiveRtp(packet);
      }

      @Override
      public void onRtcp(ByteBuf packet, InetSocketAddress from, long arrivalNanos) {
        receiveRtcp(packet);
      }
    });
    synchronized (tickLock) {
      playout.started(tickClock.nanoTime());
      tickTimer = tickClock.scheduleAtFixedRate(this::tick, AudioFormat.FRAME_MILLIS,
          AudioFormat.FRAME_MILLIS, TimeUnit.MILLISECONDS);
    }
    socket.clock().execute(() -> rtcp.schedule(closed::get));
  }

  // ---------------------------------------------------------------------------------------
  // Settings

  /** The settings in use (or to be used from the next frame). */
  public AudioStreamSettings settings() {
    return settings;
  }

  /**
   * Replaces the settings (a re-INVITE's outcome); they take effect at the next frame. A new
   * remote address is given to the socket at once (and latching starts afresh).
   */
  public void settings(AudioStreamSettings next) {
    Objects.requireNonNull(next, "settings");
    synchronized (settingsLock) {
      AudioStreamSettings before = settings;
      settings = next;
      if (next.remoteRtp() != null && (!next.remoteRtp().equals(before.remoteRtp())
          || !Objects.equals(next.remoteRtcp(), before.remoteRtcp()))) {
        socket.remote(next.remoteRtp(), next.remoteRtcp());
      }
    }
  }

  /** Sets the direction (hold: {@link StreamDirection#SENDONLY} or {@code INACTIVE}). */
  public void direction(StreamDirection direction) {
    Objects.requireNonNull(direction, "direction");
    synchronized (settingsLock) {
      settings(settings.toBuilder().direction(direction).build());
    }
  }

  /**
   * Mutes (no audio RTP sent, DTMF still is; the RTP clock keeps running) or unmutes.
   */
  public void mute(boolean muted) {
    synchronized (settingsLock) {
      settings(settings.toBuilder().muted(muted).build());
    }
  }

  /** Sets the peer's RTP and RTCP address ({@code rtcp} null: as {@link RtpSocket#remote}). */
  public void remote(InetSocketAddress rtp, InetSocketAddress rtcp) {
    synchronized (settingsLock) {
      settings(settings.toBuilder().remote(rtp, rtcp).build());
    }
  }

  /** The stream's own SSRC. */
  public long ssrc() {
    return ssrc;
  }

  /** The socket the stream uses (its addresses and counters). */
  public RtpSocket socket() {
    return socket;
  }

  /**
   * Queues digits to send as RFC 4733 events, after those already queued; audio pauses while a
   * digit lasts. May wait for a running tick to finish.
   *
   * @param digits {@code 0-9 * # A-D}
   * @throws IllegalArgumentException if a character is not a DTMF digit or more than
   *     {@value DtmfSender#MAX_QUEUED_DIGITS} digits would wait
   * @throws IllegalStateException if no telephone-event payload type is set, or the stream is
   *     closed
   */
  public void sendDtmf(String digits) {
    Objects.requireNonNull(digits, "digits");
    if (settings.telephoneEventPayloadType() < 0) {
      throw new IllegalStateException("no telephone-event payload type negotiated: DTMF cannot"
          + " be sent on this stream");
    }
    synchronized (tickLock) {
      if (closed.get()) {
        throw new IllegalStateException("stream closed");
      }
      dtmfSender().send(digits);
    }
  }

  // ---------------------------------------------------------------------------------------
  // The 20 ms tick, on the media worker

  private void tick() {
    synchronized (tickLock) {
      if (closed.get()) {
        return;
      }
      AudioStreamSettings s = settings;
      send(s);
      playout.tick(s, tickClock.nanoTime());
    }
  }

  /**
   * The ticks of {@code frames} 20 ms slots were skipped (a mixer that fell too far behind runs
   * the tick due now instead of the missed ones): the RTP timestamp moves on by their samples, as
   * if they had been sent (RFC 3550 section 5.1: it follows the sampling instant), and the next
   * packet carries the marker bit (a discontinuity, RFC 3551 section 4.1). Nothing is sent for
   * the skipped slots; a digit being sent goes on at the next tick. On the tick's thread, between
   * ticks.
   *
   * @throws IllegalArgumentException if {@code frames} is not positive
   */
  void skipFrames(long frames) {
    if (frames < 1) {
      throw new IllegalArgumentException("frames must be positive: " + frames);
    }
    synchronized (tickLock) {
      if (closed.get()) {
        return;
      }
      if (encoder != null) { // else nothing sent yet: the first packet starts a timeline anyway
        long samples = encoder.format().samplesPerFrame();
        timestamp = (timestamp + Math.floorMod(frames, 1L << 32) * samples) & 0xffffffffL;
      }
      needMarker = true;
    }
  }

  private DtmfSender dtmfSender() {
    // durations at the telephone-event's clock (the peer's, RFC 4733 §2.1 when it matches the
    // audio's); timestamps on the stream's own clock (tick(timestamp))
    int rate = settings.telephoneEventClockRate();
    if (dtmfSender == null || dtmfSenderRate != rate) {
      if (dtmfSender != null && !dtmfSender.isIdle()) {
        log.debug("send clock rate changed to {}: queued DTMF digits dropped", rate);
      }
      dtmfSender = new DtmfSender(rate);
      dtmfSenderRate = rate;
    }
    return dtmfSender;
  }

  private void send(AudioStreamSettings s) {
    if (sendEntry != s.sendCodec() || encoder == null) {
      sendEntry = s.sendCodec();
      encoder = sendEntry.newCodec();
      needMarker = true;
    }
    AudioFrame frame = source.next();
    int samples = encoder.format().samplesPerFrame();
    if (s.direction().sends()) {
      DtmfSender dtmf = dtmfSender();
      boolean events = dtmf.isSending();
      Optional<DtmfSender.Packet> event = dtmf.isIdle() ? Optional.empty() : dtmf.tick(timestamp);
      if (event.isPresent() && s.telephoneEventPayloadType() >= 0) {
        DtmfSender.Packet e = event.get();
        if (e.marker()) {
          dtmfSent.increment();
        }
        sendPacket(s.telephoneEventPayloadType(), e.marker(), e.timestamp(), e.payload());
        needMarker = true;
      } else if (s.muted()) {
        needMarker = true; // muted: no audio, but digits still go (keys pressed on a muted call)
      } else if (!events) {
        if (sendResampler.format() != encoder.format()) {
          sendResampler = new LinearResampler(encoder.format());
        }
        byte[] payload = encoder.encode(sendResampler.convert(frame));
        sendPacket(s.sendPayloadType(), needMarker, timestamp, payload);
        needMarker = false;
      }
    } else {
      needMarker = true;
    }
    rtcp.clockMark(timestamp, tickClock.nanoTime(), encoder.clockRate());
    timestamp = (timestamp + samples) & 0xffffffffL;
  }

  private void sendPacket(int payloadType, boolean marker, long ts, byte[] payload) {
    RtpPacket packet = RtpPacket.builder().payloadType(payloadType).marker(marker)
        .sequenceNumber(sequence).timestamp(ts).ssrc(ssrc).payload(payload).build();
    sequence = (sequence + 1) & 0xffff;
    rtcp.onPacketSent(packet);
    byte[] bytes = packet.toBytes();
    socket.sendRtp(bytes, 0, bytes.length);
  }

  // ---------------------------------------------------------------------------------------
  // The receive path, on the socket's event loop

  private void receiveRtp(ByteBuf buf) {
    RtpPacket packet;
    try {
      packet = RtpPacket.parse(buf.nioBuffer());
    } catch (MediaPacketException e) {
      countMalformed(e, "RTP");
      return;
    }
    AudioStreamSettings s = settings;
    int pt = packet.payloadType();
    receiver.onPacket(packet, s.receiveCodecs().get(pt), pt == s.telephoneEventPayloadType(),
        tickClock.nanoTime());
  }

  private void countMalformed(MediaPacketException e, String what) {
    malformed.get(e.reason()).increment();
    if (malformedLogged.compareAndSet(false, true)) {
      log.warn("malformed {} packet dropped on {} ({}; further ones counted only)", what,
          socket.localRtpAddress(), e.getMessage());
    }
  }

  private void receiveRtcp(ByteBuf buf) {
    RtcpCompoundPacket compound;
    try {
      compound = RtcpCompoundPacket.parseReducedSize(buf.nioBuffer()); // be liberal (baresip)
    } catch (MediaPacketException e) {
      countMalformed(e, "RTCP");
      return;
    }
    rtcp.onReport(compound);
  }

  // ---------------------------------------------------------------------------------------
  // Statistics and close

  /** The statistics now; any thread, any time, also after {@link #close()}. */
  public AudioStreamStats stats() {
    StreamRtcp.Snapshot tx = rtcp.snapshot();
    StreamReceiver.Snapshot rx = receiver.snapshot();
    Map<MediaPacketException.Reason, Long> bad = new LinkedHashMap<>();
    malformed.forEach((reason, n) -> {
      if (n.sum() > 0) {
        bad.put(reason, n.sum());
      }
    });
    return new AudioStreamStats(settings.sendCodec().name(), tx.packetsSent(), tx.octetsSent(),
        rx.packets(), rx.bytes(), rx.lost(), rx.fractionLost(), rx.jitterMillis(), tx.rttMillis(),
        tx.peerFractionLost(), tx.peerCumulativeLost(), rx.late(), rx.duplicate(), rx.concealed(), rx.ssrcChanges(), bad,
        rx.unknownPayloadType(), playout.undecodable(), dtmfSent.sum(), playout.dtmfReceived(),
        rx.telephoneEventsDropped(), tx.reportsSent(), tx.reportsReceived(),
        playout.receiveStalls());
  }

  /**
   * Stops the stream: no more ticks, an RTCP BYE (RFC 3550 6.6), the socket closed (its ports
   * return to the range, see {@link #closeFuture()}), the source and sink closed. Waits for a
   * running tick to finish; idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Runnable bye = () -> {
      rtcp.bye();
      socket.close();
    };
    try {
      socket.clock().execute(bye);
    } catch (RejectedExecutionException e) {
      log.debug("event loop gone: closing the socket without a BYE", e);
      socket.close();
    }
    try {
      synchronized (tickLock) {
        if (tickTimer != null) {
          tickTimer.cancel();
        }
        try {
          source.close();
        } finally {
          if (sink != null) {
            sink.close();
          }
        }
      }
    } finally {
      // only now: a recording is complete when the future says the stream is closed
      socket.closeFuture().whenComplete((v, e) -> closeFuture.complete(null));
    }
  }

  /**
   * Completes once the stream is closed: its source and sink closed (a recording complete) and
   * its ports back in the network's range.
   */
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public String toString() {
    return "AudioStream[ssrc=" + ssrc + ", " + socket.localRtpAddress() + " -> "
        + socket.remoteRtp() + ", " + settings + "]";
  }

  // ---------------------------------------------------------------------------------------

  /** Builds and starts an {@link AudioStream}. */
  public static final class Builder {
    private final RtpSocket socket;
    private final MediaClock tickClock;
    private AudioStreamSettings settings;
    private AudioSource source;
    private AudioSink sink;
    private Listener listener = new Listener() {};
    private AudioFormat playoutFormat = AudioFormat.PCM_8000;
    private String cname;
    private Duration rtcpInterval = Duration.ofMillis(DEFAULT_RTCP_INTERVAL_MILLIS);
    private JitterBufferConfig jitterBuffer = JitterBufferConfig.DEFAULT;
    private Clock wallclock = Clock.systemUTC();

    private Builder(RtpSocket socket, MediaClock tickClock) {
      this.socket = Objects.requireNonNull(socket, "socket");
      this.tickClock = Objects.requireNonNull(tickClock, "tickClock");
    }

    /** The negotiated settings (required). */
    public Builder settings(AudioStreamSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** What we send; silence by default. The stream closes it on {@link #close()}. */
    public Builder source(AudioSource source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /** Where received audio goes; none by default. The stream closes it on close. */
    public Builder sink(AudioSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /** The format of the frames handed to the sink (resampled from the codec's); 8 kHz. */
    public Builder playoutFormat(AudioFormat format) {
      this.playoutFormat = Objects.requireNonNull(format, "format");
      return this;
    }

    /** Receives DTMF digits, on the media worker. */
    public Builder listener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The RTCP CNAME (RFC 3550 6.5.1); by default made from the SSRC and local address. */
    public Builder cname(String cname) {
      this.cname = Objects.requireNonNull(cname, "cname");
      return this;
    }

    /** The mean RTCP report interval; {@value #DEFAULT_RTCP_INTERVAL_MILLIS} ms by default. */
    public Builder rtcpInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("rtcpInterval out of range: " + interval);
      }
      this.rtcpInterval = interval;
      return this;
    }

    /** The jitter buffer's settings (its clock rate follows the codec). */
    public Builder jitterBuffer(JitterBufferConfig config) {
      this.jitterBuffer = Objects.requireNonNull(config, "config");
      return this;
    }

    /** The wallclock of RTCP's NTP timestamps; the system's by default. */
    public Builder wallclock(Clock clock) {
      this.wallclock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Starts the stream: the socket's handler is set, the ticks and RTCP reports begin.
     *
     * @throws IllegalStateException if no settings were given
     */
    public AudioStream start() {
      if (settings == null) {
        throw new IllegalStateException("settings not set");
      }
      AudioStream stream = new AudioStream(this);
      stream.start();
      return stream;
    }
  }
}
