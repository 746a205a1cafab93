package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.OutgoingInvite;
import dev.parley.focus.ParticipantStatus;
import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import dev.parley.media.AudioOffers;
import dev.parley.media.AudioStream;
import dev.parley.media.AudioStreamSettings;
import dev.parley.media.Codecs;
import dev.parley.media.MediaNetwork;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.media.MediaScheduler;
import dev.parley.media.QueueSink;
import dev.parley.media.RtpSocket;
import dev.parley.media.StreamParameters;
import dev.parley.media.ToneDetector;
import dev.parley.media.ToneSource;
import dev.parley.sdp.Direction;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.Address;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.transport.Transport;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The focus's mixer end to end: phones dial in with audio through the server, each sends a tone,
 * and each hears the others' tones and not its own (Goertzel power, never timings).
 */
class FocusAudioTest extends ProxyFixture {
  private static final double A = 440;
  private static final double B = 660;
  private static final double C = 880;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final MediaNetwork network = new MediaNetwork(MediaNetworkConfig.builder()
      .bindAddress(InetAddress.getLoopbackAddress()).build());
  private final MediaScheduler workers = new MediaScheduler(2);
  private final List<AutoCloseable> streams = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : streams) {
      c.close();
    }
    network.close(); // the phones and the server are closed by ProxyFixture.stopAll
    workers.close();
  }

  /** A phone in the conference: its dialog and what it hears. */
  private record Talker(Dialog dialog, QueueSink ear, AudioStream stream) {}

  private Talker talk(Phone phone, String uri, double hz, Codecs.Entry codec) throws Exception {
    RtpSocket socket = network.open(false).get(10, TimeUnit.SECONDS);
    AudioOffers offers = AudioOffers.builder().codecs(codec).build();
    SessionDescription offer = AudioOffers.session(null, "127.0.0.1", List.of(offers.offer(
        "127.0.0.1", socket.localRtpAddress().getPort(), socket.localRtcpAddress().getPort(),
        Direction.SENDRECV)));
    SipUri target = SipUri.parse(uri);
    SipRequest invite = phone.ua.newRequest(SipMethod.INVITE, target, phone.aor(),
        Address.of(target), Transport.UDP).body(MediaType.APPLICATION_SDP, offer.encode()).build();
    OutgoingInvite call = phone.ua.invite(invite, phone.proxy, null);
    Dialog dialog = call.dialog().get(10, TimeUnit.SECONDS);
    SessionDescription answer = SessionDescription.parse(call.answer().body());
    StreamParameters p = StreamParameters.of(offer, answer, true, 0);
    assertThat(p.rejected()).as("the focus took the audio line").isFalse();
    QueueSink ear = new QueueSink(200);
    AudioStream stream = AudioStream.builder(socket, workers)
        .settings(AudioStreamSettings.builder(p, false, a -> a).build())
        .source(new ToneSource(hz, AudioFormat.of(codec.clockRate()), 0.25)).sink(ear).start();
    streams.add(stream);
    return new Talker(dialog, ear, stream);
  }

  /** One second of what {@code t} hears, after dropping what it heard so far. */
  private static List<AudioFrame> second(Talker t) throws InterruptedException {
    while (t.ear().poll() != null) {
      // older frames: from before everyone spoke
    }
    List<AudioFrame> frames = new ArrayList<>();
    while (frames.size() < 50) {
      AudioFrame f = t.ear().take(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(f).as("a frame within " + WAIT).isNotNull();
      frames.add(f);
    }
    return frames;
  }

  private static void hears(Talker t, double own, double... others) throws Exception {
    await().atMost(WAIT).untilAsserted(() -> {
      double[] all = new double[others.length + 1];
      System.arraycopy(others, 0, all, 0, others.length);
      all[others.length] = own;
      double[] power = ToneDetector.power(second(t), all);
      for (int i = 0; i < others.length; i++) {
        assertThat(power[i]).as(others[i] + " Hz heard").isGreaterThan(0.001);
        assertThat(power[others.length]).as("own " + own + " Hz not heard")
            .isLessThan(power[i] / 20);
      }
    });
  }

  @Test
  void threePhonesInAConferenceEachHearTheOtherTwoTonesAndNotTheirOwn() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    Phone carol = phone("carol", "pass");
    Talker a = talk(alice, "sip:conference@" + DOMAIN, A, Codecs.PCMU);
    String uri = server.focus().conferences().get(0).uri();
    Talker b = talk(bob, uri, B, Codecs.PCMA);
    Talker c = talk(carol, uri, C, Codecs.OPUS);
    await().atMost(WAIT).until(() -> server.focus().conferences().get(0).participants().stream()
        .allMatch(x -> x.audio() && x.status() == ParticipantStatus.CONNECTED));

    hears(a, A, B, C);
    hears(b, B, A, C);
    hears(c, C, A, B);
  }

  @Test
  void aPhoneTheFocusDialsOutToGetsAudioAndHearsTheConference() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Phone carol = phone("carol", "pass");
    assertThat(carol.register().statusCode()).isEqualTo(200);
    List<QueueSink> carolEars = new java.util.concurrent.CopyOnWriteArrayList<>();
    carol.onInvite = invite -> {
      try {
        SessionDescription offer = SessionDescription.parse(invite.request().body());
        RtpSocket socket = network.open(false).get(10, TimeUnit.SECONDS);
        AudioOffers offers = AudioOffers.builder().codecs(Codecs.PCMU).build();
        SessionDescription answer = offers.answer(offer, null, "127.0.0.1",
            socket.localRtpAddress().getPort(), socket.localRtcpAddress().getPort(),
            Direction.SENDRECV);
        int line = 0;
        while (!offers.accepts(offer, line)) {
          line++;
        }
        StreamParameters p = StreamParameters.of(answer, offer, false, line);
        QueueSink ear = new QueueSink(200);
        AudioStream stream = AudioStream.builder(socket, workers)
            .settings(AudioStreamSettings.builder(p, false, a -> a).build())
            .source(new ToneSource(C, AudioFormat.PCM_8000, 0.25)).sink(ear).start();
        streams.add(stream);
        carolEars.add(ear);
        invite.accept(MediaType.APPLICATION_SDP, answer.encode());
      } catch (Exception e) {
        invite.reject(500);
      }
    };
    Talker a = talk(alice, "sip:conference@" + DOMAIN, A, Codecs.PCMU);

    alice.ua.refer(a.dialog(), Address.parse("<sip:carol@" + DOMAIN + ">"), alice.aor(),
        (sub, notify, state) -> { }).accepted().get(10, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> carolEars.size() == 1);
    Talker c = new Talker(null, carolEars.get(0), null);
    hears(c, C, A);
    hears(a, A, C);
    assertThat(server.focus().conferences().get(0).participants())
        .anySatisfy(x -> assertThat(x.uri()).isEqualTo("sip:carol@" + DOMAIN))
        .allSatisfy(x -> assertThat(x.audio()).isTrue());
  }

  @Test
  void aParticipantThatSendsNoRtpForTheMediaTimeoutIsEndedWithBye() throws Exception {
    timers = new dev.parley.testkit.FakeScheduler();
    start(b -> b.focus(dev.parley.focus.FocusConfig.builder()
        .mediaTimeout(Duration.ofSeconds(30)).build()));
    Phone alice = phone("alice", "secret");
    RtpSocket socket = network.open(false).get(10, TimeUnit.SECONDS);
    streams.add(socket::close);
    SessionDescription offer = AudioOffers.session(null, "127.0.0.1", List.of(
        AudioOffers.defaults().offer("127.0.0.1", socket.localRtpAddress().getPort(),
            socket.localRtcpAddress().getPort(), Direction.SENDRECV)));
    SipUri factory = SipUri.parse("sip:conference@" + DOMAIN);
    SipRequest invite = alice.ua.newRequest(SipMethod.INVITE, factory, alice.aor(),
        Address.of(factory), Transport.UDP).body(MediaType.APPLICATION_SDP, offer.encode()).build();
    alice.ua.invite(invite, alice.proxy, null).dialog().get(10, TimeUnit.SECONDS);
    assertThat(server.focus().conferences()).singleElement()
        .satisfies(c -> assertThat(c.participants()).singleElement()
            .satisfies(p -> assertThat(p.audio()).isTrue()));

    // alice's phone never sends RTP: virtual time passes the timeout, her leg is ended
    for (int i = 0; i < 8; i++) {
      timers.advance(Duration.ofSeconds(5));
    }
    assertThat(alice.byes.poll(10, TimeUnit.SECONDS)).as("the focus's BYE").isNotNull();
    await().atMost(WAIT).until(() -> server.focus().conferences().isEmpty());
  }

  @Test
  void aParticipantThatMutedItselfWithRecvonlyIsNotTakenForVanished() throws Exception {
    timers = new dev.parley.testkit.FakeScheduler();
    start(b -> b.focus(dev.parley.focus.FocusConfig.builder()
        .mediaTimeout(Duration.ofSeconds(30)).build()));
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    List<Dialog> legs = new ArrayList<>();
    String uri = null;
    for (Phone p : List.of(alice, bob)) {
      RtpSocket socket = network.open(false).get(10, TimeUnit.SECONDS);
      streams.add(socket::close);
      // alice only listens (muted from the start); bob sends as usual but never RTP: vanished
      Direction direction = p == alice ? Direction.RECVONLY : Direction.SENDRECV;
      SessionDescription offer = AudioOffers.session(null, "127.0.0.1", List.of(
          AudioOffers.defaults().offer("127.0.0.1", socket.localRtpAddress().getPort(),
              socket.localRtcpAddress().getPort(), direction)));
      SipUri target = SipUri.parse(uri == null ? "sip:conference@" + DOMAIN : uri);
      SipRequest invite = p.ua.newRequest(SipMethod.INVITE, target, p.aor(),
          Address.of(target), Transport.UDP).body(MediaType.APPLICATION_SDP, offer.encode())
          .build();
      legs.add(p.ua.invite(invite, p.proxy, null).dialog().get(10, TimeUnit.SECONDS));
      uri = server.focus().conferences().get(0).uri();
    }
    await().atMost(WAIT).until(() -> server.focus().conferences().get(0).participants().stream()
        .filter(x -> x.audio() && x.status() == ParticipantStatus.CONNECTED).count() == 2);

    for (int i = 0; i < 8; i++) {
      timers.advance(Duration.ofSeconds(5));
    }
    // bob, who meant to send, is ended; alice, who said she would not, stays
    assertThat(bob.byes.poll(10, TimeUnit.SECONDS)).as("the focus's BYE to bob").isNotNull();
    await().atMost(WAIT).until(() -> server.focus().conferences().get(0).participants().size()
        == 1);
    assertThat(server.focus().conferences().get(0).participants())
        .extracting(x -> x.uri()).containsExactly("sip:alice@" + DOMAIN);
    assertThat(alice.byes).isEmpty();
  }
}
