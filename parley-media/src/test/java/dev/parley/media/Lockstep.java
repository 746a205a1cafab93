package dev.parley.media;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Two streams on virtual clocks, advanced together one 20 ms frame at a time: after each frame's
 * two ticks, every packet either side sent is awaited at the other. The test builds {@link #a}
 * on {@link #clockA} and {@link #b} on {@link #clockB}, each sending to the other.
 */
final class Lockstep {
  private static final Duration WAIT = Duration.ofSeconds(30);

  final VirtualMediaClock clockA = new VirtualMediaClock();
  final VirtualMediaClock clockB = new VirtualMediaClock();
  AudioStream a;
  AudioStream b;

  /** {@code frames} frames: both ticks, then every packet sent is awaited at the other side. */
  void step(int frames) {
    for (int i = 0; i < frames; i++) {
      clockA.advance(20, TimeUnit.MILLISECONDS);
      clockB.advance(20, TimeUnit.MILLISECONDS);
      await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
          .until(() -> a.stats().packetsReceived() == b.stats().packetsSent()
          && b.stats().packetsReceived() == a.stats().packetsSent());
    }
  }
}
