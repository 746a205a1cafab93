package dev.parley.cli;

import dev.parley.dialog.IncomingInvite;
import dev.parley.media.AudioFormat;
import dev.parley.media.AudioOffers;
import dev.parley.media.AudioSource;
import dev.parley.media.AudioStream;
import dev.parley.media.AudioStreamSettings;
import dev.parley.media.Codecs;
import dev.parley.media.EchoStream;
import dev.parley.media.MediaNetwork;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.media.MediaScheduler;
import dev.parley.media.PortRangeExhaustedException;
import dev.parley.media.RtpSocket;
import dev.parley.media.SharedEchoPort;
import dev.parley.media.StreamParameters;
import dev.parley.media.ToneSource;
import dev.parley.media.WavFileSource;
import dev.parley.media.WavFormatException;
import dev.parley.sdp.Direction;
import dev.parley.sdp.SdpParseException;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.MediaType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media plane of {@code parley uas --media}: per answered INVITE one {@link RtpSocket} from a
 * {@link MediaNetwork}, an SDP answer from {@link AudioOffers}, and an {@link EchoStream} or an
 * {@link AudioStream} playing a tone or a WAV file, closed when the dialog ends.
 *
 * <p>Threading: {@link #answer} is called on a SIP event loop and never blocks it: the socket
 * opens asynchronously (the 200 goes out when it is bound, from the media loop), a WAV file is
 * opened and an {@link AudioStream} closed on one worker thread ({@code parley-uas-media}) whose
 * queue is bounded by twice the number of sockets the port range holds (each call puts at most
 * two tasks there, so it never overflows). Counters are readable from any thread.
 *
 * <p>With an echo port ({@code --echo-port}) every call's answer names that one port instead of
 * a socket of its own, and a call admits its offer's RTP address to the {@link SharedEchoPort}
 * until it ends (SIPp's {@code -rtp_echo} model).
 */
final class UasMedia implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UasMedia.class);
  private static final double TONE_AMPLITUDE = 0.5;

  /** What {@code --media} asked for: {@code echo}, {@code tone:HZ} or {@code file:PATH.wav}. */
  record Mode(Kind kind, double hz, Path file) {
    enum Kind { ECHO, TONE, FILE }

    /**
     * Parses a {@code --media} value.
     *
     * @throws IllegalArgumentException with a message saying what is wrong (without the option)
     */
    static Mode parse(String value) {
      Objects.requireNonNull(value, "value");
      if (value.equals("echo")) {
        return new Mode(Kind.ECHO, 0, null);
      }
      if (value.startsWith("tone:")) {
        String hz = value.substring(5);
        double f;
        try {
          f = Double.parseDouble(hz);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("tone frequency is not a number: '" + hz + "'", e);
        }
        if (!(f > 0 && f < 4000)) {
          throw new IllegalArgumentException(
              "tone frequency must be above 0 and below 4000 Hz (half of G.711's 8 kHz): " + hz);
        }
        return new Mode(Kind.TONE, f, null);
      }
      if (value.startsWith("file:")) {
        String path = value.substring(5);
        if (path.isBlank()) {
          throw new IllegalArgumentException("file: needs a path, e.g. file:prompt.wav");
        }
        return new Mode(Kind.FILE, 0, Path.of(path));
      }
      throw new IllegalArgumentException(
          "unknown media '" + value + "': expected echo, tone:HZ or file:PATH.wav");
    }

    @Override
    public String toString() {
      return switch (kind) {
        case ECHO -> "echo";
        case TONE -> "tone:" + (hz == Math.rint(hz) ? Long.toString((long) hz) : Double.toString(hz));
        case FILE -> "file:" + file;
      };
    }
  }

  /** One call's stream, whichever kind. */
  private interface Call {
    void close();
  }

  private final Mode mode;
  private final MediaNetwork network;
  private final MediaScheduler workers;
  private final ExecutorService blocking;
  private final AudioOffers offers;
  /** The one port of every echoed call, or null: a socket per call. */
  private final SharedEchoPort shared;
  private final Map<String, Call> calls = new ConcurrentHashMap<>();
  private final LongAdder mediaCalls = new LongAdder();
  private final LongAdder refusedNoPort = new LongAdder();
  private final LongAdder refusedOffer = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder echoedDone = new LongAdder();
  private final LongAdder sentDone = new LongAdder();
  private final AtomicLong lastNoPortLog = new AtomicLong(Long.MIN_VALUE);

  /**
   * Starts the media network (and the tick workers for a tone or a file).
   *
   * @param mode what each call gets
   * @param bindAddress where RTP sockets bind (the SIP listen address)
   * @param minPort lowest RTP port; {@code maxPort} the highest (RTP on even ports, RTCP + 1)
   * @param threads the media event loops; {@code wakeupMicros} their wake-up spacing
   *     ({@link MediaNetworkConfig#wakeupSpacingMicros()}), {@code wakeupBatch} its adaptive
   *     batch ({@link MediaNetworkConfig#wakeupBatch()}, 0: fixed)
   * @param echoPort with echo, the one RTP port of every call ({@link SharedEchoPort}, as many
   *     calls as the range has sockets); 0 for a socket per call
   * @throws IllegalArgumentException if the range is unusable, the echo port cannot be bound or
   *     the WAV file cannot be played, its message starting with the option at fault
   *     ({@code --rtp-ports: }, {@code --echo-port: }, {@code --media: })
   */
  UasMedia(Mode mode, InetAddress bindAddress, int minPort, int maxPort, int threads,
      int wakeupMicros, int wakeupBatch, int echoPort) {
    this.mode = Objects.requireNonNull(mode, "mode");
    if (threads < 1 || threads > 64) {
      throw new IllegalArgumentException("--media-threads: out of range 1..64: " + threads);
    }
    if (wakeupMicros < 0 || wakeupMicros > MediaNetworkConfig.MAX_WAKEUP_SPACING_MICROS) {
      throw new IllegalArgumentException("--media-wakeup-us: out of range 0.."
          + MediaNetworkConfig.MAX_WAKEUP_SPACING_MICROS + ": " + wakeupMicros);
    }
    if (wakeupBatch < 0 || wakeupBatch > MediaNetworkConfig.MAX_WAKEUP_BATCH) {
      throw new IllegalArgumentException("--media-wakeup-batch: out of range 0.."
          + MediaNetworkConfig.MAX_WAKEUP_BATCH + ": " + wakeupBatch);
    }
    if (wakeupBatch > 0 && wakeupMicros == 0) {
      throw new IllegalArgumentException("--media-wakeup-batch: only with --media-wakeup-us"
          + " (its longest spacing)");
    }
    MediaNetworkConfig config;
    try {
      config = MediaNetworkConfig.builder().bindAddress(bindAddress)
          .portRange(minPort, maxPort).threads(threads)
          .wakeupSpacingMicros(wakeupMicros).wakeupBatch(wakeupBatch).build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--rtp-ports: " + e.getMessage(), e);
    }
    if (mode.kind() == Mode.Kind.FILE) {
      try {
        WavFileSource.open(mode.file(), AudioFormat.PCM_8000, true).close();
      } catch (IOException e) {
        String why = e instanceof WavFormatException ? e.getMessage()    // names the file
            : mode.file() + ": " + (e instanceof java.nio.file.NoSuchFileException
                ? "no such file" : e.getMessage());
        throw new IllegalArgumentException("--media: " + why, e);
      }
    }
    // echo does no transcoding: G.711 only, whatever law the caller sends comes back
    this.offers = mode.kind() == Mode.Kind.ECHO
        ? AudioOffers.builder().codecs(Codecs.PCMU, Codecs.PCMA).build()
        : AudioOffers.defaults();
    try {
      this.network = new MediaNetwork(config);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--listen: RTP cannot bind: " + e.getMessage(), e);
    }
    int sockets = (maxPort - minPort + 1) / 2 + 1;
    this.shared = echoPort == 0 ? null : openShared(echoPort, sockets);
    this.workers = mode.kind() == Mode.Kind.ECHO ? null : new MediaScheduler(2);
    this.blocking = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(2 * sockets), r -> {
          Thread t = new Thread(r, "parley-uas-media");
          t.setDaemon(true);
          return t;
        });
  }

  private SharedEchoPort openShared(int port, int maxCalls) {
    if (mode.kind() != Mode.Kind.ECHO) {
      network.close();
      throw new IllegalArgumentException("--echo-port: only with --media echo");
    }
    try {
      return network.openSharedEcho(port, maxCalls).join();
    } catch (IllegalArgumentException | CompletionException e) {
      network.close();
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException("--echo-port: " + cause.getMessage(), cause);
    }
  }

  /**
   * The mode and the ports, for the ready line: {@code media echo, RTP ports 16384-32767}, and
   * {@code , one echo port 30000} with an echo port.
   */
  String describe() {
    return "media " + mode + ", RTP ports " + network.config().minPort() + "-"
        + network.config().maxPort()
        + (shared == null ? "" : ", one echo port " + shared.localRtpAddress().getPort());
  }

  /**
   * Answers {@code invite} with media, asynchronously: 488 when its offer has no audio line we
   * take (or no offer), 503 when the port range is exhausted, else 200 with our answer once the
   * socket is bound. Called on a SIP event loop; does not block.
   *
   * @param localAddress the address our SDP gives ({@code c=}, {@code o=})
   */
  void answer(IncomingInvite invite, String localAddress) {
    SessionDescription offer;
    int line;
    try {
      offer = offerOf(invite);
      line = firstTaken(offer);
    } catch (SdpParseException | IllegalArgumentException e) {
      refusedOffer.increment();
      log.debug("488 to {}: {}", invite.request().callId(), e.getMessage());
      invite.reject(488);
      return;
    }
    String key = key(invite.request().callId(), invite.localTag());
    if (shared != null) {
      answerShared(invite, key, offer, line, localAddress);
      return;
    }
    network.open(false).whenComplete((socket, failure) -> {
      if (failure != null) {
        refuse(invite, failure);
        return;
      }
      if (invite.isAnswered()) { // cancelled while the socket was being bound
        socket.close();
        return;
      }
      if (mode.kind() == Mode.Kind.FILE) {
        try {
          blocking.execute(() -> start(invite, key, socket, offer, line, localAddress));
        } catch (RejectedExecutionException e) {
          socket.close();
          refuse(invite, e);
        }
      } else {
        start(invite, key, socket, offer, line, localAddress);
      }
    });
  }

  private static SessionDescription offerOf(IncomingInvite invite) {
    MediaType type = invite.request().contentType();
    if (type == null || !type.is(MediaType.APPLICATION_SDP) || invite.request().bodyLength() == 0) {
      throw new IllegalArgumentException("no SDP offer (an offerless INVITE is not supported)");
    }
    return SessionDescription.parse(invite.request().body());
  }

  private int firstTaken(SessionDescription offer) {
    for (int i = 0; i < offer.media().size(); i++) {
      if (offers.accepts(offer, i)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no audio line with a codec in common");
  }

  /** Echo on the shared port: the answer names it, the offer's RTP address is admitted. */
  private void answerShared(IncomingInvite invite, String key, SessionDescription offer,
      int line, String localAddress) {
    SessionDescription answer;
    InetSocketAddress remote;
    try {
      answer = offers.answer(offer, null, localAddress, shared.localRtpAddress().getPort(),
          shared.localRtcpAddress().getPort(), Direction.SENDRECV);
      remote = usable(StreamParameters.of(answer, offer, false, line).remoteRtp());
    } catch (RuntimeException e) {
      failed.increment();
      log.warn("500 to {}: cannot answer its offer", invite.request().callId(), e);
      invite.reject(500);
      return;
    }
    if (remote == null) { // a shared port tells calls apart by their offered address only
      refusedOffer.increment();
      log.debug("488 to {}: no RTP address in the offer", invite.request().callId());
      invite.reject(488);
      return;
    }
    SharedEchoPort.Admission admission;
    try {
      admission = shared.admit(remote);
    } catch (IllegalStateException e) {
      noPort(invite, "the echo port holds as many calls as the range has sockets");
      return;
    }
    mediaCalls.increment();
    calls.put(key, admission::close);
    invite.accept(MediaType.APPLICATION_SDP, answer.encode()).whenComplete((dialog, e) -> {
      if (e != null) {
        ended(key);
      }
    });
  }

  private void refuse(IncomingInvite invite, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof PortRangeExhaustedException || cause instanceof RejectedExecutionException) {
      noPort(invite, "no RTP port left in " + network.config().minPort() + "-"
          + network.config().maxPort());
    } else {
      failed.increment();
      log.warn("500 to {}: cannot open an RTP socket", invite.request().callId(), cause);
      invite.reject(500);
    }
  }

  /** Answers 503, logging at most once a second why. */
  private void noPort(IncomingInvite invite, String why) {
    refusedNoPort.increment();
    long now = System.nanoTime();
    long last = lastNoPortLog.get();
    if ((last == Long.MIN_VALUE || now - last >= TimeUnit.SECONDS.toNanos(1))
        && lastNoPortLog.compareAndSet(last, now)) {
      log.warn("503 Service Unavailable: {} ({} calls refused so far)", why, refusedNoPort.sum());
    }
    invite.reject(503);
  }

  /** Answers and starts the stream; on the media loop (echo, tone) or the worker (file). */
  private void start(IncomingInvite invite, String key, RtpSocket socket,
      SessionDescription offer, int line, String localAddress) {
    Call call;
    SessionDescription answer;
    try {
      answer = offers.answer(offer, null, localAddress, socket.localRtpAddress().getPort(),
          socket.localRtcpAddress().getPort(), Direction.SENDRECV);
      StreamParameters p = StreamParameters.of(answer, offer, false, line);
      if (p.rtcpMux()) {
        socket.useRtcpMux();
      }
      call = mode.kind() == Mode.Kind.ECHO ? echo(socket, p) : play(socket, p);
    } catch (IOException | RuntimeException e) {
      socket.close();
      failed.increment();
      log.warn("500 to {}: cannot start its media", invite.request().callId(), e);
      invite.reject(500);
      return;
    }
    mediaCalls.increment();
    calls.put(key, call);
    invite.accept(MediaType.APPLICATION_SDP, answer.encode()).whenComplete((dialog, e) -> {
      if (e != null) { // cancelled first, or no ACK (the dialog ends with BYE), or 503
        ended(key);
      }
    });
  }

  private Call echo(RtpSocket socket, StreamParameters p) {
    EchoStream echo = EchoStream.start(socket, usable(p.remoteRtp()));
    return () -> {
      echoedDone.add(echo.counters().packetsEchoed());
      echo.close();
    };
  }

  private Call play(RtpSocket socket, StreamParameters p) throws IOException {
    Codecs.Entry codec = p.sendCodec();
    AudioFormat format = AudioFormat.of(codec.clockRate());
    // a host name in c= is not resolved here (this may run on the media loop): sent nowhere
    AudioStreamSettings settings = AudioStreamSettings.builder(p, false, a -> null).build();
    AudioSource source = mode.kind() == Mode.Kind.TONE // last: nothing after it may leak it
        ? new ToneSource(mode.hz(), format, TONE_AMPLITUDE)
        : WavFileSource.open(mode.file(), format, true);
    AudioStream stream;
    try {
      stream = AudioStream.builder(socket, workers).settings(settings).source(source).start();
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
    return () -> {
      try {
        blocking.execute(() -> closeStream(stream));
      } catch (RejectedExecutionException e) {
        log.warn("media worker queue full: closing a stream on this thread", e);
        closeStream(stream);
      }
    };
  }

  private void closeStream(AudioStream stream) {
    stream.close();
    sentDone.add(stream.stats().packetsSent());
  }

  private static InetSocketAddress usable(InetSocketAddress a) {
    return a == null || a.isUnresolved() ? null : a;
  }

  /** The dialog {@code callId}/{@code localTag} ended (BYE, no ACK): its stream stops. */
  void ended(String callId, String localTag) {
    ended(key(callId, localTag));
  }

  private void ended(String key) {
    Call call = calls.remove(key);
    if (call != null) {
      call.close();
    }
  }

  private static String key(String callId, String localTag) {
    return callId + '\n' + localTag;
  }

  /** Streams running now. */
  int activeCalls() {
    return calls.size();
  }

  /** The counters for the stop line. */
  String summary() {
    return "media " + mode + ": " + mediaCalls.sum() + " calls, "
        + (mode.kind() != Mode.Kind.ECHO ? sentDone.sum() + " packets sent"
            : shared == null ? echoedDone.sum() + " packets echoed"
            : shared.counters().packetsEchoed() + " packets echoed, "
                + shared.counters().unknownSource() + " from unknown sources dropped")
        + ", " + refusedNoPort.sum() + " refused 503 (no RTP port), " + refusedOffer.sum()
        + " refused 488, " + failed.sum() + " failed 500";
  }

  /** Stops every stream, then the workers and the media network. */
  @Override
  public void close() {
    for (String key : calls.keySet()) {
      ended(key);
    }
    blocking.shutdown();
    try {
      if (!blocking.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("media worker still busy after 5 s; closing the network anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (workers != null) {
      workers.close();
    }
    network.close();
  }
}
