package dev.parley.media;

import static dev.parley.media.JitterSimulation.MS;
import static dev.parley.media.JitterSimulation.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.media.JitterBuffer.Playout;
import dev.parley.media.JitterSimulation.Arrival;
import dev.parley.media.JitterSimulation.Tick;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JitterBufferTest {
  private static final long SPF = 160; // 20 ms at 8 kHz

  private static JitterSimulation simulation(JitterBufferConfig config) {
    return new JitterSimulation(new JitterBuffer<>(config), 0);
  }

  private static List<Integer> ids(int from, int count) {
    return IntStream.range(from, from + count).boxed().toList();
  }

  /** Every offered packet is in exactly one counter, or still held. */
  private static void assertAccounted(JitterBufferStats s) {
    assertThat(s.played() + s.late() + s.duplicate() + s.overflowDropped()
        + s.adjustDroppedPackets() + s.discardedJumps() + s.flushed() + s.held())
        .as("every packet accounted for: %s", s)
        .isEqualTo(s.received());
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 7, 10, 19, 20})
  void inOrderDeliveryWithZeroJitterAddsAtMostTheMinimumDelay(long phaseMillis) {
    JitterSimulation sim = simulation(JitterBufferConfig.DEFAULT);
    sim.arrive(stream(0, 1000, SPF, 5 * MS + phaseMillis * MS, 20 * MS, 500, 0))
        .runUntil((5 + phaseMillis + 499 * 20 + 20) * MS);

    assertThat(sim.decodedIds()).isEqualTo(ids(0, 500));
    for (Tick t : sim.ticks()) {
      if (t.playout() instanceof Playout.Decode<Integer> d) {
        assertThat(t.atNanos() - sim.arrivalOf(d.payload()).atNanos())
            .as("wait of packet %d", d.payload())
            .isBetween(0L, 20 * MS);
        assertThat(t.delayMillis()).isLessThanOrEqualTo(20.0);
        assertThat(t.targetMillis()).isEqualTo(20.0);
      }
    }
    JitterBufferStats s = sim.buffer().stats();
    assertThat(s.concealed()).isZero();
    assertThat(s.late()).isZero();
    assertThat(s.driftDrops() + s.driftInsertions() + s.adaptDrops() + s.adaptInsertions()).isZero();
    assertAccounted(s);
  }

  @Test
  void reorderingWithinTheDelayIsRepaired() {
    JitterBufferConfig config = JitterBufferConfig.builder().minDelay(Duration.ofMillis(60)).build();
    JitterSimulation sim = simulation(config);
    List<Arrival> arrivals = new ArrayList<>();
    for (Arrival a : stream(0, 0, SPF, 3 * MS, 20 * MS, 300, 0)) {
      // each even packet arrives 25 ms late, after the odd one that follows it
      long late = a.sequence() % 2 == 0 ? 25 * MS : 0;
      arrivals.add(new Arrival(a.sequence(), a.timestamp(), a.atNanos() + late, a.id()));
    }
    sim.arrive(arrivals).runUntil((3 + 299 * 20 + 60) * MS);

    assertThat(sim.decodedIds()).isEqualTo(ids(0, 300));
    JitterBufferStats s = sim.buffer().stats();
    assertThat(s.late()).isZero();
    assertThat(s.concealed()).isZero();
    assertAccounted(s);
  }

  @Test
  void aLostPacketYieldsExactlyOneConceal() {
    JitterSimulation sim = simulation(JitterBufferConfig.DEFAULT);
    List<Arrival> arrivals = new ArrayList<>(stream(0, 0, SPF, 3 * MS, 20 * MS, 200, 0));
    arrivals.removeIf(a -> a.sequence() == 50);
    sim.arrive(arrivals).runUntil((3 + 199 * 20 + 20) * MS);

    List<Playout<Integer>> answers = sim.ticks().stream().map(Tick::playout)
        .filter(p -> !(p instanceof Playout.Silence)).toList();
    assertThat(sim.count(Playout.Conceal.class)).isEqualTo(1);
    int conceal = IntStream.range(0, answers.size())
        .filter(i -> answers.get(i) instanceof Playout.Conceal).findFirst().orElseThrow();
    assertThat(answers.get(conceal - 1)).isEqualTo(new Playout.Decode<>(49, 49 * SPF, 49));
    assertThat(answers.get(conceal)).isEqualTo(new Playout.Conceal<>(50 * SPF));
    assertThat(answers.get(conceal + 1)).isEqualTo(new Playout.Decode<>(51, 51 * SPF, 51));
    JitterBufferStats s = sim.buffer().stats();
    assertThat(s.concealed()).isEqualTo(1);
    assertThat(s.played()).isEqualTo(199);
    assertAccounted(s);
  }

  @Test
  void aPacketArrivingAfterItsSlotIsDroppedAsLate() {
    JitterSimulation sim = simulation(JitterBufferConfig.DEFAULT);
    List<Arrival> arrivals = new ArrayList<>();
    for (Arrival a : stream(0, 0, SPF, 3 * MS, 20 * MS, 100, 0)) {
      long late = a.sequence() == 40 ? 70 * MS : 0;
      arrivals.add(new Arrival(a.sequence(), a.timestamp(), a.atNanos() + late, a.id()));
    }
    sim.arrive(arrivals).runUntil((3 + 99 * 20 + 20) * MS);

    JitterBufferStats s = sim.buffer().stats();
    assertThat(s.late()).isEqualTo(1);
    assertThat(s.concealed()).isEqualTo(1);
    assertThat(sim.decodedIds()).doesNotContain(40).contains(39, 41);
    assertAccounted(s);
  }

  @Test
  void duplicatesAreDroppedAndCountedWhetherHeldOrPlayed() {
    JitterSimulation sim = simulation(JitterBufferConfig.DEFAULT);
    List<Arrival> arrivals = new ArrayList<>(stream(0, 0, SPF, 3 * MS, 20 * MS, 100, 0));
    arrivals.add(new Arrival(10, 10 * SPF, 203 * MS, 1010)); // same instant: while held
    arrivals.add(new Arrival(20, 20 * SPF, 900 * MS, 1020)); // long after it was played
    sim.arrive(arrivals).runUntil((3 + 99 * 20 + 20) * MS);

    JitterBufferStats s = sim.buffer().stats();
    assertThat(s.duplicate()).isEqualTo(2);
    assertThat(s.late()).isZero();
    assertThat(sim.decodedIds()).isEqualTo(ids(0, 100));
    assertAccounted(s);
  }

  @Test
  void aBurstOfAThousandPacketsIsBoundedAndCounted() {
    JitterSimulation sim = simulation(JitterBufferConfig.DEFAULT);
    // 2 s of normal stream, then the network holds 1,000 packets (20 s) and delivers them at once,
    // then the stream goes on normally
    List<Arrival> arrivals = new ArrayList<>(stream(0, 0, SPF, 3 * MS, 20 * MS, 100, 0));
    for (Arrival a : stream(100, 100 * SPF, SPF, 0, 0, 1000, 100)) {
      arrivals.add(new Arrival(a.sequence(), a.timestamp(), 22_003 * MS, a.id()));
    }
    arrivals.addAll(stream(1100, 1100 * SPF, SPF, 22_003 * MS, 20 * MS, 500, 1100));
    sim.arrive(arrivals);
    sim.runUntil(32_100 * MS, t -> {
      assertThat(sim.buffer().stats().held()).isLessThanOrEqualTo(50);
      assertThat(t.delayMillis()).isLessThanOrEqualTo(200.0);
    });

    JitterBufferStats s = sim.buffer().stats();
    assertThat(s.received()).isEqualTo(1600);
    assertThat(s.overflowDropped()).isGreaterThanOrEqualTo(950);
    assertThat(s.delayCuts()).isGreaterThanOrEqualTo(1);
    assertThat(sim.decodedIds()).containsSubsequence(ids(0, 100)).containsSubsequence(1100, 1599);
    assertThat(sim.decodedIds()).isSorted().doesNotHaveDuplicates();
    assertAccounted(s);
  }

  @Test
  void aBurstOfAThousandPacketsBeforeTheFirstPollKeepsTheNewestAndPlaysOn() {
    JitterSimulation sim = simulation(JitterBufferConfig.DEFAULT);
    List<Arrival> arrivals = new ArrayList<>();
    for (Arrival a : stream(0, 0, SPF, 0, 0, 1000, 0)) {
      arrivals.add(new Arrival(a.sequence(), a.timestamp(), 19_983 * MS, a.id()));
    }
    arrivals.addAll(stream(1000, 1000 * SPF, SPF, 20_003 * MS, 20 * MS, 100, 1000));
    sim.arrive(arrivals).runUntil((20_003 + 99 * 20 + 200) * MS);

    JitterBufferStats s = sim.buffer().stats();
    assertThat(s.overflowDropped()).isGreaterThanOrEqualTo(950);
    assertThat(sim.decodedIds()).isSorted().containsSubsequence(ids(1000, 100));
    assertAccounted(s);
  }

  @Test
  void pollsThatJitterByTwoMillisecondsLoseNoPacket() {
    JitterBuffer<Integer> buffer = new JitterBuffer<>();
    Random random = new Random(5);
    List<Arrival> arrivals = stream(0, 0, SPF, 1 * MS, 20 * MS, 3000, 0);
    List<Integer> decoded = new ArrayList<>();
    int next = 0;
    for (int k = 0; k < 3010; k++) {
      long now = k * 20 * MS + (long) ((random.nextDouble() * 4 - 2) * MS);
      while (next < arrivals.size() && arrivals.get(next).atNanos() <= now) {
        Arrival a = arrivals.get(next++);
        buffer.offer(a.sequence(), a.timestamp(), a.atNanos(), a.id());
      }
      if (buffer.poll(now) instanceof Playout.Decode<Integer> d) {
        decoded.add(d.payload());
      }
      assertThat(buffer.stats().currentDelayMillis()).isLessThanOrEqualTo(45.0);
    }
    JitterBufferStats s = buffer.stats();
    assertThat(s.late()).isZero();
    assertThat(decoded).isSorted();
    assertThat(decoded.size() + s.adjustDroppedPackets()).isEqualTo(3000);
    assertThat(s.adjustDroppedPackets()).isLessThanOrEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 12, 42})
  void jitterOfThirtyMillisecondsRaisesTheTargetAndNoPacketIsLateAfterwards(long seed) {
    JitterSimulation sim = simulation(JitterBufferConfig.DEFAULT);
    Random random = new Random(seed);
    List<Arrival> arrivals = new ArrayList<>(stream(0, 0, SPF, 33 * MS, 20 * MS, 100, 0));
    for (Arrival a : stream(100, 100 * SPF, SPF, 2_033 * MS, 20 * MS, 1500, 100)) {
      long jitter = Math.round((random.nextDouble() * 60 - 30) * MS);
      arrivals.add(new Arrival(a.sequence(), a.timestamp(), a.atNanos() + jitter, a.id()));
    }
    sim.arrive(arrivals).runUntil(7_000 * MS);
    JitterBufferStats settled = sim.buffer().stats();
    assertThat(settled.targetDelayMillis()).isBetween(70.0, 82.0);
    assertThat(settled.adaptInsertions()).isGreaterThanOrEqualTo(2);

    sim.runUntil(31_900 * MS, t -> assertThat(t.targetMillis()).isGreaterThanOrEqualTo(70.0));
    JitterBufferStats s = sim.buffer().stats();
    assertThat(s.late()).isEqualTo(settled.late());
    assertThat(s.concealed()).isEqualTo(settled.concealed());
    assertThat(s.overflowDropped() + s.duplicate() + s.delayCuts()).isZero();
    assertAccounted(s);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 7, 42})
  void theDelayShrinksAgainAfterTheJitterStops(long seed) {
    JitterSimulation sim = simulation(JitterBufferConfig.DEFAULT);
    Random random = new Random(seed);
    List<Arrival> arrivals = new ArrayList<>();
    for (Arrival a : stream(0, 0, SPF, 33 * MS, 20 * MS, 500, 0)) {
      long jitter = Math.round((random.nextDouble() * 60 - 30) * MS);
      arrivals.add(new Arrival(a.sequence(), a.timestamp(), a.atNanos() + jitter, a.id()));
    }
    arrivals.addAll(stream(500, 500 * SPF, SPF, 10_033 * MS, 20 * MS, 1500, 500));
    sim.arrive(arrivals).runUntil(10_000 * MS);
    assertThat(sim.buffer().stats().currentDelayMillis()).isGreaterThan(50.0);

    sim.runUntil(40_040 * MS);
    JitterBufferStats s = sim.buffer().stats();
    assertThat(s.targetDelayMillis()).isEqualTo(20.0);
    assertThat(s.currentDelayMillis()).isLessThanOrEqualTo(20.0);
    assertThat(s.adaptDrops()).isPositive();
    // shrinking drops frames one at a time, never a late packet
    assertThat(sim.decodedIds()).isSorted().containsSubsequence(1990, 1999);
    assertAccounted(s);
  }

  @ParameterizedTest
  @ValueSource(ints = {500, -500})
  void clockDriftOfFiveHundredPpmOverTenMinutesKeepsTheDelayWithinBounds(int ppm) {
    JitterSimulation sim = simulation(JitterBufferConfig.DEFAULT);
    double period = 20.0 * MS / (1 + ppm / 1e6); // the sender's 20 ms on our clock
    int count = (int) (600_000 * MS / period);
    sim.arrive(stream(0, 0, SPF, 3 * MS, period, count, 0));
    sim.runUntil(600_000 * MS, t -> {
      if (t.playout() instanceof Playout.Decode) {
        assertThat(t.delayMillis()).isBetween(0.0, 40.0);
      }
    });

    JitterBufferStats s = sim.buffer().stats();
    // 500 ppm of 10 minutes is 300 ms: 15 frames
    if (ppm > 0) {
      assertThat(s.driftDrops()).isBetween(14L, 16L);
      assertThat(s.driftInsertions()).isZero();
    } else {
      assertThat(s.driftInsertions()).isBetween(14L, 16L);
      assertThat(s.driftDrops()).isZero();
    }
    assertThat(s.late()).isZero();
    assertThat(s.concealed()).isZero();
    assertThat(s.held()).isLessThanOrEqualTo(3);
    assertAccounted(s);
  }

  /**
   * A sender slower than our clock (a starved machine: its 20 ms ticks come every 22 ms, 10 %
   * behind, and never catch up): the delay D measured against the window's smallest transit keeps
   * growing past the maximum delay, yet every packet has only just arrived. The buffer plays
   * them, concealing the slots the sender never filled; a cut-back never skips past the newest
   * packet received (it used to put the playout position ahead of everything the sender had
   * sent, so that every later packet was dropped as late while the window remembered the old
   * transit: silence for the rest of a loaded call).
   */
  @Test
  void aSenderFallingBehindOurClockIsPlayedNotDroppedAsLate() {
    JitterSimulation sim = simulation(JitterBufferConfig.DEFAULT);
    sim.arrive(stream(0, 0, SPF, 3 * MS, 22 * MS, 1000, 0)).runUntil(22_100 * MS);

    JitterBufferStats s = sim.buffer().stats();
    assertThat(s.played()).as("%s", s).isGreaterThanOrEqualTo(950);
    assertThat(s.late() + s.overflowDropped()).as("%s", s).isLessThanOrEqualTo(50);
    assertThat(sim.decodedIds()).isSorted().doesNotHaveDuplicates();
    assertAccounted(s);
  }

  @Test
  void sequenceNumbersAndTimestampsWrapAround() {
    JitterSimulation sim = simulation(JitterBufferConfig.DEFAULT);
    long firstTs = 0xFFFF_FFFFL - 50 * SPF;
    sim.arrive(stream(65_436, firstTs, SPF, 3 * MS, 20 * MS, 200, 0)).runUntil((3 + 199 * 20 + 20) * MS);

    assertThat(sim.decodedIds()).isEqualTo(ids(0, 200));
    List<Integer> sequences = sim.ticks().stream().map(Tick::playout)
        .filter(p -> p instanceof Playout.Decode).map(p -> ((Playout.Decode<Integer>) p).sequence())
        .toList();
    assertThat(sequences).startsWith(65_436).contains(65_535, 0).endsWith(99);
    JitterBufferStats s = sim.buffer().stats();
    assertThat(s.resyncs() + s.late() + s.concealed() + s.duplicate()).isZero();
  }

  @Test
  void aRestartWithASequenceAndTimestampJumpResyncs() {
    JitterSimulation sim = simulation(JitterBufferConfig.DEFAULT);
    List<Arrival> arrivals = new ArrayList<>(stream(1000, 5000, SPF, 3 * MS, 20 * MS, 100, 0));
    arrivals.addAll(stream(40_000, 3_000_000_000L, SPF, 2_003 * MS, 20 * MS, 100, 100));
    sim.arrive(arrivals).runUntil(4_100 * MS);

    JitterBufferStats s = sim.buffer().stats();
    assertThat(s.resyncs()).isEqualTo(1);
    assertThat(s.late()).isZero();
    assertThat(s.flushed()).isZero(); // the old stream had been played out
    // the new source waits for its second packet (probation), so it starts one frame deeper
    // and that frame is dropped again later
    assertThat(s.adjustDroppedPackets()).isLessThanOrEqualTo(1);
    assertThat(sim.decodedIds()).startsWith(ids(0, 100).toArray(Integer[]::new))
        .containsSubsequence(100, 101, 199).isSorted().hasSizeGreaterThanOrEqualTo(199);
    assertAccounted(s);
  }

  @Test
  void aSingleStrayPacketWithAJumpIsDroppedWithoutResync() {
    JitterSimulation sim = simulation(JitterBufferConfig.DEFAULT);
    List<Arrival> arrivals = new ArrayList<>(stream(1000, 5000, SPF, 3 * MS, 20 * MS, 100, 0));
    arrivals.add(new Arrival(30_000, 99_000_000L, 1_001 * MS, 999));
    sim.arrive(arrivals).runUntil((3 + 99 * 20 + 20) * MS);

    JitterBufferStats s = sim.buffer().stats();
    assertThat(s.resyncs()).isZero();
    assertThat(s.discardedJumps()).isEqualTo(1);
    assertThat(sim.decodedIds()).isEqualTo(ids(0, 100));
    assertAccounted(s);
  }

  @Test
  void resetFlushesHeldPacketsAndPlaysTheNewSourceFromItsFirstPacket() {
    JitterSimulation sim = simulation(JitterBufferConfig.builder()
        .minDelay(Duration.ofMillis(100)).build());
    sim.arrive(stream(7, 700, SPF, 3 * MS, 20 * MS, 50, 0)).runUntil(1_000 * MS);
    int heldBefore = sim.buffer().stats().held();
    assertThat(heldBefore).isPositive();

    sim.buffer().reset();
    // the new source reuses nearby numbers: nothing of the old stream may make them late
    sim.arrive(stream(3, 100, SPF, 1_013 * MS, 20 * MS, 50, 100)).runUntil(2_500 * MS);

    JitterBufferStats s = sim.buffer().stats();
    assertThat(s.resyncs()).isEqualTo(1);
    assertThat(s.flushed()).isEqualTo(heldBefore);
    assertThat(s.late()).isZero();
    assertThat(sim.decodedIds()).endsWith(ids(100, 50).toArray(Integer[]::new));
    assertAccounted(s);
  }

  @Test
  void aSilentSenderYieldsAFewConcealsThenSilenceAndPlayoutResumes() {
    JitterSimulation sim = simulation(JitterBufferConfig.DEFAULT);
    List<Arrival> arrivals = new ArrayList<>(stream(0, 0, SPF, 3 * MS, 20 * MS, 50, 0));
    // sequence numbers go on, timestamps jump by one second of silence (DTX)
    arrivals.addAll(stream(50, 100 * SPF, SPF, 2_003 * MS, 20 * MS, 50, 50));
    sim.arrive(arrivals).runUntil((2_003 + 49 * 20 + 20) * MS);

    JitterBufferStats s = sim.buffer().stats();
    assertThat(sim.decodedIds()).isEqualTo(ids(0, 100));
    assertThat(s.concealed()).isEqualTo(JitterBufferConfig.DEFAULT_MAX_CONCEAL_FRAMES);
    assertThat(s.underruns()).isEqualTo(1);
    assertThat(s.late()).isZero();
    assertAccounted(s);
  }

  @Test
  void randomArrivalPermutationsWithinTheDelayPlayEveryPacketExactlyOnceInOrder() {
    JitterBufferConfig config = JitterBufferConfig.builder()
        .minDelay(Duration.ofMillis(100))
        .shrinkHold(Duration.ofSeconds(60))
        .build();
    for (long seed = 1; seed <= 50; seed++) {
      Random random = new Random(seed);
      JitterSimulation sim = new JitterSimulation(new JitterBuffer<>(config),
          random.nextInt(20) * MS);
      int first = random.nextInt(65_536);
      long firstTs = random.nextLong() & 0xFFFF_FFFFL;
      List<Arrival> arrivals = new ArrayList<>();
      for (Arrival a : stream(first, firstTs, SPF, random.nextInt(1000) * MS, 20 * MS, 500, 0)) {
        long delay = (long) (random.nextDouble() * 80 * MS); // within the 100 ms delay
        arrivals.add(new Arrival(a.sequence(), a.timestamp(), a.atNanos() + delay, a.id()));
      }
      sim.arrive(arrivals).runUntil(12_000 * MS);

      assertThat(sim.decodedIds()).as("seed %d", seed).isEqualTo(ids(0, 500));
      JitterBufferStats s = sim.buffer().stats();
      assertThat(s.late() + s.duplicate() + s.overflowDropped() + s.adjustDroppedPackets())
          .as("seed %d: %s", seed, s).isZero();
    }
  }

  @Test
  void badArgumentsAreRejectedNamingTheArgument() {
    JitterBuffer<String> buffer = new JitterBuffer<>();
    assertThatThrownBy(() -> buffer.offer(65_536, 0, 0, "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sequence");
    assertThatThrownBy(() -> buffer.offer(-1, 0, 0, "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sequence");
    assertThatThrownBy(() -> buffer.offer(0, 1L << 32, 0, "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rtpTimestamp");
    assertThatThrownBy(() -> buffer.offer(0, 0, 0, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("payload");
    assertThat(buffer.stats().received()).isZero();
  }

  @Test
  void configValuesOutOfRangeAreRejectedNamingTheValue() {
    assertThatThrownBy(() -> JitterBufferConfig.builder().minDelay(Duration.ofMillis(10)).build())
        .hasMessageContaining("minDelay");
    assertThatThrownBy(() -> JitterBufferConfig.builder().maxDelay(Duration.ofMillis(19)).build())
        .hasMessageContaining("maxDelay");
    assertThatThrownBy(() -> JitterBufferConfig.builder().capacity(1).build())
        .hasMessageContaining("capacity");
    assertThatThrownBy(() -> JitterBufferConfig.builder().clockRate(8001).build())
        .hasMessageContaining("whole number of samples");
    assertThatThrownBy(() -> JitterBufferConfig.builder()
        .resyncThreshold(Duration.ofMillis(100)).build())
        .hasMessageContaining("resyncThreshold");
    JitterBufferConfig opus = JitterBufferConfig.builder().clockRate(48_000).build();
    assertThat(opus.samplesPerFrame()).isEqualTo(960);
  }
}
