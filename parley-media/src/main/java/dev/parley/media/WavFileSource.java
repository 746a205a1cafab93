package dev.parley.media;

import dev.parley.media.internal.G711;
import dev.parley.media.internal.WavHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * A WAV file played as 20 ms frames, once or looping. Reads mono 16-bit PCM, and 8-bit PCM,
 * mu-law and A-law; a file whose sample rate differs from the wanted format is resampled by
 * linear interpolation (simple: no anti-alias filter, so a downsampled file may alias above the
 * new Nyquist frequency).
 *
 * <p>The file is streamed through a small buffer, never loaded whole. Played once, the last frame
 * is padded with silence and then {@link #isFinished()} is true and frames are silence. Not
 * thread-safe; {@link #close()} releases the file.
 */
public final class WavFileSource implements AudioSource {
  private static final int BUFFER_BYTES = 8192;

  private final Path file;
  private final FileChannel channel;
  private final WavHeader header;
  private final AudioFormat format;
  private final boolean loop;
  private final double ratio;
  private final ByteBuffer buffer =
      ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);

  private long read; // bytes of the data chunk read into the buffer so far
  private boolean atEnd; // the file's last sample is s1 (held), nothing follows
  private boolean finished;
  private boolean closed;
  // linear interpolation between s0 and s1, at pos in [0, 1)
  private int s0;
  private int s1;
  private double pos;

  private WavFileSource(Path file, FileChannel channel, WavHeader header, AudioFormat format,
      boolean loop) {
    this.file = file;
    this.channel = channel;
    this.header = header;
    this.format = format;
    this.loop = loop;
    this.ratio = (double) header.sampleRate / format.sampleRate();
    buffer.flip();
  }

  /**
   * Opens a WAV file.
   *
   * @param file the WAV file
   * @param format the format of the frames to make (the file is resampled to it)
   * @param loop true to start again at the end, forever
   * @throws WavFormatException if the file is not a WAV file Parley reads, naming the problem
   * @throws IOException if the file cannot be read
   */
  public static WavFileSource open(Path file, AudioFormat format, boolean loop)
      throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(format, "format");
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      WavHeader header = WavHeader.read(file, channel);
      WavFileSource source = new WavFileSource(file, channel, header, format, loop);
      source.s0 = source.nextFileSample();
      source.s1 = source.s0;
      source.advance();
      return source;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The file's own sample rate. */
  public int fileSampleRate() {
    return header.sampleRate;
  }

  @Override
  public AudioFormat format() {
    return format;
  }

  @Override
  public boolean isFinished() {
    return finished;
  }

  /**
   * The next 20 ms of the file.
   *
   * @throws UncheckedIOException if the file cannot be read any more
   * @throws IllegalStateException if closed
   */
  @Override
  public AudioFrame next() {
    if (closed) {
      throw new IllegalStateException(file + " is closed");
    }
    short[] out = new short[format.samplesPerFrame()];
    if (finished) {
      return AudioFrame.of(format, out);
    }
    for (int i = 0; i < out.length && !finished; i++) {
      out[i] = (short) Math.round(s0 + (s1 - s0) * pos);
      pos += ratio;
      while (pos >= 1 && !finished) {
        pos -= 1;
        s0 = s1;
        advance();
      }
    }
    return AudioFrame.of(format, out);
  }

  /** Moves s1 to the next sample; past the last one, the rest of the frame stays silent. */
  private void advance() {
    if (atEnd) {
      finished = true;
      return;
    }
    int s = nextFileSample();
    if (s == Integer.MIN_VALUE) {
      atEnd = true;
    } else {
      s1 = s;
    }
  }

  /** The next sample of the file, looping if asked, or Integer.MIN_VALUE at its end. */
  private int nextFileSample() {
    int bytes = header.bytesPerSample();
    if (buffer.remaining() < bytes && !fill()) {
      if (!loop) {
        return Integer.MIN_VALUE;
      }
      read = 0;
      buffer.clear().flip();
      if (!fill()) {
        return Integer.MIN_VALUE;
      }
    }
    switch (header.formatTag) {
      case WavHeader.MULAW:
        return G711.ulawToLinear(buffer.get());
      case WavHeader.ALAW:
        return G711.alawToLinear(buffer.get());
      default:
        return bytes == 2 ? buffer.getShort() : ((buffer.get() & 0xff) - 128) << 8;
    }
  }

  /** Reads more of the data chunk into the buffer; false at its end. */
  private boolean fill() {
    buffer.compact();
    long left = header.dataLength - read;
    if (left <= 0) {
      buffer.flip();
      return false;
    }
    if (left < buffer.remaining()) {
      buffer.limit(buffer.position() + (int) left);
    }
    try {
      int n = channel.read(buffer, header.dataOffset + read);
      if (n > 0) {
        read += n;
      }
      buffer.limit(buffer.position()).position(0);
      if (n < 0) {
        // the file shrank under us: treat as its end
        read = header.dataLength;
      }
      return buffer.remaining() >= header.bytesPerSample();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close " + file, e);
      }
    }
  }

  @Override
  public String toString() {
    return "WavFileSource[" + file + ", " + header.sampleRate + " Hz -> " + format.sampleRate()
        + " Hz" + (loop ? ", looping" : "") + "]";
  }
}
