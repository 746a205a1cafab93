package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import dev.parley.media.AudioSink;
import dev.parley.media.MediaNetwork;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.media.MediaScheduler;
import dev.parley.media.ToneDetector;
import dev.parley.media.ToneSource;
import dev.parley.server.SipServer;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import dev.parley.sip.SipUri;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conference audio end to end through a real {@code parley server} and its mixer: three Parley
 * endpoints enter a conference with {@link ConferenceSession.Media#AUDIO} (Alice creates it, Bob
 * dials in, Carol accepts Alice's dial-out with audio); Alice sends a 440 Hz tone that Bob and
 * Carol hear and she does not (N-1 mixes); muting and holding take her out of the mix, unmuting
 * and resuming bring her back. Real signal checks over what the sinks got.
 */
class ConferenceAudioThroughServerTest {
  private static final long WAIT = 30;
  private static final double A = 440;
  @TempDir Path data;
  private SipServer server;
  private final MediaNetwork network = new MediaNetwork(MediaNetworkConfig.builder()
      .bindAddress(InetAddress.getLoopbackAddress()).portRange(33000, 33999).build());
  private final MediaScheduler scheduler = new MediaScheduler(1);
  private final List<Endpoint> endpoints = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    try (Store store = Store.embedded(data)) {
      for (String user : List.of("alice", "bob", "carol")) {
        store.addAccount(Account.withPassword("example.test", user, "secret"));
      }
    }
    server = SipServer.start(ServerConfig.builder().domain("example.test").dataDir(data)
        .listen("udp:127.0.0.1:0").statusListen("off").build());
  }

  @AfterEach
  void stop() {
    endpoints.forEach(Endpoint::close);
    server.close();
    network.close();
    scheduler.close();
  }

  /** What one endpoint's sink heard: loud frames (the last second of them) and quiet runs. */
  static final class Ear implements AudioSink {
    /** Frames kept for the tone check: the last two seconds, loud or not, in order. */
    private static final int KEPT = 100;
    /** The tone check's window: half a second of consecutive loud frames. */
    private static final int WINDOW = 25;
    private final Deque<AudioFrame> recent = new ArrayDeque<>(); // guarded by this
    private long loudCount; // guarded by this
    private long quietRun; // guarded by this: quiet frames since the last loud one

    @Override
    public synchronized void accept(AudioFrame frame) {
      recent.addLast(frame);
      if (recent.size() > KEPT) {
        recent.removeFirst();
      }
      if (energy(frame) > 1000) {
        loudCount++;
        quietRun = 0;
      } else {
        quietRun++;
      }
    }

    @Override
    public void close() {}

    synchronized long loudCount() {
      return loudCount;
    }

    synchronized long quietRun() {
      return quietRun;
    }

    /**
     * The dominant frequency of each half second of consecutive loud frames among the last two
     * seconds (windows overlapping by half), oldest first.
     */
    List<Double> windowsHz() {
      List<AudioFrame> frames;
      synchronized (this) {
        frames = List.copyOf(recent);
      }
      List<Double> out = new ArrayList<>();
      List<AudioFrame> run = new ArrayList<>();
      for (AudioFrame f : frames) {
        if (energy(f) <= 1000) {
          run.clear();
          continue;
        }
        run.add(f);
        if (run.size() == WINDOW) {
          out.add(ToneDetector.dominantFrequency(run, 100, 3500));
          run.subList(0, WINDOW / 2).clear();
        }
      }
      return out;
    }

    /**
     * Waits until some half second of what this ear heard lately is a tone within 10 Hz of
     * {@code hz}. A busy machine delays frames and the jitter buffer conceals the gaps, which
     * bends a long window's estimate (420 Hz for 440 under a load of 20); a clean half second
     * still comes, and a tone that is not there never passes.
     */
    void awaitTone(double hz) {
      List<List<Double>> seen = new ArrayList<>();
      try {
        await().atMost(Duration.ofSeconds(WAIT)).pollInterval(Duration.ofMillis(250))
            .until(() -> {
              List<Double> w = windowsHz();
              if (seen.size() < 20) {
                seen.add(w);
              }
              return w.stream().anyMatch(f -> Math.abs(f - hz) <= 10);
            });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("no half second of " + hz + " Hz heard; windows seen: " + seen,
            e);
      }
    }

    private static double energy(AudioFrame f) {
      double sum = 0;
      for (short x : f.samples()) {
        sum += (double) x * x;
      }
      return Math.sqrt(sum / f.samples().length);
    }

    /** Waits until this ear has heard {@code frames} more loud frames than {@code since}. */
    void awaitLoud(long since, int frames) {
      await().atMost(Duration.ofSeconds(WAIT)).until(() -> loudCount() >= since + frames);
    }

    /** Waits for a second of quiet. */
    void awaitQuiet() {
      await().atMost(Duration.ofSeconds(WAIT)).until(() -> quietRun() >= 50);
    }
  }

  private Endpoint endpoint(String user, Double toneHz, Ear ear) {
    String serverUri = "sip:127.0.0.1:" + server.listenPoints().get(0).address().getPort();
    Endpoint.Builder b = Endpoint.builder("sip:" + user + "@example.test")
        .credentials(user, "secret").server(serverUri).listen("udp:127.0.0.1:0")
        .mediaNetwork(network, scheduler).audioSink(s -> ear);
    if (toneHz != null) {
      b.audioSource(s -> new ToneSource(toneHz, AudioFormat.PCM_48000, 0.5));
    }
    Endpoint e = b.build();
    endpoints.add(e);
    e.enable().join();
    return e;
  }

  private static ConferenceSession conference(Endpoint e) {
    return (ConferenceSession) e.sessionManager().createSession(SessionType.CONFERENCE,
        SessionContext.EMPTY);
  }

  private static List<String> roster(ConferenceSession s) {
    return s.participants().stream().filter(p -> !p.isLocal())
        .map(p -> p.uri() + " " + p.state()).toList();
  }

  @Test
  void twoHearTheThirdsToneAndSheDoesNotAndMuteAndHoldTakeHerOutOfTheMix() throws Exception {
    Ear aliceEar = new Ear();
    Ear bobEar = new Ear();
    Ear carolEar = new Ear();
    Endpoint alice = endpoint("alice", A, aliceEar);
    Endpoint bob = endpoint("bob", null, bobEar);
    Endpoint carol = endpoint("carol", null, carolEar);
    BlockingQueue<IncomingSessionEvent> carolInvitations = new LinkedBlockingQueue<>();
    carol.sessionManager().setListener((source, e) -> carolInvitations.add(e));

    ConferenceSession a = conference(alice);
    SipUri uri = a.enter(ConferenceSession.Media.AUDIO).get(WAIT, TimeUnit.SECONDS);
    assertThat(a.carriesAudio()).as("the focus took alice's audio line").isTrue();
    ConferenceSession b = conference(bob);
    b.enter(uri, ConferenceSession.Media.AUDIO).get(WAIT, TimeUnit.SECONDS);
    var carolJoins = a.addParticipant(SipUri.parse("sip:carol@example.test"));
    IncomingSessionEvent invitation = carolInvitations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(invitation).isNotNull();
    ConferenceSession c = (ConferenceSession) invitation.accept(ConferenceSession.Media.AUDIO)
        .get(WAIT, TimeUnit.SECONDS);
    carolJoins.get(WAIT, TimeUnit.SECONDS);
    assertThat(c.carriesAudio()).as("carol answered the focus's audio line").isTrue();
    // in any order: carol, dialled out, may be listed before bob's entry reaches the roster
    await().atMost(Duration.ofSeconds(WAIT)).untilAsserted(() -> assertThat(roster(a))
        .containsExactlyInAnyOrder("sip:bob@example.test CONNECTED",
            "sip:carol@example.test CONNECTED"));

    // N-1: bob and carol hear alice's tone, alice hears only their silence
    bobEar.awaitLoud(0, 50);
    carolEar.awaitLoud(0, 50);
    bobEar.awaitTone(A);
    carolEar.awaitTone(A);
    assertThat(aliceEar.loudCount()).as("alice does not hear her own tone").isZero();

    // muted: out of the mix; unmuted: back
    a.setMuted(true);
    bobEar.awaitQuiet();
    carolEar.awaitQuiet();
    a.setMuted(false);
    bobEar.awaitLoud(bobEar.loudCount(), 25);

    // on hold (a sendonly re-INVITE to the focus): out of the mix; resumed: back
    a.hold().get(WAIT, TimeUnit.SECONDS);
    assertThat(a.isOnHold()).isTrue();
    bobEar.awaitQuiet();
    carolEar.awaitQuiet();
    a.resume().get(WAIT, TimeUnit.SECONDS);
    carolEar.awaitLoud(carolEar.loudCount(), 25);
    carolEar.awaitTone(A);
    a.sendDtmf("1#"); // to the focus, which takes telephone-events

    assertThat(a.audioStats()).hasValueSatisfying(s -> assertThat(s.packetsSent()).isPositive());
    c.leave().get(WAIT, TimeUnit.SECONDS);
    b.leave().get(WAIT, TimeUnit.SECONDS);
    a.leave().get(WAIT, TimeUnit.SECONDS);
    assertThat(a.audioStats()).as("the figures at the end").isPresent();
  }

  /** The roster NOTIFYs (their bodies) that {@code s} received, oldest first. */
  private static List<String> rosterNotifies(ConferenceSession s) {
    return s.trace().messages().stream()
        .filter(m -> m.direction() == SessionTrace.Direction.RECEIVED
            && m.startLine().startsWith("NOTIFY") && m.text().contains("<conference-info"))
        .map(SessionTrace.Message::text).toList();
  }

  /**
   * The audio direction of our re-INVITEs (the audio line of each one's SDP; a request sent
   * again over UDP counted once: by its CSeq), oldest first. The first INVITE (no To tag) is not
   * one.
   */
  private static List<String> reInviteDirections(ConferenceSession s) {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    for (SessionTrace.Message m : s.trace().messages()) {
      String t = m.text();
      if (m.direction() != SessionTrace.Direction.SENT || !m.startLine().startsWith("INVITE")
          || !t.contains("m=audio")) {
        continue;
      }
      String to = t.lines().filter(l -> l.regionMatches(true, 0, "To:", 0, 3)).findFirst()
          .orElse("");
      String cseq = t.lines().filter(l -> l.regionMatches(true, 0, "CSeq:", 0, 5)).findFirst()
          .orElse("");
      if (!to.contains(";tag=")) {
        continue;
      }
      String audio = t.substring(t.indexOf("m=audio"));
      for (String d : List.of("sendrecv", "sendonly", "recvonly", "inactive")) {
        if (audio.contains("a=" + d)) {
          out.putIfAbsent(cseq, d);
        }
      }
    }
    return List.copyOf(out.values());
  }

  @Test
  void aParticipantsMuteAndHoldReachTheOthersRosterWithoutAStateChange() throws Exception {
    Endpoint alice = endpoint("alice", null, new Ear());
    Endpoint bob = endpoint("bob", A, new Ear());
    ConferenceSession a = conference(alice);
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    a.addListener(new ConferenceSession.Listener() {
      @Override
      public void onParticipantAdded(Session s, Participant p) {
        p.addListener((who, e) -> events.add(who.uri() + " " + e.newState()));
      }
    });
    SipUri uri = a.enter(ConferenceSession.Media.AUDIO).get(WAIT, TimeUnit.SECONDS);
    ConferenceSession b = conference(bob);
    b.enter(uri, ConferenceSession.Media.AUDIO).get(WAIT, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(WAIT)).untilAsserted(() -> assertThat(roster(a))
        .containsExactly("sip:bob@example.test CONNECTED"));
    Participant bobInA = a.participants().get(1);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> a.audioState(bobInA)
        == ConferenceSession.AudioState.CONNECTED);
    assertThat(a.audioState(a.localParticipant())).isEqualTo(ConferenceSession.AudioState.CONNECTED);
    assertThat(a.audioState(a.focus().orElseThrow())).isEqualTo(ConferenceSession.AudioState.NONE);
    events.clear();

    // bob mutes: a recvonly re-INVITE; the focus's roster says recvonly; alice sees him muted
    b.setMuted(true);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> a.audioState(bobInA)
        == ConferenceSession.AudioState.MUTED);
    assertThat(a.audioState(bobInA).isMuted()).isTrue();
    assertThat(reInviteDirections(b)).containsExactly("recvonly");
    assertThat(rosterNotifies(a)).as("the focus's roster documents")
        .anySatisfy(xml -> assertThat(xml).contains("sip:bob@example.test")
            .contains("<status>recvonly</status>"));
    assertThat(b.audioState(b.localParticipant())).isEqualTo(ConferenceSession.AudioState.MUTED);
    assertThat(b.isOnHold()).isFalse();
    assertThat(b.isHeldByPeer()).as("the focus's sendonly answers our recvonly").isFalse();

    // unmuted: sendrecv again
    b.setMuted(false);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> a.audioState(bobInA)
        == ConferenceSession.AudioState.CONNECTED);
    assertThat(reInviteDirections(b)).containsExactly("recvonly", "sendrecv");

    // on hold: sendonly; muted meanwhile: inactive, still on hold; resumed while muted: muted
    b.hold().get(WAIT, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> a.audioState(bobInA)
        == ConferenceSession.AudioState.ON_HOLD);
    b.setMuted(true);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> reInviteDirections(b).size() == 4);
    b.resume().get(WAIT, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> a.audioState(bobInA)
        == ConferenceSession.AudioState.MUTED);
    assertThat(reInviteDirections(b)).containsExactly("recvonly", "sendrecv", "sendonly",
        "inactive", "recvonly");

    // a hold asked for while the unmute's re-INVITE is out goes once it is answered
    b.setMuted(false);
    b.hold().get(WAIT, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(WAIT)).until(() -> a.audioState(bobInA)
        == ConferenceSession.AudioState.ON_HOLD);
    assertThat(reInviteDirections(b)).endsWith("sendrecv", "sendonly");
    assertThat(b.audioState(b.localParticipant())).isEqualTo(ConferenceSession.AudioState.ON_HOLD);

    assertThat(roster(a)).containsExactly("sip:bob@example.test CONNECTED");
    assertThat(events).as("no participant state change for mute or hold").isEmpty();
    b.leave().get(WAIT, TimeUnit.SECONDS);
    a.leave().get(WAIT, TimeUnit.SECONDS);
  }

  @Test
  void anEscalatedCallKeepsItsConversationReplacesBobsCallAndCarriesTheToneToBobAndCarol()
      throws Exception {
    Ear aliceEar = new Ear();
    Ear bobEar = new Ear();
    Ear carolEar = new Ear();
    Endpoint alice = endpoint("alice", A, aliceEar);
    Endpoint bob = endpoint("bob", null, bobEar);
    Endpoint carol = endpoint("carol", null, carolEar);
    BlockingQueue<IncomingSessionEvent> bobInvitations = new LinkedBlockingQueue<>();
    bob.sessionManager().setListener((source, e) -> bobInvitations.add(e));
    BlockingQueue<IncomingSessionEvent> carolInvitations = new LinkedBlockingQueue<>();
    carol.sessionManager().setListener((source, e) -> carolInvitations.add(e));

    // a 1:1 call, alice to bob
    AudioVideoSession call = (AudioVideoSession) alice.sessionManager()
        .createSession(SessionType.AUDIO_VIDEO, SessionContext.EMPTY);
    var answered = call.addParticipant(SipUri.parse("sip:bob@example.test"));
    IncomingSessionEvent ringing = bobInvitations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(ringing).isNotNull();
    Session bobCall = ringing.accept().get(WAIT, TimeUnit.SECONDS);
    answered.get(WAIT, TimeUnit.SECONDS);
    String conversation = call.context().get(SessionContext.CONVERSATION_ID).orElseThrow();
    ((AudioVideoSession) bobCall).setMuted(true); // bob's mute carries over to the conference

    var escalated = call.escalateToConference(SipUri.parse("sip:carol@example.test"));

    // bob: a CONFERENCE invitation that replaces his call, accepted with audio
    IncomingSessionEvent replacing = bobInvitations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(replacing).isNotNull();
    assertThat(replacing.session().type()).isEqualTo(SessionType.CONFERENCE);
    assertThat(replacing.replaces()).containsSame(bobCall);
    assertThat(replacing.session().context().get(SessionContext.CONVERSATION_ID))
        .contains(conversation);
    // a plain accept(): the conference continues bob's call, so it takes the audio line
    ConferenceSession b = (ConferenceSession) replacing.accept().get(WAIT, TimeUnit.SECONDS);
    assertThat(b.isMuted()).as("muted in the conference as in his call").isTrue();
    ConferenceSession a = escalated.get(WAIT, TimeUnit.SECONDS);
    assertThat(a.context().get(SessionContext.CONVERSATION_ID)).contains(conversation);
    assertThat(a.carriesAudio()).isTrue();
    call.termination().get(WAIT, TimeUnit.SECONDS); // alice's 1:1 ended once bob was in
    bobCall.termination().get(WAIT, TimeUnit.SECONDS); // bob's too (Replaces)

    // carol: a CONFERENCE invitation with the conversation ID, accepted with audio
    IncomingSessionEvent invited = carolInvitations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(invited).isNotNull();
    assertThat(invited.session().type()).isEqualTo(SessionType.CONFERENCE);
    assertThat(invited.session().context().get(SessionContext.CONVERSATION_ID))
        .contains(conversation);
    ConferenceSession c = (ConferenceSession) invited.accept(ConferenceSession.Media.AUDIO)
        .get(WAIT, TimeUnit.SECONDS);
    assertThat(b.carriesAudio()).isTrue();
    assertThat(c.carriesAudio()).isTrue();

    // the conference's mix: bob and carol hear alice's tone, she does not
    bobEar.awaitLoud(bobEar.loudCount(), 50);
    carolEar.awaitLoud(0, 50);
    bobEar.awaitTone(A);
    carolEar.awaitTone(A);
    assertThat(aliceEar.loudCount()).as("alice never hears her own tone").isZero();
    c.leave().get(WAIT, TimeUnit.SECONDS);
    b.leave().get(WAIT, TimeUnit.SECONDS);
    a.leave().get(WAIT, TimeUnit.SECONDS);
  }

  @Test
  void withTwoInTheConferenceEachHearsTheOther() throws Exception {
    Ear aliceEar = new Ear();
    Ear bobEar = new Ear();
    ConferenceSession a = conference(endpoint("alice", A, aliceEar));
    SipUri uri = a.enter(ConferenceSession.Media.AUDIO).get(WAIT, TimeUnit.SECONDS);
    ConferenceSession b = conference(endpoint("bob", null, bobEar));
    b.enter(uri, ConferenceSession.Media.AUDIO).get(WAIT, TimeUnit.SECONDS);

    bobEar.awaitLoud(0, 50);
    bobEar.awaitTone(A);
    assertThat(aliceEar.loudCount()).isZero();
    b.leave().get(WAIT, TimeUnit.SECONDS);
    a.leave().get(WAIT, TimeUnit.SECONDS);
  }

  @Test
  void aConferenceEnteredWithoutAudioOffersNoneAndRefusesTheAudioOperations() throws Exception {
    Endpoint alice = endpoint("alice", A, new Ear());
    ConferenceSession a = conference(alice);
    a.enter().get(WAIT, TimeUnit.SECONDS);

    assertThat(a.carriesAudio()).isFalse();
    assertThat(a.audioStats()).isEmpty();
    assertThatThrownBy(a::hold).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Media.AUDIO");
    assertThatThrownBy(() -> a.sendDtmf("1")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> a.enter(uriOf(a), (ConferenceSession.Media) null))
        .isInstanceOf(NullPointerException.class);
    a.leave().get(WAIT, TimeUnit.SECONDS);
  }

  private static SipUri uriOf(ConferenceSession s) {
    return s.conferenceUri().orElseThrow();
  }
}
