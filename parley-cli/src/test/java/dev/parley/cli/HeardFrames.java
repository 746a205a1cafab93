package dev.parley.cli;

import dev.parley.media.AudioFrame;
import dev.parley.media.ToneDetector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/** For the audio tests' failure messages: what a recording held, half second by half second. */
final class HeardFrames {
  private HeardFrames() {}

  /** Each half second (25 frames): its RMS and its dominant frequency, as {@code rms/hz}. */
  static String describe(List<AudioFrame> frames) {
    StringBuilder s = new StringBuilder(frames.size() + " frames:");
    for (int i = 0; i + 25 <= frames.size(); i += 25) {
      List<AudioFrame> w = frames.subList(i, i + 25);
      s.append(String.format(Locale.ROOT, " %.0f/%.0f", rms(w),
          ToneDetector.dominantFrequency(w, 100, 3500)));
    }
    return s.toString();
  }

  /** The RMS of the samples of {@code frames} (0 .. 32768). */
  static double rms(List<AudioFrame> frames) {
    double sum = 0;
    long n = 0;
    for (AudioFrame f : frames) {
      for (int i = 0; i < f.length(); i++) {
        double v = f.sample(i);
        sum += v * v;
        n++;
      }
    }
    return n == 0 ? 0 : Math.sqrt(sum / n);
  }

  /**
   * Copies {@code wav} to {@code target/heard-failures/NAME.wav} of this module (a test's
   * temporary directory is deleted after it) and returns where.
   */
  static Path keep(Path wav, String name) {
    try {
      Path dir = Path.of("target", "heard-failures");
      Files.createDirectories(dir);
      Path copy = dir.resolve(name + "-" + System.currentTimeMillis() + ".wav");
      Files.copy(wav, copy, StandardCopyOption.REPLACE_EXISTING);
      return copy.toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
