#!/bin/sh
# SIP parsing benchmark (issue 2): Parley's parser beside JAIN-SIP's, in the same JMH run.
#
#   parley-bench/bench/parse.sh [extra JMH options...]
#
# Builds parley-bench/target/benchmarks.jar, runs dev.parley.bench.ParseBenchmark in throughput mode
# with the GC profiler and a CPU-time profiler, writes JMH's JSON to parley-bench/target/jmh/parse-<time>.json (and the full
# log beside it), then prints per parser messages/s, CPU time per message and bytes allocated per
# message, with the ratios Parley / JAIN-SIP. About 5-6 minutes on 2 cores with the defaults.
#
# Environment:
#   JMH_RUN   forks/iterations (default: -f 2 -wi 3 -w 2s -i 4 -r 3s)
#   JMH_JVM   options of the forked JVMs (default: -Xms1g -Xmx1g)
#   SKIP_BUILD=1  reuse the jar already built
#   QUIET_BUSY  wait before measuring until the machine's CPUs are less busy than this percentage
#               over 5 s (default 15; 100 disables the wait), since a build or test run beside the
#               benchmark starves the JIT and skews one parser's figures more than the other's
#   QUIET_WAIT  give up waiting after this many seconds and measure anyway (default 900)
# Extra arguments go to JMH as they are, e.g. `-p message=invite` or `-prof stack`.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

JMH_RUN=${JMH_RUN:-"-f 2 -wi 3 -w 2s -i 4 -r 3s"}
JMH_JVM=${JMH_JVM:-"-Xms1g -Xmx1g"}
built=parley-bench/target/benchmarks.jar
out=parley-bench/target/jmh
stamp=$(date -u +%Y%m%dT%H%M%SZ)
# Measure from a private copy, so a build in the same tree (even `mvn clean`) during the run does
# not swap the classes under the forked JVMs; results land in target/jmh at the end.
work=$(mktemp -d "${TMPDIR:-/tmp}/parley-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
jar=$work/benchmarks.jar
json=$work/parse-$stamp.json
log=$work/parse-$stamp.txt

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -q -pl parley-bench -am package -DskipTests
fi
cp "$built" "$jar"

# Percentage of all CPUs busy over the next 5 seconds, from /proc/stat.
cpu_busy() {
  a=$(head -n 1 /proc/stat); sleep 5; b=$(head -n 1 /proc/stat)
  printf '%s\n%s\n' "$a" "$b" | awk '
    { idle[NR] = $5 + $6; total[NR] = 0; for (i = 2; i <= NF; i++) total[NR] += $i }
    END { t = total[2] - total[1]; printf "%d\n", (t > 0 ? 100 * (t - (idle[2] - idle[1])) / t : 0) }'
}
QUIET_BUSY=${QUIET_BUSY:-15}
QUIET_WAIT=${QUIET_WAIT:-900}
waited=0
busy=n/a
while [ "$QUIET_BUSY" -lt 100 ]; do
  busy=$(cpu_busy)
  [ "$busy" -lt "$QUIET_BUSY" ] && break
  if [ "$waited" -ge "$QUIET_WAIT" ]; then
    echo "warning: CPUs still ${busy}% busy after ${waited}s; measuring anyway" >&2
    break
  fi
  echo "CPUs ${busy}% busy; waiting for a quiet machine (< ${QUIET_BUSY}%)..." >&2
  sleep 10
  waited=$((waited + 15))
done

{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC') $(uname -srm), nproc=$(nproc)"
  sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1 | sed 's/^/# cpu: /'
  java -version 2>&1 | sed 's/^/# /'
  echo "# before the run: CPUs ${busy}% busy over 5 s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# java -jar $built ParseBenchmark -bm thrpt -tu s $JMH_RUN -jvmArgs \"$JMH_JVM\" -prof gc -prof dev.parley.bench.CpuTimeProfiler -rf json $* "
} | tee "$log"

# shellcheck disable=SC2086 # JMH_RUN is a list of options on purpose
java -jar "$jar" 'dev\.parley\.bench\.ParseBenchmark\.' -bm thrpt -tu s $JMH_RUN -jvmArgs "$JMH_JVM" \
  -prof gc -prof dev.parley.bench.CpuTimeProfiler -rf json -rff "$json" "$@" | tee -a "$log"

echo | tee -a "$log"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
java -cp "$jar" dev.parley.bench.ParseSummary "$json" | tee -a "$log"
mkdir -p "$out"
cp "$json" "$log" "$out/"
echo "results: $out/$(basename "$json")"
echo "log:     $out/$(basename "$log")"
