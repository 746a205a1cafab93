package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import dev.parley.media.ToneDetector;
import dev.parley.media.ToneSource;
import dev.parley.media.WavFileSource;
import dev.parley.media.WavRecorder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audio options and commands of {@code parley client} that need no audio flowing: usage
 * errors naming the option, the errors of {@code dtmf}, {@code hold} and the rest when there is
 * no audio session to act on, and the {@code --record} sink on its own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientAudioTest {
  @TempDir Path dir;
  private final List<ClientRun> runs = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ClientRun r : runs) {
      r.close();
    }
  }

  @Test
  void badAudioOptionsAreUsageErrorsNamingTheOption() throws Exception {
    Path notWav = Files.writeString(dir.resolve("notes.wav"), "not a wav file at all, only words");
    Path aFile = Files.writeString(dir.resolve("a-file"), "x");

    assertThat(usage("--media-source", "noise")).contains(
        "--media-source must be silence, tone:HZ or file:PATH.wav, not 'noise'");
    assertThat(usage("--media-source", "tone:loud")).contains("--media-source: tone:HZ needs a frequency");
    assertThat(usage("--media-source", "tone:0")).contains("--media-source: the tone must be above 0");
    assertThat(usage("--media-source", "tone:30000")).contains("below 24000 Hz");
    assertThat(usage("--media-source", "file:" + dir.resolve("missing.wav")))
        .contains("--media-source: cannot read the file");
    assertThat(usage("--media-source", "file:" + notWav))
        .contains("--media-source: not a WAV file Parley plays");
    assertThat(usage("--record", aFile.resolve("sub").toString()))
        .contains("--record: cannot make the directory");
    assertThat(usage("--codecs", "pcmu,g729")).contains("--codecs: unknown codec 'g729'");
    assertThat(usage("--codecs", "pcmu,PCMU")).contains("--codecs lists PCMU twice");
    assertThat(usage("--codecs", "")).contains("--codecs: unknown codec ''");
  }

  @Test
  void goodAudioOptionsStartTheClientAndTheRecordDirectoryIsMade() throws Exception {
    Path wav = dir.resolve("tone.wav");
    try (WavRecorder r = WavRecorder.create(wav, AudioFormat.PCM_16000, Duration.ofSeconds(1))) {
      ToneSource tone = new ToneSource(700, AudioFormat.PCM_16000, 0.5);
      for (int i = 0; i < 10; i++) {
        r.accept(tone.next());
      }
    }
    Path records = dir.resolve("records/today");
    ClientRun alice = client("alice", "--media-source", "file:" + wav, "--record",
        records.toString(), "--codecs", "PCMA,pcmu");
    alice.await("enabled");
    assertThat(records).isDirectory();
    alice.type("quit");
    assertThat(alice.exitStatus()).isZero();
  }

  @Test
  void audioCommandsWithoutAnAudioSessionAreErrorsSayingWhy() throws Exception {
    ClientRun bob = client("bob", "--on-invite", "accept");
    ClientRun alice = client("alice", "--keep-going");
    String bobUri = bob.contact();
    alice.await("enabled");

    alice.type("hold").type("stats").type("dtmf 123").type("mute");
    alice.type("im " + bobUri + " hello");
    bob.await("message");
    alice.type("resume 1").type("stats 1").type("unmute 7").type("dtmf 12x9").type("dtmf")
        .type("hold 1 2").type("wait dtmf 0.2").type("wait hold:on 0.1");

    assertThat(alice.await("error", e -> "wait hold:on 0.1".equals(e.get("command"))))
        .containsEntry("message", "timed out after 0.1 s waiting for hold:on");
    assertThat(alice.events("error")).extracting(e -> e.get("command") + ": " + e.get("message"))
        .containsExactly(
            "hold: no audio session: use call URI",
            "stats: no audio session: use call URI",
            "dtmf 123: no audio session: use call URI",
            "mute: no audio session: use call URI",
            "resume 1: session #1 is not an audio session (it is instant messaging)",
            "stats 1: session #1 is not an audio session (it is instant messaging)",
            "unmute 7: no session #7",
            "dtmf 12x9: bad DTMF digit 'x' in 12x9 (0-9, *, #, A-D)",
            "dtmf: usage: dtmf DIGITS [ID]",
            "hold 1 2: usage: hold [ID]",
            "wait dtmf 0.2: timed out after 0.2 s waiting for dtmf",
            "wait hold:on 0.1: timed out after 0.1 s waiting for hold:on");
  }

  @Test
  void aRecordingTakesTheFormatOfTheFirstFrameAndKeepsIt() throws Exception {
    Path file = dir.resolve("r.wav");
    List<String> problems = new ArrayList<>();
    SessionRecording r = SessionRecording.create(file, problems::add);
    assertThat(file).exists();
    ToneSource tone = new ToneSource(1000, AudioFormat.PCM_48000, 0.5);
    for (int i = 0; i < 50; i++) {
      r.accept(tone.next());
    }
    r.accept(AudioFrame.silence(AudioFormat.PCM_8000));
    r.accept(AudioFrame.silence(AudioFormat.PCM_8000));
    r.close();
    r.close();

    assertThat(problems).singleElement().asString()
        .contains("changed to PCM 8000 Hz mono 16-bit mid-call");
    List<AudioFrame> heard = new ArrayList<>();
    try (WavFileSource played = WavFileSource.open(file, AudioFormat.PCM_48000, false)) {
      assertThat(played.fileSampleRate()).isEqualTo(48000);
      for (int i = 0; i < 100 && !played.isFinished(); i++) {
        heard.add(played.next());
      }
    }
    assertThat(heard).hasSizeBetween(50, 51);
    assertThat(ToneDetector.dominantFrequency(heard, 100, 4000)).isCloseTo(1000, within(5.0));
  }

  @Test
  void aRecordingThatCannotBeWrittenStopsAndSaysSoInsteadOfThrowing() throws Exception {
    Path file = dir.resolve("gone/r.wav");
    Files.createDirectories(file.getParent());
    List<String> problems = new ArrayList<>();
    SessionRecording r = SessionRecording.create(file, problems::add);
    Files.delete(file);
    Files.delete(file.getParent());
    // the first frame is 48 kHz: the file must be made again, in a directory that is gone
    r.accept(new ToneSource(440, AudioFormat.PCM_48000, 0.5).next());
    r.accept(new ToneSource(440, AudioFormat.PCM_48000, 0.5).next());
    r.close();

    assertThat(problems).singleElement().asString().startsWith("recording to " + file + " stopped: ");
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }

  private ClientRun client(String user, String... more) {
    List<String> args = new ArrayList<>(List.of("--user", "sip:" + user + "@127.0.0.1",
        "--listen", "udp:127.0.0.1:0", "--json"));
    args.addAll(List.of(more));
    ClientRun r = ClientRun.start(user, args.toArray(new String[0]));
    runs.add(r);
    return r;
  }

  private static String usage(String... args) {
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("client", "--user", "sip:alice@127.0.0.1"));
    all.addAll(List.of(args));
    int status = Parley.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
        all.toArray(new String[0]));
    assertThat(status).as("status of %s", all).isEqualTo(2);
    return err.toString();
  }
}
