#!/usr/bin/env bash
# Proxy and registrar load comparison (issue 5): `parley server` beside Kamailio 5.6 (registrar +
# stateful proxy, contacts in memory), both driven by SIPp on loopback, in the same run.
#
#   parley-bench/bench/proxy.sh
#
# For each server (SERVERS, in order): start it with THREADS workers, register the callee
# ("service", its Contact the SIPp uas), then
#   calls:    SIPp uac -> server -> SIPp uas (sipp/uac-rr.xml, sipp/uas-rr.xml: INVITE, 180, 200,
#             ACK, a CALL_HOLD_MS pause, BYE, 200; the server record-routes, so the whole dialog
#             goes through it); WARMUP_CALLS first, then CALLS measured at CALL_RATE;
#   calls-tcp: the same calls over TCP (issue 16, target 3): SIPp uac and uas with `-t t1`, the
#             callee registered over TCP from the uas's own port (SIPp binds its TCP socket to
#             -p, so the binding's source is the uas's listener: both servers reach it there once
#             the registering connection has closed), the calls through the server's TCP listener
#             (Kamailio: `listen=tcp`, tcp_children=THREADS, -A WITH_TCP; Parley: a second
#             --listen tcp:...). t1, one connection per SIPp for all calls (a trunk between a
#             gateway and the proxy, as the UDP phase is one socket pair), not tn (a connection
#             per call): tn would measure TCP handshakes and sockets in TIME_WAIT, not SIP over a
#             stream. One connection is read by one event loop (Parley) or one TCP worker at a time
#             (Kamailio) on both sides. WARMUP_CALLS first, then CALLS at CALL_RATE, as for calls;
#   register: SIPp registers distinct users with digest auth (sipp/register-uac.xml: REGISTER,
#             401, REGISTER with credentials, 200; one operation = one registration);
#             WARMUP_USERS first (users warm0...), then USERS measured at REG_RATE (user0...);
#   message:  pager-mode MESSAGE (RFC 3428) through the server to a registered SIPp sink
#             (sipp/message-uac.xml, sipp/message-uas.xml: MESSAGE, 407, MESSAGE with
#             Proxy-Authorization, 200 from the sink; one operation = one delivered message). The
#             sender ("sender", a user of the domain) is challenged and authenticates at both
#             servers: it sends from MSG_SOURCE, which is not a `trusted` source of Parley's, and
#             Parley's per-source limits are off for the run as they are for the trusted REGISTER
#             load (limits.requests_per_second = 0, limits.auth_failures_per_minute = 0); Kamailio
#             challenges MESSAGEs from its domain (registrar-proxy.cfg, WITH_MESSAGE_AUTH).
#             WARMUP_MESSAGES first, then MESSAGES measured at MSG_RATE;
#   memory:   the server's resident memory with every user registered (VmRSS and PSS summed over
#             its processes: Kamailio forks workers that share memory, PSS splits what they share),
#             and for Parley the heap in use after a full GC (jcmd), since the JVM keeps the heap
#             pages it touched once.
# Per measured phase it prints SIPp's counters (created, successful, failed, retransmissions), the
# rate SIPp achieved, and the server's CPU seconds (utime+stime from /proc/PID/stat, all its
# processes, from the start of the run to DRAIN_SECONDS after its end, so the timers and clean-up
# of the measured operations are paid inside the window) per 1,000 operations; at the end the
# ratios Parley/Kamailio (issue 16: CPU per call, per REGISTER and per MESSAGE at most 1.0x, no
# more failed operations; issue 5 asked 1.5x). A server that fails a phase is reported with SIPp's first error reasons, and the
# run goes on.
#
# Fairness: Kamailio gets `children=THREADS` UDP workers (plus its main, timer and slow-timer
# processes), Parley `--threads THREADS` event loops (plus the JVM's GC and compiler threads).
# Neither challenges the INVITEs (the SIPp uac is a trusted load generator: Parley's `trusted`,
# which also exempts it from Parley's per-source rate limits; Kamailio loads no rate limiter);
# both challenge every REGISTER with MD5 digest. Kamailio checks passwords from an htable loaded at start from a db_text
# table (plain text; Parley keeps HA1 hashes); its usrloc keeps contacts only in memory (db_mode 0)
# while Parley also writes its bindings behind to SQLite.
#
# Everything lands in parley-bench/target/proxy/<time>/ (summary.txt, each SIPp run's stats CSV,
# errors and screen, the servers' logs). Default run: about 8 minutes after the build.
#
# Environment (defaults in brackets):
#   SERVERS          which servers, in order ["kamailio parley"]
#   THREADS          Kamailio UDP workers = Parley event loops [2]
#   PHASES           which phases, from "calls calls-tcp register message" (they run in that
#                    order) [all four]; the servers listen on TCP only when calls-tcp is chosen
#   CALLS, CALL_RATE measured calls and their rate (calls/s) [10000, 500]
#   CALL_HOLD_MS     pause between ACK and BYE (SIPp -d) [100]
#   WARMUP_CALLS     calls before the measured ones, same rate [20000: 40 s at 500/s; after 10000
#                    C2 compiled 80 methods in the measured window (25 of Parley's), after 20000
#                    48, mostly Netty's (6 of Parley's; JFR jdk.Compilation, session 14); the warm-up rows
#                    print their own CPU per operation, JIT work included]
#   USERS, REG_RATE  distinct users registered in the measured phase, and REGISTERs/s
#                    [20000, 1000] (issue 5's memory figure: USERS=100000)
#   WARMUP_USERS     other users registered before, same rate [60000: 60 s at 1000/s; after 30000 the
#                    C2 compiler thread still used 11% of the measured window's CPU, after 60000
#                    none (session 14); the window also pays the Timer J clean-up of the warm-up's
#                    transactions, as a server in steady state does; memory counts these users]
#   MESSAGES, MSG_RATE, WARMUP_MESSAGES  measured MESSAGEs, their rate (messages/s) and the
#                    warm-up before them [10000, 500, 10000]
#   MSG_SOURCE       the MESSAGE sender's loopback address: not a trusted source [127.0.0.2]
#   DRAIN_SECONDS    how long the CPU window stays open after a SIPp run ends [6]
#   PAUSE            seconds between phases [3]
#   KAMAILIO_SHM_MB  Kamailio shared memory (-m): tm keeps each finished transaction ~5 s [1024]
#   KAMAILIO_PKG_MB  Kamailio private memory per process (-M): db_text loads the whole credentials
#                    table into the main process's, which 8 MB does not hold at 100,000 users [64]
#   JVM_OPTS         flags of Parley's JVM ["-Xms1g -Xmx1g -XX:+UseG1GC"]
#   PARLEY_TRUSTED   Parley's `trusted` sources: never challenged by the proxy, never rate-limited
#                    (Kamailio's config has neither); empty leaves the key out [127.0.0.1]
#   PARLEY_CONF_EXTRA  more lines for Parley's config file; if Parley refuses to start, the
#                    script says so and goes on
#   PORT_KAMAILIO, PORT_PARLEY, SIPP_PORT  loopback ports [37060, 37070, 38000 and up: each
#                    SIPp run takes a block of 10, its SIP port first, its media ports from +2]
#   SKIP_BUILD=1     reuse parley-cli/target/parley.jar
#   QUIET_BUSY, QUIET_WAIT  wait before measuring until the CPUs are less busy than this
#                    percentage over 5 s (100 disables), for at most this many seconds [20, 120]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bench=$root/parley-bench/bench

SERVERS=${SERVERS:-"kamailio parley"}
THREADS=${THREADS:-2}
PHASES=${PHASES:-"calls calls-tcp register message"}
CALLS=${CALLS:-10000}
CALL_RATE=${CALL_RATE:-500}
CALL_HOLD_MS=${CALL_HOLD_MS:-100}
WARMUP_CALLS=${WARMUP_CALLS:-20000}
USERS=${USERS:-20000}
REG_RATE=${REG_RATE:-1000}
WARMUP_USERS=${WARMUP_USERS:-60000}
MESSAGES=${MESSAGES:-10000}
MSG_RATE=${MSG_RATE:-500}
WARMUP_MESSAGES=${WARMUP_MESSAGES:-10000}
MSG_SOURCE=${MSG_SOURCE:-127.0.0.2}
DRAIN_SECONDS=${DRAIN_SECONDS:-6}
PAUSE=${PAUSE:-3}
KAMAILIO_SHM_MB=${KAMAILIO_SHM_MB:-1024}
KAMAILIO_PKG_MB=${KAMAILIO_PKG_MB:-64}
JVM_OPTS=${JVM_OPTS:-"-Xms1g -Xmx1g -XX:+UseG1GC"}
PARLEY_TRUSTED=${PARLEY_TRUSTED-127.0.0.1}
PARLEY_CONF_EXTRA=${PARLEY_CONF_EXTRA:-}
PORT_KAMAILIO=${PORT_KAMAILIO:-37060}
PORT_PARLEY=${PORT_PARLEY:-37070}
SIPP_PORT=${SIPP_PORT:-38000}
QUIET_BUSY=${QUIET_BUSY:-20}
QUIET_WAIT=${QUIET_WAIT:-120}
HOST=127.0.0.1
DOMAIN=127.0.0.1

die() { echo "proxy.sh: $*" >&2; exit 2; }

command -v sipp >/dev/null 2>&1 \
  || die "sipp not found on PATH (Debian: apt-get install sip-tester; SIPp 3.6 expected)"
command -v java >/dev/null 2>&1 || die "java not found on PATH"
kamailio_bin=$(command -v kamailio 2>/dev/null || echo /usr/sbin/kamailio)
case " $SERVERS " in
  *" kamailio "*) [ -x "$kamailio_bin" ] || die "kamailio not found (Debian: apt-get install kamailio)" ;;
esac
kamailio_cfg=$root/parley-it/src/test/resources/kamailio/registrar-proxy.cfg
[ -f "$kamailio_cfg" ] || die "$kamailio_cfg missing"
for p in $PHASES; do
  case $p in calls|calls-tcp|register|message) ;; *) die "unknown phase '$p' (PHASES takes calls calls-tcp register message)" ;; esac
done
has_phase() { case " $PHASES " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
for f in uac-rr.xml uas-rr.xml register-uac.xml message-uac.xml message-uas.xml; do
  [ -f "$bench/sipp/$f" ] || die "$bench/sipp/$f missing"
done
clk_tck=$(getconf CLK_TCK)
sipp_version=$( (sipp -v 2>&1 || true) | sed -n 's/.*\(SIPp v[^ ,]*[^ ,.]\).*/\1/p' | head -n 1)

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$root/parley-bench/target/proxy/$stamp
mkdir -p "$out"
summary=$out/summary.txt
results=$out/phases.tsv
: >"$results"

work=$(mktemp -d "${TMPDIR:-/tmp}/parley-proxy.XXXXXX")
server_pid=
uas_pid=
sipp_pid=
run_port=
run_ip=
sipp_transport=u1
cleanup() {
  for p in $sipp_pid $uas_pid; do
    kill "$p" 2>/dev/null || true
  done
  if [ -n "$server_pid" ]; then stop_server || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "$*" | tee -a "$summary"; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  case " $SERVERS " in
    *" parley "*)
      echo "building parley-cli..."
      ./mvnw -q -pl parley-cli -am package -DskipTests ;;
  esac
fi
case " $SERVERS " in
  *" parley "*)
    [ -f parley-cli/target/parley.jar ] || die "parley-cli/target/parley.jar missing (build failed?)"
    # a private copy, so a build in the same tree during the run does not swap classes
    cp parley-cli/target/parley.jar "$work/" ;;
esac

# ---------------------------------------------------------------------------------------------
# Users: "service" (the callee), warm0.. (warm-up), user0.. (measured); password pw-<user>.
echo "generating $((USERS + WARMUP_USERS + 3)) users..."
awk -v w="$WARMUP_USERS" -v n="$USERS" -v dir="$work" 'BEGIN {
  csv = dir "/users.csv"; db = dir "/users.db"
  svc = dir "/reg-service.csv"; warm = dir "/reg-warm.csv"; meas = dir "/reg-users.csv"
  sink = dir "/reg-sink.csv"
  print "id(int,auto) key_name(string) key_type(int) value_type(int) key_value(string) expires(int)" > db
  print "SEQUENTIAL" > svc; print "SEQUENTIAL" > warm; print "SEQUENTIAL" > meas
  print "SEQUENTIAL" > sink
  id = 1
  u = "service"; print u ",pw-" u > csv; print id++ ":" u ":0:0:pw-" u ":0" > db
  print u ";[authentication username=" u " password=pw-" u "]" > svc
  u = "sink"; print u ",pw-" u > csv; print id++ ":" u ":0:0:pw-" u ":0" > db
  print u ";[authentication username=" u " password=pw-" u "]" > sink
  u = "sender"; print u ",pw-" u > csv; print id++ ":" u ":0:0:pw-" u ":0" > db
  for (i = 0; i < w; i++) {
    u = "warm" i; print u ",pw-" u > csv; print id++ ":" u ":0:0:pw-" u ":0" > db
    print u ";[authentication username=" u " password=pw-" u "]" > warm
  }
  for (i = 0; i < n; i++) {
    u = "user" i; print u ",pw-" u > csv; print id++ ":" u ":0:0:pw-" u ":0" > db
    print u ";[authentication username=" u " password=pw-" u "]" > meas
  }
}'

# ---------------------------------------------------------------------------------------------
# Process measurements.

# The server's processes: the main one and its direct children (Kamailio's workers).
server_pids() {
  local main=$1 f ppid
  echo "$main"
  for f in /proc/[0-9]*/stat; do
    ppid=$(awk '{ sub(/^.*\) /, ""); print $2 }' "$f" 2>/dev/null) || continue
    [ "$ppid" = "$main" ] && basename "$(dirname "$f")"
  done
  return 0
}

# Clock ticks (utime + stime) used by the processes given.
ticks_of() {
  local t=0 p v
  for p in "$@"; do
    v=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || continue
    t=$((t + v))
  done
  echo "$t"
}

# "RSS_MB PSS_MB" summed over the processes given.
memory_of() {
  local rss=0 pss=0 p v
  for p in "$@"; do
    v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || continue
    rss=$((rss + ${v:-0}))
    v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null) || v=0
    pss=$((pss + ${v:-0}))
  done
  awk -v r="$rss" -v p="$pss" 'BEGIN { printf "%.1f %.1f\n", r / 1024, p / 1024 }'
}

# Whether UDP PORT is bound on this machine (/proc/net/udp, hex port).
udp_bound() {
  local hex
  hex=$(printf '%04X' "$1")
  awk -v h=":$hex" 'NR > 1 && substr($2, length($2) - 4) == h { found = 1 } END { exit !found }' /proc/net/udp
}

# Whether TCP PORT is listening on this machine (/proc/net/tcp, state 0A).
tcp_listening() {
  local hex
  hex=$(printf '%04X' "$1")
  awk -v h=":$hex" 'NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == h { found = 1 } END { exit !found }' /proc/net/tcp
}

# Whether PORT is taken for the transport SIPp uses (sipp_transport: u1 or t1).
port_bound() {
  if [ "$sipp_transport" = t1 ]; then tcp_listening "$1"; else udp_bound "$1"; fi
}

now() { date +%s.%N; }

# The counters of SIPp's last stats row (-trace_stat), as shell assignments.
sipp_stats() {
  awk -F';' '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { last = $0 }
    END {
      n = split(last, v, ";")
      m = split("TotalCallCreated SuccessfulCall(C) FailedCall(C) Retransmissions(C) OutOfCallMsgs(C) DeadCallMsgs(C) FailedUnexpectedMessage(C) FailedMaxUDPRetrans(C) FailedTimeoutOnRecv(C) Warnings(C) CallRate(C)", w, " ")
      for (j = 1; j <= m; j++) {
        name = w[j]; gsub(/[()]/, "", name)
        val = (w[j] in col) ? v[col[w[j]]] : ""
        if (val !~ /^[0-9.]+$/) val = 0
        printf "s_%s=%s\n", name, val
      }
    }' "$1"
}

# The most frequent reasons in a SIPp errors log, on one line.
sipp_reasons() {
  [ -f "$1" ] || { echo "(no errors log)"; return 0; }
  { grep -oE "(while [a-z]+( '[^']*')? \(index [0-9]+\), received '[^'\\]{0,40}|Call-Id '[^']*' rejected because [^.]{0,40}|timed out[^.]{0,30})" "$1" 2>/dev/null || true; } \
    | sed -e "s/Call-Id '[^']*'/Call-Id/" -e 's/[[:space:]]\+/ /g' | sort | uniq -c | sort -rn \
    | awk 'NR <= 3 { c = $1; $1 = ""; printf "%s%dx%s", (NR > 1 ? "; " : ""), c, $0 } END { if (NR == 0) printf "(none recorded)" }' \
    || true
}

# ---------------------------------------------------------------------------------------------
# SIPp runs.

# run_sipp LABEL RATE COUNT SCENARIO [ARGS...]: one bounded SIPp run against the current server.
# Sets s_* (SIPp counters), r_wall, r_cpu (server CPU seconds over the run + run_drain seconds),
# r_late1xx (calls SIPp failed only because a provisional came after the 200).
run_sipp() {
  local label=$1 rate=$2 count=$3 scenario=$4
  shift 4
  local port=${run_port:-$SIPP_PORT}
  [ -n "${run_port:-}" ] || SIPP_PORT=$((SIPP_PORT + 10))
  run_port=
  local ip=${run_ip:-$HOST}
  run_ip=
  local base=$out/$server-$label
  local timeout=$((count / rate + 30))
  local limit=$((rate * 3 > 1000 ? rate * 3 : 1000))
  local pids tk0 tk1 t0 t1
  pids=$(server_pids "$server_pid")
  # shellcheck disable=SC2086 # a list of pids
  tk0=$(ticks_of $pids); t0=$(now)
  local cmd=(sipp "$HOST:$server_port" -sf "$bench/sipp/$scenario" "$@" -t "$sipp_transport"
    -i "$ip" -p "$port" -mp $((port + 2)) -r "$rate" -rp 1000 -m "$count" -l "$limit" -timeout "${timeout}s"
    -nostdin -buff_size 2097152 -trace_stat -stf "$base.csv" -fd 1 -trace_err
    -error_file "$base.errors.log")
  echo "${cmd[*]}" >"$base.cmd"
  set +e
  "${cmd[@]}" >"$base.screen.log" 2>&1 &
  sipp_pid=$!
  wait "$sipp_pid"
  echo $? >"$base.rc"
  set -e
  sipp_pid=
  t1=$(now)
  sleep "$run_drain"
  # shellcheck disable=SC2086
  tk1=$(ticks_of $pids)
  if [ ! -f "$base.csv" ]; then
    echo "SIPp wrote no stats: $(tail -n 3 "$base.screen.log")" >&2
    s_TotalCallCreated=0; s_SuccessfulCallC=0; s_FailedCallC=$count; s_RetransmissionsC=0; s_CallRateC=0
  else
    eval "$(sipp_stats "$base.csv")"
  fi
  r_wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  r_cpu=$(awk -v a="$tk0" -v b="$tk1" -v hz="$clk_tck" 'BEGIN { printf "%.2f", (b - a) / hz }')
  r_late1xx=$(grep -cE "\(index [4-9]\), received 'SIP/2.0 1[0-9][0-9] " "$base.errors.log" 2>/dev/null || true)
  r_late1xx=${r_late1xx:-0}
  r_reasons=$(sipp_reasons "$base.errors.log")
}

# report PHASE RATE COUNT: prints and records the last run.
report() {
  local phase=$1 rate=$2 count=$3
  local per1k cores okps verdict=clean
  per1k=$(awk -v c="$r_cpu" -v n="$s_SuccessfulCallC" 'BEGIN { printf "%.3f", (n > 0 ? 1000 * c / n : 0) }')
  cores=$(awk -v c="$r_cpu" -v w="$r_wall" -v d="$run_drain" 'BEGIN { printf "%.2f", c / (w + d) }')
  okps=$(awk -v n="$s_SuccessfulCallC" -v w="$r_wall" 'BEGIN { printf "%.0f", (w > 0 ? n / w : 0) }')
  if [ "$s_SuccessfulCallC" = 0 ]; then verdict="ALL FAILED"
  elif [ "$s_FailedCallC" != 0 ]; then verdict="$s_FailedCallC failed"
  elif [ "$s_TotalCallCreated" != "$count" ]; then verdict="only $s_TotalCallCreated of $count created"
  elif awk -v a="$s_CallRateC" -v r="$rate" 'BEGIN { exit !(a < 0.95 * r) }'; then verdict="rate not held"
  fi
  printf '%-9s %-9s %7s %7s %7s %7s %7s %6s %7s %8s %8s %6s  %s\n' "$server" "$phase" "$rate" \
    "$s_CallRateC" "$okps" "$s_TotalCallCreated" "$s_SuccessfulCallC" "$s_FailedCallC" \
    "$s_RetransmissionsC" "$r_cpu" "$per1k" "$cores" "$verdict" | tee -a "$summary"
  if [ "$s_FailedCallC" != 0 ] || [ "$s_SuccessfulCallC" = 0 ]; then
    say "          SIPp's reasons: $r_reasons"
    [ "$r_late1xx" = 0 ] || say "          of the failed: $r_late1xx only because a 1xx arrived after the 200 (response order lost between workers)"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$phase" "$rate" "$s_CallRateC" \
    "$s_TotalCallCreated" "$s_SuccessfulCallC" "$s_FailedCallC" "$r_cpu" "$per1k" "$r_late1xx" >>"$results"
}

# ---------------------------------------------------------------------------------------------
# Servers.

start_server() {
  local log=$out/$server.log
  case $server in
    kamailio)
      server_port=$PORT_KAMAILIO
      mkdir -p "$work/kamailio-db"
      cp "$work/users.db" "$work/kamailio-db/users"
      local cmd=("$kamailio_bin" -DD -E -f "$kamailio_cfg" -m "$KAMAILIO_SHM_MB" -M "$KAMAILIO_PKG_MB"
        -A "SIP_PORT=$server_port" -A "CHILDREN=$THREADS" -A WITH_AUTH -A WITH_MESSAGE_AUTH -A "MAX_ROWS=$(( USERS + WARMUP_USERS + 1000 ))"
        -A "DB_URL=\"text://$work/kamailio-db\"")
      if has_phase calls-tcp; then cmd+=(-A WITH_TCP); fi
      echo "${cmd[*]}" >"$out/$server.cmd"
      udp_bound "$server_port" && die "UDP port $server_port is taken (PORT_KAMAILIO)"
      has_phase calls-tcp && tcp_listening "$server_port" && die "TCP port $server_port is taken (PORT_KAMAILIO)"
      "${cmd[@]}" >"$log" 2>&1 &
      server_pid=$!
      local i=0
      until udp_bound "$server_port" && [ "$(server_pids "$server_pid" | wc -l)" -gt "$THREADS" ] \
          && { ! has_phase calls-tcp || tcp_listening "$server_port"; }; do
        kill -0 "$server_pid" 2>/dev/null || { server_pid=; die "kamailio exited: $(tail -n 5 "$log")"; }
        i=$((i + 1)); [ "$i" -lt 300 ] || die "kamailio not ready after 30 s: $(tail -n 5 "$log")"
        sleep 0.1
      done ;;
    parley)
      server_port=$PORT_PARLEY
      local data=$work/parley-data
      rm -rf "$data"
      local t0 t1
      t0=$(now)
      # shellcheck disable=SC2086 # JVM_OPTS is a list of flags on purpose
      java $JVM_OPTS -jar "$work/parley.jar" user import "$work/users.csv" --data "$data" \
        --domain "$DOMAIN" >"$out/parley-import.log" 2>&1 \
        || die "parley user import failed: $(tail -n 3 "$out/parley-import.log")"
      t1=$(now)
      say "          parley user import: $(grep -h '^imported' "$out/parley-import.log" || true) ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s with JVM start)"
      local conf=$work/parley.conf
      {
        # no auth.algorithms: SIPp answers only the first WWW-Authenticate, and only MD5, and the
        # default auth.md5_only_user_agents offers MD5 alone to "SIPp register-uac" (docs/server.md)
        if [ -n "$PARLEY_TRUSTED" ]; then
          echo "# the SIPp uac is a trusted load generator (its INVITEs unchallenged), and one source"
          echo "# sending 1,000 requests/s must not meet the per-source rate limits"
          echo "trusted = $PARLEY_TRUSTED"
        fi
        if has_phase message; then
          echo "# the MESSAGE sender ($MSG_SOURCE) is challenged (not trusted), and sending 500"
          echo "# requests/s from one source must not meet the per-source limits either"
          echo "limits.requests_per_second = 0"
          echo "limits.auth_failures_per_minute = 0"
        fi
        [ -z "$PARLEY_CONF_EXTRA" ] || printf '%s\n' "$PARLEY_CONF_EXTRA"
      } >"$conf"
      cp "$conf" "$out/parley.conf"
      local cmd=(java $JVM_OPTS -jar "$work/parley.jar" server --config "$conf" --data "$data"
        --listen "udp:$HOST:$server_port" --domain "$DOMAIN" --threads "$THREADS")
      if has_phase calls-tcp; then cmd+=(--listen "tcp:$HOST:$server_port"); fi
      echo "${cmd[*]}" >"$out/$server.cmd"
      udp_bound "$server_port" && die "UDP port $server_port is taken (PORT_PARLEY)"
      has_phase calls-tcp && tcp_listening "$server_port" && die "TCP port $server_port is taken (PORT_PARLEY)"
      "${cmd[@]}" >"$log" 2>&1 &
      server_pid=$!
      local i=0
      until grep -q 'parley server: ready' "$log" 2>/dev/null; do
        if ! kill -0 "$server_pid" 2>/dev/null; then
          server_pid=
          say "          parley server did not start: $(tail -n 3 "$log")"
          say "          (its config: $(grep -v '^#' "$conf" | tr '\n' ';'))"
          return 1
        fi
        i=$((i + 1)); [ "$i" -lt 600 ] || die "parley server not ready after 60 s: $(tail -n 5 "$log")"
        sleep 0.1
      done ;;
    *) die "unknown server '$server' (SERVERS takes kamailio and parley)" ;;
  esac
  return 0
}

stop_server() {
  local pids p
  pids=$(server_pids "$server_pid")
  kill "$server_pid" 2>/dev/null || true
  local i=0
  while kill -0 "$server_pid" 2>/dev/null && [ "$i" -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
  for p in $pids; do kill -9 "$p" 2>/dev/null || true; done
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

# start_uas [SCENARIO TOTAL RATE]: the callee (uas-rr.xml, default) or the MESSAGE sink at
# uas_port, for TOTAL operations at RATE.
start_uas() {
  local scenario=${1:-uas-rr.xml} total=${2:-$((WARMUP_CALLS + CALLS))} rate=${3:-$CALL_RATE}
  local base=$out/$server-uas-${scenario%.xml}
  local cmd=(sipp "$HOST:$server_port" -sf "$bench/sipp/$scenario" -t "$sipp_transport" -i "$HOST"
    -p "$uas_port" -mp $((uas_port + 2)) -timeout $((total / rate + 120))s -nostdin -buff_size 2097152
    -trace_stat -stf "$base.csv" -fd 5 -trace_err -error_file "$base.errors.log")
  echo "${cmd[*]}" >"$base.cmd"
  "${cmd[@]}" >"$base.screen.log" 2>&1 &
  uas_pid=$!
  local i=0
  until port_bound "$uas_port"; do
    kill -0 "$uas_pid" 2>/dev/null || die "SIPp uas exited: $(tail -n 3 "$base.screen.log")"
    i=$((i + 1)); [ "$i" -lt 100 ] || die "SIPp uas not listening after 10 s"
    sleep 0.1
  done
}

stop_uas() {
  kill "$uas_pid" 2>/dev/null || true
  wait "$uas_pid" 2>/dev/null || true
  uas_pid=
}

# Percentage of all CPUs busy over the next 5 seconds, from /proc/stat.
cpu_busy() {
  local a b
  a=$(head -n 1 /proc/stat); sleep 5; b=$(head -n 1 /proc/stat)
  printf '%s\n%s\n' "$a" "$b" | awk '
    { idle[NR] = $5 + $6; total[NR] = 0; for (i = 2; i <= NF; i++) total[NR] += $i }
    END { t = total[2] - total[1]; printf "%d\n", (t > 0 ? 100 * (t - (idle[2] - idle[1])) / t : 0) }'
}
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

# ---------------------------------------------------------------------------------------------
{
  echo "# proxy/registrar load comparison, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), nproc=$(nproc)"
  sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1 | sed 's/^/# cpu: /'
  echo "# $sipp_version; $("$kamailio_bin" -v 2>/dev/null | head -n 1 || echo 'kamailio n/a')"
  java -version 2>&1 | sed -n '2p' | sed 's/^/# /'
  echo "# phases: $PHASES; servers: $SERVERS; workers: kamailio children=$THREADS, parley --threads $THREADS; parley JVM: $JVM_OPTS; kamailio -m $KAMAILIO_SHM_MB -M $KAMAILIO_PKG_MB"
  echo "# calls: $WARMUP_CALLS warm-up + $CALLS measured at $CALL_RATE/s, hold ${CALL_HOLD_MS} ms;" \
    "REGISTER: $WARMUP_USERS warm-up + $USERS measured users at $REG_RATE/s, digest MD5;" \
    "calls-tcp: the same over TCP (SIPp -t t1);" \
    "MESSAGE: $WARMUP_MESSAGES warm-up + $MESSAGES measured at $MSG_RATE/s from $MSG_SOURCE, proxy digest MD5;" \
    "CPU window = run + ${DRAIN_SECONDS} s"
  echo "# before the run: CPUs ${busy}% busy over 5 s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$summary"
echo | tee -a "$summary"
echo "# got/s: SIPp's achieved rate of new calls; ok/s: successful operations per wall second;" \
  "cpu s: server CPU over the window; s/1k: server CPU seconds per 1,000 successful operations;" \
  "cores: CPU seconds per wall second of the window" | tee -a "$summary"
printf '%-9s %-9s %7s %7s %7s %7s %7s %6s %7s %8s %8s %6s  %s\n' server phase "rate" "got/s" "ok/s" \
  created ok failed retrans "cpu s" "s/1k" cores verdict | tee -a "$summary"

t_start=$(date +%s)
first=1
for server in $SERVERS; do
  [ "$first" = 1 ] || sleep "$PAUSE"
  first=0
  if ! start_server; then
    printf '%s\tnostart\n' "$server" >>"$results"
    continue
  fi
  pids=$(server_pids "$server_pid")
  # shellcheck disable=SC2086
  read -r rss0 pss0 <<<"$(memory_of $pids)"
  say "          $server started: $(echo "$pids" | wc -l) processes, RSS ${rss0} MB, PSS ${pss0} MB"

  if has_phase calls; then
    # the callee's binding: service -> the SIPp uas, registered from the uas's own port (as a UA
    # registers itself) just before the uas starts there (CPU not measured: no drain). Both servers
    # would reach the uas at its Contact from any other port too (Parley: a UDP binding goes to its
    # Contact unless that shows a NAT)
    uas_port=$SIPP_PORT
    SIPP_PORT=$((SIPP_PORT + 10))
    run_drain=0
    run_port=$uas_port
    run_sipp bind-service 10 1 register-uac.xml -inf "$work/reg-service.csv" -set contact "$HOST:$uas_port"
    start_uas
    if [ "$s_SuccessfulCallC" != 1 ]; then
      say "          $server: registering the callee failed: $r_reasons"
    fi

    run_sipp warmup-calls "$CALL_RATE" "$WARMUP_CALLS" uac-rr.xml -s service -d "$CALL_HOLD_MS"
    report warmup "$CALL_RATE" "$WARMUP_CALLS"
    sleep "$PAUSE"
    run_drain=$DRAIN_SECONDS
    run_sipp calls "$CALL_RATE" "$CALLS" uac-rr.xml -s service -d "$CALL_HOLD_MS"
    report calls "$CALL_RATE" "$CALLS"
    stop_uas
    sleep "$PAUSE"
  fi

  if has_phase calls-tcp; then
    # as calls, over TCP: the callee registers over TCP from the uas's port (SIPp binds its TCP
    # client socket to -p), then the uas listens there; the servers connect to it
    sipp_transport=t1
    uas_port=$SIPP_PORT
    SIPP_PORT=$((SIPP_PORT + 10))
    run_drain=0
    run_port=$uas_port
    run_sipp bind-service-tcp 10 1 register-uac.xml -inf "$work/reg-service.csv" -set contact "$HOST:$uas_port"
    if [ "$s_SuccessfulCallC" != 1 ]; then
      say "          $server: registering the callee over TCP failed: $r_reasons"
    fi
    start_uas
    run_sipp warmup-calls-tcp "$CALL_RATE" "$WARMUP_CALLS" uac-rr.xml -s service -d "$CALL_HOLD_MS"
    report warmup-t "$CALL_RATE" "$WARMUP_CALLS"
    sleep "$PAUSE"
    run_drain=$DRAIN_SECONDS
    run_sipp calls-tcp "$CALL_RATE" "$CALLS" uac-rr.xml -s service -d "$CALL_HOLD_MS"
    report calls-tcp "$CALL_RATE" "$CALLS"
    stop_uas
    sipp_transport=u1
    sleep "$PAUSE"
  fi

  if has_phase register; then
    run_drain=0
    reg_port=$SIPP_PORT
    run_sipp warmup-register "$REG_RATE" "$WARMUP_USERS" register-uac.xml -inf "$work/reg-warm.csv" \
      -set contact "$HOST:$reg_port"
    report warmup-r "$REG_RATE" "$WARMUP_USERS"
    sleep "$PAUSE"
    run_drain=$DRAIN_SECONDS
    reg_port=$SIPP_PORT
    run_sipp register "$REG_RATE" "$USERS" register-uac.xml -inf "$work/reg-users.csv" \
      -set contact "$HOST:$reg_port"
    report register "$REG_RATE" "$USERS"
  fi

  if has_phase message; then
    # the sink's binding, registered from its own port just before it starts there (as for the
    # callee), then the sender's MESSAGEs from MSG_SOURCE, challenged by the proxy
    has_phase register && sleep "$PAUSE"
    uas_port=$SIPP_PORT
    SIPP_PORT=$((SIPP_PORT + 10))
    run_drain=0
    run_port=$uas_port
    run_sipp bind-sink 10 1 register-uac.xml -inf "$work/reg-sink.csv" -set contact "$HOST:$uas_port"
    start_uas message-uas.xml $((WARMUP_MESSAGES + MESSAGES)) "$MSG_RATE"
    if [ "$s_SuccessfulCallC" != 1 ]; then
      say "          $server: registering the sink failed: $r_reasons"
    fi
    # the digest uri must be the Request-URI (SIPp's default, its remote host:port, fails the
    # check of RFC 3261 22.4 at Parley): -auth_uri
    printf 'SEQUENTIAL\nsender;[authentication username=sender password=pw-sender]\n' >"$work/msg-sender.csv"
    local_auth_uri="sink@$HOST:$server_port"
    run_ip=$MSG_SOURCE
    run_sipp warmup-message "$MSG_RATE" "$WARMUP_MESSAGES" message-uac.xml -s sink \
      -inf "$work/msg-sender.csv" -auth_uri "$local_auth_uri"
    report warmup-m "$MSG_RATE" "$WARMUP_MESSAGES"
    sleep "$PAUSE"
    run_drain=$DRAIN_SECONDS
    run_ip=$MSG_SOURCE
    run_sipp message "$MSG_RATE" "$MESSAGES" message-uac.xml -s sink -inf "$work/msg-sender.csv" \
      -auth_uri "$local_auth_uri"
    report message "$MSG_RATE" "$MESSAGES"
    stop_uas
  fi

  pids=$(server_pids "$server_pid")
  # shellcheck disable=SC2086
  read -r rss1 pss1 <<<"$(memory_of $pids)"
  say "          $server memory with $USERS + $WARMUP_USERS + 1 users registered: RSS ${rss1} MB, PSS ${pss1} MB" \
    "(at start ${rss0} / ${pss0} MB; $(echo "$pids" | wc -l) processes)"
  if [ "$server" = parley ] && command -v jcmd >/dev/null 2>&1; then
    # the JVM keeps the heap it has touched (RSS); the live set after a full GC is the other half
    jcmd "$server_pid" GC.run >/dev/null 2>&1 || true
    live=$(jcmd "$server_pid" GC.heap_info 2>/dev/null \
      | awk '/heap/ && /used/ { for (i = 1; i < NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); printf "%.1f", v / 1024; exit } }')
    say "          parley heap in use after a full GC: ${live:-n/a} MB (JVM flags: $JVM_OPTS)"
  fi
  printf '%s\tmemory\t%s\t%s\t%s\t%s\n' "$server" "$rss1" "$pss1" "$rss0" "$pss0" >>"$results"
  stop_server
  tail -n 2 "$out/$server.log" | sed 's/^/          log: /' | tee -a "$summary"
done

# Comparison: Parley against Kamailio, as issue 5 asks.
echo | tee -a "$summary"
awk -F'\t' '
  $2 == "calls" || $2 == "calls-tcp" || $2 == "register" || $2 == "message" { ok[$1, $2] = $6; failed[$1, $2] = $7; per1k[$1, $2] = $9; got[$1, $2] = $4; late[$1, $2] = $10 }
  $2 == "memory" { pss[$1] = $4; rss[$1] = $3 }
  $2 == "nostart" { nostart[$1] = 1 }
  END {
    k = "kamailio"; p = "parley"
    if (p in nostart) { print "parley server did not start: no comparison"; exit }
    split("calls calls-tcp register message", phases, " ")
    for (i = 1; i <= 4; i++) {
      ph = phases[i]
      if (!((k, ph) in ok) || !((p, ph) in ok)) continue
      if (ok[p, ph] == 0 || failed[p, ph] > ok[p, ph]) {
        printf("%-9s parley: %d of %d failed, no CPU comparison (kamailio: %d ok, %d failed, %s CPU s per 1,000): NOT met\n", ph, failed[p, ph], ok[p, ph] + failed[p, ph], ok[k, ph], failed[k, ph], per1k[k, ph])
        continue
      }
      r = (per1k[k, ph] > 0) ? per1k[p, ph] / per1k[k, ph] : 0
      printf("%-9s CPU per 1,000: parley %s s, kamailio %s s = %.2fx (target <= 1.0x, issue 16): %s; failed: parley %d, kamailio %d (%s)\n", \
        ph, per1k[p, ph], per1k[k, ph], r, (r > 0 && r <= 1.0) ? "met" : "NOT met", failed[p, ph], failed[k, ph], \
        (failed[p, ph] <= failed[k, ph]) ? "no more failures: met" : "more failures: NOT met")
    }
    if ((k in pss) && (p in pss)) printf("memory    with every user registered: parley RSS %s MB / PSS %s MB, kamailio RSS %s MB / PSS %s MB (sum over its processes)\n", rss[p], pss[p], rss[k], pss[k])
  }' "$results" | tee -a "$summary"
say ""
say "# load average after: $(cut -d' ' -f1-3 /proc/loadavg); $(( $(date +%s) - t_start )) s"
say "# files: $out"
