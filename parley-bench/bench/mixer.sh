#!/usr/bin/env bash
# Conference mixing benchmark (issue 13): Parley's AudioMixer beside Janus's audiobridge (apt
# janus), same run, same load, loopback only.
#
#   parley-bench/bench/mixer.sh
#
# For each server of SERVERS, CONFERENCES conferences of PARTICIPANTS plain RTP participants each
# (the load: dev.parley.bench.MixerBench load, one process, one NIO thread): every participant
# sends a 20 ms PCMU packet every 20 ms (the first SPEAKERS of each conference a tone of its own,
# the others G.711 silence) and counts the mixed audio that comes back.
#   parley: MixerBench serve in its own JVM: one AudioMixer per conference (16 kHz mix), on a
#           MediaScheduler of MIX_THREADS workers; it prints its mix ticks, late ticks (a tick
#           starting > 10 ms after its time), skipped ticks and mean tick time over the measured
#           window (WARMUP s after the first packet, WINDOW s long, inside the load's sending),
#           and where every participant frame of the window went (line "frames": mixed,
#           concealment mixed, silent, concealment faded out, starting, missing, muted/held,
#           none; they add up to ticks x participants).
#   janus:  janus (headless, HTTP transport on 127.0.0.1 only, every plugin but audiobridge
#           disabled) with one audiobridge room per conference (sampling_rate 16000,
#           allow_rtp_participants), each participant joined as a plain RTP participant (codec
#           pcmu) over the HTTP API by the load process.
# After WARMUP s the load reads the server process's CPU time (utime+stime, /proc/PID/stat) over
# SECONDS s: us_per_participant_s = server CPU microseconds per participant-second.
# Prints one line per server, the ratio parley/janus, and the load average with each line.
# About (WARMUP + WINDOW + 10) s per server.
#
# Environment (defaults in brackets):
#   CONFERENCES, PARTICIPANTS, SPEAKERS  [10, 10, PARTICIPANTS]
#   SERVERS      which servers, in order ["parley janus"]
#   WARMUP, WINDOW   the warm-up and the measured window, in seconds [15, 20]
#   MIX_THREADS  the parley MediaScheduler's workers [2]; MIX_RATE the mix's rate [16000]
#   JVM_OPTS     flags of the parley serve JVM ["-Xms256m -Xmx256m -XX:+UseG1GC"]
#   SKIP_BUILD=1 reuse the jars already built
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

CONFERENCES=${CONFERENCES:-10}
PARTICIPANTS=${PARTICIPANTS:-10}
SPEAKERS=${SPEAKERS:-$PARTICIPANTS}
SERVERS=${SERVERS:-"parley janus"}
WARMUP=${WARMUP:-15}
WINDOW=${WINDOW:-20}
MIX_THREADS=${MIX_THREADS:-2}
MIX_RATE=${MIX_RATE:-16000}
JVM_OPTS=${JVM_OPTS:-"-Xms256m -Xmx256m -XX:+UseG1GC"}
JANUS_PORT=${JANUS_PORT:-38088}

die() { echo "mixer.sh: $*" >&2; exit 2; }
command -v java >/dev/null 2>&1 || die "java not found on PATH"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building parley-bench..."
  ./mvnw -q -o -pl parley-bench -am package -DskipTests
fi
[ -f parley-bench/target/benchmarks.jar ] || die "parley-bench/target/benchmarks.jar missing (build failed?)"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$root/parley-bench/target/mixer/$stamp
mkdir -p "$out"
summary=$out/summary.txt
work=$(mktemp -d "${TMPDIR:-/tmp}/parley-mixer.XXXXXX")
cp parley-bench/target/benchmarks.jar "$work/"
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    sleep 1
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load_args="--warmup $WARMUP --seconds $WINDOW --speakers $SPEAKERS"
{
  echo "# Mixing benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), nproc=$(nproc)"
  sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1 | sed 's/^/# cpu: /'
  java -version 2>&1 | sed -n '1p' | sed 's/^/# /'
  command -v janus >/dev/null 2>&1 && echo "# $(janus --version 2>/dev/null | head -n 1)"
  echo "# $CONFERENCES conferences x $PARTICIPANTS participants, $SPEAKERS speaking (tone) per conference, PCMU 20 ms;" \
    "warm-up ${WARMUP}s, measured ${WINDOW}s; parley: $MIX_THREADS mix threads, ${MIX_RATE} Hz mix, JVM $JVM_OPTS"
  echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$summary"

results=()
for server in $SERVERS; do
  log=$out/$server.log
  case $server in
    parley)
      rm -f "$work/legs.txt"
      # shellcheck disable=SC2086
      java $JVM_OPTS -cp "$work/benchmarks.jar" dev.parley.bench.MixerBench serve \
        --conferences "$CONFERENCES" --participants "$PARTICIPANTS" --threads "$MIX_THREADS" \
        --rate "$MIX_RATE" --warmup "$WARMUP" --window "$WINDOW" \
        --ports-file "$work/legs.txt" >"$log" 2>&1 &
      server_pid=$!
      i=0
      until [ -f "$work/legs.txt" ]; do
        kill -0 "$server_pid" 2>/dev/null || die "serve exited: $(tail -n 5 "$log")"
        i=$((i + 1)); [ "$i" -lt 600 ] || die "serve not ready after 60 s"
        sleep 0.1
      done
      # shellcheck disable=SC2086
      java -Xmx256m -cp "$work/benchmarks.jar" dev.parley.bench.MixerBench load \
        --ports-file "$work/legs.txt" --server-pid "$server_pid" $load_args >"$out/load-$server.out" 2>&1 \
        || die "load failed: $(tail -n 5 "$out/load-$server.out")"
      wait "$server_pid" || true
      server_pid=
      extra=$(grep -E '^(mixer|frames|jitter_buffers) ' "$log" || true) ;;
    janus)
      command -v janus >/dev/null 2>&1 || die "janus not found (Debian: apt-get install janus)"
      conf=$work/janus; mkdir -p "$conf"
      disabled=$(cd /usr/lib/x86_64-linux-gnu/janus/plugins && ls -- *.so | grep -v audiobridge | paste -sd, -)
      tdisabled=$(cd /usr/lib/x86_64-linux-gnu/janus/transports && ls -- *.so | grep -v http | paste -sd, -)
      cat >"$conf/janus.jcfg" <<JCFG
general: {
  configs_folder = "$conf"
  plugins_folder = "/usr/lib/x86_64-linux-gnu/janus/plugins"
  transports_folder = "/usr/lib/x86_64-linux-gnu/janus/transports"
  events_folder = "/usr/lib/x86_64-linux-gnu/janus/events"
  loggers_folder = "/usr/lib/x86_64-linux-gnu/janus/loggers"
  debug_level = 3
  session_timeout = 0
}
nat: {
  ice_ignore_list = "vmnet"
}
plugins: {
  disable = "$disabled"
}
transports: {
  disable = "$tdisabled"
}
JCFG
      cat >"$conf/janus.transport.http.jcfg" <<JCFG
general: {
  json = "plain"
  base_path = "/janus"
  http = true
  ip = "127.0.0.1"
  port = $JANUS_PORT
  https = false
}
admin: {
  admin_http = false
}
JCFG
      cat >"$conf/janus.plugin.audiobridge.jcfg" <<JCFG
general: {
  local_ip = "127.0.0.1"
  rtp_port_range = "50000-50999"
}
JCFG
      janus -C "$conf/janus.jcfg" -F "$conf" >"$log" 2>&1 &
      server_pid=$!
      i=0
      until curl -s -o /dev/null -X POST -d '{"janus":"info","transaction":"x"}' "http://127.0.0.1:$JANUS_PORT/janus"; do
        kill -0 "$server_pid" 2>/dev/null || die "janus exited: $(tail -n 5 "$log")"
        i=$((i + 1)); [ "$i" -lt 300 ] || die "janus not answering after 30 s"
        sleep 0.1
      done
      # shellcheck disable=SC2086
      java -Xmx256m -cp "$work/benchmarks.jar" dev.parley.bench.MixerBench load \
        --janus "http://127.0.0.1:$JANUS_PORT/janus" --conferences "$CONFERENCES" \
        --participants "$PARTICIPANTS" --server-pid "$server_pid" $load_args \
        >"$out/load-$server.out" 2>&1 || die "load failed: $(tail -n 5 "$out/load-$server.out")"
      kill "$server_pid" 2>/dev/null || true
      wait "$server_pid" 2>/dev/null || true
      server_pid=
      extra="janus $(janus --version 2>/dev/null | head -n 1 || true)" ;;
    *) die "unknown server '$server' (SERVERS takes parley and janus)" ;;
  esac
  line=$(grep '^participants=' "$out/load-$server.out" | tail -n 1)
  [ -n "$line" ] || die "load printed no result: $(tail -n 5 "$out/load-$server.out")"
  echo "$server: $line" | tee -a "$summary"
  if [ -n "$extra" ]; then echo "$extra" | sed "s/^/$server: /" | tee -a "$summary"; fi
  us=$(echo "$line" | sed -n 's/.*us_per_participant_s=\([0-9.]*\).*/\1/p')
  results+=("$server=$us")
  sleep 3
done

p=; j=
for r in "${results[@]}"; do
  case $r in parley=*) p=${r#parley=} ;; janus=*) j=${r#janus=} ;; esac
done
if [ -n "$p" ] && [ -n "$j" ]; then
  awk -v p="$p" -v j="$j" 'BEGIN { if (j > 0) printf "CPU per participant-second: parley/janus = %.2f\n", p / j }' | tee -a "$summary"
fi
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$summary"
echo "# files: $out" | tee -a "$summary"
