package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import dev.parley.media.ToneDetector;
import dev.parley.media.WavFileSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Audio between two {@code parley client}s signed in to a real {@code parley server} (a separate
 * process) on loopback: a tone one way, found in the other side's {@code --record} file by
 * frequency; DTMF the other way, as {@code dtmf} events in order; hold and resume, seen in the
 * holder's packet counts; mute and unmute, seen in both sides' counts; and each codec (PCMU,
 * PCMA, Opus) forced by {@code --codecs}, named by the {@code media} events, carrying the tone,
 * the DTMF and the hold and resume in one call. Counts and frequencies are asserted, never
 * timings; every wait is bounded.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientAudioThroughServerTest {
  /** What {@code tone:HZ} the caller sends. */
  private static final int TONE_HZ = 1000;

  @TempDir static Path data;
  @TempDir Path dir;
  static ServerProcess server;
  private final List<ClientRun> runs = new ArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    server = ServerProcess.start(data.resolve("data"), "alice", "bob");
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void stopClients() throws Exception {
    for (ClientRun r : runs) {
      r.close();
    }
  }

  @Test
  void aToneGoesOneWayIntoTheRecordingAndDtmfComesBackInOrder() throws Exception {
    Path records = dir.resolve("records");
    ClientRun bob = client("bob", "--on-invite", "accept", "--record", records.toString());
    ClientRun alice = client("alice", "--media-source", "tone:" + TONE_HZ);
    bob.await("enabled");
    alice.await("enabled");

    alice.type("call bob").type("wait state:CONNECTED 20");
    alice.await("state", e -> "CONNECTED".equals(e.get("state")));
    bob.await("state", e -> "CONNECTED".equals(e.get("state")));
    // two seconds of the tone at bob (100 packets of 20 ms)
    awaitStats(bob, s -> count(s, "packetsReceived") >= 100);

    bob.type("dtmf 159#");
    alice.type("wait dtmf:# 20");
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> alice.events("dtmf").size() >= 4);
    assertThat(alice.events("dtmf")).extracting(e -> e.get("digit"))
        .containsExactly("1", "5", "9", "#");
    assertThat(alice.events("dtmf")).allSatisfy(e -> assertThat(e)
        .containsEntry("session", 1L).containsEntry("type", "AUDIO_VIDEO"));

    bob.type("dtmf " + "7".repeat(65));
    // the error of this command: awaitStats may have printed "no audio stream yet" ones before
    Map<String, Object> tooMany = bob.await("error",
        e -> ("dtmf " + "7".repeat(65)).equals(e.get("command")));
    assertThat(tooMany).containsEntry("command", "dtmf " + "7".repeat(65));
    assertThat((String) tooMany.get("message"))
        .startsWith("cannot send DTMF in session #1: digits would make more than 64 wait");

    alice.type("hangup");
    Map<String, Object> ended = bob.await("ended");
    List<Map<String, Object>> bobEvents = bob.events();
    Map<String, Object> last = bobEvents.get(bobEvents.indexOf(ended) - 1);
    assertThat(last).containsEntry("event", "media").containsEntry("final", true)
        .containsEntry("session", 1L);
    assertThat(count(last, "packetsReceived")).isGreaterThanOrEqualTo(100);
    assertThat(count(last, "dtmfSent")).isEqualTo(4);
    assertThat(last.get("jitterMs")).isInstanceOf(Number.class);

    Path recording = Path.of((String) ended.get("recording"));
    assertThat(recording.getParent()).isEqualTo(records);
    assertThat(recording.getFileName().toString()).matches("bob-1-\\d{8}T\\d{6}Z\\.wav");
    List<AudioFrame> heard = completeRecording(recording);
    assertThat(heard.size()).as("20 ms frames recorded").isGreaterThanOrEqualTo(100);
    // leave out the first half second (jitter buffer filling) and find the tone
    assertThat(ToneDetector.dominantFrequency(heard.subList(25, heard.size()), 100, 3500))
        .as(() -> "heard " + HeardFrames.describe(heard) + " kept in "
            + HeardFrames.keep(recording, "tone-one-way") + "; bob's final " + last)
        .isCloseTo(TONE_HZ, within(10.0));
    // alice's own end comes with the 200 to her BYE, maybe after bob's
    assertThat(alice.await("ended")).containsEntry("recording", null);
    assertThat(alice.events("ended")).hasSize(1);
  }

  @Test
  void muteStopsTheAudioToThePeerDtmfStillGoesAndUnmuteSendsItAgain() throws Exception {
    ClientRun bob = client("bob", "--on-invite", "accept");
    ClientRun alice = client("alice", "--media-source", "tone:" + TONE_HZ);
    bob.await("enabled");
    alice.await("enabled");
    alice.type("call bob").type("wait state:CONNECTED 20");
    alice.await("state", e -> "CONNECTED".equals(e.get("state")));
    awaitStats(bob, s -> count(s, "packetsReceived") >= 25);

    alice.type("mute");
    // alice stops sending from her next frame: a window of 25 frames from bob (he goes on
    // sending) in which her packetsSent did not grow
    Map<String, Object> muted = quietWindow(alice, "packetsSent", "packetsReceived");
    assertThat(muted).containsEntry("muted", true);
    // at bob nothing arrives any more: a window of 25 of his own frames with nothing received,
    // then 50 more frames, still nothing, while alice's count stays where it stopped
    Map<String, Object> quiet = quietWindow(bob, "packetsReceived", "packetsSent");
    Map<String, Object> later = awaitStats(bob,
        s -> count(s, "packetsSent") >= count(quiet, "packetsSent") + 50);
    assertThat(count(later, "packetsReceived")).as("packets to bob while alice is muted")
        .isEqualTo(count(quiet, "packetsReceived"));
    assertThat(count(stats(alice), "packetsSent")).as("alice's packets sent while muted")
        .isEqualTo(count(muted, "packetsSent"));
    assertThat(bob.events("hold")).as("the peer is not told (no re-INVITE)").isEmpty();

    alice.type("dtmf 7");
    assertThat(bob.await("dtmf")).containsEntry("digit", "7");

    Map<String, Object> beforeUnmute = stats(alice);
    Map<String, Object> bobBefore = stats(bob);
    alice.type("unmute");
    assertThat(awaitStats(alice,
        s -> count(s, "packetsSent") >= count(beforeUnmute, "packetsSent") + 50))
        .containsEntry("muted", false);
    awaitStats(bob,
        s -> count(s, "packetsReceived") >= count(bobBefore, "packetsReceived") + 50);
    assertThat(alice.events("error")).isEmpty();
    assertThat(bob.events("error")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"pcmu", "pcma", "opus"})
  void eachCodecForcedByCodecsCarriesTheToneDtmfAndHoldAndResume(String codec)
      throws Exception {
    Path records = dir.resolve("records");
    ClientRun bob = client("bob", "--on-invite", "accept", "--record", records.toString());
    ClientRun alice = client("alice", "--codecs", codec, "--media-source", "tone:" + TONE_HZ);
    bob.await("enabled");
    alice.await("enabled");
    alice.type("call bob").type("wait state:CONNECTED 20");
    alice.await("state", e -> "CONNECTED".equals(e.get("state")));
    Map<String, Object> bobStats = awaitStats(bob, s -> count(s, "packetsReceived") >= 75);
    assertThat((String) bobStats.get("codec")).isEqualToIgnoringCase(codec);
    assertThat((String) stats(alice).get("codec")).isEqualToIgnoringCase(codec);
    alice.type("wait media:" + codec + " 5");

    // DTMF the other way, at this codec's clock (8000 Hz with G.711, 48000 with Opus)
    bob.type("dtmf 159#");
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> alice.events("dtmf").size() >= 4);
    assertThat(alice.events("dtmf")).as("digits over %s", codec).extracting(e -> e.get("digit"))
        .containsExactly("1", "5", "9", "#");

    holdStopsThePacketsToTheHolderAndResumeBringsThemBack(alice, bob);

    alice.type("hangup");
    Map<String, Object> ended = bob.await("ended");
    List<Map<String, Object>> bobEvents = bob.events();
    Map<String, Object> last = bobEvents.get(bobEvents.indexOf(ended) - 1);
    assertThat(last).containsEntry("event", "media").containsEntry("final", true);
    assertThat(count(last, "dtmfSent")).isEqualTo(4);
    // alice went on sending while she held bob (sendonly): the tone runs through the recording
    Path recording = Path.of((String) ended.get("recording"));
    List<AudioFrame> heard = completeRecording(recording);
    assertThat(ToneDetector.dominantFrequency(heard.subList(25, heard.size()), 100, 3500))
        .as(() -> "tone heard over " + codec + ": " + HeardFrames.describe(heard) + " kept in "
            + HeardFrames.keep(recording, "tone-" + codec))
        .isCloseTo(TONE_HZ, within(10.0));
    assertThat(alice.events("error")).isEmpty();
    assertThat(bob.events("error")).isEmpty();
  }

  /**
   * Alice holds bob: nothing reaches her any more (his answer is recvonly) while she goes on
   * sending; she resumes: his packets reach her again. Both see the {@code hold} events.
   */
  private static void holdStopsThePacketsToTheHolderAndResumeBringsThemBack(ClientRun alice,
      ClientRun bob) {
    awaitStats(alice, s -> count(s, "packetsReceived") >= 25);
    alice.type("hold");
    Map<String, Object> held = alice.await("hold");
    assertThat(held).containsEntry("onHold", true).containsEntry("heldByPeer", false);
    assertThat(bob.await("hold")).containsEntry("onHold", false).containsEntry("heldByPeer", true);
    // bob applies the hold on his media worker, maybe a few frames after the events: wait for a
    // window of 25 of alice's frames (she still sends: sendonly) with nothing received
    Map<String, Object> before = quietWindow(alice, "packetsReceived", "packetsSent");
    Map<String, Object> after = awaitStats(alice,
        s -> count(s, "packetsSent") >= count(before, "packetsSent") + 50);
    assertThat(count(after, "packetsReceived")).as("packets to alice while she holds")
        .isEqualTo(count(before, "packetsReceived"));
    assertThat(after).containsEntry("onHold", true);

    alice.type("resume");
    assertThat(alice.await("hold", e -> Boolean.FALSE.equals(e.get("onHold"))))
        .containsEntry("heldByPeer", false);
    bob.await("hold", e -> Boolean.FALSE.equals(e.get("heldByPeer")));
    awaitStats(alice, s -> count(s, "packetsReceived") >= count(after, "packetsReceived") + 50);
  }

  private ClientRun client(String user, String... more) {
    List<String> args = new ArrayList<>(List.of("--user", "sip:" + user + "@127.0.0.1",
        "--server", server.address(), "--password", ServerProcess.PASSWORD,
        "--listen", "udp:127.0.0.1:0", "--json", "--keep-going"));
    args.addAll(List.of(more));
    ClientRun r = ClientRun.start(user, args.toArray(new String[0]));
    runs.add(r);
    return r;
  }

  /**
   * Types {@code stats} and returns the {@code media} event it printed, or an empty map when it
   * printed an error instead (no stream yet: the clients run with --keep-going).
   */
  static Map<String, Object> stats(ClientRun r) {
    int media = r.events("media").size();
    int errors = r.events("error").size();
    r.type("stats");
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .alias("a media event from stats")
        .until(() -> r.events("media").size() > media || r.events("error").size() > errors);
    List<Map<String, Object>> printed = r.events("media");
    return printed.size() > media ? printed.get(media) : Map.of();
  }

  /** {@code stats} every 100 ms until its figures satisfy {@code p} (60 s at most). */
  static Map<String, Object> awaitStats(ClientRun r,
      java.util.function.Predicate<Map<String, Object>> p) {
    return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> stats(r), p::test);
  }

  /**
   * The stats at the end of the first window in which {@code clock} grew by 25 frames and
   * {@code quiet} did not grow at all (at most 100 windows, then the test fails): e.g. a holder
   * that receives nothing while it sends, a muted client that sends nothing while it receives.
   */
  private static Map<String, Object> quietWindow(ClientRun r, String quiet, String clock) {
    Map<String, Object> start = stats(r);
    for (int i = 0; i < 100; i++) {
      long ticks = count(start, clock);
      Map<String, Object> end = awaitStats(r, s -> count(s, clock) >= ticks + 25);
      if (count(end, quiet) == count(start, quiet)) {
        return end;
      }
      start = end;
    }
    throw new AssertionError(quiet + " kept growing: " + start);
  }

  /** A figure of a {@code media} event; -1 when absent (an empty map: no stream yet). */
  static long count(Map<String, Object> stats, String field) {
    return stats.get(field) instanceof Number n ? n.longValue() : -1;
  }

  /**
   * The frames of a recording once its stream has closed it (the header then has the data's
   * length: until then it says 0).
   */
  static List<AudioFrame> completeRecording(Path file) throws Exception {
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .alias("the recording's header written at its close")
        .until(() -> dataLength(file) > 0);
    List<AudioFrame> frames = new ArrayList<>();
    try (WavFileSource wav = WavFileSource.open(file, AudioFormat.PCM_8000, false)) {
      for (int i = 0; i < 30_000 && !wav.isFinished(); i++) {
        frames.add(wav.next());
      }
    }
    return frames;
  }

  private static long dataLength(Path file) throws Exception {
    byte[] b = Files.readAllBytes(file);
    if (b.length < 44) {
      return 0;
    }
    return ByteBuffer.wrap(b, 40, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
  }
}
