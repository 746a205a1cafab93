package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Audio streams on loopback: real sockets of a {@link MediaNetwork}, the ticks either on a real
 * {@link MediaScheduler} or on virtual clocks the test advances in lockstep. Audio is checked by
 * its dominant frequency; counts are checked, never timings.
 */
class AudioStreamTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final double TONE = 1000;

  private MediaNetwork network;
  private MediaScheduler scheduler;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void start() {
    network = new MediaNetwork(MediaNetworkConfig.builder().bindAddress(LOOPBACK)
        .portRange(30000, 39999).threads(2).build());
    scheduler = new MediaScheduler(2);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    scheduler.close();
    network.close();
  }

  // ------------------------------------------------------------------ helpers

  private static AudioStreamSettings.Builder settings(int pt, Codecs.Entry codec) {
    return AudioStreamSettings.builder().send(pt, codec).telephoneEvent(101);
  }

  private AudioStream.Builder on(RtpSocket socket, MediaClock clock) {
    return AudioStream.builder(socket, clock).rtcpInterval(Duration.ofMillis(200));
  }

  private <T extends AutoCloseable> T closing(T c) {
    toClose.add(c);
    return c;
  }

  /**
   * Two PCMU streams on lockstep clocks, {@code s.a} and {@code s.b} sending to each other, started;
   * {@code s.b} tells {@code listener} (none when null).
   */
  private Lockstep pcmuPair(AudioStream.Listener listener) {
    Lockstep s = new Lockstep();
    RtpSocket sa = socket();
    RtpSocket sb = socket();
    AudioStream.Builder b = on(sb, s.clockB).settings(settings(0, Codecs.PCMU)
        .remote(sa.localRtpAddress(), null).build());
    if (listener != null) {
      b.listener(listener);
    }
    s.b = closing(b.start());
    s.a = closing(on(sa, s.clockA).settings(settings(0, Codecs.PCMU)
        .remote(sb.localRtpAddress(), null).build()).start());
    return s;
  }

  /** A listener that adds the DTMF digits its stream receives to {@code digits}. */
  private static AudioStream.Listener dtmfInto(List<Character> digits) {
    return new AudioStream.Listener() {
      @Override
      public void onDtmf(char digit) {
        digits.add(digit);
      }
    };
  }

  private RtpSocket socket() {
    return network.open(true).join();
  }

  /** The next {@code count} frames with sound in them, after skipping a few (the start). */
  private static List<AudioFrame> heard(QueueSink sink, int count) throws InterruptedException {
    List<AudioFrame> frames = new ArrayList<>();
    int skip = 5;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (frames.size() < count) {
      assertThat(System.nanoTime() - deadline).as("sound within " + WAIT).isNegative();
      AudioFrame f = sink.take(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(f).as("a frame within " + WAIT).isNotNull();
      if (f.isSilent()) {
        continue;
      }
      if (skip > 0) {
        skip--;
        continue;
      }
      frames.add(f);
    }
    return frames;
  }

  /** The dominant frequency of the window of {@code size} frames closest to {@code hz}. */
  private static double bestWindow(List<AudioFrame> frames, int size, double hz) {
    double best = Double.NaN;
    for (int i = 0; i + size <= frames.size(); i += size / 2) {
      double f = dominant(frames.subList(i, i + size));
      if (Double.isNaN(best) || Math.abs(f - hz) < Math.abs(best - hz)) {
        best = f;
      }
    }
    return best;
  }

  private static double dominant(List<AudioFrame> frames) {
    return ToneDetector.dominantFrequency(frames, 100, 3000);
  }

  // ------------------------------------------------------------------ audio

  @ParameterizedTest(name = "{1}")
  @CsvSource({"0, PCMU", "8, PCMA", "111, opus"})
  void aToneSentOverTheCodecArrivesAtItsFrequency(int pt, String codec) throws Exception {
    // on virtual clocks in lockstep: every packet arrives before the next tick, so the check is
    // of the codec path, not of how late a busy machine delivers (other tests run in real time)
    Codecs.Entry entry = Codecs.find(codec, codec.equals("opus") ? 48000 : 8000).orElseThrow();
    Lockstep s = new Lockstep();
    RtpSocket sa = socket();
    RtpSocket sb = socket();
    QueueSink heard = new QueueSink(500);
    s.b = closing(on(sb, s.clockB).settings(settings(pt, entry)
        .remote(sa.localRtpAddress(), null).build()).sink(heard).start());
    s.a = closing(on(sa, s.clockA).settings(settings(pt, entry)
        .remote(sb.localRtpAddress(), null).build())
        .source(new ToneSource(TONE, AudioFormat.PCM_8000, 0.5)).start());
    AudioStream a = s.a;

    s.step(300);

    assertThat(bestWindow(heard(heard, 200), 50, TONE)).isCloseTo(TONE, offset(5.0));
    assertThat(a.stats().codec()).isEqualToIgnoringCase(codec);
  }

  @Test
  void dtmfDigitsArriveExactlyOnceInOrder() {
    List<Character> digits = new CopyOnWriteArrayList<>();
    Lockstep s = pcmuPair(dtmfInto(digits));

    s.step(5);
    s.a.sendDtmf("159#");
    s.step(60);

    assertThat(digits).containsExactly('1', '5', '9', '#');
    assertThat(s.a.stats().dtmfSent()).isEqualTo(4);
    assertThat(s.b.stats().dtmfReceived()).isEqualTo(4);
  }

  @Test
  void dtmfOnAnOpusStreamWithTelephoneEvent8000ArrivesAtTheEventsOwnRate() {
    // the peer (baresip, many phones) has telephone-event/8000 only: the events go at 8 kHz
    Lockstep s = new Lockstep();
    RtpSocket sa = socket();
    RtpSocket sb = socket();
    List<Character> digits = new CopyOnWriteArrayList<>();
    s.b = closing(on(sb, s.clockB).settings(AudioStreamSettings.builder().send(111, Codecs.OPUS)
        .telephoneEvent(101, 8000).remote(sa.localRtpAddress(), null).build())
        .listener(dtmfInto(digits)).start());
    s.a = closing(on(sa, s.clockA).settings(AudioStreamSettings.builder().send(111, Codecs.OPUS)
        .telephoneEvent(101, 8000).remote(sb.localRtpAddress(), null).build()).start());

    s.step(5);
    s.a.sendDtmf("42");
    s.step(40);

    assertThat(digits).containsExactly('4', '2');
    assertThat(s.a.stats().dtmfSent()).isEqualTo(2);
  }

  @Test
  void holdStopsRtpOneWayInactiveBothWaysAndResumeStartsItAgain() {
    Lockstep s = pcmuPair(null);
    s.step(10);
    assertThat(s.a.stats().packetsSent()).isEqualTo(10);
    assertThat(s.b.stats().packetsSent()).isEqualTo(10);

    // A holds B: A sendonly, B's answer recvonly.
    s.a.direction(StreamDirection.SENDONLY);
    s.b.direction(StreamDirection.RECVONLY);
    s.step(10);
    assertThat(s.a.stats().packetsSent()).isEqualTo(20);
    assertThat(s.b.stats().packetsSent()).isEqualTo(10);
    assertThat(s.a.stats().packetsReceived()).isEqualTo(10);

    s.a.direction(StreamDirection.INACTIVE);
    s.b.direction(StreamDirection.INACTIVE);
    s.step(10);
    assertThat(s.a.stats().packetsSent()).isEqualTo(20);
    assertThat(s.b.stats().packetsSent()).isEqualTo(10);
    assertThat(s.b.stats().packetsReceived()).isEqualTo(20);

    s.a.direction(StreamDirection.SENDRECV);
    s.b.direction(StreamDirection.SENDRECV);
    s.step(10);
    assertThat(s.a.stats().packetsSent()).isEqualTo(30);
    assertThat(s.b.stats().packetsSent()).isEqualTo(20);
    assertThat(s.a.stats().packetsReceived()).isEqualTo(20);
    assertThat(s.b.stats().packetsReceived()).isEqualTo(30);
  }

  @Test
  void aPeerThatStopsSendingIsCountedOnceAsAStallAndItsReturnEndsIt() {
    Lockstep s = pcmuPair(null);
    s.step(10);
    s.a.mute(true); // the peer goes quiet (no RTP at all)
    s.step(249);
    assertThat(s.b.stats().receiveStalls()).isZero(); // 4.98 s
    s.step(2);
    assertThat(s.b.stats().receiveStalls()).isEqualTo(1);
    s.step(300); // still quiet: the same stall, not counted again
    assertThat(s.b.stats().receiveStalls()).isEqualTo(1);
    s.a.mute(false);
    s.step(5);
    s.a.mute(true);
    s.step(251);
    assertThat(s.b.stats().receiveStalls()).isEqualTo(2);
    // a direction that does not receive is never a stall
    s.b.direction(StreamDirection.SENDONLY);
    s.step(300);
    assertThat(s.b.stats().receiveStalls()).isEqualTo(2);
  }

  @Test
  void muteSendsNothingWhileTheRtpClockRuns() {
    Lockstep s = pcmuPair(null);
    s.step(3);
    s.a.mute(true);
    s.step(5);
    assertThat(s.a.stats().packetsSent()).isEqualTo(3);
    s.a.mute(false);
    s.step(2);
    assertThat(s.a.stats().packetsSent()).isEqualTo(5);
    assertThat(s.b.stats().lost()).isZero();
  }

  @Test
  void aMutedStreamSendsItsDtmfAndNoAudio() {
    List<Character> digits = new CopyOnWriteArrayList<>();
    Lockstep s = pcmuPair(dtmfInto(digits));
    s.step(3);
    s.a.mute(true);
    s.step(2);
    assertThat(s.a.stats().packetsSent()).isEqualTo(3);

    s.a.sendDtmf("5");
    s.step(30);
    assertThat(digits).containsExactly('5');
    assertThat(s.a.stats().dtmfSent()).isEqualTo(1);
    long afterDigit = s.a.stats().packetsSent();
    assertThat(afterDigit).as("the digit's telephone-events").isGreaterThan(3);
    s.step(10);
    assertThat(s.a.stats().packetsSent()).as("no audio once the digit ended")
        .isEqualTo(afterDigit);
    s.a.mute(false);
    s.step(2);
    assertThat(s.a.stats().packetsSent()).isEqualTo(afterDigit + 2);
  }

  @Test
  void aCodecChangeMidStreamKeepsTheTone() throws Exception {
    Lockstep s = new Lockstep();
    RtpSocket sa = socket();
    RtpSocket sb = socket();
    QueueSink heard = new QueueSink(1000);
    s.b = closing(on(sb, s.clockB).settings(settings(0, Codecs.PCMU).receive(0, Codecs.PCMU)
        .receive(8, Codecs.PCMA).remote(sa.localRtpAddress(), null).build())
        .sink(heard).start());
    s.a = closing(on(sa, s.clockA).settings(settings(0, Codecs.PCMU)
        .remote(sb.localRtpAddress(), null).build())
        .source(new ToneSource(TONE, AudioFormat.PCM_8000, 0.5)).start());
    s.step(30);
    assertThat(dominant(heard(heard, 20))).isCloseTo(TONE, offset(5.0));

    s.a.settings(s.a.settings().toBuilder().send(8, Codecs.PCMA).build());
    while (heard.poll() != null) {
      // what was heard before the change
    }
    s.step(70);

    assertThat(s.a.stats().codec()).isEqualTo("PCMA");
    assertThat(dominant(heard(heard, 50))).isCloseTo(TONE, offset(5.0));
    assertThat(s.b.stats().unknownPayloadType()).isZero();
    assertThat(s.b.stats().undecodable()).isZero();
  }

  @Test
  void aNewRemoteAddressMidStreamMovesTheAudioThere() throws Exception {
    RtpSocket sa = socket();
    RtpSocket sb = socket();
    RtpSocket sc = socket();
    AudioStream b = on(sb, scheduler.clock()).settings(settings(0, Codecs.PCMU)
        .remote(sa.localRtpAddress(), null).build()).start();
    AudioStream a = closing(on(sa, scheduler.clock()).settings(settings(0, Codecs.PCMU)
        .remote(sb.localRtpAddress(), null).build())
        .source(new ToneSource(TONE, AudioFormat.PCM_8000, 0.5)).start());
    await().atMost(WAIT).until(() -> b.stats().packetsReceived() > 10);
    // C starts once A has heard B (a packet of C's first would latch A to C at once)
    QueueSink heardAtC = new QueueSink(500);
    AudioStream c = closing(on(sc, scheduler.clock()).settings(settings(0, Codecs.PCMU)
        .remote(sa.localRtpAddress(), null).build()).sink(heardAtC).start());
    await().atMost(WAIT).until(() -> a.stats().packetsReceived() > 20);
    b.close();

    // The re-INVITE moved the call to C (the old peer has stopped sending, the new one sends:
    // were B's last RTCP to re-latch A's destination, C's packets would latch it back).
    a.remote(sc.localRtpAddress(), null);

    assertThat(dominant(heard(heardAtC, 50))).isCloseTo(TONE, offset(5.0));
    assertThat(c.stats().packetsReceived()).isPositive();
  }

  @ParameterizedTest(name = "{0} ms")
  @CsvSource({"30", "10", "60"})
  void g711PacketsOfAnotherLengthThan20MillisecondsArePlayedWhole(int millis) throws Exception {
    RtpSocket sb = socket();
    RtpSocket raw = socket();
    QueueSink heard = new QueueSink(500);
    AudioStream b = closing(on(sb, scheduler.clock()).settings(settings(8, Codecs.PCMA)
        .remote(raw.localRtpAddress(), null).build()).sink(heard).start());
    raw.remote(sb.localRtpAddress(), null);
    // a sender of PCMA in packets of `millis` (SIPp's g711a.pcap has 30 ms), on its own timer
    Pcma encoder = new Pcma();
    ToneSource tone = new ToneSource(TONE, AudioFormat.PCM_8000, 0.5);
    java.io.ByteArrayOutputStream encoded = new java.io.ByteArrayOutputStream();
    int bytes = 8 * millis;
    long[] next = {0, 1000};
    java.util.concurrent.ScheduledExecutorService sender =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try {
      sender.scheduleAtFixedRate(() -> {
        while (encoded.size() < bytes) {
          encoded.writeBytes(encoder.encode(tone.next()));
        }
        byte[] all = encoded.toByteArray();
        encoded.reset();
        encoded.write(all, bytes, all.length - bytes);
        byte[] packet = RtpPacket.builder().payloadType(8).sequenceNumber((int) next[0] & 0xffff)
            .timestamp(next[1]).ssrc(4242).payload(java.util.Arrays.copyOf(all, bytes)).build()
            .toBytes();
        next[0]++;
        next[1] += bytes;
        raw.sendRtp(packet, 0, packet.length);
      }, 0, millis, TimeUnit.MILLISECONDS);

      assertThat(bestWindow(heard(heard, 150), 50, TONE)).isCloseTo(TONE, offset(5.0));
    } finally {
      sender.shutdownNow();
    }
    assertThat(b.stats().undecodable()).isZero();
    // the buffer follows the packet time: most frames are played, not concealed
    assertThat(b.stats().concealed()).isLessThan(b.stats().packetsReceived());
  }

  @Test
  void aDigitAfterTheSourcesNumbersRestartIsNotTakenForALatePacket() throws Exception {
    RtpSocket sb = socket();
    RtpSocket raw = socket();
    List<Character> digits = new CopyOnWriteArrayList<>();
    AudioStream b = closing(on(sb, scheduler.clock()).settings(settings(0, Codecs.PCMU)
        .telephoneEvent(101).remote(raw.localRtpAddress(), null).build())
        .listener(dtmfInto(digits)).start());
    raw.remote(sb.localRtpAddress(), null);
    // as SIPp's stock captures played 0 then 1: one SSRC, digit 0's timestamp after digit 1's
    // and its sequence numbers thousands ahead (an RFC 3550 A.1 restart at digit 1)
    sendDigit(raw, 0, 5000, 17632);
    await().atMost(WAIT).until(() -> digits.size() == 1);
    sendDigit(raw, 1, 900, 13280);
    await().atMost(WAIT).until(() -> digits.size() == 2);
    assertThat(digits).containsExactly('0', '1');
    assertThat(b.stats().dtmfReceived()).isEqualTo(2);
  }

  /** One digit as RFC 4733 packets: three updates, three end packets. */
  private static void sendDigit(RtpSocket socket, int digit, int firstSequence, long timestamp) {
    for (int i = 0; i < 6; i++) {
      boolean end = i >= 3;
      byte[] payload = new DtmfEvent(digit, end, 10, 160 * Math.min(i + 1, 4)).encode();
      byte[] packet = RtpPacket.builder().payloadType(101).marker(i == 0)
          .sequenceNumber((firstSequence + i) & 0xffff).timestamp(timestamp).ssrc(777)
          .payload(payload).build().toBytes();
      socket.sendRtp(packet, 0, packet.length);
    }
  }

  @Test
  void aNewSsrcIsCountedAndTheAudioContinues() throws Exception {
    RtpSocket sb = socket();
    RtpSocket sa = socket();
    QueueSink heard = new QueueSink(500);
    AudioStream b = closing(on(sb, scheduler.clock()).settings(settings(0, Codecs.PCMU)
        .remote(sa.localRtpAddress(), null).build()).sink(heard).start());
    AudioStream a = on(sa, scheduler.clock()).settings(settings(0, Codecs.PCMU)
        .remote(sb.localRtpAddress(), null).build())
        .source(new ToneSource(500, AudioFormat.PCM_8000, 0.5)).start();
    assertThat(dominant(heard(heard, 25))).isCloseTo(500, offset(5.0));
    a.close();

    // Another sender (a new SSRC from a new port) takes over the stream.
    RtpSocket sc = socket();
    closing(on(sc, scheduler.clock()).settings(settings(0, Codecs.PCMU)
        .remote(sb.localRtpAddress(), null).build())
        .source(new ToneSource(TONE, AudioFormat.PCM_8000, 0.5)).start());
    await().atMost(WAIT).until(() -> b.stats().ssrcChanges() == 1);
    while (heard.poll() != null) {
      // what was heard before the new source
    }
    List<AudioFrame> frames = heard(heard, 50);
    assertThat(dominant(frames)).isCloseTo(TONE, offset(5.0));
    assertThat(b.stats().ssrcChanges()).isEqualTo(1);
  }

  @Test
  void aWavFilePlayedByOneStreamIsRecordedByTheOther(@TempDir Path dir) throws Exception {
    Path prompt = dir.resolve("prompt.wav");
    try (WavRecorder r = WavRecorder.create(prompt, AudioFormat.PCM_16000, Duration.ofSeconds(2));
        ToneSource tone = new ToneSource(TONE, AudioFormat.PCM_16000, 0.5)) {
      for (int i = 0; i < 100; i++) {
        r.accept(tone.next());
      }
    }
    Path recording = dir.resolve("heard.wav");
    RtpSocket sa = socket();
    RtpSocket sb = socket();
    AudioStream b = on(sb, scheduler.clock()).settings(settings(0, Codecs.PCMU)
        .remote(sa.localRtpAddress(), null).build())
        .sink(WavRecorder.create(recording, AudioFormat.PCM_8000, Duration.ofSeconds(10)))
        .start();
    AudioStream a = on(sa, scheduler.clock()).settings(settings(0, Codecs.PCMU)
        .remote(sb.localRtpAddress(), null).build())
        .source(WavFileSource.open(prompt, AudioFormat.PCM_8000, false)).start();
    await().atMost(WAIT).until(() -> b.stats().packetsReceived() >= 120);
    a.close();
    b.close();

    List<AudioFrame> frames = new ArrayList<>();
    try (WavFileSource played = WavFileSource.open(recording, AudioFormat.PCM_8000, false)) {
      while (!played.isFinished()) {
        AudioFrame f = played.next();
        if (!f.isSilent()) {
          frames.add(f);
        }
      }
    }
    assertThat(frames.size()).isGreaterThan(50);
    assertThat(dominant(frames.subList(5, frames.size() - 5))).isCloseTo(TONE, offset(5.0));
  }

  // ------------------------------------------------------------------ bad input, statistics

  @Test
  void garbageAndABurstOfPacketsAreCountedAndTheStreamGoesOn() throws Exception {
    RtpSocket sb = socket();
    QueueSink heard = new QueueSink(500);
    AudioStream b = closing(on(sb, scheduler.clock()).settings(settings(0, Codecs.PCMU).build())
        .sink(heard).start());
    InetSocketAddress to = sb.localRtpAddress();
    try (DatagramSocket raw = new DatagramSocket(0, LOOPBACK)) {
      // Version 2, 15 CSRCs announced in a 12-byte datagram: CSRC_OVERRUN.
      byte[] overrun = new byte[12];
      overrun[0] = (byte) 0x8f;
      // Not version 2: dropped by the socket itself.
      byte[] notRtp = new byte[20];
      for (int i = 0; i < 10; i++) {
        raw.send(new DatagramPacket(overrun, overrun.length, to));
        raw.send(new DatagramPacket(notRtp, notRtp.length, to));
      }
      await().atMost(WAIT).until(() -> b.stats().malformedTotal() == 10
          && sb.counters().malformedDropped() == 10);
      assertThat(b.stats().malformed())
          .containsEntry(MediaPacketException.Reason.CSRC_OVERRUN, 10L);

      for (int i = 0; i < 1000; i++) {
        RtpPacket p = RtpPacket.builder().payloadType(0).sequenceNumber(i).timestamp(160L * i)
            .ssrc(0x1234).payload(new byte[160]).build();
        byte[] bytes = p.toBytes();
        raw.send(new DatagramPacket(bytes, bytes.length, to));
      }
      byte[] tail = RtpPacket.builder().payloadType(0).sequenceNumber(1000).timestamp(160_000)
          .ssrc(0x1234).payload(new byte[160]).build().toBytes();
      raw.send(new DatagramPacket(tail, tail.length, to));
    }
    // Every RTP datagram the socket handed over was counted by the stream (the kernel may have
    // dropped some of the burst: it is the stream's loss, not a crash).
    await().atMost(WAIT).until(() -> sb.counters().rtpReceived() > 10
        && b.stats().packetsReceived() + b.stats().malformedTotal()
            == sb.counters().rtpReceived());
    assertThat(b.stats().packetsReceived()).isBetween(1L, 1001L);
    long accepted = heard.accepted();
    await().atMost(WAIT).until(() -> heard.accepted() > accepted + 10);
    assertThat(sb.counters().errors()).isZero();
  }

  @Test
  void statisticsShowNoLossAndARoundTripTimeAfterRtcpReports() {
    RtpSocket sa = socket();
    RtpSocket sb = socket();
    AudioStream b = closing(on(sb, scheduler.clock()).settings(settings(0, Codecs.PCMU)
        .remote(sa.localRtpAddress(), null).build()).start());
    AudioStream a = closing(on(sa, scheduler.clock()).settings(settings(0, Codecs.PCMU)
        .remote(sb.localRtpAddress(), null).build())
        .source(new ToneSource(TONE, AudioFormat.PCM_8000, 0.5)).start());
    await().atMost(WAIT).until(() -> a.stats().rttMillis() >= 0 && b.stats().rttMillis() >= 0
        && a.stats().peerFractionLost() >= 0 && a.stats().packetsReceived() > 50);

    AudioStreamStats stats = a.stats();
    assertThat(stats.codec()).isEqualTo("PCMU");
    assertThat(stats.lost()).isZero();
    assertThat(stats.fractionLost()).isZero();
    assertThat(stats.peerFractionLost()).isZero();
    assertThat(stats.peerCumulativeLost()).isZero();
    assertThat(stats.packetsSent()).isPositive();
    assertThat(stats.bytesSent()).isEqualTo(160 * stats.packetsSent());
    assertThat(stats.jitterMillis()).isNotNegative();
    assertThat(stats.rtcpSent()).isPositive();
    assertThat(stats.rtcpReceived()).isPositive();
    assertThat(stats.malformed()).isEmpty();
    assertThat(stats.ssrcChanges()).isZero();
  }

  @Test
  void closeSendsByeReleasesThePortsAndClosesTheSink() {
    RtpSocket sa = socket();
    RtpSocket sb = socket();
    AudioStream b = closing(on(sb, scheduler.clock()).settings(settings(0, Codecs.PCMU)
        .remote(sa.localRtpAddress(), null).build()).start());
    AtomicBoolean sinkClosed = new AtomicBoolean();
    AudioStream a = on(sa, scheduler.clock()).settings(settings(0, Codecs.PCMU)
        .remote(sb.localRtpAddress(), null).build()).sink(new AudioSink() {
          @Override
          public void accept(AudioFrame frame) {}

          @Override
          public void close() {
            sinkClosed.set(true);
          }
        }).start();
    await().atMost(WAIT).until(() -> b.stats().packetsReceived() > 5);
    long rtcpAtB = b.stats().rtcpReceived();

    a.close();

    a.closeFuture().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    assertThat(sinkClosed).isTrue();
    assertThat(network.openSockets()).isEqualTo(1);
    await().atMost(WAIT).until(() -> b.stats().rtcpReceived() > rtcpAtB); // the BYE
    long sent = a.stats().packetsSent();
    assertThat(a.stats().packetsSent()).isEqualTo(sent);
    assertThatThrownBy(() -> a.sendDtmf("1")).isInstanceOf(IllegalStateException.class);
    b.close();
    b.closeFuture().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    assertThat(network.portsInUse()).isZero();
  }

  @Test
  void anEchoStreamReturnsEveryPacketToItsSource() throws Exception {
    RtpSocket sa = socket();
    RtpSocket se = socket();
    EchoStream echo = closing(EchoStream.start(se, null));
    QueueSink heard = new QueueSink(500);
    AudioStream a = closing(on(sa, scheduler.clock()).settings(settings(0, Codecs.PCMU)
        .remote(se.localRtpAddress(), null).build())
        .source(new ToneSource(TONE, AudioFormat.PCM_8000, 0.5)).sink(heard).start());

    assertThat(dominant(heard(heard, 50))).isCloseTo(TONE, offset(5.0));
    assertThat(echo.counters().packetsEchoed()).isGreaterThanOrEqualTo(50);
    assertThat(echo.counters().bytesEchoed()).isEqualTo(172 * echo.counters().packetsEchoed());
    assertThat(a.stats().packetsReceived()).isPositive();
    await().atMost(WAIT).until(() -> echo.counters().rtcpReceived() > 0);
  }

  @Test
  void badSettingsAreRefusedNamingTheProblem() {
    assertThatThrownBy(() -> AudioStreamSettings.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("send codec");
    assertThatThrownBy(() -> AudioStreamSettings.builder().send(128, Codecs.PCMU))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payloadType");
    assertThatThrownBy(() -> AudioStreamSettings.builder().send(0, Codecs.PCMU)
        .telephoneEvent(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("telephone-event");
    assertThatThrownBy(() -> AudioStreamSettings.builder()
        .send(101, Codecs.TELEPHONE_EVENT_8000).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
