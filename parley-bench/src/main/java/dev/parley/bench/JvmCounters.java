package dev.parley.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What this JVM allocated and how often its young collector ran, between two snapshots: the
 * figures that say what a benchmarked operation costs the collector, which a busy machine does
 * not blur as it blurs percentiles. Allocation is summed over the live threads
 * ({@code com.sun.management.ThreadMXBean}): a thread that ends between the snapshots takes its
 * share with it (the endpoints' loops and executor live through a run).
 */
record JvmCounters(long allocatedBytes, long youngCollections, long youngMillis) {

  /** Now. Allocates a little itself (the thread id array): take it once per phase. */
  static JvmCounters now() {
    long allocated = -1;
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
        && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
      allocated = 0;
      for (long bytes : t.getThreadAllocatedBytes(t.getAllThreadIds())) {
        if (bytes > 0) {
          allocated += bytes;
        }
      }
    }
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (isYoung(gc.getName())) {
        count += Math.max(0, gc.getCollectionCount());
        millis += Math.max(0, gc.getCollectionTime());
      }
    }
    return new JvmCounters(allocated, count, millis);
  }

  /** G1 "G1 Young Generation", Parallel "PS Scavenge", Serial "Copy", ZGC/Shenandoah "...Pauses". */
  static boolean isYoung(String collector) {
    return collector.contains("Young") || collector.contains("Scavenge")
        || collector.equals("Copy") || collector.equals("ParNew");
  }

  /**
   * " allocated=...B/op young-gcs=N (X per 1,000 ops) young-gc-ms=..." for {@code ops} operations
   * since {@code start}; empty when there were none.
   */
  String since(JvmCounters start, int ops) {
    if (start == null || ops <= 0) {
      return "";
    }
    long gcs = youngCollections - start.youngCollections;
    String alloc = allocatedBytes < 0 || start.allocatedBytes < 0 ? "n/a"
        : Long.toString((allocatedBytes - start.allocatedBytes) / ops) + "B/op";
    return String.format(Locale.ROOT, " allocated=%s young-gcs=%d (%.2f per 1000 ops) young-gc-ms=%d",
        alloc, gcs, gcs * 1000.0 / ops, youngMillis - start.youngMillis);
  }
}
