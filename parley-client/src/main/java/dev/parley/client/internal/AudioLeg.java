package dev.parley.client.internal;

import dev.parley.client.DtmfUnavailableException;
import dev.parley.media.AudioSink;
import dev.parley.media.AudioSource;
import dev.parley.media.AudioStream;
import dev.parley.media.AudioStreamSettings;
import dev.parley.media.AudioStreamStats;
import dev.parley.media.MediaScheduler;
import dev.parley.media.RtpSocket;
import dev.parley.media.StreamParameters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
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
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private CompletableFuture<RtpSocket> socket; // guarded by this
  private MediaScheduler scheduler; // guarded by this: taken with the socket
  private boolean released; // guarded by this: close() was called
  private volatile AudioStream stream; // set under streamLock, read anywhere
  private volatile boolean muted;
  private volatile boolean stopped; // a later exchange refused the line: no audio any more
  /** Serialises starting, changing and closing the stream (the queue, or closeNow's caller). */
  private final Object streamLock = new Object();
  private boolean streamClosed; // guarded by streamLock

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
    this.serial = new SerialExecutor(this::onMediaWorker);
  }

  /** Runs {@code task} on the media worker; inline when the scheduler is gone (endpoint closed). */
  private void onMediaWorker(Runnable task) {
    MediaScheduler s;
    synchronized (this) {
      s = scheduler;
    }
    try {
      s.clock().execute(task);
    } catch (RejectedExecutionException | NullPointerException e) {
      task.run();
    }
  }

  /** Our RTP socket: opened on the first call (without blocking), the same one after. */
  synchronized CompletableFuture<RtpSocket> socket() {
    if (released) {
      return CompletableFuture.failedFuture(new IllegalStateException("the session has ended"));
    }
    if (socket == null) {
      try {
        scheduler = media.scheduler();
        socket = media.network().open(false);
      } catch (RuntimeException e) {
        socket = CompletableFuture.failedFuture(e);
      }
    }
    return socket;
  }

  /** The socket if it is open and still carries the session's audio, else null. */
  RtpSocket openSocket() {
    CompletableFuture<RtpSocket> s;
    synchronized (this) {
      s = released ? null : socket;
    }
    return stopped || s == null || !s.isDone() || s.isCompletedExceptionally() ? null : s.join();
  }

  /** Runs the stream as an exchange's outcome says; in order, on a media worker. */
  void apply(StreamParameters parameters) {
    serial.execute(() -> {
      synchronized (streamLock) {
        applyLocked(parameters);
      }
    });
  }

  private void applyLocked(StreamParameters p) {
    RtpSocket s = openSocket();
    if (streamClosed || s == null) {
      return;
    }
    if (p.rejected() || p.sendCodec() == null) {
      // with no stream yet the socket stays: a later answer (the 200 after a 183 that refused
      // audio, a re-INVITE adding it) may still take the line; it is freed at the session's end
      if (stream != null) {
        LOG.info("audio line refused by a new exchange: stopping the stream on {}",
            s.localRtpAddress());
        stopped = true; // the socket goes with the stream; the session carries no audio now
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
    } else {
      running = start(s, settings);
      if (running == null) {
        return;
      }
    }
    if (running.settings().muted() != muted) {
      running.mute(muted); // a setMuted() that came while this ran
    }
  }

  private AudioStream start(RtpSocket s, AudioStreamSettings settings) {
    MediaScheduler workers;
    synchronized (this) {
      workers = scheduler;
    }
    AudioStream.Builder b = AudioStream.builder(s, workers).settings(settings)
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
    try {
      stream = b.start();
    } catch (RuntimeException e) {
      LOG.warn("the audio stream could not start on {}: the session goes on without audio",
          s.localRtpAddress(), e);
      stopped = true;
      if (source != null) {
        source.close();
      }
      if (sink != null) {
        sink.close();
      }
      s.close();
      return null;
    }
    LOG.debug("audio stream started: {}", stream);
    return stream;
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
    // one telephone-event type serves both ways; sending checks the peer's own (see sendDtmf)
    return AudioStreamSettings.builder(p, true, AudioLeg::resolved).muted(muted).build();
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

  /** Whether our audio is muted. */
  boolean isMuted() {
    return muted;
  }

  /**
   * Sends DTMF digits: at once when the stream runs (its errors are thrown here), else once it
   * has started (the exchange is complete but the media worker has not started it yet).
   *
   * <p>A deferred send that fails (the stream closed, or started without a telephone-event) is
   * logged at warn: nobody is left to throw to.
   *
   * @throws DtmfUnavailableException if the session no longer carries audio (AUDIO_ENDED), or its
   *     stream sends no telephone-event (NO_TELEPHONE_EVENT: a later exchange dropped it)
   */
  void sendDtmf(String digits) {
    if (stopped) {
      throw new DtmfUnavailableException(DtmfUnavailableException.Reason.AUDIO_ENDED,
          "DTMF cannot be sent: the session carries no audio any more");
    }
    AudioStream s = stream;
    if (s != null) {
      if (noTelephoneEvent(s)) {
        throw noTelephoneEventException();
      }
      try {
        s.sendDtmf(digits);
      } catch (IllegalStateException e) { // closed meanwhile, or its settings changed meanwhile
        if (noTelephoneEvent(s)) {
          throw noTelephoneEventException();
        }
        throw new DtmfUnavailableException(DtmfUnavailableException.Reason.AUDIO_ENDED,
            "DTMF cannot be sent: " + e.getMessage(), e);
      }
      return;
    }
    serial.execute(() -> {
      AudioStream started = stream;
      if (started == null) {
        LOG.info("DTMF {} not sent: the audio stream never started", digits);
        return;
      }
      try {
        started.sendDtmf(digits);
      } catch (IllegalStateException | IllegalArgumentException e) {
        LOG.warn("DTMF {} not sent once the audio stream started: {}", digits, e.getMessage(), e);
      }
    });
  }

  private static boolean noTelephoneEvent(AudioStream s) {
    return s.settings().telephoneEventPayloadType() < 0;
  }

  private static DtmfUnavailableException noTelephoneEventException() {
    return new DtmfUnavailableException(DtmfUnavailableException.Reason.NO_TELEPHONE_EVENT,
        "DTMF cannot be sent: the audio stream sends no telephone-event (RFC 4733); the last"
            + " exchange negotiated none");
  }

  /** The stream's statistics (the final ones once closed), or empty before it started. */
  Optional<AudioStreamStats> stats() {
    AudioStream s = stream;
    return s == null ? Optional.empty() : Optional.of(s.stats());
  }

  /**
   * Stops the stream and frees the ports, in order after every exchange already applied.
   *
   * @return completes once the stream is closed (its sink too: a recording is complete) and its
   *     ports are back in the range; at once when no media was ever set up
   */
  CompletableFuture<Void> close() {
    synchronized (this) {
      if (released) {
        return closed;
      }
      released = true;
      if (socket == null) {
        closed.complete(null); // no media was ever set up
        return closed;
      }
    }
    serial.execute(this::closeStream);
    return closed;
  }

  /**
   * Closes the stream on the calling thread (an application thread closing the endpoint: the
   * queue's worker may be stopping), waiting for a running tick; idempotent.
   */
  void closeNow() {
    synchronized (this) {
      released = true;
      if (socket == null) {
        closed.complete(null);
        return;
      }
    }
    closeStream();
  }

  private void closeStream() {
    CompletableFuture<RtpSocket> pending;
    synchronized (this) {
      pending = socket;
    }
    synchronized (streamLock) {
      if (streamClosed) {
        return;
      }
      streamClosed = true;
      AudioStream s = stream;
      if (s != null) {
        s.close();
        LOG.debug("audio stream closed: {}", s);
        s.closeFuture().whenComplete((v, e) -> closed.complete(null));
        return;
      }
    }
    pending.whenComplete((s, e) -> {
      if (s != null) {
        s.close();
        s.closeFuture().whenComplete((v, x) -> closed.complete(null));
      } else {
        closed.complete(null);
      }
    });
  }
}
