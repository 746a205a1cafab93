package dev.parley.media;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * A virtual-time run of a {@link JitterBuffer}: packets arrive at given instants, the playout side
 * polls every frame period, and each poll's answer is recorded with its time. No clock, no thread.
 */
final class JitterSimulation {
  static final long MS = 1_000_000L;

  /** One packet on the wire: its sequence number, timestamp and arrival instant. */
  record Arrival(int sequence, long timestamp, long atNanos, int id) {}

  /** One poll: its time, its answer, and the delay and target after it. */
  record Tick(long atNanos, JitterBuffer.Playout<Integer> playout, double delayMillis,
      double targetMillis) {}

  private final JitterBuffer<Integer> buffer;
  private final List<Arrival> pending = new ArrayList<>();
  private final List<Tick> ticks = new ArrayList<>();
  private final List<Arrival> offered = new ArrayList<>();
  private long pollPeriodNanos = 20 * MS;
  private long nextPoll;
  private int next; // next pending arrival to offer

  JitterSimulation(JitterBuffer<Integer> buffer, long firstPollNanos) {
    this.buffer = buffer;
    this.nextPoll = firstPollNanos;
  }

  JitterBuffer<Integer> buffer() {
    return buffer;
  }

  List<Tick> ticks() {
    return ticks;
  }

  /** Schedules arrivals; they are offered in arrival order (ties in the given order). */
  JitterSimulation arrive(List<Arrival> arrivals) {
    List<Arrival> rest = new ArrayList<>(pending.subList(next, pending.size()));
    rest.addAll(arrivals);
    rest.sort(Comparator.comparingLong(Arrival::atNanos));
    pending.clear();
    pending.addAll(rest);
    next = 0;
    return this;
  }

  /** Runs polls until (inclusive) the given instant; offers arrivals up to each poll first. */
  JitterSimulation runUntil(long untilNanos) {
    return runUntil(untilNanos, t -> {});
  }

  JitterSimulation runUntil(long untilNanos, Consumer<Tick> eachTick) {
    while (nextPoll <= untilNanos) {
      while (next < pending.size() && pending.get(next).atNanos() <= nextPoll) {
        Arrival a = pending.get(next++);
        buffer.offer(a.sequence(), a.timestamp(), a.atNanos(), a.id());
        offered.add(a);
      }
      JitterBuffer.Playout<Integer> p = buffer.poll(nextPoll);
      JitterBufferStats s = buffer.stats();
      Tick t = new Tick(nextPoll, p, s.currentDelayMillis(), s.targetDelayMillis());
      ticks.add(t);
      eachTick.accept(t);
      nextPoll += pollPeriodNanos;
    }
    return this;
  }

  /** The arrival with this id (ids are unique per test). */
  Arrival arrivalOf(int id) {
    for (Arrival a : offered) {
      if (a.id() == id) {
        return a;
      }
    }
    throw new AssertionError("never offered: " + id);
  }

  /** The ids of the decoded packets, in play order. */
  List<Integer> decodedIds() {
    List<Integer> ids = new ArrayList<>();
    for (Tick t : ticks) {
      if (t.playout() instanceof JitterBuffer.Playout.Decode<Integer> d) {
        ids.add(d.payload());
      }
    }
    return ids;
  }

  long count(Class<?> kind) {
    return ticks.stream().filter(t -> kind.isInstance(t.playout())).count();
  }

  /**
   * A stream of packets: {@code count} packets from {@code firstSeq}/{@code firstTs}, one frame of
   * {@code samplesPerFrame} apart, sent every {@code periodNanos} of our clock from
   * {@code startNanos}, ids from {@code firstId}.
   */
  static List<Arrival> stream(int firstSeq, long firstTs, long samplesPerFrame, long startNanos,
      double periodNanos, int count, int firstId) {
    List<Arrival> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(new Arrival((firstSeq + i) & 0xFFFF, (firstTs + i * samplesPerFrame) & 0xFFFF_FFFFL,
          startNanos + Math.round(i * periodNanos), firstId + i));
    }
    return out;
  }
}
