package dev.parley.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;

/**
 * A sink that records frames to a 16-bit PCM mono WAV file, up to a maximum duration.
 *
 * <p>The file is written as frames come, through a 64 KB buffer; {@link #close()} writes the
 * RIFF and data lengths into the header, so the file is valid once closed (and readable, with
 * zero lengths, before). Frames beyond the maximum duration are dropped and counted
 * ({@link #dropped()}). Not thread-safe: one stream pushes frames and then closes it.
 */
public final class WavRecorder implements AudioSink {
  /** The longest recording allowed, so the data length fits the header's 32 bits. */
  public static final Duration MAX_DURATION = Duration.ofHours(12);

  private static final int HEADER_BYTES = 44;

  private final Path file;
  private final AudioFormat format;
  private final long maxFrames;
  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
  private long frames;
  private long dropped;
  private boolean closed;

  private WavRecorder(Path file, AudioFormat format, long maxFrames, FileChannel channel) {
    this.file = file;
    this.format = format;
    this.maxFrames = maxFrames;
    this.channel = channel;
  }

  /**
   * Creates (or truncates) a WAV file and writes its header.
   *
   * @param maxDuration the longest recording, 20 ms .. {@link #MAX_DURATION}
   * @throws IOException if the file cannot be created
   */
  public static WavRecorder create(Path file, AudioFormat format, Duration maxDuration)
      throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(maxDuration, "maxDuration");
    if (maxDuration.toMillis() < AudioFormat.FRAME_MILLIS
        || maxDuration.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException("maxDuration out of range 20 ms .. 12 h: " + maxDuration);
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    WavRecorder recorder = new WavRecorder(file, format,
        maxDuration.toMillis() / AudioFormat.FRAME_MILLIS, channel);
    try {
      recorder.writeHeader(0);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return recorder;
  }

  /**
   * Appends a frame, or drops and counts it past the maximum duration or once closed.
   *
   * @throws IllegalArgumentException if the frame is not in the recorder's format
   * @throws UncheckedIOException if the file cannot be written
   */
  @Override
  public void accept(AudioFrame frame) {
    Objects.requireNonNull(frame, "frame");
    if (frame.format() != format) {
      throw new IllegalArgumentException("frame must be " + format + ": " + frame.format());
    }
    if (closed || frames >= maxFrames) {
      dropped++;
      return;
    }
    if (buffer.remaining() < frame.length() * 2) {
      flush();
    }
    for (int i = 0; i < frame.length(); i++) {
      buffer.putShort(frame.sample(i));
    }
    frames++;
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** The duration recorded so far. */
  public Duration duration() {
    return Duration.ofMillis(frames * AudioFormat.FRAME_MILLIS);
  }

  /** Frames dropped (past the maximum duration, or after close). */
  public long dropped() {
    return dropped;
  }

  /**
   * Writes what is buffered, fixes the header's lengths and closes the file. Idempotent.
   *
   * @throws UncheckedIOException if the file cannot be written
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    IOException failure = null;
    try {
      flush();
      writeHeader(frames * format.samplesPerFrame() * 2);
    } catch (UncheckedIOException e) {
      failure = e.getCause();
    } catch (IOException e) {
      failure = e;
    }
    try {
      channel.close();
    } catch (IOException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure != null) {
      throw new UncheckedIOException("cannot finish " + file, failure);
    }
  }

  private void flush() {
    buffer.flip();
    try {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    } finally {
      buffer.clear();
    }
  }

  private void writeHeader(long dataBytes) throws IOException {
    int rate = format.sampleRate();
    ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(0x46464952).putInt((int) (36 + dataBytes)).putInt(0x45564157); // RIFF, WAVE
    h.putInt(0x20746d66).putInt(16); // "fmt "
    h.putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
        .putShort((short) 2).putShort((short) 16);
    h.putInt(0x61746164).putInt((int) dataBytes); // "data"
    h.flip();
    long pos = 0;
    while (h.hasRemaining()) {
      pos += channel.write(h, pos);
    }
    if (dataBytes == 0) {
      channel.position(HEADER_BYTES);
    }
  }
}
