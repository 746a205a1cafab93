package dev.parley.cli;

import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import dev.parley.media.AudioSink;
import dev.parley.media.WavRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The {@code --record} sink of one audio session: a {@link WavRecorder} whose file exists from
 * the start (8 kHz until the first frame says otherwise: the file is then made again in the
 * frames' format), up to {@link WavRecorder#MAX_DURATION}.
 *
 * <p>Never throws into the stream that feeds it (an exception would stop the stream's 20 ms
 * tick): a file that cannot be written ends the recording, told once to {@code problems}; frames
 * of another format than the file's are dropped and told once. Used by one stream's tick at a
 * time, as {@link AudioSink} says.
 */
final class SessionRecording implements AudioSink {
  private final Path file;
  private final Consumer<String> problems;
  private WavRecorder recorder;
  private AudioFormat format;
  private boolean started;
  private boolean failed;
  private boolean toldFormat;

  private SessionRecording(Path file, Consumer<String> problems, WavRecorder recorder) {
    this.file = file;
    this.problems = problems;
    this.recorder = recorder;
    this.format = AudioFormat.PCM_8000;
  }

  /**
   * Creates the file (an empty 8 kHz WAV until frames come).
   *
   * @param problems hears, in words, why the recording stopped or skipped frames
   * @throws IOException if the file cannot be created
   */
  static SessionRecording create(Path file, Consumer<String> problems) throws IOException {
    return new SessionRecording(file, problems,
        WavRecorder.create(file, AudioFormat.PCM_8000, WavRecorder.MAX_DURATION));
  }

  Path file() {
    return file;
  }

  @Override
  public void accept(AudioFrame frame) {
    if (failed || recorder == null) {
      return;
    }
    try {
      if (frame.format() != format) {
        if (started) {
          if (!toldFormat) {
            toldFormat = true;
            problems.accept("the received audio changed to " + frame.format() + " mid-call; "
                + file + " keeps " + format + " and skips the rest");
          }
          return;
        }
        recorder.close();
        recorder = WavRecorder.create(file, frame.format(), WavRecorder.MAX_DURATION);
        format = frame.format();
      }
      started = true;
      recorder.accept(frame);
    } catch (IOException | UncheckedIOException e) {
      fail(e);
    }
  }

  @Override
  public void close() {
    if (recorder == null) {
      return;
    }
    try {
      recorder.close();
    } catch (UncheckedIOException e) {
      fail(e);
    } finally {
      recorder = null;
    }
  }

  private void fail(Exception e) {
    failed = true;
    String also = "";
    try {
      if (recorder != null) {
        recorder.close();
      }
    } catch (UncheckedIOException again) {
      also = " (and closing it: " + Words.cause(again) + ")";
    }
    problems.accept("recording to " + file + " stopped: " + Words.cause(e) + also);
  }
}
