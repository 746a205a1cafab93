package dev.parley.client.internal;

import dev.parley.media.AudioSink;
import dev.parley.media.AudioSource;
import dev.parley.media.AudioStream;
import dev.parley.media.AudioStreamSettings;
import dev.parley.media.AudioStreamStats;
import dev.parley.media.RtpSocket;
import dev.parley.media.StreamDirection;
import dev.parley.media.StreamParameters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audio of one session: its RTP socket (opened for the first offer or answer, kept for the
 * session's life) and the {@link AudioStream} that runs on it once an offer/answer exchange has
 * completed. Each exchange's {@link StreamParameters} start the stream, change it (hold, resume,
 * codec, address) or stop it (the line refused); the session's end closes it and frees its ports.
 *
 * <p>Threading: the work runs in order on a media worker (a serial queue over the endpoint's
 * {@link dev.parley.media.MediaScheduler}), never on a SIP event loop: the source and sink
 * factories may open files and closing a recorder writes one. {@link #stats()},
 * {@link #sendDtmf} and {@link #mute} may be called from any thread.
 */
final class AudioLeg {
  private static final Logger LOG = LoggerFactory.getLogger(AudioLeg.class);

  private final EndpointMedia media;
  private final Supplier<AudioSource> sources;
  private final Supplier<AudioSink> sinks;
  private final Consumer<Character> dtmf;
  private final SerialExecutor serial;
  private CompletableFuture<RtpSocket> socket; // guarded by this
  private boolean released; // guarded by this: close() was called
  private volatile AudioStream stream; // set on the serial queue, read anywhere
  private volatile boolean muted;
  // Touched on the serial queue only.
  private boolean closed;
  private boolean stopped;

  /**
   * @param sources makes the stream's source when it starts (null result: silence)
   * @param sinks makes its sink when it starts (null result: discard)
   * @param dtmf hears each digit received, on a media worker
   */
  AudioLeg(EndpointMedia media, Supplier<AudioSource> sources, Supplier<AudioSink> sinks,
      Consumer<Character> dtmf) {
    this.media = media;
    this.sources = sources;
    this.sinks = sinks;
    this.dtmf = dtmf;
    this.serial = new SerialExecutor(task -> media.scheduler().clock().execute(task));
  }

  /** Our RTP socket: opened on the first call (without blocking), the same one after. */
  synchronized CompletableFuture<RtpSocket> socket() {
    if (released) {
      return CompletableFuture.failedFuture(new IllegalStateException("the session has ended"));
    }
    if (socket == null) {
      try {
        socket = media.network().open(false);
      } catch (RuntimeException e) {
        socket = CompletableFuture.failedFuture(e);
      }
    }
    return socket;
  }

  /** The socket if it is open, else null. */
  RtpSocket openSocket() {
    CompletableFuture<RtpSocket> s;
    synchronized (this) {
      s = socket;
    }
    return s == null || !s.isDone() || s.isCompletedExceptionally() ? null : s.join();
  }

  /** Runs the stream as an exchange's outcome says; in order, on a media worker. */
  void apply(StreamParameters parameters) {
    serial.execute(() -> applyNow(parameters));
  }

  private void applyNow(StreamParameters p) {
    RtpSocket s = openSocket();
    if (closed || stopped || s == null) {
      return;
    }
    if (p.rejected() || p.sendCodec() == null) {
      if (stream != null) {
        LOG.info("audio line refused by a new exchange: stopping the stream on {}",
            s.localRtpAddress());
        stopped = true; // the socket goes with the stream; a later exchange runs no audio
        stream.close();
      }
      return;
    }
    if (p.rtcpMux() && !s.rtcpMux()) {
      s.useRtcpMux();
    }
    AudioStreamSettings settings = settings(p);
    AudioStream running = stream;
    if (running != null) {
      running.settings(settings);
      return;
    }
    AudioStream.Builder b = AudioStream.builder(s, media.scheduler()).settings(settings)
        .listener(new AudioStream.Listener() {
          @Override
          public void onDtmf(char digit) {
            dtmf.accept(digit);
          }
        });
    AudioSource source = create(sources, "source");
    AudioSink sink = create(sinks, "sink");
    if (source != null) {
      b.source(source);
    }
    if (sink != null) {
      b.sink(sink);
    }
    stream = b.start();
    LOG.debug("audio stream started: {}", stream);
  }

  private static <T> T create(Supplier<T> factory, String what) {
    try {
      return factory.get();
    } catch (RuntimeException e) {
      LOG.warn("the application's audio {} factory failed; the stream goes on without one", what,
          e);
      return null;
    }
  }

  private AudioStreamSettings settings(StreamParameters p) {
    int telephoneEvent = p.sendTelephoneEventPayloadType();
    if (telephoneEvent < 0 && !p.receiveTelephoneEventPayloadTypes().isEmpty()) {
      telephoneEvent = p.receiveTelephoneEventPayloadTypes().iterator().next();
    }
    AudioStreamSettings.Builder b = AudioStreamSettings.builder()
        .send(p.sendPayloadType(), p.sendCodec())
        .receive(p.receivePayloadTypes())
        .telephoneEvent(telephoneEvent)
        .direction(StreamDirection.valueOf(p.direction().name()))
        .muted(muted);
    InetSocketAddress rtp = resolved(p.remoteRtp());
    if (rtp != null) {
      b.remote(rtp, p.rtcpMux() ? null : resolved(p.remoteRtcp()));
    }
    return b.build();
  }

  /** A host name in {@code c=} is resolved here, on the media worker (rare: peers write IPs). */
  private static InetSocketAddress resolved(InetSocketAddress a) {
    if (a == null || !a.isUnresolved()) {
      return a;
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(a.getHostString()), a.getPort());
    } catch (UnknownHostException e) {
      LOG.warn("cannot resolve the peer's media address {}: sending nothing to it", a);
      return null;
    }
  }

  /** Mutes or unmutes from the next frame (and any stream started later). */
  void mute(boolean on) {
    muted = on;
    AudioStream s = stream;
    if (s != null) {
      s.mute(on);
    }
  }

  /**
   * Sends DTMF digits.
   *
   * @throws IllegalStateException if no stream runs or no telephone-event was negotiated
   */
  void sendDtmf(String digits) {
    AudioStream s = stream;
    if (s == null || stopped) {
      throw new IllegalStateException("no audio stream is running yet");
    }
    s.sendDtmf(digits);
  }

  /** The stream's statistics (the final ones once closed), or empty before it started. */
  Optional<AudioStreamStats> stats() {
    AudioStream s = stream;
    return s == null ? Optional.empty() : Optional.of(s.stats());
  }

  /** Whether our audio is muted. */
  boolean isMuted() {
    return muted;
  }

  /** Whether a stream has started and not been stopped by a refused line. */
  boolean isRunning() {
    return stream != null && !stopped;
  }

  /** Stops the stream and frees the ports; in order after every exchange already applied. */
  void close() {
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
      if (socket == null) {
        return; // no media was ever set up
      }
    }
    serial.execute(() -> {
      if (closed) {
        return;
      }
      closed = true;
      AudioStream s = stream;
      if (s != null) {
        s.close();
        LOG.debug("audio stream closed: {}", s);
      } else {
        CompletableFuture<RtpSocket> pending;
        synchronized (this) {
          pending = socket;
        }
        if (pending != null) {
          pending.thenAccept(RtpSocket::close);
        }
      }
    });
  }
}
