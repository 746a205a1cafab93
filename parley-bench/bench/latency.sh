#!/usr/bin/env bash
# Latency to the application (issue 16, target 6): how long an invitation takes from the wire to
# a Parley endpoint's onIncomingSession, through `parley server`, at a given call rate; and how
# long an IM takes from one endpoint's send() to the other's onMessageReceived.
#
#   parley-bench/bench/latency.sh
#
# 1. `parley server` in its own JVM (udp on PORT, THREADS event loops, SIPp's address trusted so
#    its INVITEs are not challenged and it meets no per-source limit), USERS accounts lat0...
# 2. dev.parley.bench.LatencyBench in another JVM: USERS parley-client endpoints sign in (UDP,
#    digest), each answers every invitation 486 after reading the clock; two of them then measure
#    IM (MESSAGES one at a time in one IM session, after IM_WARMUP).
# 3. SIPp (sipp/uac-latency.xml) sends WARMUP invitations at WARMUP_RATE, then COUNT at RATE,
#    to the endpoints in turn; each INVITE carries its send time (SIPp's [timestamp], epoch
#    microseconds, the same clock as the endpoints' Instant.now()) in the From display name.
# Prints LatencyBench's percentiles (p50, p90, p99, p99.9, max), SIPp's counters for the measured
# run, and the CPU seconds of the server and of the endpoints' JVM. Results in
# parley-bench/target/latency/<time>/ (summary.txt, SIPp's stats and errors, the logs).
#
# Environment (defaults in brackets):
#   USERS           endpoints receiving invitations [20]
#   RATE, COUNT     measured invitations per second and how many [1000, 15000]
#   WARMUP_RATE, WARMUP  the warm-up before them [500, 10000]
#   MESSAGES, IM_WARMUP  measured IM messages and the warm-up before them [2000, 1000]
#   THREADS         the server's event loops [2]
#   JVM_OPTS        flags of both JVMs ["-Xms512m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=2
#                   -XX:MaxTenuringThreshold=0 -XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=1":
#                   the latency tuning docs/server.md advises (short young pauses, each call's
#                   lingering state copied once); JVM_OPTS="-Xms512m -Xmx512m -XX:+UseG1GC" for
#                   G1's defaults, as before session 14]
#   PORT, SIPP_PORT loopback ports [37170, 38170]
#   SKIP_BUILD=1    reuse the jars already built
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bench=$root/parley-bench/bench

USERS=${USERS:-20}
RATE=${RATE:-1000}
COUNT=${COUNT:-15000}
WARMUP_RATE=${WARMUP_RATE:-500}
WARMUP=${WARMUP:-10000}
MESSAGES=${MESSAGES:-2000}
IM_WARMUP=${IM_WARMUP:-1000}
THREADS=${THREADS:-2}
JVM_OPTS=${JVM_OPTS:-"-Xms512m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=2 -XX:MaxTenuringThreshold=0 -XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=1"}
PORT=${PORT:-37170}
SIPP_PORT=${SIPP_PORT:-38170}
HOST=127.0.0.1
DOMAIN=bench.example

die() { echo "latency.sh: $*" >&2; exit 2; }
command -v sipp >/dev/null 2>&1 || die "sipp not found on PATH (Debian: apt-get install sip-tester)"
command -v java >/dev/null 2>&1 || die "java not found on PATH"
[ -f "$bench/sipp/uac-latency.xml" ] || die "$bench/sipp/uac-latency.xml missing"
clk_tck=$(getconf CLK_TCK)

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$root/parley-bench/target/latency/$stamp
mkdir -p "$out"
summary=$out/summary.txt
work=$(mktemp -d "${TMPDIR:-/tmp}/parley-latency.XXXXXX")
server_pid=
bench_pid=
sipp_pid=
cleanup() {
  for p in $sipp_pid $bench_pid $server_pid; do
    kill "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { echo "$*" | tee -a "$summary"; }
cpu_seconds() { # utime + stime of one process, in seconds
  awk -v t="$clk_tck" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / t }' "/proc/$1/stat"
}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building parley-cli and parley-bench..."
  ./mvnw -q -pl parley-cli,parley-bench -am package -DskipTests
fi
for jar in parley-cli/target/parley.jar parley-bench/target/benchmarks.jar; do
  [ -f "$jar" ] || die "$jar missing (build failed?)"
  cp "$jar" "$work/" # private copies: a build in the same tree cannot swap classes mid-run
done

awk -v n="$USERS" -v dir="$work" 'BEGIN {
  print "SEQUENTIAL" > (dir "/callees.csv")
  for (i = 0; i < n; i++) { print "lat" i ",lat" i "-pw" > (dir "/users.csv"); print "lat" i > (dir "/callees.csv") }
}'
data=$work/data
# shellcheck disable=SC2086
java $JVM_OPTS -jar "$work/parley.jar" user import "$work/users.csv" --data "$data" \
  --domain "$DOMAIN" >"$out/import.log" 2>&1 || die "user import failed: $(tail -n 3 "$out/import.log")"
printf 'trusted = %s\n' "$HOST" >"$work/parley.conf"

# shellcheck disable=SC2086
java $JVM_OPTS -jar "$work/parley.jar" server --config "$work/parley.conf" --data "$data" \
  --listen "udp:$HOST:$PORT" --domain "$DOMAIN" --threads "$THREADS" --status off \
  >"$out/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 600); do
  grep -q 'parley server: ready' "$out/server.log" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || die "parley server exited: $(tail -n 3 "$out/server.log")"
  sleep 0.1
done
grep -q 'parley server: ready' "$out/server.log" || die "parley server not ready after 60 s"

# shellcheck disable=SC2086
java $JVM_OPTS -cp "$work/benchmarks.jar" dev.parley.bench.LatencyBench \
  --server "$HOST:$PORT" --domain "$DOMAIN" --prefix lat --users "$USERS" \
  --warmup "$WARMUP" --count "$COUNT" --messages "$MESSAGES" --im-warmup "$IM_WARMUP" \
  --timeout $(( (WARMUP / WARMUP_RATE) + (COUNT / RATE) + 120 )) >"$out/bench.log" 2>&1 &
bench_pid=$!
for _ in $(seq 1200); do
  grep -q '^ready' "$out/bench.log" 2>/dev/null && break
  kill -0 "$bench_pid" 2>/dev/null || die "LatencyBench exited: $(tail -n 5 "$out/bench.log")"
  sleep 0.1
done
grep -q '^ready' "$out/bench.log" || die "endpoints not signed in after 120 s: $(tail -n 5 "$out/bench.log")"

run_sipp() { # name rate count (each run on its own SIP port, so no socket lingers between them)
  local name=$1 rate=$2 count=$3
  SIPP_PORT=$((SIPP_PORT + 10))
  sipp "$HOST:$PORT" -sf "$bench/sipp/uac-latency.xml" -inf "$work/callees.csv" -i "$HOST" \
    -p "$SIPP_PORT" -mp $((SIPP_PORT + 2)) -r "$rate" -rp 1000 -m "$count" -l $(( rate * 4 )) \
    -timeout $(( count / rate + 60 ))s -nostdin -buff_size 2097152 -trace_stat \
    -stf "$out/sipp-$name.csv" -fd 1 -trace_err -error_file "$out/sipp-$name-errors.log" \
    >"$out/sipp-$name.out" 2>&1 || true
}
say "latency.sh $(date -u +%FT%TZ) on $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $USERS endpoints; $(sipp -v 2>&1 | grep -o 'SIPp v[0-9.]*' | head -1)"
say "JVM_OPTS (both JVMs): $JVM_OPTS"
run_sipp warmup "$WARMUP_RATE" "$WARMUP"
s0=$(cpu_seconds "$server_pid"); b0=$(cpu_seconds "$bench_pid")
run_sipp measured "$RATE" "$COUNT"
s1=$(cpu_seconds "$server_pid"); b1=$(cpu_seconds "$bench_pid")
wait "$bench_pid" && rc=0 || rc=$?
bench_pid=
last=$(tail -n 1 "$out/sipp-measured.csv")
head=$(head -n 1 "$out/sipp-measured.csv")
field() { awk -F';' -v h="$head" -v l="$last" -v k="$1" 'BEGIN { n = split(h, H, ";"); split(l, L, ";"); for (i = 1; i <= n; i++) if (H[i] == k) { print L[i]; exit } }'; }
say "sipp measured: rate $RATE/s, created $(field TotalCallCreated), successful $(field 'SuccessfulCall(C)'), failed $(field 'FailedCall(C)'), retransmissions $(field 'Retransmissions(C)')"
say "cpu during the measured run: server $(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.2f", b - a }') s, endpoints' JVM $(awk -v a="$b0" -v b="$b1" 'BEGIN { printf "%.2f", b - a }') s"
grep -E '^(invite|im) ' "$out/bench.log" | tee -a "$summary"
[ "$rc" = 0 ] || say "LatencyBench exit status $rc: $(tail -n 3 "$out/bench.log")"
echo "results in $out"
exit "$rc"
