package dev.parley.bench;

import dev.parley.media.AudioFormat;
import dev.parley.media.AudioStream;
import dev.parley.media.AudioStreamSettings;
import dev.parley.media.Codecs;
import dev.parley.media.JitterBuffer;
import dev.parley.media.JitterBufferConfig;
import dev.parley.media.MediaNetwork;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.media.MediaScheduler;
import dev.parley.media.RtpSocket;
import dev.parley.media.ToneSource;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Two media figures of issue 12, as a main (not JMH, not a test; nothing asserted):
 *
 * <ul>
 *   <li>{@code heap N}: the heap one active {@link AudioStream} holds, its jitter buffer included:
 *       opens N streams on loopback as N/2 pairs sending a PCMU tone to each other (so every
 *       jitter buffer is filled and playing), runs them for a few seconds, then measures the used
 *       heap after full GCs, minus the same measure before the streams were opened, divided by
 *       N. Netty's direct (off-heap) buffers are not in this figure.
 *   <li>{@code jitter}: the delay the jitter buffer adds at zero network jitter, on virtual time:
 *       packets arrive exactly every 20 ms, the playout side polls every 20 ms at a phase
 *       offset from the arrivals (0..19 ms, every phase tried), and the delay of a packet is the
 *       time of the poll that hands it out minus its arrival. Default {@link JitterBufferConfig}.
 * </ul>
 *
 * <pre>
 * java -cp benchmarks.jar dev.parley.bench.MediaFootprint heap 200
 * java -cp benchmarks.jar dev.parley.bench.MediaFootprint jitter
 * </pre>
 */
public final class MediaFootprint {
  private MediaFootprint() {}

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "heap";
    switch (what) {
      case "heap" -> heap(args.length > 1 ? Integer.parseInt(args[1]) : 200);
      case "jitter" -> jitter();
      default -> throw new IllegalArgumentException("heap [N] or jitter: " + what);
    }
    System.exit(0);
  }

  private static void heap(int streams) throws Exception {
    if (streams < 2 || streams % 2 != 0 || streams > 4000) {
      throw new IllegalArgumentException("N must be even, 2..4000: " + streams);
    }
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    try (MediaNetwork network = new MediaNetwork(MediaNetworkConfig.builder()
            .bindAddress(InetAddress.getByName("127.0.0.1")).portRange(42000, 49999).build());
        MediaScheduler workers = new MediaScheduler(2)) {
      // warm the classes and the loops with one pair, closed before the baseline
      List<AudioStream> warm = pairs(network, workers, 2);
      TimeUnit.SECONDS.sleep(2);
      for (AudioStream s : warm) {
        s.close();
        s.closeFuture().join();
      }
      long before = usedAfterGc(memory);
      List<AudioStream> all = pairs(network, workers, streams);
      TimeUnit.SECONDS.sleep(4);
      long received = all.stream().mapToLong(s -> s.stats().packetsReceived()).sum();
      long after = usedAfterGc(memory);
      System.out.printf(Locale.ROOT,
          "streams=%d heap_before_kb=%d heap_after_kb=%d heap_per_stream_kb=%.1f"
              + " packets_received=%d (every stream receiving: %s)%n",
          streams, before / 1024, after / 1024, (after - before) / 1024.0 / streams, received,
          all.stream().allMatch(s -> s.stats().packetsReceived() > 0));
      for (AudioStream s : all) {
        s.close();
      }
    }
  }

  private static List<AudioStream> pairs(MediaNetwork network, MediaScheduler workers, int n) {
    List<AudioStream> out = new ArrayList<>();
    for (int i = 0; i < n / 2; i++) {
      RtpSocket a = network.open(true).join();
      RtpSocket b = network.open(true).join();
      out.add(stream(a, b, workers, 440));
      out.add(stream(b, a, workers, 1000));
    }
    return out;
  }

  private static AudioStream stream(RtpSocket self, RtpSocket peer, MediaScheduler workers,
      double hz) {
    return AudioStream.builder(self, workers)
        .settings(AudioStreamSettings.builder().remote(peer.localRtpAddress(), null)
            .send(0, Codecs.PCMU).telephoneEvent(101).build())
        .source(new ToneSource(hz, AudioFormat.PCM_8000, 0.5))
        .start();
  }

  private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      TimeUnit.MILLISECONDS.sleep(200);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static void jitter() {
    long frame = TimeUnit.MILLISECONDS.toNanos(20);
    int packets = 3000; // 60 s of audio per phase
    System.out.println("phase_ms  mean_delay_ms  max_delay_ms  min_delay_ms  played  concealed_or_silent");
    double worstMean = 0;
    double worstMax = 0;
    for (int phaseMs = 0; phaseMs < 20; phaseMs++) {
      JitterBuffer<Long> buffer = new JitterBuffer<>(JitterBufferConfig.DEFAULT);
      long phase = TimeUnit.MILLISECONDS.toNanos(phaseMs) + 1; // polls just after
      long start = TimeUnit.SECONDS.toNanos(10);
      int next = 0;
      long sum = 0;
      long max = 0;
      long min = Long.MAX_VALUE;
      int played = 0;
      int other = 0;
      for (int k = 0; k < packets + 50; k++) {
        long pollAt = start + k * frame + phase;
        // every packet that has arrived by now (arrival i at start + i * frame)
        while (next < packets && start + next * frame <= pollAt) {
          long arrival = start + next * frame;
          buffer.offer(next & 0xFFFF, (160L * next) & 0xFFFFFFFFL, arrival, arrival);
          next++;
        }
        JitterBuffer.Playout<Long> p = buffer.poll(pollAt);
        if (p instanceof JitterBuffer.Playout.Decode<Long> d) {
          long delay = pollAt - d.payload();
          if (k > 250) { // after the first 5 s: the steady state
            sum += delay;
            max = Math.max(max, delay);
            min = Math.min(min, delay);
            played++;
          }
        } else if (k > 250 && next < packets) {
          other++;
        }
      }
      double mean = played == 0 ? Double.NaN : sum / 1e6 / played;
      worstMean = Math.max(worstMean, mean);
      worstMax = Math.max(worstMax, max / 1e6);
      System.out.printf(Locale.ROOT, "%8d  %13.2f  %12.2f  %12.2f  %6d  %d%n", phaseMs, mean,
          max / 1e6, min / 1e6, played, other);
    }
    System.out.printf(Locale.ROOT,
        "jitter buffer delay at zero jitter (%s): worst mean %.2f ms, worst max %.2f ms%n",
        JitterBufferConfig.DEFAULT, worstMean, worstMax);
  }
}
