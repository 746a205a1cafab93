package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.AudioVideoSession;
import dev.parley.client.Endpoint;
import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import dev.parley.media.AudioSink;
import dev.parley.media.AudioStreamStats;
import dev.parley.media.MediaNetwork;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.media.MediaScheduler;
import dev.parley.media.ToneDetector;
import dev.parley.media.ToneSource;
import dev.parley.sip.SipUri;
import dev.parley.testkit.Impairment;
import dev.parley.testkit.ImpairmentRelay;
import dev.parley.transport.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's "audio continues with concealment": a call between two Parley endpoints through a
 * real {@code parley server} ({@link ImpairedNetwork}), whose RTP crosses
 * {@link ImpairmentRelay}s losing 20% of the packets each way, with reordering and a few
 * duplicates. The callee still hears the caller's tone at its frequency, and its stream's
 * statistics count the loss and the frames the codec concealed.
 *
 * <p>The SIP relay anchors the media as a session border controller would: each SDP body an
 * endpoint sends has its audio address and port rewritten to an RTP relay in front of that
 * endpoint ({@link MediaAnchor}), so each side sends its RTP to a relay (and, with symmetric RTP,
 * back to the relay socket it hears from). SIP itself is not impaired here
 * ({@link ImpairedNetworkTest} does that).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImpairedAudioTest {
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final double TONE_HZ = 1000;

  @TempDir Path work;

  private final MediaNetwork media = new MediaNetwork(MediaNetworkConfig.builder()
      .bindAddress(InetAddress.getLoopbackAddress()).build());
  private final MediaScheduler scheduler = new MediaScheduler(1);
  private ImpairedNetwork network;
  private MediaAnchor anchor;

  @AfterEach
  void stop() {
    if (network != null) {
      network.close();
    }
    if (anchor != null) {
      anchor.close();
    }
    media.close();
    scheduler.close();
  }

  @Test
  void aToneIsStillHeardUnderTwentyPercentRtpLossAndTheLossIsConcealed(TestInfo test)
      throws Exception {
    anchor = new MediaAnchor(ImpairedNetwork.seedFor(test.getDisplayName(), ImpairedNetwork.LOSSY));
    network = ImpairedNetwork.start(work.resolve("data"), test.getDisplayName(), Impairment.NONE,
        anchor::rewrite, "alice", "bob");
    Heard heard = new Heard();
    Endpoint alice = network.add(network.endpoint("alice").mediaNetwork(media, scheduler)
        .audioSource(s -> new ToneSource(TONE_HZ, AudioFormat.PCM_8000, 0.5)));
    Endpoint bob = network.add(network.endpoint("bob").mediaNetwork(media, scheduler)
        .audioSink(s -> heard));
    alice.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    bob.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    BlockingQueue<IncomingSessionEvent> atBob = new LinkedBlockingQueue<>();
    bob.sessionManager().setListener((source, invitation) -> atBob.add(invitation));

    AudioVideoSession call = (AudioVideoSession) alice.sessionManager()
        .createSession(SessionType.AUDIO_VIDEO, SessionContext.EMPTY);
    var joined = call.addParticipant(SipUri.parse(ImpairedNetwork.aor("bob")));
    IncomingSessionEvent invitation = atBob.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(invitation).as("bob's invitation").isNotNull();
    AudioVideoSession answered = (AudioVideoSession) invitation.accept()
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    joined.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(anchor.relays).as("an RTP relay for the offer's and the answer's address")
        .hasSize(2);

    // two seconds of tone heard, and loss concealed on the way
    try {
      await().atMost(WAIT).until(() -> heard.frames.size() >= 100
          && answered.audioStats().map(s -> s.concealed() > 0 && s.lost() > 0).orElse(false));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("heard " + heard.frames.size() + " frames of sound; "
          + answered.audioStats() + "; " + anchor + "\n" + answered.trace().ladder(), e);
    }
    AudioStreamStats stats = answered.audioStats().orElseThrow();
    assertThat(heard.dominantHz()).as("%s; %s", stats, anchor)
        .isCloseTo(TONE_HZ, Offset.offset(15.0));
    assertThat(stats.packetsReceived()).isPositive();
    assertThat(stats.lost()).as("%s", stats).isPositive();
    assertThat(stats.concealed()).as("%s", stats).isPositive();
    assertThat(anchor.dropped()).as("%s", anchor).isPositive();
    // the numbers of docs/reliability.md
    System.out.printf("callee's stream: %s%n%s%n", stats, anchor);

    call.terminate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    answered.termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Keeps the frames with sound in them (at most a minute's worth). */
  private static final class Heard implements AudioSink {
    final List<AudioFrame> frames = new CopyOnWriteArrayList<>();

    @Override
    public void accept(AudioFrame frame) {
      if (frames.size() < 3000 && rms(frame) > HeardAudio.SOUND_RMS) {
        frames.add(frame);
      }
    }

    @Override
    public void close() {}

    double dominantHz() {
      // a copy: the media thread keeps appending, and a sublist of the live list would throw
      List<AudioFrame> all = List.copyOf(frames);
      List<AudioFrame> last = all.subList(all.size() - 50, all.size());
      return ToneDetector.dominantFrequency(last, 100, 3500);
    }

    private static double rms(AudioFrame f) {
      double sum = 0;
      for (short x : f.samples()) {
        sum += (double) x * x;
      }
      return Math.sqrt(sum / f.samples().length);
    }
  }

  /**
   * Media anchoring for the test, as a session border controller does it: the audio address of
   * each SDP body an endpoint sends is replaced by an RTP {@link ImpairmentRelay} in front of that
   * address (one per address, made at its first SDP), and the Content-Length follows. Runs on the
   * SIP relay's thread; thread-safe.
   */
  private static final class MediaAnchor implements AutoCloseable {
    private static final Pattern CONNECTION = Pattern.compile("(?m)^c=IN IP4 ([^\r\n]+)");
    private static final Pattern AUDIO = Pattern.compile("(?m)^m=audio (\\d+) ");
    private static final Pattern LENGTH = Pattern.compile("(?mi)^(Content-Length|l)[ \t]*:[ \t]*\\d+");

    private final long seed;
    private final java.util.concurrent.atomic.AtomicLong made =
        new java.util.concurrent.atomic.AtomicLong();
    private final Map<InetSocketAddress, ImpairmentRelay> relays = new ConcurrentHashMap<>();

    MediaAnchor(long seed) {
      this.seed = seed;
    }

    byte[] rewrite(byte[] datagram) {
      String text = new String(datagram, StandardCharsets.UTF_8);
      int body = text.indexOf("\r\n\r\n");
      if (body < 0 || !text.startsWith("v=0", body + 4)) {
        return datagram;
      }
      String sdp = text.substring(body + 4);
      Matcher c = CONNECTION.matcher(sdp);
      Matcher m = AUDIO.matcher(sdp);
      if (!c.find() || !m.find()) {
        return datagram;
      }
      InetSocketAddress rtp = new InetSocketAddress(c.group(1), Integer.parseInt(m.group(1)));
      ImpairmentRelay relay = relays.computeIfAbsent(rtp, this::relayFor);
      String anchored = sdp.substring(0, m.start(1)) + relay.address().getPort()
          + sdp.substring(m.end(1));
      anchored = CONNECTION.matcher(anchored)
          .replaceAll("c=IN IP4 " + relay.address().getAddress().getHostAddress());
      String head = LENGTH.matcher(text.substring(0, body + 2)).replaceFirst(
          "Content-Length: " + anchored.getBytes(StandardCharsets.UTF_8).length);
      return (head + "\r\n" + anchored).getBytes(StandardCharsets.UTF_8);
    }

    private ImpairmentRelay relayFor(InetSocketAddress rtp) {
      try {
        return ImpairmentRelay.builder(Transport.UDP).target(rtp)
            .impairment(ImpairedNetwork.LOSSY).seed(seed + made.getAndIncrement()).start(); // offer's, then answer's
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    long dropped() {
      return relays.values().stream().mapToLong(r -> r.stats().toTarget().dropped()
          + r.stats().toClients().dropped()).sum();
    }

    @Override
    public void close() {
      relays.values().forEach(ImpairmentRelay::close);
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder("RTP relays:");
      relays.forEach((target, r) -> b.append("\n  ").append(r).append(": ").append(r.stats()));
      return b.toString();
    }
  }
}
