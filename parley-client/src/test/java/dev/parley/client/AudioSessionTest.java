package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import dev.parley.media.AudioOffers;
import dev.parley.media.AudioSink;
import dev.parley.media.AudioStreamStats;
import dev.parley.media.Codecs;
import dev.parley.media.MediaNetwork;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.media.MediaScheduler;
import dev.parley.media.ToneDetector;
import dev.parley.media.ToneSource;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Audio in sessions, two endpoints on loopback calling each other directly: a tone sent one way
 * is heard at its frequency, DTMF digits the other way arrive in order, hold stops what reaches
 * the holder and resume brings it back, each codec can carry the call, and ending the session
 * frees its ports.
 */
class AudioSessionTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final MediaNetwork network = new MediaNetwork(MediaNetworkConfig.builder()
      .bindAddress(InetAddress.getLoopbackAddress()).portRange(30000, 30999).build());
  private final MediaScheduler scheduler = new MediaScheduler(1);
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final BlockingQueue<IncomingSessionEvent> invitations = new LinkedBlockingQueue<>();

  @AfterEach
  void stop() {
    endpoints.forEach(Endpoint::close);
    network.close();
    scheduler.close();
  }

  /** Keeps every frame with sound in it (at most a minute's worth). */
  static class Heard implements AudioSink {
    final List<AudioFrame> frames = new CopyOnWriteArrayList<>();

    @Override
    public void accept(AudioFrame frame) {
      if (frames.size() < 3000 && energy(frame) > 1000) {
        frames.add(frame);
      }
    }

    @Override
    public void close() {}

    static double energy(AudioFrame f) {
      double sum = 0;
      short[] s = f.samples();
      for (short x : s) {
        sum += (double) x * x;
      }
      return Math.sqrt(sum / s.length);
    }

    double dominantHz() {
      List<AudioFrame> all = List.copyOf(frames); // the media thread keeps appending to frames
      return ToneDetector.dominantFrequency(all.subList(all.size() - 25, all.size()), 100, 3500);
    }
  }

  private Endpoint endpoint(String user, AudioOffers offers, Double toneHz, Heard heard) {
    Endpoint.Builder b = Endpoint.builder("sip:" + user + "@127.0.0.1")
        .listen("udp:127.0.0.1:0").mediaNetwork(network, scheduler).audioOffers(offers);
    if (toneHz != null) {
      b.audioSource(s -> new ToneSource(toneHz, AudioFormat.PCM_8000, 0.5));
    }
    if (heard != null) {
      b.audioSink(s -> heard);
    }
    Endpoint e = b.build();
    endpoints.add(e);
    e.enable().join();
    return e;
  }

  /** Alice calls bob; returns both sides of the connected call. */
  private AudioVideoSession[] call(Endpoint alice, Endpoint bob) throws Exception {
    bob.sessionManager().setListener((source, e) -> invitations.add(e));
    AudioVideoSession a = (AudioVideoSession) alice.sessionManager()
        .createSession(SessionType.AUDIO_VIDEO, SessionContext.EMPTY);
    var added = a.addParticipant(bob.contactUri());
    IncomingSessionEvent invitation = invitations.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(invitation).as("invitation").isNotNull();
    AudioVideoSession b = (AudioVideoSession) invitation.accept()
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    added.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return new AudioVideoSession[] {a, b};
  }

  static Stream<Arguments> codecs() {
    return Stream.of(Arguments.of(Codecs.OPUS, "opus"), Arguments.of(Codecs.PCMU, "PCMU"),
        Arguments.of(Codecs.PCMA, "PCMA"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("codecs")
  void aToneSentByTheCallerIsHeardByTheCalleeAtItsFrequency(Codecs.Entry codec, String name)
      throws Exception {
    AudioOffers only = AudioOffers.builder().codecs(codec).build();
    Heard heard = new Heard();
    Endpoint alice = endpoint("alice", only, 1000.0, null);
    Endpoint bob = endpoint("bob", AudioOffers.defaults(), null, heard);
    AudioVideoSession[] call = call(alice, bob);

    await().atMost(WAIT).until(() -> heard.frames.size() >= 50);
    assertThat(heard.dominantHz()).isCloseTo(1000, org.assertj.core.data.Offset.offset(15.0));
    assertThat(call[0].audioStats()).get().extracting(AudioStreamStats::codec)
        .isEqualTo(name);
    assertThat(call[1].streams().get(0).codecs().get(0).name()).isEqualToIgnoringCase(name);
    call[0].terminate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    call[1].termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void dtmfDigitsSentByTheCalleeArriveAtTheCallerInOrder() throws Exception {
    Endpoint alice = endpoint("alice", AudioOffers.defaults(), null, null);
    Endpoint bob = endpoint("bob", AudioOffers.defaults(), null, null);
    BlockingQueue<Character> digits = new LinkedBlockingQueue<>();
    AudioVideoSession[] call = call(alice, bob);
    call[0].addListener(new AudioVideoSession.Listener() {
      @Override
      public void onDtmfReceived(AudioVideoSession session, char digit) {
        digits.add(digit);
      }
    });
    call[1].sendDtmf("19#*"); // at once: the stream may not have started on its worker yet
    StringBuilder got = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      Character d = digits.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(d).as("digit " + i + " after " + got).isNotNull();
      got.append(d);
    }
    assertThat(got.toString()).isEqualTo("19#*");
    assertThat(call[1].audioStats().orElseThrow().dtmfSent()).isEqualTo(4);
    call[1].terminate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(call[0].audioStats().orElseThrow().dtmfReceived()).isEqualTo(4);
  }

  @Test
  void aBadDtmfDigitIsRefusedNamingTheArgument() throws Exception {
    Endpoint alice = endpoint("alice", AudioOffers.defaults(), null, null);
    Endpoint bob = endpoint("bob", AudioOffers.defaults(), null, null);
    AudioVideoSession[] call = call(alice, bob);
    assertThatThrownBy(() -> call[0].sendDtmf("12x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("digits")
        .hasMessageContaining("'x'");
    call[0].terminate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void holdStopsTheAudioReachingTheHolderAndResumeBringsItBack() throws Exception {
    Heard heard = new Heard();
    Endpoint alice = endpoint("alice", AudioOffers.defaults(), null, heard);
    Endpoint bob = endpoint("bob", AudioOffers.defaults(), 600.0, null);
    AudioVideoSession[] call = call(alice, bob);
    AudioVideoSession holder = call[0];
    await().atMost(WAIT).until(() -> received(holder) >= 20);

    holder.hold().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(holder.isOnHold()).isTrue();
    await().atMost(WAIT).until(call[1]::isHeldByPeer);
    // both streams tick on one media worker, in the order they are due: once ten of our ticks
    // have run without the peer sending, the peer has applied its recvonly answer
    AudioVideoSession peer = call[1];
    await().atMost(WAIT).until(() -> {
      long peerSent = sent(peer);
      long ours = sent(holder);
      await().atMost(WAIT).until(() -> sent(holder) >= ours + 10);
      return sent(peer) == peerSent;
    });
    long settled = received(holder);
    long peerSettled = sent(peer);
    long ours = sent(holder);
    await().atMost(WAIT).until(() -> sent(holder) >= ours + 50); // a second more
    assertThat(sent(peer) - peerSettled).as("packets the peer sent while on hold").isZero();
    assertThat(received(holder) - settled).as("packets received while on hold")
        .isLessThanOrEqualTo(2);

    holder.resume().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(holder.isOnHold()).isFalse();
    long atResume = received(holder);
    await().atMost(WAIT).until(() -> received(holder) >= atResume + 25);
    assertThat(call[1].isHeldByPeer()).isFalse();
    holder.terminate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static long sent(AudioVideoSession s) {
    return s.audioStats().map(AudioStreamStats::packetsSent).orElse(0L);
  }

  private static long received(AudioVideoSession s) {
    return s.audioStats().map(AudioStreamStats::packetsReceived).orElse(0L);
  }

  @Test
  void endingTheSessionStopsItsStreamAndFreesItsPortsKeepingTheFinalStatistics()
      throws Exception {
    Endpoint alice = endpoint("alice", AudioOffers.defaults(), 440.0, null);
    Endpoint bob = endpoint("bob", AudioOffers.defaults(), 440.0, null);
    AudioVideoSession[] call = call(alice, bob);
    assertThat(network.openSockets()).isEqualTo(2);
    await().atMost(WAIT).until(() -> received(call[1]) >= 10);
    List<AudioStreamStats> atEnd = new CopyOnWriteArrayList<>();
    call[1].addListener(new Session.Listener() {
      @Override
      public void onTerminated(Session session) {
        atEnd.add(((AudioVideoSession) session).audioStats().orElseThrow());
      }
    });

    call[0].terminate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    call[1].termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> network.openSockets() == 0 && network.portsInUse() == 0);
    await().atMost(WAIT).until(() -> !atEnd.isEmpty());
    assertThat(atEnd.get(0).packetsReceived()).isGreaterThanOrEqualTo(10);
    assertThat(atEnd.get(0).packetsSent()).isPositive();
  }

  @Test
  void closingAnEndpointStopsItsCallsAndClosesTheirSinks() throws Exception {
    java.util.concurrent.CountDownLatch sinkClosed = new java.util.concurrent.CountDownLatch(1);
    Heard heard = new Heard() {
      @Override
      public void close() {
        sinkClosed.countDown();
      }
    };
    Endpoint alice = endpoint("alice", AudioOffers.defaults(), null, heard);
    Endpoint bob = endpoint("bob", AudioOffers.defaults(), 440.0, null);
    call(alice, bob);
    await().atMost(WAIT).until(() -> heard.frames.size() >= 5);

    alice.close(); // no hang-up first: the shared network must not keep her stream
    assertThat(sinkClosed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    await().atMost(WAIT).until(() -> network.openSockets() == 1); // bob's alone
  }

  @Test
  void holdAndDtmfRightAfterConnectingDoNotDependOnTheStreamHavingStarted() throws Exception {
    Endpoint alice = endpoint("alice", AudioOffers.defaults(), null, null);
    Endpoint bob = endpoint("bob", AudioOffers.defaults(), null, null);
    AudioVideoSession[] call = call(alice, bob);
    call[0].sendDtmf("5");
    call[0].hold().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(call[0].isOnHold()).isTrue();
    call[0].terminate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void aCalleeThatSharesNoCodecWithTheOfferRejectsTheInvitationNotAcceptable() throws Exception {
    Endpoint alice = endpoint("alice", AudioOffers.builder().codecs(Codecs.OPUS).build(), null,
        null);
    Endpoint bob = endpoint("bob", AudioOffers.builder().codecs(Codecs.PCMU).build(), null, null);
    bob.sessionManager().setListener((source, e) -> invitations.add(e));
    AudioVideoSession a = (AudioVideoSession) alice.sessionManager()
        .createSession(SessionType.AUDIO_VIDEO, SessionContext.EMPTY);
    var added = a.addParticipant(bob.contactUri());
    assertThat(added).failsWithin(WAIT).withThrowableOfType(Exception.class)
        .havingCause().isInstanceOf(InvitationRejectedException.class);
    assertThat(invitations).isEmpty();
    await().atMost(WAIT).until(() -> network.openSockets() == 0);
  }
}
