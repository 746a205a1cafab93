package dev.parley.it;

import static dev.parley.it.BaresipAudioWithParleyEndpointTest.stats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.AudioVideoSession;
import dev.parley.client.ConferenceSession;
import dev.parley.client.Endpoint;
import dev.parley.client.EndpointState;
import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.focus.ConferenceView;
import dev.parley.focus.ParticipantStatus;
import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import dev.parley.media.AudioOffers;
import dev.parley.media.Codecs;
import dev.parley.media.ToneDetector;
import dev.parley.media.ToneSource;
import dev.parley.sip.SipUri;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's interop check: a conference of {@code parley server}'s focus with real phones in it.
 * A Parley {@link Endpoint} ({@code paul}) creates the conference with a {@link ConferenceSession}
 * (an INVITE to the factory URI {@code sip:conference@DOMAIN}, session IM); baresip, linphonec and
 * a second Parley endpoint dial in to the conference URI with audio through the server; each
 * sends its own tone and hears the other two through the focus's mixer, and not its own.
 *
 * <ul>
 *   <li>the Parley endpoint {@code amy}: an {@link AudioVideoSession} to the conference URI,
 *       {@link ToneSource} {@value #AMY} Hz, PCMU, what it hears in a {@link RecordingSink};
 *   <li>baresip ({@code dave}): {@code ausine} {@value #DAVE} Hz, PCMU or Opus (the test runs
 *       with each), what it hears recorded by its {@code sndfile} module;
 *   <li>linphonec ({@code lin}): {@code play}s a {@value #LIN} Hz WAV file, with the codec it
 *       offers first (Opus), and {@code record}s what it hears.
 * </ul>
 *
 * <p>Each recording is checked by tone power (Goertzel, {@link ToneDetector}), never by timings:
 * within some second of it the other two tones are both heard and its own is not, and over all
 * its sound its own tone is far below each of the others. The roster paul's session sees (the
 * focus's {@code conference} event package) lists amy, baresip's and linphonec's users
 * CONNECTED, and the focus's own view says each leg carries audio.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConferenceAudioWithBaresipAndLinphonecTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  static final double AMY = 660;
  static final double DAVE = 440;
  static final double LIN = 1000;
  /** One analysis window: a second of 20 ms frames. */
  private static final int SECOND = 50;
  /**
   * A tone is heard when its power is above this: a clean tone of the mix measures 0.04 to 0.06
   * ({@link ToneDetector#power}: a 0.5 full-scale sine, Hann window), a degraded one (see
   * {@link #BAND}) 0.01 to 0.03.
   */
  private static final double HEARD = 0.002;
  /**
   * A tone's power is the most found within this fraction of its frequency. In the first seconds
   * of a call on a loaded machine (cold JIT, load average near 20) the tones reach the others up
   * to 1.5 % sharp or flat, with side bands (e.g. 440 Hz heard at 446, 660 Hz at 655): frames
   * dropped or concealed on their way through the jitter buffers. The tones are far enough apart
   * (440, 660, 1000) for bands of 2 % not to overlap.
   */
  private static final double BAND = 0.02;
  /** A tone is absent when its power is below the heard tones' divided by this. */
  private static final double ABSENT_RATIO = 20;

  @TempDir Path work;

  private final List<AutoCloseable> open = new ArrayList<>();
  private ParleyServer server;

  @BeforeEach
  void start() throws Exception {
    Baresip.requireInstalled();
    server = ParleyServer.builder(work.resolve("data"))
        .user("paul", "paul-pw").user("amy", "amy-pw").user("dave", "dave-pw")
        .user("lin", "lin-pw").start();
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

  @ParameterizedTest(name = "baresip on {0}")
  @ValueSource(strings = {"PCMU", "opus/48000/2"})
  void baresipAndLinphonecInAParleyEndpointsConferenceHearTheOthersNotThemselvesAndAreInItsRoster(
      String baresipCodec) throws Exception {
    Linphonec.requireInstalled();
    Endpoint paul = endpoint("paul", "paul-pw", b -> b);
    RecordingSink amyHears = new RecordingSink(work.resolve("amy-heard.wav"));
    Endpoint amy = endpoint("amy", "amy-pw", b -> b
        .audioOffers(AudioOffers.builder().codecs(Codecs.PCMU).build())
        .audioSource(s -> new ToneSource(AMY, AudioFormat.PCM_8000, 0.5))
        .audioSink(s -> amyHears));
    Baresip dave = baresip("dave", "dave-pw", baresipCodec);
    Linphonec lin = linphonec("lin", "lin-pw");
    Path linTone = HeardAudio.writeTone(work.resolve("tone-1000.wav"), LIN, Duration.ofSeconds(60));
    Path linHears = work.resolve("lin-heard.wav");
    Supplier<String> logs = () -> server.conferences() + "\n" + dave.log() + "\n" + lin.log();

    // paul's conference session creates an ad hoc conference at the factory (session IM)
    ConferenceSession organizer = (ConferenceSession) paul.sessionManager()
        .createSession(SessionType.CONFERENCE, SessionContext.EMPTY);
    SipUri conference = organizer.enter().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(server.conferences()).extracting(ConferenceView::uri)
        .containsExactly(conference.toString());

    // amy dials in with audio, then baresip and linphonec
    AudioVideoSession call = (AudioVideoSession) amy.sessionManager()
        .createSession(SessionType.AUDIO_VIDEO, SessionContext.EMPTY);
    call.addParticipant(conference).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    dave.dial(conference.toString());
    dave.awaitEvent("CALL_ESTABLISHED", WAIT);
    // baresip names the codec it sends with: "audio tx pipeline: ausine ---> sndfile ---> PCMU"
    assertThat(dave.awaitOutput("audio tx pipeline", WAIT)).as("baresip's send codec")
        .containsIgnoringCase(baresipCodec.split("/")[0]);
    lin.call(conference.toString());
    lin.awaitOutput("connected.", WAIT);
    lin.record(linHears);
    lin.play(linTone);

    // the roster as paul's session sees it, and the focus's own view (audio or not)
    awaitTrue("paul's roster: amy, dave and lin connected", () -> roster(organizer).containsAll(
        List.of(server.aor("amy") + " CONNECTED", server.aor("dave") + " CONNECTED",
            server.aor("lin") + " CONNECTED")), () -> roster(organizer) + "\n" + logs.get());
    awaitTrue("the focus: amy, dave and lin connected with audio",
        () -> connectedWithAudio(server.conferences().get(0)).equals(List.of(
            server.aor("amy"), server.aor("dave"), server.aor("lin"))), logs);
    ConferenceView view = server.conferences().get(0);
    assertThat(view.organizer()).as("organizer").isEqualTo(server.aor("paul"));
    assertThat(view.participants()).extracting(ConferenceView.Participant::uri)
        .as("participants, in the order they joined").containsExactly(server.aor("paul"),
            server.aor("amy"), server.aor("dave"), server.aor("lin"));

    // amy hears both phones now (and not herself); the mix goes on two more seconds, then all
    // leave: baresip, linphonec, amy, and last the organizer, which ends the conference
    try {
      await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          assertHears("amy now", amyHears.recentFrames(SECOND), AMY, DAVE, LIN));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("amy does not hear both phones: " + stats(call) + "\n"
          + logs.get(), e);
    }
    long mark = amyHears.frames();
    awaitTrue("two more seconds of the mix", () -> amyHears.frames() - mark >= 2 * SECOND, logs);
    dave.hangup();
    dave.awaitEvent("CALL_CLOSED", WAIT);
    lin.terminate();
    lin.awaitOutput("ended (", WAIT);
    call.terminate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    awaitTrue("the focus: paul alone", () -> server.conferences().get(0).participants().stream()
        .map(ConferenceView.Participant::uri).toList().equals(List.of(server.aor("paul"))), logs);
    // (once, before main's 780caac, two departures' NOTIFYs crossed and paul's roster stayed
    // stale: the client drops its roster on a version gap until the next full state)
    awaitTrue("paul's roster: amy, dave and lin gone", () -> roster(organizer).isEmpty(),
        () -> roster(organizer) + "\n" + logs.get());
    organizer.leave().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    awaitTrue("the conference ended", () -> server.conferences().isEmpty(), logs);

    assertHeardTheOthersNotItself(amyHears.awaitRecording(WAIT), AMY, DAVE, LIN);
    assertHeardTheOthersNotItself(HeardAudio.read(dave.awaitReceivedRecording(WAIT)), DAVE, AMY,
        LIN);
    assertHeardTheOthersNotItself(HeardAudio.read(linHears), LIN, AMY, DAVE);
  }

  /**
   * baresip's {@code /hold} (a re-INVITE with {@code a=sendonly}) puts it on hold in the
   * conference: the focus's view says ON_HOLD, and a Parley endpoint in the conference no longer
   * hears its tone (baresip also stops sending while it holds: trap 4 of
   * docs/media-interop.md); {@code /resume} brings it back CONNECTED and heard again. baresip's
   * recording (before the hold) holds the endpoint's tone and not its own.
   */
  @Test
  void baresipsHoldTakesItOutOfTheConferencesMixAndResumeBringsItBack() throws Exception {
    RecordingSink amyHears = new RecordingSink(work.resolve("amy-heard.wav"));
    Endpoint amy = endpoint("amy", "amy-pw", b -> b
        .audioOffers(AudioOffers.builder().codecs(Codecs.PCMU).build())
        .audioSource(s -> new ToneSource(AMY, AudioFormat.PCM_8000, 0.5))
        .audioSink(s -> amyHears));
    Baresip dave = baresip("dave", "dave-pw", "PCMU");
    Supplier<String> logs = () -> server.conferences() + "\n" + dave.log();

    // amy creates the conference with audio: a call to the factory URI
    AudioVideoSession call = (AudioVideoSession) amy.sessionManager()
        .createSession(SessionType.AUDIO_VIDEO, SessionContext.EMPTY);
    call.addParticipant(SipUri.parse("sip:conference@" + server.domain()))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(server.conferences()).as("conferences after amy's call").hasSize(1);
    dave.dial(server.conferences().get(0).uri());
    dave.awaitEvent("CALL_ESTABLISHED", WAIT);
    awaitStatus("dave", ParticipantStatus.CONNECTED, logs);
    awaitHearing("amy hears dave", amyHears, AMY, DAVE, true, logs);
    // a second more before the hold: what baresip records of the conference (see below)
    long beforeHold = amyHears.frames();
    awaitTrue("a second of the mix", () -> amyHears.frames() - beforeHold >= SECOND, logs);

    dave.command("hold", "");
    awaitStatus("dave", ParticipantStatus.ON_HOLD, logs);
    awaitHearing("amy no longer hears dave", amyHears, AMY, DAVE, false, logs);

    dave.command("resume", "");
    awaitStatus("dave", ParticipantStatus.CONNECTED, logs);
    awaitHearing("amy hears dave again", amyHears, AMY, DAVE, true, logs);
    long mark = amyHears.frames();
    awaitTrue("a second more of the mix", () -> amyHears.frames() - mark >= SECOND, logs);

    dave.hangup();
    dave.awaitEvent("CALL_CLOSED", WAIT);
    call.terminate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    awaitTrue("the conference ended", () -> server.conferences().isEmpty(), logs);
    // what baresip heard: amy's tone, never its own. Its sndfile module records nothing after
    // /hold and /resume although the focus sends the mix again (amy's tone in the RTP payloads,
    // seen on the wire): the recording holds the time before the hold
    List<AudioFrame> daveHeard = new ArrayList<>();
    List<Path> recordings = dave.awaitReceivedRecordings(WAIT);
    for (Path wav : recordings) {
      daveHeard.addAll(HeardAudio.read(wav).frames());
    }
    assertHeardTheOthersNotItself(HeardAudio.of(recordings.toString(), daveHeard), DAVE, AMY);
  }

  /**
   * Issue 13: a Parley endpoint (amy) escalates its 1:1 call with baresip (dave) to a conference
   * and invites a second Parley endpoint (paul), which receives a CONFERENCE invitation with the
   * call's conversation ID. The focus's INVITE to dave carries {@code Replaces} naming the call;
   * Debian's baresip 1.0 predates its RFC 3891 support (added in 2.x) and takes that INVITE as a
   * second incoming call, which it answers here ({@code accept}); amy then ends the call, so dave
   * is left in the conference. Paul hears both tones through the mixer; dave's recording of the
   * conference call holds amy's tone and not his own.
   */
  @Test
  void aParleyEndpointEscalatesItsCallWithBaresipAndTheInviteeGetsTheConversationId()
      throws Exception {
    RecordingSink paulHears = new RecordingSink(work.resolve("paul-heard.wav"));
    Endpoint amy = endpoint("amy", "amy-pw", b -> b
        .audioOffers(AudioOffers.builder().codecs(Codecs.PCMU).build())
        .audioSource(s -> new ToneSource(AMY, AudioFormat.PCM_8000, 0.5)));
    Endpoint paul = endpoint("paul", "paul-pw", b -> b.audioSink(s -> paulHears));
    BlockingQueue<IncomingSessionEvent> paulInvitations =
        new LinkedBlockingQueue<>();
    paul.sessionManager().setListener((source, e) -> paulInvitations.add(e));
    Baresip dave = baresip("dave", "dave-pw", "PCMU");
    Supplier<String> logs = () -> server.conferences() + "\n" + dave.log();

    AudioVideoSession call = (AudioVideoSession) amy.sessionManager()
        .createSession(SessionType.AUDIO_VIDEO, SessionContext.EMPTY);
    var answered = call.addParticipant(SipUri.parse(server.aor("dave")));
    dave.awaitEvent("CALL_INCOMING", WAIT);
    dave.accept();
    answered.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    dave.awaitEvent("CALL_ESTABLISHED", WAIT);
    String conversation = call.context().get(SessionContext.CONVERSATION_ID).orElseThrow();

    var escalated = call.escalateToConference(SipUri.parse(server.aor("paul")));
    dave.awaitEvent("CALL_INCOMING", WAIT); // the focus's INVITE with Replaces: a second call
    dave.accept();
    ConferenceSession conference = escalated.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    call.termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    dave.awaitEvent("CALL_CLOSED", WAIT); // amy's BYE of the 1:1 call
    assertThat(conference.context().get(SessionContext.CONVERSATION_ID)).contains(conversation);

    IncomingSessionEvent invitation =
        paulInvitations.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(invitation).as("paul's invitation\n" + logs.get()).isNotNull();
    assertThat(invitation.session().type()).isEqualTo(SessionType.CONFERENCE);
    assertThat(invitation.session().context().get(SessionContext.CONVERSATION_ID))
        .contains(conversation);
    ConferenceSession paulIn = (ConferenceSession) invitation
        .accept(ConferenceSession.Media.AUDIO).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(paulIn.carriesAudio()).isTrue();
    awaitStatus("dave", ParticipantStatus.CONNECTED, logs);

    awaitHearing("paul hears amy", paulHears, LIN, AMY, true, logs);
    awaitHearing("paul hears dave", paulHears, LIN, DAVE, true, logs);
    dave.hangup();
    dave.awaitEvent("CALL_CLOSED", WAIT);
    paulIn.leave().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    conference.leave().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    // dave made a recording per call and one more when his first call was held (trap 13: that
    // one may never be completed): the conference call's holds amy's tone and not dave's own
    Path inConference = dave.awaitReceivedRecording(WAIT, p -> {
      try {
        assertHeardTheOthersNotItself(HeardAudio.read(p), DAVE, AMY);
        return true;
      } catch (AssertionError | java.io.IOException e) {
        return false;
      }
    });
    assertHeardTheOthersNotItself(HeardAudio.read(inConference), DAVE, AMY);
  }

  /** Waits until the focus shows {@code user}'s leg in {@code status}. */
  private void awaitStatus(String user, ParticipantStatus status, Supplier<String> logs) {
    awaitTrue(user + " " + status, () -> server.conferences().stream()
        .flatMap(c -> c.participants().stream())
        .anyMatch(p -> p.uri().equals(server.aor(user)) && p.status() == status), logs);
  }

  /**
   * Waits until the last second {@code sink} got holds {@code tone} ({@code heard}) or does not
   * hold it (below {@link #HEARD} / {@link #ABSENT_RATIO}), and never its own.
   */
  private static void awaitHearing(String what, RecordingSink sink, double own, double tone,
      boolean heard, Supplier<String> logs) {
    try {
      await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        List<AudioFrame> last = sink.recentFrames(SECOND);
        assertThat(last).hasSizeGreaterThanOrEqualTo(SECOND);
        double[] p = bandPower(last, with(own, tone));
        String powers = powers(p, with(own, tone));
        if (heard) {
          assertThat(hears(p)).as(powers).isTrue();
        } else {
          assertThat(p[1]).as(powers).isLessThan(HEARD / ABSENT_RATIO);
          assertThat(p[0]).as(powers).isLessThan(HEARD / ABSENT_RATIO);
        }
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(what + ": not within " + WAIT + "\n" + logs.get(), e);
    }
  }

  /** The others in {@code session}'s roster: {@code URI STATE} each, in roster order. */
  private static List<String> roster(ConferenceSession session) {
    return session.participants().stream().filter(p -> !p.isLocal())
        .map(p -> p.uri() + " " + p.state()).toList();
  }

  /** The AORs of the participants connected with audio. */
  private static List<String> connectedWithAudio(ConferenceView conference) {
    return conference.participants().stream()
        .filter(p -> p.audio() && p.status() == ParticipantStatus.CONNECTED)
        .map(ConferenceView.Participant::uri).toList();
  }

  /**
   * Some second of the recording holds both {@code others} and not {@code own}, and over all its
   * sound {@code own} is far below each of the others.
   */
  private static void assertHeardTheOthersNotItself(HeardAudio audio, double own,
      double... others) {
    List<AudioFrame> sound = audio.soundFrames();
    assertThat(sound).as("sound in %s", audio).hasSizeGreaterThanOrEqualTo(SECOND);
    List<String> seconds = new ArrayList<>();
    boolean found = false;
    for (int from = 0; from + SECOND <= sound.size(); from += SECOND / 2) {
      List<AudioFrame> window = sound.subList(from, from + SECOND);
      double[] p = bandPower(window, with(own, others));
      seconds.add(powers(p, with(own, others)));
      if (hears(p)) {
        found = true;
      }
    }
    assertThat(found).as("a second of %s where %s Hz are heard and not %s Hz; seconds: %s",
        audio, Arrays.toString(others), own, seconds).isTrue();
    double[] all = bandPower(sound, with(own, others));
    for (int i = 1; i < all.length; i++) {
      assertThat(all[0]).as("%s Hz (own) below %s Hz / %s over all of %s: %s", own, others[i - 1],
          ABSENT_RATIO, audio, powers(all, with(own, others))).isLessThan(all[i] / ABSENT_RATIO);
    }
  }

  /** Asserts that {@code frames} hold both {@code others} and not {@code own}. */
  private static void assertHears(String who, List<AudioFrame> frames, double own,
      double... others) {
    assertThat(frames).as(who + ": frames").hasSizeGreaterThanOrEqualTo(SECOND);
    double[] p = bandPower(frames, with(own, others));
    assertThat(hears(p)).as("%s: %s", who, powers(p, with(own, others))).isTrue();
  }

  /** {@code p[0]} the own tone's power, the rest the others': every other heard, own absent. */
  private static boolean hears(double[] p) {
    for (int i = 1; i < p.length; i++) {
      if (p[i] < HEARD || p[0] >= p[i] / ABSENT_RATIO) {
        return false;
      }
    }
    return true;
  }

  /** For each of {@code hz}, the most power within {@link #BAND} of it, in steps of 1 Hz. */
  private static double[] bandPower(List<AudioFrame> frames, double[] hz) {
    double[] out = new double[hz.length];
    for (int i = 0; i < hz.length; i++) {
      double from = Math.floor(hz[i] * (1 - BAND));
      int steps = (int) Math.ceil(hz[i] * (1 + BAND) - from);
      double[] scan = new double[steps + 1];
      for (int k = 0; k <= steps; k++) {
        scan[k] = from + k;
      }
      out[i] = Arrays.stream(ToneDetector.power(frames, scan)).max().orElse(0);
    }
    return out;
  }

  private static double[] with(double own, double... others) {
    double[] all = new double[others.length + 1];
    all[0] = own;
    System.arraycopy(others, 0, all, 1, others.length);
    return all;
  }

  private static String powers(double[] p, double[] hz) {
    StringBuilder s = new StringBuilder("{");
    for (int i = 0; i < p.length; i++) {
      s.append(i == 0 ? "own " : ", ").append(String.format(Locale.ROOT, "%.0f Hz %.5f", hz[i],
          p[i]));
    }
    return s.append('}').toString();
  }

  private static void awaitTrue(String what, java.util.concurrent.Callable<Boolean> condition,
      Supplier<String> context) {
    try {
      await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(what + ": not within " + WAIT + "\n" + context.get(), e);
    }
  }

  /** A Parley endpoint signed in to the server as {@code user}. */
  private Endpoint endpoint(String user, String password,
      java.util.function.UnaryOperator<Endpoint.Builder> audio) throws Exception {
    Endpoint e = audio.apply(Endpoint.builder("sip:" + user + "@" + server.aorHost())
        .credentials(user, password)
        .server("sip:" + server.hostPort())
        .listen("udp:127.0.0.1:0")
        .registrationExpiry(Duration.ofSeconds(600))).build();
    open.add(e);
    e.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(e.state()).isEqualTo(EndpointState.ENABLED);
    return e;
  }

  /** baresip sending {@value #DAVE} Hz with {@code codec}, recording what it hears. */
  private Baresip baresip(String user, String password, String codec) throws Exception {
    Baresip b = Baresip.builder(work.resolve(user))
        .account(user, password, server.aorHost()).outboundProxy(server.hostPort())
        .tone((int) DAVE).audioCodecs(codec).recordTo(work.resolve(user + "-recordings"))
        .start();
    open.add(b);
    b.awaitRegistered(WAIT);
    return b;
  }

  private Linphonec linphonec(String user, String password) throws Exception {
    Linphonec l = Linphonec.builder(work.resolve(user))
        .account(user, password, server.aorHost()).outboundProxy(server.hostPort()).start();
    open.add(l);
    l.awaitRegistered(WAIT);
    return l;
  }
}
