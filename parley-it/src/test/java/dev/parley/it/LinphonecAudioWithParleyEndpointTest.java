package dev.parley.it;

import static dev.parley.it.BaresipAudioWithParleyEndpointTest.CALL_LENGTH_TOLERANCE;
import static dev.parley.it.BaresipAudioWithParleyEndpointTest.HZ_TOLERANCE;
import static dev.parley.it.BaresipAudioWithParleyEndpointTest.awaitCounting;
import static dev.parley.it.BaresipAudioWithParleyEndpointTest.stats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.parley.client.AudioVideoSession;
import dev.parley.client.Endpoint;
import dev.parley.client.EndpointState;
import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.Session;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.media.AudioFormat;
import dev.parley.media.AudioStreamStats;
import dev.parley.media.ToneSource;
import dev.parley.sip.SipUri;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's interop with linphonec: audio both ways between a Parley {@link Endpoint} and a
 * real linphonec with no sound card ({@code soundcard use files}), both signed in to
 * {@code parley server}, the call through its proxy.
 *
 * <ul>
 *   <li>linphonec calls and {@code play}s a WAV file of a 440 Hz tone (written by the test with
 *       parley-media's {@link ToneSource} and {@code WavRecorder}) to a Parley endpoint that
 *       records: 440 Hz in the recording, which lasts as long as the call;
 *   <li>a Parley endpoint sending a 1000 Hz {@link ToneSource} calls linphonec, which
 *       {@code record}s: 1000 Hz in linphonec's file.
 * </ul>
 *
 * <p>linphonec offers Opus first (then speex, PCMU, PCMA...) and answers Parley's offer
 * (Opus, PCMU, PCMA) with Opus: these calls carry Opus both ways, libopus at one end and
 * Concentus at the other. Its {@code play} and {@code record} start once the call is connected.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LinphonecAudioWithParleyEndpointTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  /** How long each call carries audio: 200 frames or packets of 20 ms. */
  private static final int CALL_FRAMES = 200;

  @TempDir Path work;

  private final List<AutoCloseable> open = new ArrayList<>();
  private final BlockingQueue<IncomingSessionEvent> invitations = new LinkedBlockingQueue<>();
  private ParleyServer server;

  @BeforeEach
  void start() throws Exception {
    Linphonec.requireInstalled();
    server = ParleyServer.builder(work.resolve("data"))
        .user("paul", "paul-pw").user("lin", "lin-pw").start();
  }

  @AfterEach
  void stop() {
    for (int i = open.size() - 1; i >= 0; i--) {
      AutoCloseable c = open.get(i);
      try {
        if (c instanceof Endpoint e && e.state() == EndpointState.ENABLED) {
          e.disable().get(5, TimeUnit.SECONDS);
        }
        c.close();
      } catch (Exception ignored) {
        // stopping: the next one is closed anyway
      }
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void linphonecsPlayedToneIsRecordedByAParleyEndpointForAsLongAsTheCall() throws Exception {
    // longer than the call: linphonec plays a file once
    Path tone = HeardAudio.writeTone(work.resolve("tone-440.wav"), 440, Duration.ofSeconds(30));
    RecordingSink heard = new RecordingSink(work.resolve("paul-heard.wav"));
    endpoint("paul", "paul-pw", b -> b.audioSink(s -> heard));
    Linphonec lin = linphonec("lin", "lin-pw", false);

    lin.call(server.aor("paul"));
    IncomingSessionEvent invitation = next(invitations, lin);
    Session accepted = invitation.accept().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    long connected = System.nanoTime();
    assertThat(accepted).as("an accepted audio invitation").isInstanceOf(AudioVideoSession.class);
    AudioVideoSession call = (AudioVideoSession) accepted;
    lin.awaitOutput("connected.", WAIT);
    lin.play(tone);

    awaitCounting("frames of sound heard by paul", heard::soundFrames, CALL_FRAMES, call, lin);
    lin.terminate();
    call.termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    Duration callLength = Duration.ofNanos(System.nanoTime() - connected);
    lin.awaitOutput("ended (", WAIT);

    HeardAudio audio = heard.awaitRecording(WAIT);
    String context = audio + "; call " + callLength.toMillis() + " ms; " + stats(call) + "\n"
        + lin.log();
    assertThat(audio.dominantHz()).as(context).isCloseTo(440, within(HZ_TOLERANCE));
    assertThat(audio.duration()).as(context)
        .isBetween(callLength.minus(CALL_LENGTH_TOLERANCE), callLength.plus(CALL_LENGTH_TOLERANCE));
    assertThat(call.audioStats()).as(context).hasValueSatisfying(s -> {
      assertThat(s.codec()).isEqualToIgnoringCase("opus");
      assertThat(s.packetsReceived()).isGreaterThanOrEqualTo(CALL_FRAMES);
    });
  }

  @Test
  void aParleyEndpointsToneIsRecordedByLinphonec() throws Exception {
    Endpoint paul = endpoint("paul", "paul-pw",
        b -> b.audioSource(s -> new ToneSource(1000, AudioFormat.PCM_8000, 0.5)));
    Linphonec lin = linphonec("lin", "lin-pw", true);
    Path recording = work.resolve("lin-heard.wav");

    AudioVideoSession call = (AudioVideoSession) paul.sessionManager()
        .createSession(SessionType.AUDIO_VIDEO, SessionContext.EMPTY);
    call.addParticipant(SipUri.parse(server.aor("lin"))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    lin.awaitOutput("connected.", WAIT);
    lin.record(recording);
    long recordingFrom = System.nanoTime();
    long sentBefore = call.audioStats().map(AudioStreamStats::packetsSent).orElse(0L);

    awaitCounting("packets sent by paul since linphonec records",
        () -> call.audioStats().map(AudioStreamStats::packetsSent).orElse(0L) - sentBefore,
        CALL_FRAMES, call, lin);
    call.terminate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    Duration recordedFor = Duration.ofNanos(System.nanoTime() - recordingFrom);
    lin.awaitOutput("ended (", WAIT);

    HeardAudio audio = HeardAudio.read(recording);
    String context = audio + "; recording for " + recordedFor.toMillis() + " ms; " + stats(call)
        + "\n" + lin.log();
    assertThat(audio.dominantHz()).as(context).isCloseTo(1000, within(HZ_TOLERANCE));
    // the command reaches linphonec a little after the test gives it
    assertThat(audio.soundDuration()).as(context)
        .isGreaterThanOrEqualTo(recordedFor.minus(CALL_LENGTH_TOLERANCE));
    assertThat(call.audioStats()).as(context)
        .hasValueSatisfying(s -> assertThat(s.codec()).isEqualToIgnoringCase("opus"));
  }

  /** A Parley endpoint signed in to the server as {@code user}, its invitations queued. */
  private Endpoint endpoint(String user, String password, UnaryOperator<Endpoint.Builder> audio)
      throws Exception {
    Endpoint e = audio.apply(Endpoint.builder("sip:" + user + "@" + server.aorHost())
        .credentials(user, password)
        .server("sip:" + server.hostPort())
        .listen("udp:127.0.0.1:0")
        .registrationExpiry(Duration.ofSeconds(600))).build();
    open.add(e);
    e.sessionManager().setListener((source, invitation) -> invitations.add(invitation));
    e.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(e.state()).isEqualTo(EndpointState.ENABLED);
    return e;
  }

  private Linphonec linphonec(String user, String password, boolean autoAnswer) throws Exception {
    Linphonec l = Linphonec.builder(work.resolve(user))
        .account(user, password, server.aorHost()).outboundProxy(server.hostPort())
        .autoAnswer(autoAnswer).start();
    open.add(l);
    l.awaitRegistered(WAIT);
    return l;
  }

  private static <T> T next(BlockingQueue<T> queue, Linphonec peer) throws InterruptedException {
    T t = queue.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(t).as("nothing within %s; %s", WAIT, peer.log()).isNotNull();
    return t;
  }
}
