package dev.parley.media;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A WAV file that Parley cannot read: not RIFF/WAVE, a truncated header, an encoding or channel
 * count it does not play. The message names the file and the problem.
 */
public final class WavFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /** An exception about {@code file}; the message is {@code "<file>: <problem>"}. */
  public WavFormatException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  /** The file. */
  public Path file() {
    return file;
  }
}
