package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where every participant's frame goes ({@link MixerStats#frames()}), with RTP legs on loopback
 * and the mixer on virtual time: the test sends each packet, waits until the leg has it, then
 * moves the clock one frame on, so the jitter buffers see a network without jitter.
 */
class AudioMixerAccountingTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AudioFormat F = AudioFormat.PCM_8000;

  private final MediaNetwork network = new MediaNetwork(MediaNetworkConfig.builder()
      .bindAddress(LOOPBACK).portRange(40000, 40999).threads(1).build());
  private final VirtualMediaClock clock = new VirtualMediaClock();
  private final AudioMixer mixer = AudioMixer.builder(clock).format(F).build();
  private final List<DatagramChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    mixer.close();
    clock.advance(0, TimeUnit.MILLISECONDS);
    mixer.closeFuture().get(30, TimeUnit.SECONDS);
    for (DatagramChannel c : channels) {
      c.close();
    }
    network.close();
  }

  /** A plain RTP phone sending PCMU to its leg; {@code tone} false: G.711 silence. */
  private final class Phone {
    final DatagramChannel channel;
    final MixerParticipant leg;
    final byte[] payload;
    int sequence;

    Phone(boolean tone) throws IOException {
      channel = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
      channels.add(channel);
      leg = mixer.add(network.open(true).join(),
          AudioStreamSettings.builder().send(0, Codecs.PCMU).build(),
          new MixerParticipant.Listener() {});
      AudioCodec pcmu = Codecs.PCMU.newCodec();
      payload = pcmu.encode(tone ? new ToneSource(440, F, 0.3).next() : AudioFrame.silence(F));
    }

    void send() throws IOException {
      ByteBuffer b = ByteBuffer.allocate(12 + payload.length);
      b.put((byte) 0x80).put((byte) 0).putShort((short) sequence).putInt(sequence * 160)
          .putInt(0x1234 + System.identityHashCode(this)).put(payload).flip();
      sequence++;
      channel.send(b, leg.socket().localRtpAddress());
      await().atMost(WAIT).until(() -> leg.stats().packetsReceived() == sequence);
    }
  }

  private void tick() {
    clock.advance(AudioFormat.FRAME_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Test
  void everyFrameOfEveryParticipantIsCountedOnceWithItsCause() throws Exception {
    Phone speaker = new Phone(true);
    Phone quiet = new Phone(false);
    new Phone(false); // joins and never sends
    for (int i = 0; i < 50; i++) {
      speaker.send();
      quiet.send();
      tick();
    }
    for (int i = 0; i < 20; i++) { // the speaker stops sending; the quiet one goes on
      quiet.send();
      tick();
    }

    MixerStats s = mixer.stats();
    MixerStats.Frames f = s.frames();
    assertThat(s.ticks()).isEqualTo(70);
    assertThat(s.skippedTicks()).isZero();
    assertThat(f.total()).as("one frame per participant per tick").isEqualTo(3 * 70);
    assertThat(f.mixed()).as("the speaker's packets, each played once").isEqualTo(50);
    assertThat(f.mixedConcealed()).as("concealment of the speaker's silence, faded out")
        .isBetween(1L, (long) JitterBufferConfig.DEFAULT_MAX_CONCEAL_FRAMES);
    assertThat(f.silent()).as("the quiet phone's G.711 silence").isEqualTo(70);
    assertThat(f.missing()).as("the speaker's slots after the concealment")
        .isEqualTo(20 - f.mixedConcealed() - f.concealedSilent());
    assertThat(f.starting()).as("the phone that never sent").isEqualTo(70);
    assertThat(f.leftOut()).isZero();
    assertThat(f.noFrame()).isZero();
    assertThat(speaker.leg.mixedFrames()).isEqualTo(50 + f.mixedConcealed());
  }
}
