package dev.parley.bench;

import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compares the CPU time per message of two builds of {@code parley-sip} in one JVM, for a machine
 * too busy for JMH's throughput to mean anything: each build is loaded in its own class loader
 * (its jar first, then this benchmark jar for {@link ParseLoop}, the fixtures and the other
 * dependencies), and the two run {@link ParseLoop#turn} in alternating turns of the same number
 * of messages, measured with the thread's CPU time and allocated bytes. Load from other processes
 * then falls on both builds alike; the ratio of each round (new over old) is what it prints, as
 * median and quartiles, with the builds' mean CPU ns and bytes per message, and the ratio of the
 * builds' fastest tenth of turns (each build's 10th-percentile turn time).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.parley.bench.ParseAlternation OLD.jar NEW.jar
 * [seconds [messages-per-turn [fixture,...]]]} (defaults: 60 s after a warm-up of 20 s and at
 * least 100 turns of each build, 8,000 messages, the four fixtures of {@link ParseBenchmark} in
 * turn). A bench tool, not a test: it asserts nothing.
 */
public final class ParseAlternation {
  /**
   * Turns of each build the warm-up runs at least, besides its 20 s: on a machine so busy that this
   * JVM gets a tenth of a CPU, 20 s did not let the JIT compile the loop (turns of 10,000 ns per
   * message instead of ~1,500), and such runs compared interpreters. On a quiet machine 100 turns
   * take a few seconds: the 20 s decide.
   */
  private static final int WARM_UP_TURNS = 100;

  private ParseAlternation() {}

  public static void main(String[] args) throws Throwable {
    if (args.length < 2) {
      System.err.println("usage: ParseAlternation OLD.jar NEW.jar [seconds [turn [fixtures]]]");
      System.exit(2);
    }
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    int turn = args.length > 3 ? Integer.parseInt(args[3]) : 8_000;
    List<String> names = args.length > 4 ? List.of(args[4].split(",")) : Fixtures.NAMES;
    byte[][] wires = names.stream().map(Fixtures::load).toArray(byte[][]::new);
    MethodHandle old = loop(new File(args[0]));
    MethodHandle neu = loop(new File(args[1]));
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long warmUntil = System.nanoTime() + 20_000_000_000L;
    for (int warm = 0; warm < WARM_UP_TURNS || System.nanoTime() < warmUntil; warm++) {
      long a = (long) old.invokeExact(wires, turn);
      long b = (long) neu.invokeExact(wires, turn);
      if (a != b) {
        throw new IllegalStateException("the builds read different values: " + a + " " + b);
      }
    }
    List<Double> ratios = new ArrayList<>();
    List<List<Long>> turns = List.of(new ArrayList<>(), new ArrayList<>());
    long[] cpu = new long[2];
    long[] bytes = new long[2];
    long stop = System.nanoTime() + seconds * 1_000_000_000L;
    for (int round = 0; System.nanoTime() < stop; round++) {
      long[] t = new long[2];
      for (int k = 0; k < 2; k++) {
        int which = (round + k) % 2; // old first in even rounds, new first in odd ones
        long b0 = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        long c0 = threads.getCurrentThreadCpuTime();
        long unused = which == 0 ? (long) old.invokeExact(wires, turn)
            : (long) neu.invokeExact(wires, turn);
        t[which] = threads.getCurrentThreadCpuTime() - c0;
        bytes[which] += threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - b0;
        cpu[which] += t[which];
        turns.get(which).add(t[which]);
      }
      ratios.add((double) t[1] / t[0]);
    }
    double[] r = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    long messages = (long) r.length * turn;
    System.out.printf(Locale.ROOT,
        "%s: %d rounds of %d messages per build%n"
            + "old: %.0f ns CPU/msg, %.0f B/msg%nnew: %.0f ns CPU/msg, %.0f B/msg%n"
            + "new/old per round: median %.3f, quartiles %.3f and %.3f%n"
            + "fastest tenth of each build's turns: old %.0f, new %.0f ns CPU/msg, new/old %.3f%n",
        String.join(",", names), r.length, turn, (double) cpu[0] / messages,
        (double) bytes[0] / messages, (double) cpu[1] / messages, (double) bytes[1] / messages,
        quantile(r, 0.5), quantile(r, 0.25), quantile(r, 0.75), tenth(turns.get(0)) / turn,
        tenth(turns.get(1)) / turn, tenth(turns.get(1)) / tenth(turns.get(0)));
  }

  /**
   * The 10th percentile of one build's turn times: less moved by other processes than the median
   * (a turn is rarely made faster by them, often slower), so a second reading on a busy machine.
   */
  private static double tenth(List<Long> times) {
    return quantile(times.stream().mapToDouble(Long::doubleValue).sorted().toArray(), 0.1);
  }

  private static double quantile(double[] sorted, double q) {
    return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1,
        Math.round(q * (sorted.length - 1)))];
  }

  /** {@link ParseLoop#turn} as loaded over {@code sipJar}. */
  private static MethodHandle loop(File sipJar) throws Exception {
    if (!sipJar.isFile()) {
      throw new IllegalArgumentException("no such jar: " + sipJar);
    }
    URL self = ParseAlternation.class.getProtectionDomain().getCodeSource().getLocation();
    ClassLoader loader = new URLClassLoader(new URL[] {sipJar.toURI().toURL(), self},
        ClassLoader.getPlatformClassLoader());
    Class<?> c = Class.forName(ParseLoop.class.getName(), true, loader);
    return MethodHandles.publicLookup().findStatic(c, "turn",
        MethodType.methodType(long.class, byte[][].class, int.class));
  }
}
