package dev.parley.it;

import static dev.parley.it.BaresipAudioWithParleyEndpointTest.stats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.AudioVideoSession;
import dev.parley.client.Endpoint;
import dev.parley.client.EndpointState;
import dev.parley.client.IncomingSessionEvent;
import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import dev.parley.media.Codecs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's interop with SIPp's media: SIPp calls a Parley {@link Endpoint} directly (peer to
 * peer, no server) and plays its stock RTP captures with {@code play_pcap_audio}
 * ({@code src/test/resources/sipp/media-*-uac.xml}).
 *
 * <ul>
 *   <li>{@code dtmf_2833_0.pcap} .. {@code dtmf_2833_9.pcap}, one every 400 ms: the digits
 *       arrive as {@link AudioVideoSession.Listener#onDtmfReceived} events, each once, in order;
 *   <li>{@code g711a.pcap} (7.05 s of PCMA speech in 30 ms packets) at an endpoint that records:
 *       the recording holds as much sound as the capture, as loud (the test decodes the capture
 *       itself for the reference).
 * </ul>
 *
 * <p>SIPp sends the captures' RTP headers as recorded (SSRC, sequence numbers, timestamps), from
 * its media port; what that means for each capture is in the scenario files.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SippMediaAgainstParleyEndpointTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Path SIPP_MEDIA = Path.of("/usr/share/sip-tester");
  /** How far the recorded sound may be from the capture's: jitter buffer, start and end. */
  private static final Duration SOUND_TOLERANCE = Duration.ofMillis(600);

  @TempDir Path work;

  private final BlockingQueue<IncomingSessionEvent> invitations = new LinkedBlockingQueue<>();
  private Endpoint paul;
  private int paulPort;

  @BeforeEach
  void needsSipp() throws IOException {
    Sipp.requireInstalled();
    paulPort = Sipp.freePort();
  }

  @AfterEach
  void stop() throws Exception {
    if (paul != null) {
      if (paul.state() == EndpointState.ENABLED) {
        paul.disable().get(5, TimeUnit.SECONDS);
      }
      paul.close();
    }
  }

  @Test
  void sippsRfc2833DigitsArriveAsDtmfEventsOnceEachInOrder() throws Exception {
    endpoint(b -> b);
    StringBuffer digits = new StringBuffer();
    Sipp.Running sipp = sipp("media-dtmf-uac.xml", "dtmf").start();
    try {
      IncomingSessionEvent invitation = next();
      AudioVideoSession call = (AudioVideoSession) invitation.session();
      call.addListener(new AudioVideoSession.Listener() {
        @Override
        public void onDtmfReceived(AudioVideoSession s, char digit) {
          digits.append(digit);
        }
      });
      invitation.accept().get(WAIT.toSeconds(), TimeUnit.SECONDS);

      Sipp.Result result = sipp.stop(Duration.ofSeconds(30));
      assertThat(result.successful()).as("%s", result).isEqualTo(1);
      call.termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      String context = "digits " + digits + "; " + stats(call) + "\n" + call.trace().ladder()
          + "\n" + result;
      try {
        // the session ended after the last digit's end packets: nothing is still on its way
        await().atMost(WAIT).until(() -> digits.length() >= 10);
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(context, e);
      }
      assertThat(digits.toString()).as(context).isEqualTo("0123456789");
      assertThat(call.audioStats()).as(context)
          .hasValueSatisfying(s -> assertThat(s.dtmfReceived()).isEqualTo(10));
    } finally {
      sipp.close();
    }
  }

  @Test
  void sippsG711aCaptureIsRecordedWithAllItsSound() throws Exception {
    RecordingSink heard = new RecordingSink(work.resolve("paul-heard.wav"));
    endpoint(b -> b.audioSink(s -> heard));
    HeardAudio capture = HeardAudio.of("g711a.pcap", pcmaFrames(SIPP_MEDIA.resolve("g711a.pcap")));
    Sipp.Running sipp = sipp("media-g711a-uac.xml", "g711a").start();
    try {
      IncomingSessionEvent invitation = next();
      AudioVideoSession call =
          (AudioVideoSession) invitation.accept().get(WAIT.toSeconds(), TimeUnit.SECONDS);

      Sipp.Result result = sipp.stop(Duration.ofSeconds(30));
      assertThat(result.successful()).as("%s", result).isEqualTo(1);
      call.termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);

      HeardAudio audio = heard.awaitRecording(WAIT);
      String context = audio + "\nreference " + capture + "\n" + stats(call);
      assertThat(audio.duration()).as(context).isGreaterThanOrEqualTo(capture.duration());
      assertThat(audio.soundDuration()).as(context).isBetween(
          capture.soundDuration().minus(SOUND_TOLERANCE),
          capture.soundDuration().plus(SOUND_TOLERANCE));
      // as loud as the capture, give or take a quarter (concealment at the edges of talkspurts)
      assertThat(audio.soundRms()).as(context)
          .isBetween(capture.soundRms() * 0.75, capture.soundRms() * 1.25);
      assertThat(call.audioStats()).as(context).hasValueSatisfying(s -> {
        assertThat(s.codec()).isEqualToIgnoringCase("PCMA");
        assertThat(s.packetsReceived()).isEqualTo(236);
        assertThat(s.undecodable()).isZero();
      });
    } finally {
      sipp.close();
    }
  }

  /**
   * The audio of a PCMA capture as SIPp plays it: the RTP payloads of payload type 8, in order,
   * decoded with parley-media's PCMA codec 20 ms at a time (the capture's packets are 30 ms).
   * Reads the pcap format (little-endian, Ethernet, IPv4, UDP) directly: no tshark needed.
   */
  static List<AudioFrame> pcmaFrames(Path pcap) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(0) != 0xa1b2c3d4 || b.getInt(20) != 1) {
      throw new IOException(pcap + ": not a little-endian Ethernet pcap");
    }
    ByteArrayOutputStream alaw = new ByteArrayOutputStream();
    int at = 24;
    while (at + 16 <= b.limit()) {
      int length = b.getInt(at + 8);
      int ip = at + 16 + 14;
      int udp = ip + (b.get(ip) & 0x0f) * 4;
      int rtp = udp + 8;
      int payloadType = b.get(rtp + 1) & 0x7f;
      if (payloadType == 8) {
        alaw.write(b.array(), rtp + 12, at + 16 + length - (rtp + 12));
      }
      at += 16 + length;
    }
    byte[] all = alaw.toByteArray();
    var codec = Codecs.PCMA.newCodec();
    int frameBytes = AudioFormat.PCM_8000.samplesPerFrame();
    List<AudioFrame> frames = new ArrayList<>();
    for (int i = 0; i + frameBytes <= all.length; i += frameBytes) {
      frames.add(codec.decode(all, i, frameBytes));
    }
    return frames;
  }

  private Sipp sipp(String scenario, String name) throws IOException {
    return Sipp.scenarioResource(scenario).remote("127.0.0.1:" + paulPort)
        .localPort(Sipp.freePort()).transport("u1").calls(1)
        .arg("-s", "paul", "-mi", "127.0.0.1", "-mp", Integer.toString(Sipp.freePort()))
        .timeoutSeconds(40).workDir(work.resolve("sipp-" + name));
  }

  /** A peer-to-peer Parley endpoint on {@link #paulPort}, its invitations queued. */
  private void endpoint(UnaryOperator<Endpoint.Builder> audio) throws Exception {
    paul = audio.apply(Endpoint.builder("sip:paul@127.0.0.1:" + paulPort)
        .listen("udp:127.0.0.1:" + paulPort)).build();
    paul.sessionManager().setListener((source, invitation) -> invitations.add(invitation));
    paul.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(paul.state()).isEqualTo(EndpointState.ENABLED);
  }

  private IncomingSessionEvent next() throws InterruptedException {
    IncomingSessionEvent e = invitations.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(e).as("SIPp's INVITE within %s", WAIT).isNotNull();
    assertThat(e.session()).as("an audio invitation").isInstanceOf(AudioVideoSession.class);
    return e;
  }
}
