package dev.parley.it;

import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import dev.parley.media.ToneDetector;
import dev.parley.media.ToneSource;
import dev.parley.media.WavFileSource;
import dev.parley.media.WavRecorder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a recording holds, for the media interop tests: its 20 ms frames at 8 kHz, how much of it
 * is sound rather than silence, and its dominant frequency (Goertzel, {@link ToneDetector}). Reads
 * what Parley's {@link WavRecorder}, baresip's {@code sndfile} module and linphonec's
 * {@code record} write (16-bit PCM; another rate is resampled; a header that claims more data than
 * the file holds, as linphonec's does, is read to the end of the file).
 */
final class HeardAudio {
  /**
   * A frame whose RMS is above this (of 32767) is sound: far above the G.711 idle codes and the
   * faded tail of loss concealment, far below the tones the tests send (a 0.5 full-scale sine has
   * an RMS of about 11,600; baresip's ausine about 10,000; the speech of {@code g711a.pcap} 2,000).
   */
  static final double SOUND_RMS = 300;

  private final Path file;
  private final List<AudioFrame> frames;

  private HeardAudio(Path file, List<AudioFrame> frames) {
    this.file = file;
    this.frames = List.copyOf(frames);
  }

  /**
   * Reads a whole WAV file as 8 kHz frames. A 16-bit stereo file (baresip's recording of an Opus
   * call: 48 kHz, 2 channels) is mixed down to mono first, into a {@code .mono.wav} beside it.
   */
  static HeardAudio read(Path wav) throws IOException {
    return new HeardAudio(wav, frames(downmixed(wav)));
  }

  private static List<AudioFrame> frames(Path wav) throws IOException {
    // a bound on the frames: 2 bytes a sample at most 8,000 samples a second of the file's rate
    long bound = Files.size(wav) / 2 / AudioFormat.PCM_8000.samplesPerFrame() + 2;
    List<AudioFrame> frames = new ArrayList<>();
    try (WavFileSource source = WavFileSource.open(wav, AudioFormat.PCM_8000, false)) {
      while (frames.size() < bound) {
        AudioFrame f = source.next();
        if (source.isFinished() && f.isSilent()) {
          break;
        }
        frames.add(f);
      }
    }
    return frames;
  }

  /**
   * {@code wav} itself, or for a 16-bit PCM file of two channels a mono copy (the channels'
   * mean). Reads the RIFF chunks ({@code fmt }, {@code data}) and stops at the file's end.
   */
  private static Path downmixed(Path wav) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
    int channels = 0;
    int rate = 0;
    int bits = 0;
    int at = 12;
    while (at + 8 <= b.limit()) {
      String id = new String(b.array(), at, 4, StandardCharsets.US_ASCII);
      int size = b.getInt(at + 4);
      if (id.equals("fmt ")) {
        channels = b.getShort(at + 10);
        rate = b.getInt(at + 12);
        bits = b.getShort(at + 22);
      } else if (id.equals("data")) {
        if (channels != 2 || bits != 16) {
          return wav;
        }
        int end = (int) Math.min(b.limit(), (long) at + 8 + (size & 0xffffffffL));
        int samples = (end - at - 8) / 4;
        ByteBuffer mono = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        mono.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples * 2)
            .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
            .putShort((short) 1).putInt(rate).putInt(rate * 2).putShort((short) 2)
            .putShort((short) 16).put("data".getBytes(StandardCharsets.US_ASCII))
            .putInt(samples * 2);
        for (int i = 0; i < samples; i++) {
          int left = b.getShort(at + 8 + i * 4);
          int right = b.getShort(at + 8 + i * 4 + 2);
          mono.putShort((short) ((left + right) / 2));
        }
        Path out = wav.resolveSibling(wav.getFileName() + ".mono.wav");
        Files.write(out, mono.array());
        return out;
      }
      at += 8 + size + (size & 1);
    }
    return wav;
  }

  /** Audio in memory (a reference decoded by the test itself). */
  static HeardAudio of(String name, List<AudioFrame> frames) {
    return new HeardAudio(Path.of(name), frames);
  }

  /**
   * Writes {@code length} of a {@code hz} sine at half full scale, 8 kHz 16-bit mono, to
   * {@code wav}: a file for a peer to play.
   */
  static Path writeTone(Path wav, double hz, Duration length) throws IOException {
    ToneSource tone = new ToneSource(hz, AudioFormat.PCM_8000, 0.5);
    try (WavRecorder out = WavRecorder.create(wav, AudioFormat.PCM_8000, length)) {
      for (long i = 0; i < length.toMillis() / AudioFormat.FRAME_MILLIS; i++) {
        out.accept(tone.next());
      }
    }
    return wav;
  }

  /** The root mean square of a frame's samples (0 .. 32768). */
  static double rms(AudioFrame frame) {
    double sum = 0;
    for (int i = 0; i < frame.length(); i++) {
      double s = frame.sample(i);
      sum += s * s;
    }
    return Math.sqrt(sum / frame.length());
  }

  Path file() {
    return file;
  }

  List<AudioFrame> frames() {
    return frames;
  }

  /** The length of the recording: 20 ms a frame. */
  Duration duration() {
    return Duration.ofMillis((long) frames.size() * AudioFormat.FRAME_MILLIS);
  }

  /** The frames that are sound ({@link #SOUND_RMS}), in order. */
  List<AudioFrame> soundFrames() {
    return frames.stream().filter(f -> rms(f) > SOUND_RMS).toList();
  }

  /** How much of the recording is sound. */
  Duration soundDuration() {
    return Duration.ofMillis((long) soundFrames().size() * AudioFormat.FRAME_MILLIS);
  }

  /** The RMS over the sound frames (0 when there are none). */
  double soundRms() {
    List<AudioFrame> sound = soundFrames();
    double sum = 0;
    for (AudioFrame f : sound) {
      double r = rms(f);
      sum += r * r;
    }
    return sound.isEmpty() ? 0 : Math.sqrt(sum / sound.size());
  }

  /**
   * The strongest frequency between 100 and 3,000 Hz over the sound frames.
   *
   * @throws AssertionError if there is no sound at all
   */
  double dominantHz() {
    List<AudioFrame> sound = soundFrames();
    if (sound.isEmpty()) {
      throw new AssertionError("no sound in " + this);
    }
    return ToneDetector.dominantFrequency(sound, 100, 3000);
  }

  /** For failure messages: the file, its length, how much is sound, and how loud. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s: %d frames (%d ms), %d ms sound, sound RMS %.0f",
        file, frames.size(), duration().toMillis(), soundDuration().toMillis(), soundRms());
  }
}
