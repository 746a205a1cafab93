package dev.parley.media.internal;

import dev.parley.media.WavFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The header of a RIFF/WAVE file: the {@code fmt } chunk's fields and where the {@code data}
 * chunk lies. Reads 16-bit and 8-bit PCM, 8-bit mu-law and A-law (format tags 1, 7, 6, and
 * WAVE_FORMAT_EXTENSIBLE with a PCM sub-format), mono only. Other chunks ({@code LIST},
 * {@code fact}) are skipped, at most {@value #MAX_CHUNKS} of them. A {@code data} chunk longer than
 * the file (a recorder that crashed) is read up to the end of the file.
 */
public final class WavHeader {
  /** WAVE_FORMAT_PCM. */
  public static final int PCM = 1;
  /** WAVE_FORMAT_ALAW. */
  public static final int ALAW = 6;
  /** WAVE_FORMAT_MULAW. */
  public static final int MULAW = 7;
  private static final int EXTENSIBLE = 0xfffe;
  private static final int MAX_CHUNKS = 64;

  public final int formatTag;
  public final int sampleRate;
  public final int bitsPerSample;
  public final long dataOffset;
  public final long dataLength;

  private WavHeader(int formatTag, int sampleRate, int bitsPerSample, long dataOffset,
      long dataLength) {
    this.formatTag = formatTag;
    this.sampleRate = sampleRate;
    this.bitsPerSample = bitsPerSample;
    this.dataOffset = dataOffset;
    this.dataLength = dataLength;
  }

  /** Bytes per sample: 2 for 16-bit PCM, else 1. */
  public int bytesPerSample() {
    return bitsPerSample / 8;
  }

  /**
   * Reads and checks the header.
   *
   * @throws WavFormatException naming the file and the problem
   */
  public static WavHeader read(Path file, FileChannel channel) throws IOException {
    long size = channel.size();
    ByteBuffer riff = readFully(file, channel, 0, 12, "RIFF header");
    if (riff.getInt(0) != 0x46464952 /* "RIFF" */ || riff.getInt(8) != 0x45564157 /* "WAVE" */) {
      throw new WavFormatException(file, "not a RIFF/WAVE file");
    }
    long pos = 12;
    int formatTag = -1;
    int sampleRate = 0;
    int bits = 0;
    for (int chunks = 0; chunks < MAX_CHUNKS; chunks++) {
      if (pos + 8 > size) {
        throw new WavFormatException(file, formatTag < 0
            ? "truncated header: no fmt chunk" : "truncated header: no data chunk");
      }
      ByteBuffer head = readFully(file, channel, pos, 8, "chunk header");
      int id = head.getInt(0);
      long length = head.getInt(4) & 0xffffffffL;
      long body = pos + 8;
      if (id == 0x20746d66 /* "fmt " */) {
        if (length < 16) {
          throw new WavFormatException(file, "fmt chunk of " + length + " bytes (16 at least)");
        }
        ByteBuffer fmt = readFully(file, channel, body, (int) Math.min(length, 40), "fmt chunk");
        formatTag = fmt.getShort(0) & 0xffff;
        int channels = fmt.getShort(2) & 0xffff;
        sampleRate = fmt.getInt(4);
        bits = fmt.getShort(14) & 0xffff;
        if (formatTag == EXTENSIBLE) {
          if (length < 40) {
            throw new WavFormatException(file, "WAVE_FORMAT_EXTENSIBLE fmt chunk of " + length
                + " bytes (40 needed)");
          }
          formatTag = fmt.getShort(24) & 0xffff; // the sub-format GUID starts with the tag
        }
        if (channels != 1) {
          throw new WavFormatException(file, channels + " channels: only mono is supported");
        }
        if (sampleRate < 1000 || sampleRate > 384000) {
          throw new WavFormatException(file, "sample rate out of range: " + sampleRate);
        }
        boolean ok = (formatTag == PCM && (bits == 16 || bits == 8))
            || ((formatTag == MULAW || formatTag == ALAW) && bits == 8);
        if (!ok) {
          throw new WavFormatException(file, "unsupported encoding: format tag " + formatTag
              + ", " + bits + " bits (16-bit or 8-bit PCM, 8-bit mu-law or A-law only)");
        }
      } else if (id == 0x61746164 /* "data" */) {
        if (formatTag < 0) {
          throw new WavFormatException(file, "data chunk before the fmt chunk");
        }
        long available = Math.min(length, size - body);
        long usable = available - available % (bits / 8);
        if (usable <= 0) {
          throw new WavFormatException(file, "no audio samples in the data chunk");
        }
        return new WavHeader(formatTag, sampleRate, bits, body, usable);
      }
      pos = body + length + (length & 1);
    }
    throw new WavFormatException(file, "no data chunk in the first " + MAX_CHUNKS + " chunks");
  }

  private static ByteBuffer readFully(Path file, FileChannel channel, long pos, int n,
      String what) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      int r = channel.read(b, pos + b.position());
      if (r < 0) {
        throw new WavFormatException(file, "truncated header: " + what + " needs " + n
            + " bytes at offset " + pos + ", the file has " + channel.size());
      }
    }
    return b;
  }
}
