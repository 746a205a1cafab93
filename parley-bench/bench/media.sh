#!/usr/bin/env bash
# Media-plane benchmark (issue 12): `parley uas --media echo` beside SIPp's own echoing UAS
# (`sipp -sn uas -rtp_echo`), same run, same numbers of concurrent calls, loopback only.
#
#   parley-bench/bench/media.sh
#
# For each server of SERVERS (one process, warmed up by a probe run first) and each level N of
# STREAMS:
#   A. SIPp calls with RTP: N calls of the scenario bench/sipp/uac-g711a-pcap-x3.xml (INVITE with a
#      PCMA offer, ACK, /usr/share/sip-tester/g711a.pcap played 3 times = 21 s of 33 packets/s,
#      BYE), opened at SETUP_RATE calls/s (-l N -m N). Once all N are up, the server process's
#      CPU time (utime+stime, /proc/PID/stat) is read over the steady window (every call playing)
#      and divided by N x the window: CPU microseconds per stream-second.
#   B. The Java probe (dev.parley.bench.MediaEchoProbe): N calls of its own (INVITE, 200, ACK),
#      then N RTP streams of PCMU, 160-byte payloads every 20 ms (50 packets/s each), at the
#      answered ports; after PROBE_WARMUP s it counts for PROBE_SECONDS what it sent and what came
#      back, and the round trip of every packet (the send time is in the payload). Loss and p99
#      round trip (an upper bound on the delay the echo adds: two passes through loopback and the
#      probe's own event loop are in it), and the server's CPU per stream-second at 50 packets/s.
# A level is clean for a server when the probe lost nothing and its p99 round trip is <= 2 ms.
# Every level is run for every server; prints a table, the highest clean level of each server
# (and its lowest unclean one), and the ratio of their CPU per stream-second at each level.
# About 7-9 minutes with the defaults (bounded by MAX_SECONDS).
#
# Everything lands in parley-bench/target/media/<time>/ (summary.txt, SIPp's stats and screens,
# the probe's output, the servers' logs).
#
# Environment (defaults in brackets):
#   STREAMS          concurrent calls per level ["100 250 500 1000"]
#   SERVERS          which servers, in order ["parley sipp"]
#   SETUP_RATE       calls/s at which SIPp opens the N calls of phase A [200]
#   PROBE_WARMUP, PROBE_SECONDS  the probe's warm-up and measured window [5, 15]
#   WARMUP_STREAMS, WARMUP_SECONDS  a probe run against each freshly started server before its
#                    first level, so that the JIT has compiled its echo path [100, 15]
#   JVM_OPTS         flags of the parley uas JVM ["-Xms512m -Xmx512m -XX:+UseG1GC"]
#   PROBE_JVM_OPTS   flags of the probe's JVM ["-Xms256m -Xmx256m"]
#   SIP_PORT         the servers' SIP port on 127.0.0.1 [35080]; SIPp uac and the probe use others
#   UAS_ARGS         more options of parley uas, e.g. "--media-threads 1", or "--echo-port 34000
#                    --media-wakeup-us 1000 --media-wakeup-batch 12" (docs/cli.md) [none]
#   SKIP_BUILD=1     reuse the jars already built
#   QUIET_BUSY, QUIET_WAIT  wait before measuring until the CPUs are less busy than this
#                    percentage over 5 s (100 disables), for at most this many seconds [30, 60]
#   MAX_SECONDS      no new level after this many seconds [540]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# How the figures are read (CPU ticks, ports, SIPp counters): shared with the other benchmarks.
# shellcheck source=lib/measure.sh
. "$root/parley-bench/bench/lib/measure.sh"

STREAMS=${STREAMS:-"100 250 500 1000"}
SERVERS=${SERVERS:-"parley sipp"}
SETUP_RATE=${SETUP_RATE:-200}
PROBE_WARMUP=${PROBE_WARMUP:-5}
PROBE_SECONDS=${PROBE_SECONDS:-15}
WARMUP_STREAMS=${WARMUP_STREAMS:-100}
WARMUP_SECONDS=${WARMUP_SECONDS:-15}
JVM_OPTS=${JVM_OPTS:-"-Xms512m -Xmx512m -XX:+UseG1GC"}
PROBE_JVM_OPTS=${PROBE_JVM_OPTS:-"-Xms256m -Xmx256m"}
UAS_ARGS=${UAS_ARGS:-}
SIP_PORT=${SIP_PORT:-35080}
QUIET_BUSY=${QUIET_BUSY:-30}
QUIET_WAIT=${QUIET_WAIT:-60}
MAX_SECONDS=${MAX_SECONDS:-540}
HOST=127.0.0.1
PLAY_SECONDS=21   # 3 x g711a.pcap (7.05 s each) in the scenario
SCENARIO=$root/parley-bench/bench/sipp/uac-g711a-pcap-x3.xml

die() { echo "media.sh: $*" >&2; exit 2; }

command -v sipp >/dev/null 2>&1 \
  || die "sipp not found on PATH (Debian: apt-get install sip-tester; SIPp 3.6 with PCAP play expected)"
command -v java >/dev/null 2>&1 || die "java not found on PATH"
[ -f /usr/share/sip-tester/g711a.pcap ] || die "/usr/share/sip-tester/g711a.pcap missing (sip-tester)"
[ -f "$SCENARIO" ] || die "scenario missing: $SCENARIO"
for n in $STREAMS; do
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 4000 ] || die "STREAMS: '$n' is not 1..4000"
done
sipp_version=$( (sipp -v 2>&1 || true) | sed -n 's/.*\(SIPp v[^ ,]*[^ ,.]\).*/\1/p' | head -n 1)
clk_tck=$(getconf CLK_TCK)

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$root/parley-bench/target/media/$stamp
mkdir -p "$out"
summary=$out/summary.txt
results=$out/levels.tsv
: >"$results"

work=$(mktemp -d "${TMPDIR:-/tmp}/parley-media.XXXXXX")
server_pid=
sipp_pid=
cleanup() {
  if [ -n "$sipp_pid" ] && kill -0 "$sipp_pid" 2>/dev/null; then kill "$sipp_pid" 2>/dev/null || true; fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    sleep 2
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "$*" | tee -a "$summary"; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building parley-cli and parley-bench..."
  ./mvnw -q -o -pl parley-cli,parley-bench -am package -DskipTests
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
  echo "CPUs ${busy}% busy; waiting for a quieter machine (< ${QUIET_BUSY}%)..." >&2
  sleep 10
  waited=$((waited + 15))
done

t_start=$(date +%s)
{
  echo "# Media-plane benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), nproc=$(nproc)"
  sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1 | sed 's/^/# cpu: /'
  java -version 2>&1 | sed -n '1p' | sed 's/^/# /'
  echo "# $sipp_version; servers, SIPp uac and the probe share the machine's $(nproc) CPUs (loopback)"
  echo "# parley uas JVM flags: $JVM_OPTS; probe: $PROBE_JVM_OPTS"
  echo "# before the run: CPUs ${busy}% busy over 5 s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# levels: $STREAMS concurrent calls; A: SIPp uac, g711a.pcap x3 (33 pps/stream), opened at ${SETUP_RATE}/s;" \
    "B: probe, 50 pps/stream, ${PROBE_WARMUP}s warm-up + ${PROBE_SECONDS}s measured"
} | tee "$summary"

level_port=0
start_server() {
  local log=$out/$server.log
  # a fresh SIP port per server: the previous one's retransmissions must not land here
  sip_port=$((SIP_PORT + level_port)); level_port=$((level_port + 1))
  case $server in
    parley)
      # shellcheck disable=SC2086 # JVM_OPTS is a list of flags on purpose
      java $JVM_OPTS -jar "$work/parley.jar" uas --listen "udp:$HOST:$sip_port" --media echo \
        --rtp-ports 20000-29999 $UAS_ARGS >"$log" 2>&1 &
      server_pid=$!
      local i=0
      until grep -q 'parley uas: listening' "$log" 2>/dev/null; do
        kill -0 "$server_pid" 2>/dev/null || die "parley uas exited before it was ready: $(tail -n 5 "$log")"
        i=$((i + 1)); [ "$i" -lt 300 ] || die "parley uas not ready after 30 s"
        sleep 0.1
      done ;;
    sipp)
      (cd "$out" && exec sipp -sn uas -rtp_echo -i "$HOST" -p "$sip_port" -mp $((30000 + 10 * level_port)) \
        -nostdin -trace_stat -stf "$out/sipp-uas.csv" -fd 5 >"$log" 2>&1) &
      server_pid=$!
      local i=0
      until udp_bound "$sip_port"; do
        kill -0 "$server_pid" 2>/dev/null || die "sipp uas exited before it was ready: $(tail -n 5 "$log")"
        i=$((i + 1)); [ "$i" -lt 300 ] || die "sipp uas not listening after 30 s"
        sleep 0.1
      done ;;
    *) die "unknown server '$server' (SERVERS takes parley and sipp)" ;;
  esac
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  local i=0
  while kill -0 "$server_pid" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  kill -9 "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

sipp_port=36100
# Phase A: N SIPp calls playing g711a.pcap; sets a_* (SIPp counters, server CPU per stream-second).
phase_a() {
  local base=$out/$server-$n-sipp
  local port=$sipp_port; sipp_port=$((sipp_port + 4))
  local ramp window t0 tk0 tk1 w0 w1
  ramp=$(awk -v n="$n" -v r="$SETUP_RATE" 'BEGIN { printf "%d", n / r + 1.999 }')
  window=$((PLAY_SECONDS - ramp - 3))
  [ "$window" -ge 5 ] || die "SETUP_RATE too low for $n calls: steady window of ${window}s"
  echo "sipp -sf $(basename "$SCENARIO") $HOST:$sip_port -i $HOST -p $port -mp $((port + 2000)) -r $SETUP_RATE -l $n -m $n" >"$base.cmd"
  local d0; d0=$(udp_drops)
  (
    set +e
    cd "$out" && sipp -sf "$SCENARIO" "$HOST:$sip_port" -i "$HOST" -p "$port" -mp $((port + 2000)) \
      -r "$SETUP_RATE" -rp 1000 -l "$n" -m "$n" -timeout $((PLAY_SECONDS + ramp + 40))s -nostdin \
      -buff_size 1048576 -trace_stat -stf "$base.csv" -fd 1 -trace_err -error_file "$base.errors.log" \
      >"$base.screen.log" 2>&1
    echo $? >"$base.rc"
  ) &
  sipp_pid=$!
  t0=$(now)
  sleep $((ramp + 1))
  tk0=$(proc_ticks "$server_pid"); w0=$(now)
  sleep "$window"
  tk1=$(proc_ticks "$server_pid"); w1=$(now)
  wait "$sipp_pid" || true
  sipp_pid=
  a_drops=$(( $(udp_drops) - d0 ))
  [ -f "$base.csv" ] || die "SIPp wrote no stats ($base.screen.log): $(tail -n 3 "$base.screen.log")"
  eval "$(sipp_stats "$base.csv")"
  a_ok=$s_SuccessfulCallC; a_failed=$s_FailedCallC
  a_cpu=$(awk -v a="$tk0" -v b="$tk1" -v hz="$clk_tck" 'BEGIN { printf "%.2f", (b - a) / hz }')
  a_secs=$(awk -v a="$w0" -v b="$w1" 'BEGIN { printf "%.1f", b - a }')
  a_us=$(awk -v c="$a_cpu" -v n="$n" -v s="$a_secs" 'BEGIN { printf "%.1f", 1e6 * c / (n * s) }')
  a_cores=$(awk -v c="$a_cpu" -v s="$a_secs" 'BEGIN { printf "%.2f", c / s }')
}

# Phase B: the probe; sets b_* from its result line. With an argument: the warm-up run.
phase_b() {
  local streams=$n warm=$PROBE_WARMUP secs=$PROBE_SECONDS base=$out/$server-$n-probe
  if [ -n "${1:-}" ]; then streams=$WARMUP_STREAMS warm=0 secs=$WARMUP_SECONDS base=$out/$server-warmup-probe; fi
  # shellcheck disable=SC2086
  java $PROBE_JVM_OPTS -cp "$work/benchmarks.jar" dev.parley.bench.MediaEchoProbe \
    --sip "$HOST:$sip_port" --streams "$streams" --warmup "$warm" --seconds "$secs" \
    --server-pid "$server_pid" --ports 40000-49999 >"$base.out" 2>"$base.err" \
    || die "probe failed: $(tail -n 5 "$base.err")"
  local line; line=$(grep '^streams=' "$base.out" | tail -n 1)
  [ -n "$line" ] || die "probe printed no result: $(tail -n 5 "$base.err")"
  for kv in $line; do
    case $kv in
      *=*) printf -v "b_${kv%%=*}" '%s' "${kv#*=}" ;;
    esac
  done
}

printf '%-7s %6s | %6s %6s %8s %6s %9s | %8s %8s %6s %8s %8s %8s %8s %6s %6s  %s\n' \
  server calls "A ok" failed "cpu s" cores "us/str-s" sent lost "loss%" "p50 ms" "p99 ms" "max ms" "us/str-s" "us/pkt" drops verdict \
  | tee -a "$summary"
for server in $SERVERS; do
  start_server
  phase_b warmup
  say "$(printf '%-7s %6s   warm-up probe: %s' "$server" "$WARMUP_STREAMS" "$(grep '^streams=' "$out/$server-warmup-probe.out" | tail -n 1)")"
  sleep 3
  for n in $STREAMS; do
    if [ $(( $(date +%s) - t_start )) -ge "$MAX_SECONDS" ]; then
      say "# (time budget of ${MAX_SECONDS}s spent: no more levels)"
      break
    fi
    phase_a
    sleep 3
    d0=$(udp_drops)
    phase_b
    b_drops=$(( $(udp_drops) - d0 ))
    verdict=clean; clean=1
    if [ "$b_lost" != 0 ]; then verdict="LOSS"; clean=0; fi
    if awk -v p="$b_rtt_p99_ms" 'BEGIN { exit !(p > 2.0) }'; then verdict="${verdict/clean/} p99>2ms"; clean=0; fi
    if [ "$a_failed" != 0 ] || [ "$a_ok" != "$n" ]; then verdict="$verdict (SIPp calls: $a_ok ok, $a_failed failed)"; fi
    printf '%-7s %6s | %6s %6s %8s %6s %9s | %8s %8s %6s %8s %8s %8s %8s %6s %6s  %s\n' \
      "$server" "$n" "$a_ok" "$a_failed" "$a_cpu" "$a_cores" "$a_us" "$b_sent" "$b_lost" "$b_loss_pct" \
      "$b_rtt_p50_ms" "$b_rtt_p99_ms" "$b_rtt_max_ms" "$b_server_us_per_stream_s" "$b_server_us_per_packet" \
      "$b_drops" "$verdict" \
      | tee -a "$summary"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$n" "$clean" "$a_us" "$b_server_us_per_stream_s" \
      "$b_rtt_p99_ms" "$b_lost" >>"$results"
    sleep 3
  done
  stop_server
  say "         $(grep 'parley uas: stopped' "$out/$server.log" 2>/dev/null || echo "$server stopped")"
done

echo | tee -a "$summary"
say "# A: SIPp uac calls playing g711a.pcap (33 pps/stream): server CPU over the window when all calls play;"
say "#    us/str-s = server CPU microseconds per stream-second. B: the probe (50 pps/stream): sent and lost"
say "#    in its ${PROBE_SECONDS}s window, round trip quantiles (10 us buckets, upper edges), server CPU per stream-second"
say "#    and per packet echoed (us/pkt: server CPU / packets that came back);"
say "#    drops = UDP datagrams the kernel dropped on full receive buffers during B (whole machine)."
awk -F'\t' '
  { seen[$1] = 1 }
  $3 == 1 && ($2 + 0 > best[$1] + 0) { best[$1] = $2 }
  $3 != 1 && (!($1 in bad) || $2 + 0 < bad[$1] + 0) { bad[$1] = $2 }
  { a[$1 "," $2] = $4; b[$1 "," $2] = $5 }
  END {
    for (s in seen) printf("highest clean level (no loss, p99 <= 2 ms): %s %s%s\n", s, (s in best) ? best[s] " streams" : "none", (s in bad) ? ", lowest unclean " bad[s] : " (no unclean level tried)")
    for (k in a) { split(k, p, ","); if (p[1] == "parley" && (("sipp," p[2]) in a) && a["sipp," p[2]] > 0)
      printf("CPU per stream-second at %s streams: parley/sipp = %.2f (SIPp calls), %.2f (probe)\n", p[2], a[k] / a["sipp," p[2]], (b["sipp," p[2]] > 0 ? b[k] / b["sipp," p[2]] : 0)) }
  }' "$results" | sort | tee -a "$summary"
say "# load average after: $(cut -d' ' -f1-3 /proc/loadavg); measured for $(( $(date +%s) - t_start )) s"
say "# files: $out"
