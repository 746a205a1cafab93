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
import java.util.stream.Collectors;
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
 *   <li>{@code dtmf_2833_0.pcap} .. {@code dtmf_2833_9.pcap}, one every 400 ms, and the
 *       captures in timestamp order (1-9, star, pound): the digits arrive as
 *       {@link AudioVideoSession.Listener#onDtmfReceived} events, each once, in order;
 *   <li>{@code g711a.pcap} (7.05 s of PCMA speech in 30 ms packets), as it is and cut into 20 ms
 *       packets, at an endpoint that records: the recording holds as much sound as the capture,
 *       as loud (the test decodes the capture itself for the reference).
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

  /**
   * The stock captures in the order of their RTP timestamps (digits 1-9, then star and pound):
   * one consistent stream, as a real sender makes it (one SSRC, timestamps and sequence numbers
   * going forward; the gaps between captures count as loss).
   */
  @Test
  void sippsRfc2833DigitsArriveAsDtmfEventsOnceEachInOrder() throws Exception {
    List<String> captures = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "star", "pound");
    assertThat(digitsReceived(captures, "dtmf")).isEqualTo("123456789*#");
  }

  /**
   * Digits 0 to 9 in that order ({@code media-dtmf-uac.xml}). Digit 0's capture comes from
   * another recording than digits 1-9: same SSRC, but its RTP timestamp (17632) is after digit
   * 1's (13280) and its sequence numbers 4,103 ahead, so after digit 0 the stream jumps back: an
   * RFC 3550 A.1 restart. Digit 1 must not be taken for a late packet of an older event.
   */
  @Test
  void sippsDigitsZeroToNineArriveInOrderAcrossTheCapturesRestart() throws Exception {
    List<String> captures = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    assertThat(digitsReceived(captures, "dtmf-0-9")).isEqualTo("0123456789");
  }

  /**
   * {@code g711a.pcap} cut into 20 ms packets by the test (same SSRC, audio and timing; 354
   * packets of 160 bytes, sequence numbers and timestamps renumbered), which SIPp plays like the
   * original: what Parley records holds as much sound as the capture, as loud.
   */
  @Test
  void sippsG711aCaptureIn20MillisecondPacketsIsRecordedWithAllItsSound() throws Exception {
    Path capture20 = repacketize(SIPP_MEDIA.resolve("g711a.pcap"), work.resolve("g711a-20ms.pcap"),
        AudioFormat.PCM_8000.samplesPerFrame());
    Path scenario = work.resolve("media-g711a-20ms-uac.xml");
    Files.writeString(scenario, resource("media-g711a-uac.xml")
        .replace(SIPP_MEDIA.resolve("g711a.pcap").toString(), capture20.toString())
        .replace("a=ptime:30", "a=ptime:20"));
    checkRecorded(Sipp.scenario(scenario), "g711a-20ms", 354);
  }

  /**
   * SIPp's {@code g711a.pcap} as it is: 30 ms packets (240 bytes of PCMA). Parley answers
   * {@code a=ptime:20}, but a capture cannot follow it, and a peer may send another packet time
   * anyway (RFC 4566 6: ptime is a wish): every packet must be decoded and played whole.
   */
  @Test
  void sippsG711aCaptureIsRecordedWithAllItsSound() throws Exception {
    checkRecorded(Sipp.scenarioResource("media-g711a-uac.xml"), "g711a", 236);
  }

  /**
   * Runs a SIPp call playing {@code captures} ({@code dtmf_2833_NAME.pcap}, one every 400 ms) at
   * a Parley endpoint and returns the digits its session's listener got, once the call is over.
   */
  private String digitsReceived(List<String> captures, String name) throws Exception {
    String plays = captures.stream().map(c -> "  <nop><action><exec play_pcap_audio=\""
        + SIPP_MEDIA.resolve("dtmf_2833_" + c + ".pcap") + "\"/></action></nop>\n"
        + "  <pause milliseconds=\"400\"/>\n").collect(Collectors.joining());
    String template = resource("media-dtmf-uac.xml");
    String lastPause = "  <pause milliseconds=\"400\"/>\n";
    Path scenario = work.resolve(name + "-uac.xml");
    Files.writeString(scenario, template.substring(0, template.indexOf("  <nop><action>")) + plays
        + template.substring(template.lastIndexOf(lastPause) + lastPause.length()));
    endpoint(b -> b);
    StringBuffer digits = new StringBuffer();
    try (Sipp.Running sipp = sipp(Sipp.scenario(scenario), name).start()) {
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
        await().atMost(WAIT).until(() -> digits.length() >= captures.size());
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(context, e);
      }
      assertThat(call.audioStats()).as(context).hasValueSatisfying(s -> {
        assertThat(s.dtmfReceived()).as("dtmfReceived").isEqualTo(captures.size());
        assertThat(s.dtmfDropped()).as("dtmfDropped").isZero();
      });
      return digits.toString();
    }
  }

  /**
   * Runs a SIPp call playing a PCMA capture at a Parley endpoint that records, and checks the
   * recording against the capture's own audio: as much sound (within {@link #SOUND_TOLERANCE}),
   * as loud (within a quarter), every packet received and decoded.
   */
  private void checkRecorded(Sipp scenario, String name, int packets) throws Exception {
    RecordingSink heard = new RecordingSink(work.resolve("paul-heard.wav"));
    endpoint(b -> b.audioSink(s -> heard));
    HeardAudio capture = HeardAudio.of("g711a.pcap", pcmaFrames(SIPP_MEDIA.resolve("g711a.pcap")));
    try (Sipp.Running sipp = sipp(scenario, name).start()) {
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
        assertThat(s.codec()).as("codec").isEqualToIgnoringCase("PCMA");
        assertThat(s.packetsReceived()).as("packetsReceived").isEqualTo(packets);
        assertThat(s.undecodable()).as("undecodable").isZero();
      });
    }
  }

  /**
   * The audio of a PCMA capture as SIPp plays it: the RTP payloads of payload type 8, in order,
   * decoded with parley-media's PCMA codec 20 ms at a time (the capture's packets are 30 ms).
   * Reads the pcap format (little-endian, Ethernet, IPv4, UDP) directly: no tshark needed.
   */
  static List<AudioFrame> pcmaFrames(Path pcap) throws IOException {
    byte[] all = pcmaPayloads(
        ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN));
    var codec = Codecs.PCMA.newCodec();
    int frameBytes = AudioFormat.PCM_8000.samplesPerFrame();
    List<AudioFrame> frames = new ArrayList<>();
    for (int i = 0; i + frameBytes <= all.length; i += frameBytes) {
      frames.add(codec.decode(all, i, frameBytes));
    }
    return frames;
  }

  /** The payloads of a pcap's RTP packets of payload type 8 (PCMA), joined in capture order. */
  private static byte[] pcmaPayloads(ByteBuffer b) throws IOException {
    if (b.getInt(0) != 0xa1b2c3d4 || b.getInt(20) != 1) {
      throw new IOException("not a little-endian Ethernet pcap");
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
    return alaw.toByteArray();
  }

  private Sipp sipp(Sipp scenario, String name) throws IOException {
    return scenario.remote("127.0.0.1:" + paulPort)
        .localPort(Sipp.freePort()).transport("u1").calls(1)
        .arg("-s", "paul", "-mi", "127.0.0.1", "-mp", Integer.toString(Sipp.freePort()))
        .timeoutSeconds(40).workDir(work.resolve("sipp-" + name));
  }

  /**
   * Writes {@code pcap}'s RTP packets of payload type 8 again as packets of {@code bytes} bytes
   * each (G.711: one byte a sample): the same SSRC and first sequence number, timestamps and
   * capture times advancing by {@code bytes} samples. Only what SIPp reads is written right
   * (Ethernet, IPv4 and UDP lengths, ports, addresses); checksums are 0.
   */
  static Path repacketize(Path pcap, Path out, int bytes) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
    int first = 24;
    int ip = first + 16 + 14;
    int rtp = ip + (in.get(ip) & 0x0f) * 4 + 8;
    byte[] headers = new byte[rtp - (first + 16)];     // Ethernet, IPv4, UDP of the first packet
    in.get(first + 16, headers);
    ByteBuffer firstRtp = in.duplicate().order(ByteOrder.BIG_ENDIAN).position(rtp);
    int flags = firstRtp.getShort() & 0xff7f;           // version, payload type; marker cleared
    int sequence = firstRtp.getShort() & 0xffff;
    long timestamp = firstRtp.getInt() & 0xffffffffL;
    int ssrc = firstRtp.getInt();
    long startMicros = in.getInt(first) * 1_000_000L + in.getInt(first + 4);
    byte[] audio = pcmaPayloads(in);

    int ipOffset = 14;
    int udpOffset = ipOffset + (headers[ipOffset] & 0x0f) * 4;
    ByteBuffer w = ByteBuffer.allocate(24 + (audio.length / bytes + 1) * (16 + headers.length
        + 12 + bytes)).order(ByteOrder.LITTLE_ENDIAN);
    w.put(in.array(), 0, 24);
    for (int i = 0; i + bytes <= audio.length; i += bytes) {
      int n = i / bytes;
      long micros = startMicros + (long) i * 1_000_000 / 8000;
      int length = headers.length + 12 + bytes;
      w.putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000))
          .putInt(length).putInt(length);
      ByteBuffer packet = ByteBuffer.allocate(length);   // network order
      packet.put(headers);
      packet.putShort(ipOffset + 2, (short) (length - ipOffset));
      packet.putShort(ipOffset + 10, (short) 0);
      packet.putShort(udpOffset + 4, (short) (length - udpOffset));
      packet.putShort(udpOffset + 6, (short) 0);
      packet.putShort((short) (flags | (n == 0 ? 0x80 : 0)))
          .putShort((short) (sequence + n)).putInt((int) (timestamp + i)).putInt(ssrc)
          .put(audio, i, bytes);
      w.put(packet.array());
    }
    Files.write(out, java.util.Arrays.copyOf(w.array(), w.position()));
    return out;
  }

  private static String resource(String scenario) throws IOException {
    try (var in = SippMediaAgainstParleyEndpointTest.class
        .getResourceAsStream("/sipp/" + scenario)) {
      if (in == null) {
        throw new IOException("no scenario on the class path: /sipp/" + scenario);
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
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
