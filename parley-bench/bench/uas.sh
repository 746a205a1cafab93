#!/usr/bin/env bash
# UAS load benchmark (issue 3): Parley's `parley uas` beside a JAIN-SIP RI UAS
# (dev.parley.bench.JainSipUas), both driven by SIPp's built-in `uac` scenario on loopback, in the
# same run.
#
#   parley-bench/bench/uas.sh
#
# For each UAS: start it (same JVM flags for both), warm it up, measure the CPU it spends per call
# in steady state at a rate both sustain (COMMON_RATE), then step SIPp's call rate up (RATES), each
# step bounded in calls (-m rate*STEP_SECONDS) and time (-timeout), with its own SIPp port, until the
# first step that is not clean. A step is clean when every call SIPp created succeeded
# (successful == created == -m, failed == 0) at >= 95% of the asked rate. Prints per step SIPp's
# counters, the UAS process's CPU time (utime+stime from /proc/PID/stat) and SIPp's, and at the end
# the highest clean rate and the CPU seconds per 1,000 calls of each UAS, with the ratios asked by
# the issue (Parley >= 3x JAIN-SIP's rate, <= 1/3 of its CPU per call). About 7-8 minutes after
# the build, bounded by MAX_SECONDS.
#
# Everything lands in parley-bench/target/uas/<time>/ (summary.txt, each step's SIPp stats CSV,
# errors and screen, the UAS logs).
#
# Environment (defaults in brackets):
#   RATES            call rates of the steps, calls/s ["250 500 1000 1500 2000 2500 3000 4000 5000 6000 8000"]
#   STEP_SECONDS     length of a step at its rate: -m = rate * STEP_SECONDS [15]
#   STEP_PAUSE       seconds between steps, for the UAS to drain [4]
#   WARMUP_RATE, WARMUP_SECONDS  warm-up before measuring [500, 20]
#   COMMON_RATE      rate of the steady-state CPU measurement, one both UASes sustain [1000]
#   STEADY_SECONDS, STEADY_SKIP  length of that run, and the seconds skipped before its CPU window
#                    opens (past the 32 s a finished transaction lives, so the window pays for the
#                    timers and clean-up of the calls it measures) [50, 35]
#   JVM_OPTS         flags of both UAS JVMs ["-Xms1g -Xmx1g -XX:+UseG1GC"]
#   JAINSIP_THREADS  gov.nist.javax.sip.THREAD_POOL_SIZE of the JAIN-SIP UAS [8]
#   UASES            which UASes, in order ["parley jainsip"]
#   UAS_PORT_PARLEY, UAS_PORT_JAINSIP, SIPP_PORT  loopback ports [35060, 35070, 36000 and up]
#   SKIP_BUILD=1     reuse the jars already built
#   QUIET_BUSY, QUIET_WAIT  wait before measuring until the CPUs are less busy than this
#                    percentage over 5 s (100 disables), for at most this many seconds [20, 300]
#   MAX_SECONDS      stop stepping once the measurement has run this long [780]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# How the figures are read (CPU ticks, ports, SIPp counters): shared with the other benchmarks.
# shellcheck source=lib/measure.sh
. "$root/parley-bench/bench/lib/measure.sh"

RATES=${RATES:-"250 500 1000 1500 2000 2500 3000 4000 5000 6000 8000"}
STEP_SECONDS=${STEP_SECONDS:-15}
STEP_PAUSE=${STEP_PAUSE:-4}
WARMUP_RATE=${WARMUP_RATE:-500}
WARMUP_SECONDS=${WARMUP_SECONDS:-20}
COMMON_RATE=${COMMON_RATE:-1000}
STEADY_SECONDS=${STEADY_SECONDS:-50}
STEADY_SKIP=${STEADY_SKIP:-35}
JVM_OPTS=${JVM_OPTS:-"-Xms1g -Xmx1g -XX:+UseG1GC"}
JAINSIP_THREADS=${JAINSIP_THREADS:-8}
UASES=${UASES:-"parley jainsip"}
UAS_PORT_PARLEY=${UAS_PORT_PARLEY:-35060}
UAS_PORT_JAINSIP=${UAS_PORT_JAINSIP:-35070}
SIPP_PORT=${SIPP_PORT:-36000}
QUIET_BUSY=${QUIET_BUSY:-20}
QUIET_WAIT=${QUIET_WAIT:-300}
MAX_SECONDS=${MAX_SECONDS:-780}
HOST=127.0.0.1

die() { echo "uas.sh: $*" >&2; exit 2; }

command -v sipp >/dev/null 2>&1 \
  || die "sipp not found on PATH (Debian: apt-get install sip-tester; SIPp 3.6 expected)"
command -v java >/dev/null 2>&1 || die "java not found on PATH"
sipp_version=$( (sipp -v 2>&1 || true) | sed -n 's/.*\(SIPp v[^ ,]*[^ ,.]\).*/\1/p' | head -n 1)
clk_tck=$(getconf CLK_TCK)

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$root/parley-bench/target/uas/$stamp
mkdir -p "$out"
summary=$out/summary.txt
results=$out/steps.tsv
: >"$results"

# Measure from private copies of the jars, so a build in the same tree during the run (even
# `mvn clean`) does not swap classes under the running UASes.
work=$(mktemp -d "${TMPDIR:-/tmp}/parley-uas.XXXXXX")
uas_pid=
sipp_pid=
cleanup() {
  if [ -n "$sipp_pid" ] && kill -0 "$sipp_pid" 2>/dev/null; then
    kill "$sipp_pid" 2>/dev/null || true
  fi
  if [ -n "$uas_pid" ] && kill -0 "$uas_pid" 2>/dev/null; then
    kill "$uas_pid" 2>/dev/null || true
    sleep 2
    kill -9 "$uas_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "$*" | tee -a "$summary"; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building parley-cli and parley-bench..."
  ./mvnw -q -pl parley-cli,parley-bench -am package -DskipTests
fi
[ -f parley-cli/target/parley.jar ] || die "parley-cli/target/parley.jar missing (build failed?)"
[ -f parley-bench/target/benchmarks.jar ] || die "parley-bench/target/benchmarks.jar missing (build failed?)"
cp parley-cli/target/parley.jar parley-bench/target/benchmarks.jar "$work/"

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

t_start=$(date +%s)
{
  echo "# UAS load benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), nproc=$(nproc)"
  sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1 | sed 's/^/# cpu: /'
  java -version 2>&1 | sed -n '2,3p' | sed 's/^/# /'
  echo "# $sipp_version; SIPp uac and the UAS share the machine's $(nproc) CPUs"
  echo "# JVM flags (both UASes): $JVM_OPTS"
  echo "# before the run: CPUs ${busy}% busy over 5 s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# warm-up ${WARMUP_SECONDS}s at ${WARMUP_RATE}/s; steady CPU at ${COMMON_RATE}/s over s ${STEADY_SKIP}-${STEADY_SECONDS};" \
    "steps of ${STEP_SECONDS}s (-m rate*${STEP_SECONDS}) at: $RATES"
} | tee "$summary"

# Calls SIPp had created at epoch time $2, interpolated between its periodic stats rows (-fd 1).
calls_at() {
  awk -F';' -v t="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
      split($col["CurrentTime"], ct, "\t"); e = ct[3] + 0; c = $col["TotalCallCreated"] + 0
      if (e <= t) { pe = e; pc = c; have = 1 }
      else if (!done) { print (have && e > pe) ? pc + (c - pc) * (t - pe) / (e - pe) : c; done = 1 }
    }
    END { if (!done) print pc + 0 }' "$1"
}

# run_sipp LABEL RATE CALLS TIMEOUT [MID_SECONDS]: one SIPp uac run against the current UAS.
# Sets: r_* (SIPp counters, UAS and SIPp CPU, wall time); with MID_SECONDS, also the CPU and calls
# of the window from MID_SECONDS after the start to the end (w_ticks, w_calls, w_secs).
run_sipp() {
  local label=$1 rate=$2 calls=$3 timeout=$4 mid=${5:-}
  local port=$SIPP_PORT
  SIPP_PORT=$((SIPP_PORT + 1))
  local base=$out/$uas_name-$label
  local limit=$((rate * 3 > 1000 ? rate * 3 : 1000))
  local t0 t1 tk0 tk1 tm tkm
  echo "sipp -sn uac $HOST:$uas_port -i $HOST -p $port -mp $((port + 2000)) -r $rate -rp 1000 -m $calls -l $limit" \
    "-timeout ${timeout}s -nostdin -buff_size 1048576 -trace_stat -stf $(basename "$base").csv -fd 1 -trace_err" >"$base.cmd"
  local mk0 mk1 dr0 dr1
  mk0=$(machine_ticks); dr0=$(udp_drops)
  tk0=$(proc_ticks "$uas_pid"); t0=$(now)
  (
    set +e
    sipp -sn uac "$HOST:$uas_port" -i "$HOST" -p "$port" -mp $((port + 2000)) -r "$rate" -rp 1000 \
      -m "$calls" -l "$limit" -timeout "${timeout}s" -nostdin -buff_size 1048576 \
      -trace_stat -stf "$base.csv" -fd 1 -trace_err -error_file "$base.errors.log" \
      >"$base.screen.log" 2>&1
    echo $? >"$base.rc"
    times >"$base.times"
  ) &
  sipp_pid=$!
  if [ -n "$mid" ]; then
    sleep "$mid"
    tkm=$(proc_ticks "$uas_pid"); tm=$(now)
  fi
  wait "$sipp_pid" || true
  sipp_pid=
  tk1=$(proc_ticks "$uas_pid"); t1=$(now)
  mk1=$(machine_ticks); dr1=$(udp_drops)
  r_drops=$((dr1 - dr0))
  [ -f "$base.csv" ] || die "SIPp wrote no stats ($base.screen.log): $(tail -n 3 "$base.screen.log")"
  eval "$(sipp_stats "$base.csv")"
  r_rc=$(cat "$base.rc")
  r_wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  r_uas_cpu=$(awk -v a="$tk0" -v b="$tk1" -v hz="$clk_tck" 'BEGIN { printf "%.2f", (b - a) / hz }')
  r_machine_cpu=$(awk -v a="$mk0" -v b="$mk1" -v hz="$clk_tck" 'BEGIN { printf "%.2f", (b - a) / hz }')
  r_sipp_cpu=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.2f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$base.times")
  if [ -n "$mid" ]; then
    w_calls=$(awk -v total="$s_TotalCallCreated" -v at="$(calls_at "$base.csv" "$tm")" 'BEGIN { printf "%d", total - at }')
    w_ticks=$((tk1 - tkm))
    w_secs=$(awk -v a="$tm" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  fi
}

# Prints one step's line and appends it to steps.tsv; sets step_clean=1 or 0.
report_step() {
  local kind=$1 rate=$2 calls=$3
  local verdict=clean
  step_clean=1
  if [ "$s_FailedCallC" != 0 ]; then verdict="FAILED $s_FailedCallC"; step_clean=0
  elif [ "$s_TotalCallCreated" != "$calls" ]; then verdict="only $s_TotalCallCreated of $calls created"; step_clean=0
  elif [ "$s_SuccessfulCallC" != "$s_TotalCallCreated" ]; then verdict="$((s_TotalCallCreated - s_SuccessfulCallC)) unfinished"; step_clean=0
  elif awk -v a="$s_CallRateC" -v r="$rate" 'BEGIN { exit !(a < 0.95 * r) }'; then verdict="rate not held"; step_clean=0
  fi
  local per1k cores sipp_cores others
  per1k=$(awk -v c="$r_uas_cpu" -v n="$s_TotalCallCreated" 'BEGIN { printf "%.3f", (n > 0 ? 1000 * c / n : 0) }')
  cores=$(awk -v c="$r_uas_cpu" -v w="$r_wall" 'BEGIN { printf "%.2f", c / w }')
  sipp_cores=$(awk -v c="$r_sipp_cpu" -v w="$r_wall" 'BEGIN { printf "%.2f", c / w }')
  others=$(awk -v m="$r_machine_cpu" -v u="$r_uas_cpu" -v s="$r_sipp_cpu" -v w="$r_wall" \
    'BEGIN { o = (m - u - s) / w; printf "%.2f", (o < 0 ? 0 : o) }')
  printf '%-8s %-7s %6s %8s %7s %7s %6s %7s %6s %6s %6s %8s %8s %5s %8s %5s %6s  %s\n' \
    "$uas_name" "$kind" "$rate" "$s_CallRateC" "$s_TotalCallCreated" "$s_SuccessfulCallC" "$s_FailedCallC" \
    "$s_RetransmissionsC" "$s_DeadCallMsgsC" "$s_OutOfCallMsgsC" "$r_drops" "$r_uas_cpu" "$per1k" "$cores" \
    "$r_sipp_cpu" "$sipp_cores" "$others" "$verdict" | tee -a "$summary"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$uas_name" "$kind" "$rate" \
    "$s_CallRateC" "$s_TotalCallCreated" "$s_SuccessfulCallC" "$s_FailedCallC" "$r_uas_cpu" "$per1k" \
    "$cores" "$r_sipp_cpu" "$sipp_cores" "$step_clean" "$s_RetransmissionsC" "$r_drops" "$others" >>"$results"
}

header() {
  printf '%-8s %-7s %6s %8s %7s %7s %6s %7s %6s %6s %6s %8s %8s %5s %8s %5s %6s  %s\n' \
    uas step rate "got/s" calls ok failed retrans dead ooc drops "uas cpu" "s/1k" cores "sipp cpu" cores others verdict \
    | tee -a "$summary"
}

start_uas() {
  local log=$out/$uas_name.log
  case $uas_name in
    parley)
      uas_port=$UAS_PORT_PARLEY
      # shellcheck disable=SC2086 # JVM_OPTS is a list of flags on purpose
      java $JVM_OPTS -jar "$work/parley.jar" uas --listen "udp:$HOST:$uas_port" >"$log" 2>&1 &
      ready='parley uas: listening' ;;
    jainsip)
      uas_port=$UAS_PORT_JAINSIP
      # shellcheck disable=SC2086
      java $JVM_OPTS -cp "$work/benchmarks.jar" dev.parley.bench.JainSipUas \
        --listen "udp:$HOST:$uas_port" --threads "$JAINSIP_THREADS" >"$log" 2>&1 &
      ready='jain-sip uas: listening' ;;
    *) die "unknown UAS '$uas_name' (UASES takes parley and jainsip)" ;;
  esac
  uas_pid=$!
  local i=0
  until grep -q "$ready" "$log" 2>/dev/null; do
    kill -0 "$uas_pid" 2>/dev/null || die "$uas_name UAS exited before it was ready: $(tail -n 5 "$log")"
    i=$((i + 1))
    [ "$i" -lt 300 ] || die "$uas_name UAS not ready after 30 s: $(tail -n 5 "$log")"
    sleep 0.1
  done
}

stop_uas() {
  kill "$uas_pid" 2>/dev/null || true
  local i=0
  while kill -0 "$uas_pid" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  kill -9 "$uas_pid" 2>/dev/null || true
  wait "$uas_pid" 2>/dev/null || true
  uas_pid=
}

echo | tee -a "$summary"
echo "# got/s: SIPp's achieved call rate; retrans: SIPp's retransmissions; dead/ooc: messages SIPp got for" \
  "ended/unknown calls; drops: UDP datagrams the kernel dropped on a full receive buffer (any socket);" \
  "s/1k: UAS CPU seconds per 1,000 calls; cores: CPU seconds per wall second; others: cores used by" \
  "other processes during the step" | tee -a "$summary"
header
first=1
for uas_name in $UASES; do
  [ "$first" = 1 ] || sleep "$STEP_PAUSE"
  first=0
  start_uas

  run_sipp warmup "$WARMUP_RATE" $((WARMUP_RATE * WARMUP_SECONDS)) $((WARMUP_SECONDS + 20))
  report_step warmup "$WARMUP_RATE" $((WARMUP_RATE * WARMUP_SECONDS))
  sleep "$STEP_PAUSE"

  run_sipp steady "$COMMON_RATE" $((COMMON_RATE * STEADY_SECONDS)) $((STEADY_SECONDS + 20)) "$STEADY_SKIP"
  report_step steady "$COMMON_RATE" $((COMMON_RATE * STEADY_SECONDS))
  steady_per1k=$(awk -v t="$w_ticks" -v hz="$clk_tck" -v n="$w_calls" 'BEGIN { printf "%.3f", (n > 0 ? 1000 * t / hz / n : 0) }')
  printf '%s\tsteadywin\t%s\t%s\t%s\t%s\t%s\n' "$uas_name" "$COMMON_RATE" "$w_calls" "$w_secs" "$w_ticks" \
    "$steady_per1k" >>"$results"
  say "         steady-state window (s ${STEADY_SKIP}-end, ${w_secs} s, ${w_calls} calls): UAS $steady_per1k CPU s per 1,000 calls"
  sleep "$STEP_PAUSE"

  for rate in $RATES; do
    if [ $(( $(date +%s) - t_start )) -ge "$MAX_SECONDS" ]; then
      say "         (time budget of ${MAX_SECONDS}s spent: no more steps)"
      break
    fi
    run_sipp "r$rate" "$rate" $((rate * STEP_SECONDS)) $((STEP_SECONDS + 15))
    report_step step "$rate" $((rate * STEP_SECONDS))
    [ "$step_clean" = 1 ] || break
    sleep "$STEP_PAUSE"
  done
  say "         $uas_name peak RSS: $(awk '/VmHWM/ { printf "%d MB", $2 / 1024 }' "/proc/$uas_pid/status")"
  stop_uas
  tail -n 1 "$out/$uas_name.log" | sed 's/^/         /' | tee -a "$summary"
done

# Summary: per UAS, the highest clean step and its CPU per call, the steady-state CPU per call at
# COMMON_RATE, and the ratios against the targets.
echo | tee -a "$summary"
awk -F'\t' -v common="$COMMON_RATE" -v uases="$UASES" '
  $2 == "step" && $13 == 1 && ($3 + 0 > best[$1] + 0) { best[$1] = $3; bestk[$1] = $9; bestc[$1] = $10; bestsipp[$1] = $12 }
  $2 == "step" && $13 != 1 { bad[$1] = $3 }
  $2 == "step" && $3 == common && $13 == 1 { atc[$1] = $9 }
  $2 == "steadywin" { steady[$1] = $7 }
  END {
    fmt = "%-8s %16s %16s %12s %10s %11s %18s %16s\n"
    printf(fmt, "uas", "highest clean/s", "first unclean/s", "s/1k there", "UAS cores", "SIPp cores", ("s/1k steady@" common), ("s/1k step@" common))
    n = split(uases, list, " ")
    for (i = 1; i <= n; i++) {
      u = list[i]
      printf(fmt, u, best[u] + 0, ((u in bad) ? bad[u] : "none"), bestk[u], bestc[u], bestsipp[u], steady[u], atc[u])
    }
    p = "parley"; j = "jainsip"
    if ((p in best) && (j in best) && best[j] > 0) {
      printf("\nrate: parley %d/s vs jain-sip %d/s = %.2fx (target >= 3x): %s\n", best[p], best[j], best[p] / best[j], ((best[p] >= 3 * best[j]) ? "met" : "NOT met"))
      if (!(p in bad)) printf("      (parley had no unclean step: its ceiling is at or above the last rate tried)\n")
    }
    if (steady[p] > 0 && steady[j] > 0) {
      printf("CPU:  parley %s vs jain-sip %s CPU s per 1,000 calls at %d/s, steady state = 1/%.2f (target <= 1/3): %s\n", steady[p], steady[j], common, steady[j] / steady[p], ((3 * steady[p] <= steady[j]) ? "met" : "NOT met"))
    }
    if (bestk[p] > 0 && bestk[j] > 0) {
      printf("      each at its highest clean rate: parley %s vs jain-sip %s = 1/%.2f\n", bestk[p], bestk[j], bestk[j] / bestk[p])
    }
  }' "$results" | tee -a "$summary"
say ""
say "# load average after: $(cut -d' ' -f1-3 /proc/loadavg); measured for $(( $(date +%s) - t_start )) s"
say "# files: $out"
