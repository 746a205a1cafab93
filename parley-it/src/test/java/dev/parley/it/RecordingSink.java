package dev.parley.it;

import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import dev.parley.media.AudioSink;
import dev.parley.media.WavRecorder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Parley endpoint's audio sink for interop tests: a {@link WavRecorder} (8 kHz, at most five
 * minutes) that also counts, for the test thread, the frames it got, those that are sound
 * ({@link HeardAudio#SOUND_RMS}), and whether the stream has closed it (the file is complete).
 * The stream calls {@link #accept} and {@link #close} on its media worker; the counters are read
 * from any thread.
 */
final class RecordingSink implements AudioSink {
  private final WavRecorder recorder;
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong sound = new AtomicLong();
  private final CountDownLatch closed = new CountDownLatch(1);
  /** The last {@value #RECENT} frames, for checks while the call goes on. */
  private final ArrayDeque<AudioFrame> recent = new ArrayDeque<>();
  private static final int RECENT = 100;

  RecordingSink(Path wav) throws IOException {
    this.recorder = WavRecorder.create(wav, AudioFormat.PCM_8000, Duration.ofMinutes(5));
  }

  @Override
  public void accept(AudioFrame frame) {
    recorder.accept(frame);
    synchronized (recent) {
      if (recent.size() == RECENT) {
        recent.removeFirst();
      }
      recent.addLast(frame);
    }
    frames.incrementAndGet();
    if (HeardAudio.rms(frame) > HeardAudio.SOUND_RMS) {
      sound.incrementAndGet();
    }
  }

  @Override
  public void close() {
    try {
      recorder.close();
    } finally {
      closed.countDown();
    }
  }

  Path file() {
    return recorder.file();
  }

  /** Frames received so far. */
  long frames() {
    return frames.get();
  }

  /**
   * The last {@code n} frames received (fewer when fewer came), oldest first: what the endpoint
   * hears now.
   *
   * @throws IllegalArgumentException if {@code n} is not in 1..{@value #RECENT}
   */
  List<AudioFrame> recentFrames(int n) {
    if (n < 1 || n > RECENT) {
      throw new IllegalArgumentException("n not in 1.." + RECENT + ": " + n);
    }
    synchronized (recent) {
      List<AudioFrame> all = new ArrayList<>(recent);
      return all.subList(Math.max(0, all.size() - n), all.size());
    }
  }

  /** Frames received so far that are sound. */
  long soundFrames() {
    return sound.get();
  }

  /**
   * Waits until the stream has closed the sink, then reads the recording.
   *
   * @throws AssertionError if it is not closed within {@code timeout}
   */
  HeardAudio awaitRecording(Duration timeout) throws IOException, InterruptedException {
    if (!closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the session's stream did not close its sink within " + timeout
          + " (" + frames() + " frames so far, " + soundFrames() + " of sound)");
    }
    return HeardAudio.read(file());
  }
}
