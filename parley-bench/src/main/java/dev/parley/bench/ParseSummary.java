package dev.parley.bench;

import dev.parley.json.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints the summary table of a {@link ParseBenchmark} run from JMH's JSON result file: per parser
 * and fixture, messages/s, CPU time per message ({@link CpuTimeProfiler}), bytes allocated per
 * message (JMH's {@code gc.alloc.rate.norm}; one operation is one message), and the ratios Parley /
 * JAIN-SIP.
 *
 * <p>The "mix" row is one message of each fixture: its rate is the number of fixtures over the sum of
 * the per-message times (a harmonic mean), its CPU time and allocation the means of the fixtures'.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.parley.bench.ParseSummary result.json [target-ratio]}
 * (default {@link #TARGET}).
 */
public final class ParseSummary {

  /** Issue 16's target 4 (issue 2 asked for 5x): Parley at least ten times JAIN-SIP on the mix. */
  static final double TARGET = 10.0;

  private static final String PARLEY = "parley";
  private static final String JAINSIP = "jainsip";

  private ParseSummary() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: ParseSummary <jmh-result.json> [target-ratio]");
      System.exit(2);
    }
    double target = args.length == 2 ? Double.parseDouble(args[1]) : TARGET;
    String json = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
    System.out.print(render(JsonParser.parse(json), target));
  }

  /** One benchmark result: a parser on a fixture. NaN where the run did not measure it. */
  private record Score(double opsPerSecond, double error, double bytesPerOp, double cpuNanosPerOp) {}

  static String render(Object results, double target) {
    Map<String, Map<String, Score>> byParser = new TreeMap<>(); // parser -> fixture -> score
    List<String> fixtures = new ArrayList<>();
    for (Object each : (List<?>) results) {
      Map<?, ?> result = (Map<?, ?>) each;
      String benchmark = (String) result.get("benchmark");
      if (!benchmark.startsWith(ParseBenchmark.class.getName() + ".")) {
        continue;
      }
      String parser = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      Map<?, ?> params = (Map<?, ?>) result.get("params");
      String fixture = params == null ? "-" : String.valueOf(params.get("message"));
      Map<?, ?> primary = (Map<?, ?>) result.get("primaryMetric");
      Map<?, ?> secondary = (Map<?, ?>) result.get("secondaryMetrics");
      Score score = new Score(
          number(primary.get("score")),
          number(primary.get("scoreError")),
          secondary(secondary, "gc.alloc.rate.norm"),
          secondary(secondary, "cpu.time.norm"));
      byParser.computeIfAbsent(parser, p -> new LinkedHashMap<>()).put(fixture, score);
      if (!fixtures.contains(fixture)) {
        fixtures.add(fixture);
      }
    }
    fixtures.sort((a, b) -> Integer.compare(order(a), order(b)));
    Map<String, Score> parley = byParser.getOrDefault(PARLEY, Map.of());
    Map<String, Score> jainsip = byParser.getOrDefault(JAINSIP, Map.of());

    StringBuilder out = new StringBuilder();
    String header = String.format(Locale.ROOT, "%-9s | %22s | %22s | %6s | %12s | %12s | %6s | %10s | %10s",
        "message", "parley msg/s", "jainsip msg/s", "ratio",
        "parley ns*", "jainsip ns*", "ratio", "parley B", "jainsip B");
    String rule = "-".repeat(header.length());
    out.append(header).append('\n').append(rule).append('\n');
    double[] mixParley = new double[4]; // seconds per message, bytes, cpu ns, count
    double[] mixJainSip = new double[4];
    for (String fixture : fixtures) {
      Score p = parley.get(fixture);
      Score j = jainsip.get(fixture);
      accumulate(mixParley, p);
      accumulate(mixJainSip, j);
      out.append(String.format(Locale.ROOT, "%-9s | %22s | %22s | %6s | %12s | %12s | %6s | %10s | %10s%n",
          fixture, rate(p), rate(j),
          ratio(p == null ? Double.NaN : p.opsPerSecond(), j == null ? Double.NaN : j.opsPerSecond()),
          count(p == null ? Double.NaN : p.cpuNanosPerOp()),
          count(j == null ? Double.NaN : j.cpuNanosPerOp()),
          ratio(j == null ? Double.NaN : j.cpuNanosPerOp(), p == null ? Double.NaN : p.cpuNanosPerOp()),
          count(p == null ? Double.NaN : p.bytesPerOp()),
          count(j == null ? Double.NaN : j.bytesPerOp())));
    }
    double mixRatio = Double.NaN;
    double cpuRatio = Double.NaN;
    if (fixtures.size() > 1) {
      double parleyRate = mixParley[3] / mixParley[0];
      double jainSipRate = mixJainSip[3] / mixJainSip[0];
      mixRatio = parleyRate / jainSipRate;
      cpuRatio = (mixJainSip[2] / mixJainSip[3]) / (mixParley[2] / mixParley[3]);
      out.append(rule).append('\n');
      out.append(String.format(Locale.ROOT, "%-9s | %22s | %22s | %6s | %12s | %12s | %6s | %10s | %10s%n",
          "mix", count(parleyRate), count(jainSipRate), ratio(parleyRate, jainSipRate),
          count(mixParley[2] / mixParley[3]), count(mixJainSip[2] / mixJainSip[3]),
          ratio(mixJainSip[2] / mixJainSip[3], mixParley[2] / mixParley[3]),
          count(mixParley[1] / mixParley[3]), count(mixJainSip[1] / mixJainSip[3])));
    }
    out.append("msg/s: throughput, ± the 99.9% confidence interval; ns*: CPU time of the benchmark "
        + "thread per message\n(-prof dev.parley.bench.CpuTimeProfiler); B: bytes allocated per "
        + "message (gc.alloc.rate.norm).\n");
    out.append("mix: one message of each kind; msg/s is messages over their total time, ns* and B "
        + "the means.\n");
    if (!Double.isNaN(mixRatio)) {
      out.append(String.format(Locale.ROOT,
          "target: Parley >= %.1fx JAIN-SIP's throughput on the mix: %s (%.1fx; %.1fx in CPU time)%n",
          target, mixRatio >= target ? "MET" : "NOT MET", mixRatio, cpuRatio));
    }
    return out.toString();
  }

  private static void accumulate(double[] mix, Score s) {
    if (s == null) {
      return;
    }
    mix[0] += 1.0 / s.opsPerSecond();
    mix[1] += s.bytesPerOp();
    mix[2] += s.cpuNanosPerOp();
    mix[3] += 1;
  }

  private static String rate(Score s) {
    if (s == null) {
      return "-";
    }
    return Double.isNaN(s.error())
        ? String.format(Locale.ROOT, "%,.0f", s.opsPerSecond())
        : String.format(Locale.ROOT, "%,.0f ± %,.0f", s.opsPerSecond(), s.error());
  }

  private static String count(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%,.0f", value);
  }

  private static String ratio(double numerator, double denominator) {
    double r = numerator / denominator;
    return Double.isNaN(r) || Double.isInfinite(r) ? "-" : String.format(Locale.ROOT, "%.1fx", r);
  }

  private static double secondary(Map<?, ?> secondary, String name) {
    Map<?, ?> metric = secondary == null ? null : (Map<?, ?>) secondary.get(name);
    return metric == null ? Double.NaN : number(metric.get("score"));
  }

  private static int order(String fixture) {
    int i = Fixtures.NAMES.indexOf(fixture);
    return i < 0 ? Integer.MAX_VALUE : i;
  }

  private static double number(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String s) { // JMH writes "NaN" as a string
      return Double.parseDouble(s);
    }
    return Double.NaN;
  }
}
