#!/usr/bin/env bash
# Memory per registered user and per proxied dialog (issue 16 item 5): `parley server` beside
# Kamailio 5.6 (the configuration of proxy.sh), both driven by SIPp on loopback, in the same run.
#
#   parley-bench/bench/memory.sh
#
# For each server (SERVERS, in order):
#   start:    RSS (and for Parley the heap in use after a full GC) with the users provisioned
#             (USERS + 1 accounts: "service" and user0..; password pw-<user>) and nothing registered;
#   users:    SIPp registers the USERS users with digest (sipp/register-uac.xml) at REG_RATE, then
#             the script waits SETTLE_SECONDS (past Timer J's 32 s, so no transaction of the load
#             is left) and measures again: RSS/PSS summed over the server's processes; for Parley
#             the heap after a full GC, minus the figure at start, divided by USERS (account +
#             binding + indexes: the accounts are loaded at start, so the "users" figure is the
#             binding side and the "start" one includes the accounts: both are printed), and a
#             class histogram (jcmd GC.class_histogram) of each moment in the output directory;
#   dialogs:  (Parley only; Kamailio's configuration keeps no dialog state) SIPp calls
#             (sipp/uac-rr.xml -> server -> sipp/uas-rr.xml, record-routed) at DIALOG_RATE until
#             DIALOGS are established, each held long enough that all are up at once; SETTLE_SECONDS
#             after the last INVITE (its transactions gone) the heap after a full GC, minus the
#             figure before the calls, divided by DIALOGS; the calls then end with BYE.
#
# Everything lands in parley-bench/target/memory/<time>/ (summary.txt, histograms, SIPp files,
# the servers' logs).
#
# Environment (defaults in brackets):
#   SERVERS           which servers, in order ["kamailio parley"]
#   USERS, REG_RATE   users registered and REGISTERs/s [100000, 1000]
#   DIALOGS, DIALOG_RATE  concurrent proxied dialogs for Parley, and calls/s [20000, 500]; 0: none
#   SETTLE_SECONDS    wait after a load before measuring [36]
#   REG_PASSES        register runs over the same users [2]: on a busy machine SIPp loses some
#                     registrations to retransmission timeouts; the next pass registers them (and
#                     refreshes the others), so that every user ends up registered
#   THREADS           Kamailio UDP workers = Parley event loops [2]
#   JVM_OPTS          flags of Parley's JVM [the `parley` launcher's defaults for `server`]
#   KAMAILIO_SHM_MB, KAMAILIO_PKG_MB  Kamailio's -m and -M [1024, 64] (as proxy.sh)
#   PORT_KAMAILIO, PORT_PARLEY, SIPP_PORT  loopback ports [37160, 37170, 48100 and up]
#   SKIP_BUILD=1      reuse parley-cli/target/parley.jar
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# How the figures are read (CPU ticks, ports, SIPp counters): shared with the other benchmarks.
# shellcheck source=lib/measure.sh
. "$root/parley-bench/bench/lib/measure.sh"
bench=$root/parley-bench/bench

SERVERS=${SERVERS:-"kamailio parley"}
USERS=${USERS:-100000}
REG_RATE=${REG_RATE:-1000}
DIALOGS=${DIALOGS:-20000}
DIALOG_RATE=${DIALOG_RATE:-500}
SETTLE_SECONDS=${SETTLE_SECONDS:-36}
REG_PASSES=${REG_PASSES:-2}
THREADS=${THREADS:-2}
# shellcheck disable=SC2016 # read from the launcher, not expanded here
default_jvm=$(sed -n 's/^server_java_opts_default="\(.*\)"$/\1/p' "$root/parley")
JVM_OPTS=${JVM_OPTS:-$default_jvm}
KAMAILIO_SHM_MB=${KAMAILIO_SHM_MB:-1024}
KAMAILIO_PKG_MB=${KAMAILIO_PKG_MB:-64}
PORT_KAMAILIO=${PORT_KAMAILIO:-37160}
PORT_PARLEY=${PORT_PARLEY:-37170}
SIPP_PORT=${SIPP_PORT:-48100}
HOST=127.0.0.1
DOMAIN=127.0.0.1

die() { echo "memory.sh: $*" >&2; exit 2; }
command -v sipp >/dev/null 2>&1 || die "sipp not found on PATH (Debian: apt-get install sip-tester)"
command -v jcmd >/dev/null 2>&1 || die "jcmd not found on PATH (a JDK is needed)"
kamailio_bin=$(command -v kamailio 2>/dev/null || echo /usr/sbin/kamailio)
kamailio_cfg=$root/parley-it/src/test/resources/kamailio/registrar-proxy.cfg

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$root/parley-bench/target/memory/$stamp
mkdir -p "$out"
summary=$out/summary.txt
work=$(mktemp -d "$out/work.XXXXXX")
server_pid=
uas_pid=
uac_pid=
sipp_pid=
cleanup() {
  for p in $sipp_pid $uac_pid $uas_pid; do kill "$p" 2>/dev/null || true; done
  if [ -n "$server_pid" ]; then stop_server || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { echo "$*" | tee -a "$summary"; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building parley-cli..."
  ./mvnw -q -pl parley-cli -am package -DskipTests
fi
[ -f parley-cli/target/parley.jar ] || die "parley-cli/target/parley.jar missing"
cp parley-cli/target/parley.jar "$work/"

echo "generating $((USERS + 1)) users..."
awk -v n="$USERS" -v dir="$work" 'BEGIN {
  csv = dir "/users.csv"; db = dir "/users.db"; svc = dir "/reg-service.csv"; meas = dir "/reg-users.csv"
  print "id(int,auto) key_name(string) key_type(int) value_type(int) key_value(string) expires(int)" > db
  print "SEQUENTIAL" > svc; print "SEQUENTIAL" > meas
  id = 1
  u = "service"; print u ",pw-" u > csv; print id++ ":" u ":0:0:pw-" u ":0" > db
  print u ";[authentication username=" u " password=pw-" u "]" > svc
  for (i = 0; i < n; i++) {
    u = "user" i; print u ",pw-" u > csv; print id++ ":" u ":0:0:pw-" u ":0" > db
    print u ";[authentication username=" u " password=pw-" u "]" > meas
  }
}'

# Parley's heap in use after full GCs, in KB; writes the class histogram to $out/parley-LABEL.histo.
heap_after_gc() {
  local label=$1
  jcmd "$server_pid" GC.run >/dev/null
  jcmd "$server_pid" GC.run >/dev/null
  jcmd "$server_pid" GC.class_histogram >"$out/parley-$label.histo"
  jcmd "$server_pid" GC.heap_info \
    | awk '/heap/ && /used/ { for (i = 1; i < NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); print v; exit } }'
}

# sipp_run LABEL RATE COUNT SCENARIO [ARGS...] (blocks); uses and advances SIPP_PORT; sets
# created, ok and failed.
sipp_run() {
  local label=$1 rate=$2 count=$3 scenario=$4
  shift 4
  local port=$SIPP_PORT base=$out/$server-$label
  SIPP_PORT=$((SIPP_PORT + 10))
  sipp "$HOST:$server_port" -sf "$bench/sipp/$scenario" "$@" -i "$HOST" -p "$port" \
    -mp $((port + 2)) -r "$rate" -rp 1000 -m "$count" -l $((count + 10)) \
    -timeout "$((count / rate + 60))s" -nostdin -buff_size 4194304 -trace_stat -stf "$base.csv" \
    -fd 1 -trace_err -error_file "$base.errors.log" >"$base.screen.log" 2>&1 &
  sipp_pid=$!
  # SIPp's -timeout does not always end a run whose calls wait on a lost message: a watchdog
  local i=0 limit=$(((count / rate + 40) * 10))
  while kill -0 "$sipp_pid" 2>/dev/null && [ "$i" -lt "$limit" ]; do sleep 0.1; i=$((i + 1)); done
  kill "$sipp_pid" 2>/dev/null || true
  wait "$sipp_pid" 2>/dev/null || true
  sipp_pid=
  read -r created ok failed <<<"$(counters "$base.csv")"
}

# "created ok failed" from a SIPp stats file's last row.
counters() {
  [ -f "$1" ] || { echo "0 0 0"; return 0; }
  awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } { l = $0 }
    END { split(l, v, ";"); print v[c["TotalCallCreated"]] + 0, v[c["SuccessfulCall(C)"]] + 0, v[c["FailedCall(C)"]] + 0 }' "$1"
}

start_server() {
  local log=$out/$server.log
  case $server in
    kamailio)
      server_port=$PORT_KAMAILIO
      mkdir -p "$work/kamailio-db"
      cp "$work/users.db" "$work/kamailio-db/users"
      udp_bound "$server_port" && die "UDP port $server_port is taken (PORT_KAMAILIO)"
      "$kamailio_bin" -DD -E -f "$kamailio_cfg" -m "$KAMAILIO_SHM_MB" -M "$KAMAILIO_PKG_MB" \
        -A "SIP_PORT=$server_port" -A "CHILDREN=$THREADS" -A WITH_AUTH \
        -A "MAX_ROWS=$((USERS + 1000))" -A "DB_URL=\"text://$work/kamailio-db\"" >"$log" 2>&1 &
      server_pid=$!
      local i=0
      until udp_bound "$server_port" && [ "$(server_pids "$server_pid" | wc -l)" -gt "$THREADS" ]; do
        kill -0 "$server_pid" 2>/dev/null || { server_pid=; die "kamailio exited: $(tail -n 5 "$log")"; }
        i=$((i + 1)); [ "$i" -lt 300 ] || die "kamailio not ready after 30 s"
        sleep 0.1
      done ;;
    parley)
      server_port=$PORT_PARLEY
      local data=$work/parley-data
      # shellcheck disable=SC2086 # JVM_OPTS is a list of flags on purpose
      java $JVM_OPTS -jar "$work/parley.jar" user import "$work/users.csv" --data "$data" \
        --domain "$DOMAIN" >"$out/parley-import.log" 2>&1 || die "parley user import failed"
      echo "trusted = $HOST" >"$work/parley.conf"
      udp_bound "$server_port" && die "UDP port $server_port is taken (PORT_PARLEY)"
      # shellcheck disable=SC2086
      java $JVM_OPTS -jar "$work/parley.jar" server --config "$work/parley.conf" --data "$data" \
        --listen "udp:$HOST:$server_port" --domain "$DOMAIN" --threads "$THREADS" >"$log" 2>&1 &
      server_pid=$!
      local i=0
      until grep -q 'parley server: ready' "$log" 2>/dev/null; do
        kill -0 "$server_pid" 2>/dev/null || { server_pid=; die "parley exited: $(tail -n 5 "$log")"; }
        i=$((i + 1)); [ "$i" -lt 900 ] || die "parley server not ready after 90 s"
        sleep 0.1
      done ;;
  esac
}

stop_server() {
  local pids p i=0
  pids=$(server_pids "$server_pid")
  kill "$server_pid" 2>/dev/null || true
  while kill -0 "$server_pid" 2>/dev/null && [ "$i" -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
  for p in $pids; do kill -9 "$p" 2>/dev/null || true; done
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

# A number of Parley's status page (/status JSON): status_number bindings.
status_number() {
  curl -s "$(cat "$work/parley-data/status.url")/status" 2>/dev/null \
    | grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2 || true
}

# The top rows of a class histogram, indented.
top_rows() { sed -n '1,2p;4,15p' "$1" | sed 's/^/            /'; }

{
  echo "# memory per user and per dialog, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), nproc=$(nproc), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $("$kamailio_bin" -v 2>/dev/null | head -n 1 || echo 'kamailio n/a'); $(java -version 2>&1 | sed -n '2p')"
  echo "# $USERS users at $REG_RATE/s; $DIALOGS dialogs at $DIALOG_RATE/s; settle ${SETTLE_SECONDS} s; parley JVM: $JVM_OPTS; kamailio -m $KAMAILIO_SHM_MB -M $KAMAILIO_PKG_MB, children=$THREADS"
} | tee "$summary"

for server in $SERVERS; do
  start_server
  read -r rss0 pss0 <<<"$(memory_of $(server_pids "$server_pid"))"
  heap0=n/a
  [ "$server" = parley ] && heap0=$(heap_after_gc start)
  say "$server start ($((USERS + 1)) accounts, nothing registered): RSS $rss0 MB, PSS $pss0 MB, heap after GC ${heap0} KB"

  # one Contact for every pass (the first pass's port): a later pass refreshes a user's binding
  # instead of adding a second one
  contact_port=$SIPP_PORT
  for pass in $(seq 1 "$REG_PASSES"); do
    sipp_run "register$pass" "$REG_RATE" "$USERS" register-uac.xml -inf "$work/reg-users.csv" \
      -set contact "$HOST:$contact_port"
    say "$server register pass $pass: $ok of $USERS registered, $failed failed (SIPp)"
  done
  say "$server settling ${SETTLE_SECONDS} s"
  sleep "$SETTLE_SECONDS"
  read -r rss1 pss1 <<<"$(memory_of $(server_pids "$server_pid"))"
  if [ "$server" = parley ]; then
    heap1=$(heap_after_gc users)
    bound=$(status_number bindings)
    bound=${bound:-$ok}
    say "$server with $bound bindings of $(status_number aors) AORs (status page): RSS $rss1 MB, PSS $pss1 MB, heap after GC $heap1 KB;" \
      "per binding: $(awk -v a="$heap0" -v b="$heap1" -v n="$bound" 'BEGIN { printf "%.0f", (b - a) * 1024 / n }') B;" \
      "whole heap / $USERS users: $(awk -v b="$heap1" -v n="$USERS" 'BEGIN { printf "%.0f", b * 1024 / n }') B"
    say "          histogram with the users registered (top rows; $out/parley-users.histo):"
    top_rows "$out/parley-users.histo" | tee -a "$summary"
  else
    say "$server with $ok users registered: RSS $rss1 MB, PSS $pss1 MB"
  fi

  if [ "$server" = parley ] && [ "$DIALOGS" -gt 0 ]; then
    uas_port=$SIPP_PORT
    sipp_run bind-service 10 1 register-uac.xml -inf "$work/reg-service.csv" \
      -set contact "$HOST:$uas_port"
    SIPP_PORT=$uas_port
    ramp=$((DIALOGS / DIALOG_RATE))
    hold_ms=$(((ramp + SETTLE_SECONDS + 30) * 1000))
    sipp "$HOST:$server_port" -sf "$bench/sipp/uas-rr.xml" -i "$HOST" -p "$uas_port" \
      -mp $((uas_port + 2)) -timeout "$((ramp * 2 + SETTLE_SECONDS + 180))s" -nostdin \
      -buff_size 4194304 -trace_stat -stf "$out/parley-uas.csv" -fd 1 -trace_err \
      -error_file "$out/parley-uas.errors.log" >"$out/parley-uas.screen.log" 2>&1 &
    uas_pid=$!
    SIPP_PORT=$((SIPP_PORT + 10))
    sleep 1
    heap2=$(heap_after_gc before-dialogs)
    uac_port=$SIPP_PORT
    SIPP_PORT=$((SIPP_PORT + 10))
    sipp "$HOST:$server_port" -sf "$bench/sipp/uac-rr.xml" -s service -d "$hold_ms" -i "$HOST" \
      -p "$uac_port" -mp $((uac_port + 2)) -r "$DIALOG_RATE" -rp 1000 -m "$DIALOGS" \
      -l $((DIALOGS + 10)) -timeout "$((ramp * 2 + SETTLE_SECONDS + 150))s" -nostdin \
      -buff_size 4194304 -trace_stat -stf "$out/parley-dialogs.csv" -fd 1 -trace_err \
      -error_file "$out/parley-dialogs.errors.log" >"$out/parley-dialogs.screen.log" 2>&1 &
    uac_pid=$!
    sleep "$((ramp + SETTLE_SECONDS))"
    active=$(status_number dialogs)
    read -r rss3 pss3 <<<"$(memory_of $(server_pids "$server_pid"))"
    heap3=$(heap_after_gc dialogs)
    active=${active:-$DIALOGS}
    say "parley with $active dialogs up (status page): RSS $rss3 MB," \
      "heap after GC $heap3 KB (before the calls $heap2 KB); per dialog:" \
      "$(awk -v a="$heap2" -v b="$heap3" -v n="$active" 'BEGIN { printf "%.0f", (b - a) * 1024 / n }') B"
    say "          histogram with the dialogs up (top rows; $out/parley-dialogs.histo):"
    top_rows "$out/parley-dialogs.histo" | tee -a "$summary"
    wait "$uac_pid" || true
    uac_pid=
    read -r created ok failed <<<"$(counters "$out/parley-dialogs.csv")"
    say "parley dialogs: $created created, $ok completed (BYE answered), $failed failed"
    kill "$uas_pid" 2>/dev/null || true
    wait "$uas_pid" 2>/dev/null || true
    uas_pid=
  fi
  stop_server
done
say "# files: $out"
