package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The RTP a mixer sends to a participant when it skips ticks it fell too far behind on: the
 * participant's leg is a real socket on loopback sending to a plain datagram socket, the mixer
 * ticks on virtual time. After a skip the RTP timestamp jumps by the skipped samples and the
 * packet is marked; otherwise (on time, or a short stall caught up) it moves one frame a packet.
 */
class AudioMixerSkipTimestampTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final AudioFormat F = AudioFormat.PCM_8000;
  private static final long FRAME = AudioFormat.FRAME_MILLIS;
  private static final int PCMU_SAMPLES = 160; // one 20 ms frame at PCMU's 8 kHz
  private static final int WAIT_MILLIS = 30_000;

  private MediaNetwork network;
  private DatagramSocket phone;
  private final VirtualMediaClock clock = new VirtualMediaClock();
  private AudioMixer mixer;

  @BeforeEach
  void start() throws IOException {
    network = new MediaNetwork(MediaNetworkConfig.builder().bindAddress(LOOPBACK)
        .portRange(30000, 39999).threads(1).build());
    phone = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
    phone.setSoTimeout(WAIT_MILLIS);
  }

  @AfterEach
  void stop() {
    if (mixer != null) {
      mixer.close();
      clock.advance(0, TimeUnit.MILLISECONDS); // the close tasks run
    }
    phone.close();
    network.close();
  }

  /** A mixer with a speaking local participant and the phone's RTP leg (PCMU). */
  private MixerParticipant mixerWithPhone(int maxCatchUpTicks) {
    mixer = AudioMixer.builder(clock).format(F).maxCatchUpTicks(maxCatchUpTicks).build();
    short[] s = new short[F.samplesPerFrame()];
    Arrays.fill(s, (short) 1000);
    AudioFrame frame = AudioFrame.of(F, s);
    mixer.addLocal(new AudioSource() {
      @Override
      public AudioFormat format() {
        return F;
      }

      @Override
      public AudioFrame next() {
        return frame;
      }
    }, new QueueSink(1000));
    RtpSocket socket = network.open(true).join();
    AudioStreamSettings settings = AudioStreamSettings.builder().send(0, Codecs.PCMU)
        .remote((InetSocketAddress) phone.getLocalSocketAddress(), null).build();
    return mixer.add(socket, settings, new MixerParticipant.Listener() {});
  }

  private void ticks(int n) {
    for (int i = 0; i < n; i++) {
      clock.advance(FRAME, TimeUnit.MILLISECONDS);
    }
  }

  /** The next {@code n} RTP packets the phone receives (RTCP, RFC 5761 types, passed over). */
  private List<RtpPacket> receive(int n) throws IOException {
    List<RtpPacket> packets = new ArrayList<>();
    byte[] buf = new byte[2048];
    while (packets.size() < n) {
      DatagramPacket d = new DatagramPacket(buf, buf.length);
      try {
        phone.receive(d);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("RTP packet " + (packets.size() + 1) + " of " + n
            + " not received within " + WAIT_MILLIS + " ms", e);
      }
      int type = d.getLength() > 1 ? buf[1] & 0xff : -1;
      if (type >= 192 && type <= 223) {
        continue; // RTCP on the muxed port
      }
      packets.add(RtpPacket.parse(buf, 0, d.getLength()));
    }
    return packets;
  }

  private static long step(RtpPacket before, RtpPacket after) {
    return (after.timestamp() - before.timestamp()) & 0xffffffffL;
  }

  @Test
  void afterASkipTheNextPacketsTimestampJumpsByTheSkippedSamplesAndCarriesTheMarker()
      throws IOException {
    mixerWithPhone(AudioMixer.DEFAULT_MAX_CATCH_UP_TICKS);
    ticks(10);
    clock.stall(1000, TimeUnit.MILLISECONDS); // 50 slots pass without a tick
    clock.advance(0, TimeUnit.MILLISECONDS); // one tick runs, 49 are skipped
    ticks(5);
    assertThat(mixer.stats().skippedTicks()).isEqualTo(49);

    List<RtpPacket> p = receive(16); // 10 before the stall, 1 at its end, 5 after
    assertThat(p.get(0).marker()).as("first packet").isTrue();
    for (int i = 1; i < 10; i++) {
      assertThat(step(p.get(i - 1), p.get(i))).as("step to packet %d", i).isEqualTo(PCMU_SAMPLES);
      assertThat(p.get(i).marker()).as("marker of packet %d", i).isFalse();
    }
    assertThat(step(p.get(9), p.get(10))).as("step over the skip")
        .isEqualTo((49 + 1) * PCMU_SAMPLES);
    assertThat(p.get(10).marker()).as("marker after the skip").isTrue();
    assertThat(p.get(10).sequenceNumber()).as("no packets sent for the skipped slots")
        .isEqualTo((p.get(9).sequenceNumber() + 1) & 0xffff);
    for (int i = 11; i < 16; i++) {
      assertThat(step(p.get(i - 1), p.get(i))).as("step to packet %d", i).isEqualTo(PCMU_SAMPLES);
      assertThat(p.get(i).marker()).as("marker of packet %d", i).isFalse();
    }
  }

  @Test
  void repeatedSkipsEachMoveTheTimestampOnSoItFollowsTheWallClock() throws IOException {
    mixerWithPhone(0);
    ticks(2);
    clock.stall(3 * FRAME, TimeUnit.MILLISECONDS); // 2 slots skipped
    clock.advance(0, TimeUnit.MILLISECONDS);
    ticks(1);
    clock.stall(5 * FRAME, TimeUnit.MILLISECONDS); // 4 slots skipped
    clock.advance(0, TimeUnit.MILLISECONDS);
    ticks(1);
    assertThat(mixer.stats().skippedTicks()).isEqualTo(6);

    List<RtpPacket> p = receive(6);
    // 2 + 3 + 1 + 5 + 1 = 12 slots of wall clock from the first packet's to the last's
    assertThat(step(p.get(0), p.get(5))).isEqualTo((12 - 1) * PCMU_SAMPLES);
    assertThat(p).extracting(RtpPacket::marker)
        .containsExactly(true, false, true, false, true, false);
  }

  @Test
  void withoutASkipTheTimestampMovesOneFramePerPacketEvenWhenCatchingUp() throws IOException {
    mixerWithPhone(AudioMixer.DEFAULT_MAX_CATCH_UP_TICKS);
    ticks(5);
    clock.stall(AudioMixer.DEFAULT_MAX_CATCH_UP_TICKS * FRAME, TimeUnit.MILLISECONDS);
    clock.advance(0, TimeUnit.MILLISECONDS); // the missed ticks run back to back
    ticks(5);
    assertThat(mixer.stats().skippedTicks()).isZero();

    int n = 5 + AudioMixer.DEFAULT_MAX_CATCH_UP_TICKS + 5;
    List<RtpPacket> p = receive(n);
    for (int i = 1; i < n; i++) {
      assertThat(step(p.get(i - 1), p.get(i))).as("step to packet %d", i).isEqualTo(PCMU_SAMPLES);
      assertThat(p.get(i).marker()).as("marker of packet %d", i).isFalse();
    }
  }

  @Test
  void aSkipOfNoFramesIsRefusedByName() {
    MixerParticipant p = mixerWithPhone(AudioMixer.DEFAULT_MAX_CATCH_UP_TICKS);
    assertThatThrownBy(() -> p.stream().skipFrames(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frames");
  }
}
