package dev.parley.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that reports the CPU time the benchmark threads spent per operation
 * ({@code cpu.time.norm}, ns/op), read from {@link ThreadMXBean#getThreadCpuTime}.
 *
 * <p>Throughput is wall-clock time, so another process on the machine lowers it while it runs, and
 * more for whichever benchmark it overlaps. CPU time per operation is what the parse itself costs
 * and barely moves with that load; the summary prints both. It leaves out the work of the GC and JIT
 * threads, which {@code -prof gc} accounts for as allocation.
 *
 * <p>Use with {@code -prof dev.parley.bench.CpuTimeProfiler}. JMH creates one per forked VM and calls
 * it from its control thread, between iterations.
 */
public final class CpuTimeProfiler implements InternalProfiler {

  private static final String WORKER = "-jmh-worker-";

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> before = new HashMap<>();

  public CpuTimeProfiler() {
    if (!threads.isThreadCpuTimeSupported()) {
      throw new IllegalStateException("this JVM cannot measure thread CPU time");
    }
    threads.setThreadCpuTimeEnabled(true);
  }

  @Override
  public String getDescription() {
    return "CPU time of the benchmark threads per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    before.clear();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().contains(WORKER)) {
        before.put(t.getId(), threads.getThreadCpuTime(t.getId()));
      }
    }
  }

  @Override
  public List<? extends Result<?>> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpu = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().contains(WORKER)) {
        long now = threads.getThreadCpuTime(t.getId());
        if (now >= 0) {
          // A worker started during the iteration has spent all its CPU time in it.
          cpu += now - before.getOrDefault(t.getId(), 0L);
        }
      }
    }
    long ops = result.getMetadata().getAllOps();
    if (ops <= 0 || cpu <= 0) {
      return List.of();
    }
    return List.of(new ScalarResult("cpu.time.norm", (double) cpu / ops, "ns/op", AggregationPolicy.AVG));
  }
}
