package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.parley.media.internal.G711;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavFileTest {
  @TempDir Path dir;

  private static List<AudioFrame> frames(AudioSource source, int n) {
    List<AudioFrame> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(source.next());
    }
    return out;
  }

  /** A WAV file written by hand: a fmt chunk of the given fields, then data. */
  private static byte[] wav(int tag, int channels, int rate, int bits, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + data.length).put("WAVE".getBytes());
    b.put("fmt ".getBytes()).putInt(16).putShort((short) tag).putShort((short) channels)
        .putInt(rate).putInt(rate * channels * bits / 8).putShort((short) (channels * bits / 8))
        .putShort((short) bits);
    b.put("data".getBytes()).putInt(data.length).put(data);
    return b.array();
  }

  @Test
  void aRecordedWavReadsBackAsTheSameFrames() throws IOException {
    Path file = dir.resolve("tone.wav");
    List<AudioFrame> written = frames(new ToneSource(440, AudioFormat.PCM_16000, 0.7), 25);
    try (WavRecorder rec = WavRecorder.create(file, AudioFormat.PCM_16000, Duration.ofSeconds(5))) {
      written.forEach(rec::accept);
      assertThat(rec.duration()).isEqualTo(Duration.ofMillis(500));
    }
    assertThat(Files.size(file)).isEqualTo(44 + 25 * 320 * 2);
    try (WavFileSource src = WavFileSource.open(file, AudioFormat.PCM_16000, false)) {
      assertThat(frames(src, 25)).isEqualTo(written);
      assertThat(src.isFinished()).isTrue();
      assertThat(src.next().isSilent()).isTrue();
    }
  }

  @Test
  void theRecorderStopsAtItsMaximumDurationAndCountsWhatItDrops() throws IOException {
    Path file = dir.resolve("short.wav");
    WavRecorder rec = WavRecorder.create(file, AudioFormat.PCM_8000, Duration.ofMillis(100));
    SilenceSource silence = new SilenceSource(AudioFormat.PCM_8000);
    for (int i = 0; i < 8; i++) {
      rec.accept(silence.next());
    }
    rec.close();
    rec.close();
    assertThat(rec.dropped()).isEqualTo(3);
    assertThat(Files.size(file)).isEqualTo(44 + 5 * 160 * 2);
    ByteBuffer h = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(h.getInt(4)).isEqualTo(36 + 1600);
    assertThat(h.getInt(40)).isEqualTo(1600);
    assertThatThrownBy(() -> rec.accept(AudioFrame.silence(AudioFormat.PCM_48000)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFileAtAnotherRateIsResampledAndKeepsItsFrequency() throws IOException {
    Path file = dir.resolve("44k.wav");
    int rate = 44100;
    short[] pcm = new short[rate];
    for (int i = 0; i < pcm.length; i++) {
      pcm[i] = (short) (12000 * Math.sin(2 * Math.PI * 1000 * i / rate));
    }
    ByteBuffer data = ByteBuffer.allocate(pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short s : pcm) {
      data.putShort(s);
    }
    Files.write(file, wav(1, 1, rate, 16, data.array()));
    for (AudioFormat target : List.of(AudioFormat.PCM_8000, AudioFormat.PCM_48000)) {
      try (WavFileSource src = WavFileSource.open(file, target, false)) {
        assertThat(src.fileSampleRate()).isEqualTo(44100);
        List<AudioFrame> got = frames(src, 45);
        assertThat(src.isFinished()).isFalse();
        assertThat(ToneDetector.dominantFrequency(got, 100, 3000)).isCloseTo(1000, within(3.0));
        frames(src, 10);
        assertThat(src.isFinished()).isTrue();
      }
    }
  }

  @Test
  void aLoopingFileStartsAgainAtItsEnd() throws IOException {
    Path file = dir.resolve("ramp.wav");
    ByteBuffer data = ByteBuffer.allocate(240 * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 240; i++) {
      data.putShort((short) (i + 1));
    }
    Files.write(file, wav(1, 1, 8000, 16, data.array()));
    try (WavFileSource src = WavFileSource.open(file, AudioFormat.PCM_8000, true)) {
      short[] joined = new short[160 * 6];
      for (int i = 0; i < 6; i++) {
        src.next().copyTo(joined, i * 160);
      }
      for (int i = 0; i < joined.length; i++) {
        assertThat(joined[i]).as("sample %d", i).isEqualTo((short) (i % 240 + 1));
      }
      assertThat(src.isFinished()).isFalse();
    }
  }

  @Test
  void muLawAndALawWavFilesArePlayed() throws IOException {
    short[] pcm = new ToneSource(440, AudioFormat.PCM_8000, 0.5).next().samples();
    byte[] mu = new byte[160];
    byte[] a = new byte[160];
    for (int i = 0; i < 160; i++) {
      mu[i] = G711.linearToUlaw(pcm[i]);
      a[i] = G711.linearToAlaw(pcm[i]);
    }
    Path muFile = dir.resolve("mu.wav");
    Path aFile = dir.resolve("a.wav");
    Files.write(muFile, wav(7, 1, 8000, 8, mu));
    Files.write(aFile, wav(6, 1, 8000, 8, a));
    try (WavFileSource m = WavFileSource.open(muFile, AudioFormat.PCM_8000, false);
        WavFileSource al = WavFileSource.open(aFile, AudioFormat.PCM_8000, false)) {
      assertThat(m.next()).isEqualTo(new Pcmu().decode(mu, 0, 160));
      assertThat(al.next()).isEqualTo(new Pcma().decode(a, 0, 160));
    }
  }

  @Test
  void malformedFilesGiveAnExceptionNamingTheFileAndTheProblem() throws IOException {
    byte[] good = wav(1, 1, 8000, 16, new byte[320]);
    check("truncated.wav", Arrays.copyOf(good, 20), "truncated header");
    check("tiny.wav", Arrays.copyOf(good, 5), "truncated header");
    check("nodata.wav", Arrays.copyOf(good, 36), "no data chunk");
    check("text.wav", "hello, this is not a wav file at all".getBytes(), "not a RIFF/WAVE");
    check("stereo.wav", wav(1, 2, 8000, 16, new byte[320]), "2 channels");
    check("float.wav", wav(3, 1, 8000, 32, new byte[320]), "unsupported encoding: format tag 3");
    check("empty.wav", wav(1, 1, 8000, 16, new byte[0]), "no audio samples");
    check("rate.wav", wav(1, 1, 0, 16, new byte[320]), "sample rate");
    assertThatThrownBy(() -> WavFileSource.open(dir.resolve("missing.wav"),
        AudioFormat.PCM_8000, false)).isInstanceOf(IOException.class)
        .hasMessageContaining("missing.wav");
  }

  private void check(String name, byte[] content, String problem) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, content);
    assertThatThrownBy(() -> WavFileSource.open(file, AudioFormat.PCM_8000, false))
        .isInstanceOf(WavFormatException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining(problem);
  }

  @Test
  void aDataChunkLongerThanTheFileIsReadToTheEndOfTheFile() throws IOException {
    byte[] full = wav(1, 1, 8000, 16, new byte[640]);
    Path file = dir.resolve("cut.wav");
    Files.write(file, Arrays.copyOf(full, 44 + 320));
    try (WavFileSource src = WavFileSource.open(file, AudioFormat.PCM_8000, false)) {
      src.next();
      assertThat(src.isFinished()).isTrue();
    }
  }
}
