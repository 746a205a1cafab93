package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.media.AudioCodec;
import dev.parley.media.AudioFrame;
import dev.parley.media.Codecs;
import dev.parley.media.MediaNetwork;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.media.RtpPacket;
import dev.parley.media.RtpSocket;
import dev.parley.media.ToneDetector;
import dev.parley.sdp.MediaDescription;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import io.netty.buffer.ByteBufUtil;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parley uas --media} as a process, called by a test caller that speaks SIP as wire text
 * ({@link MockSipPeer}) and RTP through a parley-media {@link RtpSocket} on 127.0.0.1.
 */
class UasMediaTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private MediaNetwork network;
  private RtpSocket rtp;
  /** Payloads of the RTP packets the caller received (bounded: the test reads at most 1,000). */
  private final BlockingQueue<RtpPacket> received = new LinkedBlockingQueue<>(1000);
  private final AtomicInteger overflow = new AtomicInteger();

  @BeforeEach
  void openCallerSocket() {
    network = new MediaNetwork(MediaNetworkConfig.builder()
        .bindAddress(InetAddress.getLoopbackAddress()).threads(1).build());
    rtp = network.open(false).join();
    rtp.handler((packet, source, arrivalNanos) -> {
      if (!received.offer(RtpPacket.parse(ByteBufUtil.getBytes(packet)))) {
        overflow.incrementAndGet();
      }
    });
  }

  @AfterEach
  void closeCallerSocket() {
    network.close();
  }

  @Test
  void echoSendsBackEveryRtpPacketWithItsPayloadAndCountsThemWhenStopped() throws Exception {
    try (UasProcess uas = UasProcess.start("--media", "echo");
        MockSipPeer caller = MockSipPeer.start("127.0.0.1")) {
      assertThat(uas.readyLine()).contains("media echo, RTP ports 16384-32767");
      SipResponse ok = call(uas, caller, "echo-1", UasProcess.offer(rtpPort(), 8, 0));
      MediaDescription answer = SessionDescription.parse(ok.body()).media().get(0);
      assertThat(answer.formats()).as("the caller's first codec first").startsWith("8", "0");

      List<byte[]> sent = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        byte[] payload = new byte[160];
        for (int j = 0; j < payload.length; j++) {
          payload[j] = (byte) (i * 7 + j);
        }
        sent.add(payload);
        byte[] packet = RtpPacket.builder().payloadType(8).sequenceNumber(1000 + i)
            .timestamp(160L * i).ssrc(0x1234_5678L).payload(payload).build().toBytes();
        rtp.sendRtp(packet, 0, packet.length);
      }
      List<RtpPacket> back = new ArrayList<>();
      await().atMost(WAIT).until(() -> {
        received.drainTo(back);
        return back.size() >= 100;
      });
      assertThat(back).hasSize(100);
      assertThat(overflow).hasValue(0);
      assertThat(back).allSatisfy(p -> assertThat(p.ssrc()).isEqualTo(0x1234_5678L));
      assertThat(back.stream().map(RtpPacket::payloadBytes).toList())
          .usingElementComparator(java.util.Arrays::compare)
          .containsExactlyInAnyOrderElementsOf(sent);

      caller.send(uas.inDialog(caller, "BYE", "echo-1", ok), uas.address());
      assertThat(caller.takeFinalResponse().statusCode()).isEqualTo(200);
      assertThat(uas.stop()).contains("1 ended").contains("media echo: 1 calls, 100 packets echoed");
    }
  }

  @Test
  void withAnEchoPortEveryCallIsAnsweredWithItAndEachCallerGetsOnlyItsOwnPacketsBack()
      throws Exception {
    int port = UasProcess.freeRtpPair();
    RtpSocket other = network.open(false).join();
    BlockingQueue<RtpPacket> atOther = new LinkedBlockingQueue<>(1000);
    other.handler((packet, source, arrivalNanos) ->
        atOther.offer(RtpPacket.parse(ByteBufUtil.getBytes(packet))));
    try (UasProcess uas = UasProcess.start("--media", "echo", "--echo-port", Integer.toString(port));
        MockSipPeer caller = MockSipPeer.start("127.0.0.1")) {
      assertThat(uas.readyLine()).contains("media echo, RTP ports 16384-32767, one echo port " + port);
      SipResponse first = call(uas, caller, "shared-1", UasProcess.offer(rtpPort(), 0));
      int otherPort = other.localRtpAddress().getPort();
      caller.send(uas.invite(caller, "shared-2", UasProcess.offer(otherPort, 8)), uas.address());
      SipResponse second = finalFor(caller, "shared-2");
      assertThat(second.statusCode()).isEqualTo(200);
      caller.send(uas.inDialog(caller, "ACK", "shared-2", second), uas.address());
      assertThat(SessionDescription.parse(first.body()).media().get(0).port()).isEqualTo(port);
      assertThat(SessionDescription.parse(second.body()).media().get(0).port()).isEqualTo(port);
      other.remote(new InetSocketAddress("127.0.0.1", port), null);

      for (int i = 0; i < 20; i++) {
        byte[] a = RtpPacket.builder().payloadType(0).sequenceNumber(i).timestamp(160L * i)
            .ssrc(0xAAAAL).payload(new byte[160]).build().toBytes();
        byte[] b = RtpPacket.builder().payloadType(8).sequenceNumber(i).timestamp(160L * i)
            .ssrc(0xBBBBL).payload(new byte[160]).build().toBytes();
        rtp.sendRtp(a, 0, a.length);
        other.sendRtp(b, 0, b.length);
      }
      List<RtpPacket> backA = new ArrayList<>();
      List<RtpPacket> backB = new ArrayList<>();
      await().atMost(WAIT).until(() -> {
        received.drainTo(backA);
        atOther.drainTo(backB);
        return backA.size() >= 20 && backB.size() >= 20;
      });
      assertThat(backA).hasSize(20).allSatisfy(p -> assertThat(p.ssrc()).isEqualTo(0xAAAAL));
      assertThat(backB).hasSize(20).allSatisfy(p -> assertThat(p.ssrc()).isEqualTo(0xBBBBL));

      caller.send(uas.inDialog(caller, "BYE", "shared-1", first), uas.address());
      assertThat(finalFor(caller, "shared-1").statusCode()).isEqualTo(200);
      caller.send(uas.inDialog(caller, "BYE", "shared-2", second), uas.address());
      assertThat(finalFor(caller, "shared-2").statusCode()).isEqualTo(200);
      assertThat(uas.stop()).contains("2 ended")
          .contains("media echo: 2 calls, 40 packets echoed, 0 from unknown sources dropped");
    }
  }

  @Test
  void toneSendsRtpWhoseDecodedAudioIsAt1000Hz() throws Exception {
    try (UasProcess uas = UasProcess.start("--media", "tone:1000");
        MockSipPeer caller = MockSipPeer.start("127.0.0.1")) {
      assertThat(uas.readyLine()).contains("media tone:1000");
      SipResponse ok = call(uas, caller, "tone-1", UasProcess.offer(rtpPort(), 0));
      assertThat(SessionDescription.parse(ok.body()).media().get(0).formats()).startsWith("0");

      List<RtpPacket> packets = new ArrayList<>();
      await().atMost(WAIT).until(() -> {
        received.drainTo(packets);
        return packets.stream().filter(p -> p.payloadType() == 0).count() >= 60;
      });
      AudioCodec pcmu = Codecs.PCMU.newCodec();
      List<AudioFrame> second = packets.stream().filter(p -> p.payloadType() == 0).skip(10)
          .limit(50).map(p -> pcmu.decode(p.payloadBytes(), 0, p.payloadLength())).toList();
      assertThat(ToneDetector.dominantFrequency(second, 100, 3500)).isCloseTo(1000, within(5));

      caller.send(uas.inDialog(caller, "BYE", "tone-1", ok), uas.address());
      assertThat(caller.takeFinalResponse().statusCode()).isEqualTo(200);
      assertThat(uas.stop()).contains("media tone:1000: 1 calls");
    }
  }

  @Test
  void aWavFileIsPlayedInALoopAndTheCallerHearsItsTone(@TempDir Path dir) throws Exception {
    Path wav = dir.resolve("prompt.wav");
    writeTone(wav, 700, 8000, 0.5); // half a second: the caller hears it looped
    try (UasProcess uas = UasProcess.start("--media", "file:" + wav);
        MockSipPeer caller = MockSipPeer.start("127.0.0.1")) {
      assertThat(uas.readyLine()).contains("media file:" + wav);
      SipResponse ok = call(uas, caller, "file-1", UasProcess.offer(rtpPort(), 8));

      List<RtpPacket> packets = new ArrayList<>();
      await().atMost(WAIT).until(() -> {
        received.drainTo(packets);
        return packets.stream().filter(p -> p.payloadType() == 8).count() >= 70;
      });
      AudioCodec pcma = Codecs.PCMA.newCodec();
      List<AudioFrame> frames = packets.stream().filter(p -> p.payloadType() == 8).skip(10)
          .limit(60).map(p -> pcma.decode(p.payloadBytes(), 0, p.payloadLength())).toList();
      assertThat(ToneDetector.dominantFrequency(frames, 100, 3500)).isCloseTo(700, within(5));

      caller.send(uas.inDialog(caller, "BYE", "file-1", ok), uas.address());
      assertThat(finalFor(caller, "file-1").statusCode()).isEqualTo(200);
      assertThat(uas.stop()).contains("media file:" + wav + ": 1 calls");
    }
  }

  /** A mono 16-bit PCM WAV file of {@code seconds} of a sine at {@code hz}, 8 kHz. */
  private static void writeTone(Path file, double hz, int samples, double seconds)
      throws java.io.IOException {
    int n = (int) (samples * seconds);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + 2 * n)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + 2 * n)
        .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
        .putShort((short) 1).putShort((short) 1).putInt(samples).putInt(2 * samples)
        .putShort((short) 2).putShort((short) 16)
        .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(2 * n);
    for (int i = 0; i < n; i++) {
      b.putShort((short) Math.round(16000 * Math.sin(2 * Math.PI * hz * i / samples)));
    }
    java.nio.file.Files.write(file, b.array());
  }

  @Test
  void aCallThatFindsNoRtpPortLeftIsAnswered503UntilAByeFreesOne() throws Exception {
    int port = UasProcess.freeRtpPair();
    try (UasProcess uas = UasProcess.start("--media", "echo", "--rtp-ports",
        port + "-" + (port + 1));
        MockSipPeer caller = MockSipPeer.start("127.0.0.1")) {
      SipResponse first = call(uas, caller, "full-1", UasProcess.offer(rtpPort(), 0));
      assertThat(SessionDescription.parse(first.body()).media().get(0).port()).isEqualTo(port);

      caller.send(uas.invite(caller, "full-2", UasProcess.offer(rtpPort(), 0)), uas.address());
      assertThat(finalFor(caller, "full-2").statusCode()).isEqualTo(503);
      await().atMost(WAIT).until(() -> uas.lines().stream()
          .anyMatch(l -> l.contains("503 Service Unavailable: no RTP port left in " + port)));

      caller.send(uas.inDialog(caller, "BYE", "full-1", first), uas.address());
      assertThat(caller.takeFinalResponse().statusCode()).isEqualTo(200);
      // the ports return to the range once the socket is closed (asynchronously): call again
      // until a call gets them (every try is answered 503 or 200, never left waiting)
      AtomicInteger tries = new AtomicInteger();
      SipResponse[] again = new SipResponse[1];
      await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
        String id = "full-3-" + tries.incrementAndGet();
        caller.send(uas.invite(caller, id, UasProcess.offer(rtpPort(), 0)), uas.address());
        SipResponse r = finalFor(caller, id);
        if (r.statusCode() == 200) {
          again[0] = r;
          caller.send(uas.inDialog(caller, "ACK", id, r), uas.address());
          return true;
        }
        assertThat(r.statusCode()).isEqualTo(503);
        return false;
      });
      assertThat(SessionDescription.parse(again[0].body()).media().get(0).port()).isEqualTo(port);
      assertThat(uas.stop()).contains("media echo: 2 calls");
    }
  }

  @Test
  void withoutMediaTheAnswerIsTheFixedPcmuLineOnPort6000AndNoRtpIsSent() throws Exception {
    try (UasProcess uas = UasProcess.start();
        MockSipPeer caller = MockSipPeer.start("127.0.0.1")) {
      assertThat(uas.readyLine()).endsWith(" (Ctrl-C to stop)").doesNotContain("media");
      SipResponse ok = call(uas, caller, "plain-1", UasProcess.offer(rtpPort(), 8));
      MediaDescription m = SessionDescription.parse(ok.body()).media().get(0);
      assertThat(m.port()).isEqualTo(6000);
      assertThat(m.formats()).containsExactly("0");
      // a call of a second and a half: nothing at all reaches the offer's RTP and RTCP ports
      // (with --media a tone's first packet comes 20 ms after the 200)
      await().during(Duration.ofMillis(1500)).atMost(WAIT).until(() -> {
        RtpSocket.Counters c = rtp.counters();
        return c.rtpReceived() + c.rtcpReceived() + c.malformedDropped() + c.oversizeDropped()
            == 0;
      });
      assertThat(received).isEmpty();

      caller.send(uas.inDialog(caller, "BYE", "plain-1", ok), uas.address());
      assertThat(finalFor(caller, "plain-1").statusCode()).isEqualTo(200);
      assertThat(uas.stop()).contains("1 ended").doesNotContain("media");
    }
  }

  @Test
  void badMediaAndPortValuesAreUsageErrorsNamingTheOption() {
    assertUsageError("--media: unknown media 'wobble'", "--media", "wobble");
    assertUsageError("--media: tone frequency is not a number", "--media", "tone:loud");
    assertUsageError("--media: tone frequency must be above 0 and below 4000", "--media", "tone:5000");
    assertUsageError("--media: file: needs a path", "--media", "file:");
    assertUsageError("no such file", "--media", "file:/nonexistent/prompt.wav");
    assertUsageError("--rtp-ports: '30000' is not MIN-MAX", "--media", "echo", "--rtp-ports", "30000");
    assertUsageError("--rtp-ports: '5-4': needs 1 <= MIN < MAX", "--media", "echo", "--rtp-ports", "5-4");
    assertUsageError("--rtp-ports: only with --media", "--rtp-ports", "20000-20999");
    assertUsageError("--rtp-ports: '5001-5002': needs", "--media", "echo", "--rtp-ports",
        "5001-5002"); // no even port with its odd one inside
    assertUsageError("--media-threads: out of range 1..64: 0", "--media", "echo",
        "--media-threads", "0");
    assertUsageError("--media-wakeup-us: out of range 0..10000: 10001", "--media", "echo",
        "--media-wakeup-us", "10001");
    assertUsageError("--media-wakeup-batch: out of range 0..1024: 1025", "--media", "echo",
        "--media-wakeup-us", "500", "--media-wakeup-batch", "1025");
    assertUsageError("--media-wakeup-batch: only with --media-wakeup-us", "--media", "echo",
        "--media-wakeup-batch", "12");
    assertUsageError("--echo-port: only with --media echo", "--echo-port", "30000");
    assertUsageError("--echo-port: only with --media echo", "--media", "tone:440",
        "--echo-port", "30000");
    assertUsageError("--echo-port: port: an even port in 2..65534 expected: 30001", "--media",
        "echo", "--echo-port", "30001");
    assertUsageError("--listen: with --media, every listen point needs the same address",
        "--media", "echo", "--listen", "udp:0.0.0.0:0");
  }

  private static void assertUsageError(String expected, String... args) {
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("uas", "--listen", "udp:127.0.0.1:0"));
    all.addAll(List.of(args));
    int status = Parley.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
        all.toArray(new String[0]));
    assertThat(status).as("%s: %s", all, err).isEqualTo(2);
    assertThat(err.toString()).as("%s", all).contains(expected);
  }

  private int rtpPort() {
    return rtp.localRtpAddress().getPort();
  }

  /** INVITE, 200 (checked), ACK; the caller's socket then sends to the answer's port. */
  private SipResponse call(UasProcess uas, MockSipPeer caller, String callId, String offer)
      throws Exception {
    caller.timeout(WAIT);
    caller.send(uas.invite(caller, callId, offer), uas.address());
    SipResponse ok = finalFor(caller, callId);
    assertThat(ok.statusCode()).as("%s", ok).isEqualTo(200);
    caller.send(uas.inDialog(caller, "ACK", callId, ok), uas.address());
    int port = SessionDescription.parse(ok.body()).media().get(0).port();
    rtp.remote(new InetSocketAddress("127.0.0.1", port), null);
    return ok;
  }

  /**
   * The next final response of call {@code callId}, skipping retransmissions of earlier calls'
   * (a 503 is retransmitted until ACKed, which the test does not bother with).
   */
  private static SipResponse finalFor(MockSipPeer caller, String callId) {
    for (int i = 0; i < 50; i++) {
      SipResponse r = caller.takeFinalResponse();
      if (r.callId().equals(callId)) {
        return r;
      }
    }
    throw new AssertionError("no final response for " + callId + " among 50");
  }

  private static org.assertj.core.data.Offset<Double> within(double hz) {
    return org.assertj.core.data.Offset.offset(hz);
  }
}
