package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The N-1 mixer on loopback: each participant is a leg of the mixer on its own socket, and at
 * the other end of it a "phone" (an {@link AudioStream} playing a tone and keeping what it hears).
 * What a phone hears is checked by the power of each tone in it, never by timings.
 */
class AudioMixerTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final double A = 440;
  private static final double B = 660;
  private static final double C = 880;

  private MediaNetwork network;
  private MediaScheduler mixing;
  private MediaScheduler phones;
  private AudioMixer mixer;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final List<String> digits = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    network = new MediaNetwork(MediaNetworkConfig.builder().bindAddress(LOOPBACK)
        .portRange(30000, 39999).threads(2).build());
    mixing = new MediaScheduler(1);
    phones = new MediaScheduler(1);
    mixer = AudioMixer.builder(mixing).build();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    mixer.close();
    mixer.closeFuture().get(30, TimeUnit.SECONDS);
    phones.close();
    mixing.close();
    network.close();
  }

  // ------------------------------------------------------------------ helpers

  /** A phone in the conference: its stream, what it hears, and its leg in the mixer. */
  private record Phone(AudioStream stream, QueueSink ear, MixerParticipant leg) {}

  private Phone join(double hz, int pt, Codecs.Entry codec) {
    return join(hz, pt, codec, leg -> { });
  }

  /** A phone joining; {@code setup} is applied to its leg before the phone sends anything. */
  private Phone join(double hz, int pt, Codecs.Entry codec, Consumer<MixerParticipant> setup) {
    RtpSocket phoneSocket = network.open(true).join();
    RtpSocket legSocket = network.open(true).join();
    MixerParticipant leg = mixer.add(legSocket, AudioStreamSettings.builder().send(pt, codec)
        .telephoneEvent(101).remote(phoneSocket.localRtpAddress(), null).build(),
        new MixerParticipant.Listener() {
          @Override
          public void onDtmf(MixerParticipant p, char digit) {
            digits.add(p.id() + ":" + digit);
          }
        });
    setup.accept(leg);
    QueueSink ear = new QueueSink(200);
    AudioStream stream = AudioStream.builder(phoneSocket, phones)
        .settings(AudioStreamSettings.builder().send(pt, codec).telephoneEvent(101)
            .remote(legSocket.localRtpAddress(), null).build())
        .source(new ToneSource(hz, AudioFormat.PCM_8000, 0.25))
        .sink(ear)
        .start();
    toClose.add(stream);
    return new Phone(stream, ear, leg);
  }

  /** Waits until every one of {@code speaking} is in the mix, then forgets what was heard. */
  private static void whenAllSpeak(List<Phone> all, Phone... speaking) {
    for (Phone p : speaking) {
      long before = p.leg().mixedFrames();
      await().atMost(WAIT).until(() -> p.leg().mixedFrames() > before + 10);
    }
    for (Phone p : all) {
      while (p.ear().poll() != null) {
        // drop what was heard before everyone spoke
      }
    }
  }

  /** One second of what {@code phone} hears from now (silent frames included). */
  private static List<AudioFrame> second(Phone phone) throws InterruptedException {
    List<AudioFrame> frames = new ArrayList<>();
    while (frames.size() < 50) {
      AudioFrame f = phone.ear().take(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(f).as("a frame within " + WAIT).isNotNull();
      frames.add(f);
    }
    return frames;
  }

  /** The power of 440, 660 and 880 Hz in one second of what {@code phone} hears. */
  private static double[] tones(Phone phone) throws InterruptedException {
    return ToneDetector.power(second(phone), A, B, C);
  }

  /** {@code heard} is at least 20 times {@code absent}: the one is in the mix, the other not. */
  private static void heardNotAbsent(double heard, double absent, String what) {
    assertThat(heard).as(what + ": heard").isGreaterThan(0.001);
    assertThat(absent).as(what + ": absent").isLessThan(heard / 20);
  }

  // ------------------------------------------------------------------ tests

  @Test
  void eachOfThreeParticipantsHearsTheOtherTwoAndNotItself() throws Exception {
    Phone a = join(A, 0, Codecs.PCMU);
    Phone b = join(B, 8, Codecs.PCMA);
    Phone c = join(C, 0, Codecs.PCMU);
    List<Phone> all = List.of(a, b, c);
    whenAllSpeak(all, a, b, c);

    double[] atA = tones(a);
    double[] atB = tones(b);
    double[] atC = tones(c);
    heardNotAbsent(atA[1], atA[0], "at A: B, not A");
    heardNotAbsent(atA[2], atA[0], "at A: C, not A");
    heardNotAbsent(atB[0], atB[1], "at B: A, not B");
    heardNotAbsent(atB[2], atB[1], "at B: C, not B");
    heardNotAbsent(atC[0], atC[2], "at C: A, not C");
    heardNotAbsent(atC[1], atC[2], "at C: B, not C");
    assertThat(mixer.stats().participants()).isEqualTo(3);
    assertThat(mixer.stats().ticks()).isPositive();
  }

  @Test
  void aParticipantOnPcmuAndOneOnOpusHearEachOther() throws Exception {
    Phone g711 = join(A, 0, Codecs.PCMU);
    Phone opus = join(B, 111, Codecs.OPUS);
    whenAllSpeak(List.of(g711, opus), g711, opus);

    assertThat(ToneDetector.dominantFrequency(second(g711), 100, 3000)).isCloseTo(B,
        org.assertj.core.data.Offset.offset(10.0));
    assertThat(ToneDetector.dominantFrequency(second(opus), 100, 3000)).isCloseTo(A,
        org.assertj.core.data.Offset.offset(10.0));
    assertThat(opus.leg().stats().codec()).isEqualToIgnoringCase("opus");
    assertThat(g711.leg().stats().codec()).isEqualTo("PCMU");
  }

  @Test
  void aMutedParticipantIsNotHeardButHearsTheOthers() throws Exception {
    Phone a = join(A, 0, Codecs.PCMU);
    Phone b = join(B, 0, Codecs.PCMU);
    Phone c = join(C, 0, Codecs.PCMU, leg -> leg.muted(true));
    whenAllSpeak(List.of(a, b, c), a, b);

    double[] atA = tones(a);
    heardNotAbsent(atA[1], atA[2], "at A: B, not the muted C");
    double[] atC = tones(c);
    heardNotAbsent(atC[0], atC[2], "at C: A");
    heardNotAbsent(atC[1], atC[2], "at C: B");
    assertThat(c.leg().isMuted()).isTrue();
    assertThat(c.leg().mixedFrames()).isZero();
    assertThat(c.leg().stats().packetsReceived()).isPositive(); // it sends; we do not mix it
  }

  @Test
  void aParticipantOnHoldIsNeitherHeardNorSentTo() throws Exception {
    Phone a = join(A, 0, Codecs.PCMU);
    Phone b = join(B, 0, Codecs.PCMU);
    Phone c = join(C, 0, Codecs.PCMU, leg -> leg.hold(true));
    MixerParticipant held = c.leg();
    AudioStream phone = c.stream();
    whenAllSpeak(List.of(a, b, c), a, b);
    await().atMost(WAIT).until(() -> held.stats().packetsReceived() > 50);

    double[] atA = tones(a);
    heardNotAbsent(atA[1], atA[2], "at A: B, not the held C");
    assertThat(held.mixedFrames()).isZero();
    assertThat(held.stats().packetsSent()).isZero();
    assertThat(phone.stats().packetsReceived()).isZero();
    assertThat(held.settings().direction()).isEqualTo(StreamDirection.SENDRECV); // as negotiated

    held.hold(false); // back in the mix, and sent to
    await().atMost(WAIT).until(() -> held.mixedFrames() > 10
        && phone.stats().packetsReceived() > 10);
  }

  @Test
  void removingAParticipantFreesItsPortAndTheOthersGoOn() throws Exception {
    Phone a = join(A, 0, Codecs.PCMU);
    Phone b = join(B, 0, Codecs.PCMU);
    Phone c = join(C, 0, Codecs.PCMU);
    whenAllSpeak(List.of(a, b, c), a, b, c);
    int ports = network.portsInUse();

    c.leg().remove().get(30, TimeUnit.SECONDS);

    assertThat(network.portsInUse()).isEqualTo(ports - 1);
    assertThat(c.leg().isRemoved()).isTrue();
    assertThat(mixer.participants()).containsExactly(a.leg(), b.leg());
    assertThat(c.leg().remove()).isDone(); // idempotent
    whenAllSpeak(List.of(a, b), a, b);
    double[] atA = tones(a);
    heardNotAbsent(atA[1], atA[2], "at A: B, not the removed C");
  }

  @Test
  void aParticipantThatStopsSendingIsLeftOutAndCountedAsAStall() throws Exception {
    Phone a = join(A, 0, Codecs.PCMU);
    Phone b = join(B, 0, Codecs.PCMU);
    Phone c = join(C, 0, Codecs.PCMU);
    whenAllSpeak(List.of(a, b, c), a, b, c);

    c.stream().close(); // vanishes: no BYE for the mixer, no more RTP
    long mixed = c.leg().mixedFrames();
    await().atMost(WAIT).until(() -> c.leg().stats().receiveStalls() == 1);

    // the frames in its jitter buffer and their concealment at most, not the 5 s of the stall
    assertThat(c.leg().mixedFrames()).isLessThan(mixed + 50);
    double[] atA = tones(a);
    heardNotAbsent(atA[1], atA[2], "at A: B, not the vanished C");
    assertThat(c.leg().stats().packetsSent()).isPositive(); // it still hears the others
  }

  @Test
  void dtmfFromAParticipantIsReportedWithTheParticipant() {
    Phone a = join(A, 0, Codecs.PCMU);
    a.stream().sendDtmf("12#");
    await().atMost(WAIT).until(() -> digits.size() == 3);
    int id = a.leg().id();
    assertThat(digits).containsExactly(id + ":1", id + ":2", id + ":#");
    assertThat(a.leg().stats().dtmfReceived()).isEqualTo(3);
  }

  @Test
  void aCodecChangeOfAParticipantKeepsItInTheMix() throws Exception {
    Phone a = join(A, 0, Codecs.PCMU);
    Phone b = join(B, 0, Codecs.PCMU);
    whenAllSpeak(List.of(a, b), a, b);

    AudioStreamSettings pcma = b.leg().settings().toBuilder().send(8, Codecs.PCMA)
        .receive(java.util.Map.of(8, Codecs.PCMA)).build();
    b.leg().settings(pcma);
    b.stream().settings(b.stream().settings().toBuilder().send(8, Codecs.PCMA)
        .receive(java.util.Map.of(8, Codecs.PCMA)).build());
    await().atMost(WAIT).until(() -> b.leg().stats().codec().equals("PCMA"));
    whenAllSpeak(List.of(a, b), a, b);

    assertThat(ToneDetector.dominantFrequency(second(b), 100, 3000)).isCloseTo(A,
        org.assertj.core.data.Offset.offset(10.0));
    assertThat(ToneDetector.dominantFrequency(second(a), 100, 3000)).isCloseTo(B,
        org.assertj.core.data.Offset.offset(10.0));
  }

  @Test
  void aLocalParticipantAndAPhoneHearEachOther() throws Exception {
    QueueSink botEar = new QueueSink(200);
    LocalParticipant bot = mixer.addLocal(new ToneSource(A, AudioFormat.PCM_8000, 0.25), botEar);
    Phone phone = join(B, 0, Codecs.PCMU);
    whenAllSpeak(List.of(phone), phone);

    assertThat(ToneDetector.dominantFrequency(second(phone), 100, 3000)).isCloseTo(A,
        org.assertj.core.data.Offset.offset(10.0));
    while (botEar.poll() != null) {
      // what it heard before the phone spoke
    }
    List<AudioFrame> heard = new ArrayList<>();
    while (heard.size() < 50) {
      heard.add(botEar.take(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }
    assertThat(heard.get(0).format()).isEqualTo(mixer.format());
    assertThat(ToneDetector.dominantFrequency(heard, 100, 3000)).isCloseTo(B,
        org.assertj.core.data.Offset.offset(10.0));
    assertThat(bot.mixedFrames()).isPositive();
    bot.remove().get(30, TimeUnit.SECONDS);
    assertThat(mixer.localParticipants()).isEmpty();
  }

  @Test
  void badArgumentsAndLimitsAreRefusedByName() {
    assertThatThrownBy(() -> AudioMixer.builder((MediaScheduler) null))
        .isInstanceOf(NullPointerException.class).hasMessage("scheduler");
    assertThatThrownBy(() -> AudioMixer.builder(mixing).maxParticipants(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxParticipants out of range: 0");
    AudioStreamSettings settings = AudioStreamSettings.builder().send(0, Codecs.PCMU).build();
    MixerParticipant.Listener none = new MixerParticipant.Listener() {};
    assertThatThrownBy(() -> mixer.add(null, settings, none))
        .isInstanceOf(NullPointerException.class).hasMessage("socket");

    AudioMixer small = AudioMixer.builder(mixing).maxParticipants(1).build();
    try {
      small.add(network.open(true).join(), settings, none);
      RtpSocket extra = network.open(true).join();
      assertThatThrownBy(() -> small.add(extra, settings, none))
          .isInstanceOf(IllegalStateException.class).hasMessage("mixer full: 1 participants");
      extra.close();
    } finally {
      small.close();
    }
    small.closeFuture().join();
    assertThat(small.participants()).isEmpty();
    RtpSocket late = network.open(true).join();
    assertThatThrownBy(() -> small.add(late, settings, none))
        .isInstanceOf(IllegalStateException.class).hasMessage("mixer closed");
    late.close();
  }
}
