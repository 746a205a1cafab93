#!/usr/bin/env bash
# Proxy and registrar load comparison (issue 5): `parley server` beside Kamailio 5.6 (registrar +
# stateful proxy, contacts in memory), both driven by SIPp on loopback, in the same run.
#
#   parley-bench/bench/proxy.sh
#
# Both servers start with THREADS workers, each on its own port with its own SIPp callee/sink
# (the order of the runs: "Order" below); per phase:
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
# processes, over the phase's CPU window, which closes DRAIN_SECONDS after the last measured
# operation, so the timers and clean-up of the measured operations are paid inside it) per 1,000
# operations; at the end the ratios Parley/Kamailio (issue 16: CPU per call, per REGISTER and per
# MESSAGE at most 1.0x, no more failed operations; issue 5 asked 1.5x). A server that fails a
# phase is reported with SIPp's first error reasons, and the run goes on.
#
# Order (session 15). On this VM one server's CPU per operation moves by up to 1.85x between runs
# minutes apart, and a server measured after the other's whole set of phases ran slower than
# alone: comparing two windows minutes apart measured the machine's drift and the order more than
# the code. So by default (WINDOWS=4) both servers are up at once and each phase is measured in
# alternating short windows of the same minutes: both warm up (the same counts; calls and message
# in WINDOWS parts, each from the SIPp port of one of its measured windows, in the windows'
# order, so the warm-up reaches the same server sockets as the windows (session 18); calls-tcp
# and register in two halves in the order A B B A), then 2 x WINDOWS windows of CALLS/WINDOWS (USERS/, MESSAGES/) operations at
# the same rate in the order A B B A A B B A (A = Kamailio, the first of SERVERS), so a drift
# linear in time weighs the same on both; REGISTER windows register distinct users (no user twice
# in a server's measured set). Each server's CPU is counted over the WHOLE span, from the first
# measured window's start to DRAIN_SECONDS after the last one's end, the other server's windows
# included, divided by its own successful operations: conservative, each pays its idle cost
# and its deferred work (Parley's Timer D/J at 32 s, Kamailio's tm clean-up) wherever it falls; a
# sum over its own windows only would leave what it defers into the other's windows unpaid. The
# CPU inside each of its own windows (no drain) is printed too, for the spread within a run, and
# the per-window ratios (window i of one against window i of the other). The memory rows are
# read at the end of the run with both servers up (each one's own processes: RSS and PSS do not
# mix the two). WINDOWS=1 or SEQUENTIAL=1 (or a single server) runs the order before session 15:
# one server at a time, every phase of the first before the second, each measured run in one
# window (its start to DRAIN_SECONDS after its end).
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
# errors and screen, the servers' logs; windows.tsv: one row per measured window in interleaved
# mode, its SIPp run's start and end in seconds since the epoch last, to read the server's own
# logs and per-thread CPU against). Run time after the build, either order (the same operations at the same rates; the
# interleaved order has one drain per phase instead of one per server): PHASES="calls register
# message" about 10 minutes (615 s interleaved on a busy machine, 2026-12-07), calls-tcp 2-3 more.
#
# Environment (defaults in brackets):
#   SERVERS          which servers, in order ["kamailio parley"]
#   WINDOWS          measured windows per server and phase, interleaved (two servers) [4]
#   SEQUENTIAL=1     the order before session 15 (as WINDOWS=1): one server after the other
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
#   JVM_OPTS         flags of Parley's JVM ["-Xms1g -Xmx1g -XX:+UseG1GC
#                    -XX:PerfDataSamplingInterval=1000": the last as the `parley` launcher gives it]
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
WINDOWS=${WINDOWS:-4}
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
JVM_OPTS=${JVM_OPTS:-"-Xms1g -Xmx1g -XX:+UseG1GC -XX:PerfDataSamplingInterval=1000"}
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
case $WINDOWS in ''|*[!0-9]*|0) die "WINDOWS takes a positive number" ;; esac
mode=sequential
if [ "${SEQUENTIAL:-0}" != 1 ] && [ "$WINDOWS" -gt 1 ] && [ "$(echo $SERVERS | wc -w)" = 2 ]; then mode=abba; fi
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
server=
pids_cache=
uas_slack=0
# every server up and its SIPp callee/sink (interleaved mode has two): stopped on any exit
cleanup() {
  local s
  [ -z "$sipp_pid" ] || kill "$sipp_pid" 2>/dev/null || true
  if [ -n "$server" ] && declare -F keep_server >/dev/null; then
    keep_server
    for s in "${!srv_pid[@]}"; do
      use_server "$s"
      [ -z "$uas_pid" ] || kill "$uas_pid" 2>/dev/null || true
      if [ -n "$server_pid" ]; then stop_server || true; fi
    done
  fi
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
# Process measurements, SIPp runs, the servers: lib/proxy-common.sh. The phases and the two orders
# (sequential, interleaved): lib/proxy-phases.sh.
# shellcheck source=lib/proxy-common.sh
. "$bench/lib/proxy-common.sh"
# shellcheck source=lib/proxy-phases.sh
. "$bench/lib/proxy-phases.sh"

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
  if [ "$mode" = abba ]; then
    echo "# order: interleaved, both servers up, $WINDOWS windows per server and phase in the order A B B A A B B A...;" \
      "each server's CPU over the whole span (first window to ${DRAIN_SECONDS} s after the last, the other's windows included) / its own operations"
  else
    echo "# order: sequential, one server after the other (each measured run its own CPU window)"
  fi
  echo "# before the run: CPUs ${busy}% busy over 5 s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$summary"
echo | tee -a "$summary"
echo "# got/s: SIPp's achieved rate of new calls; ok/s: successful operations per wall second;" \
  "cpu s: server CPU over the window; s/1k: server CPU seconds per 1,000 successful operations;" \
  "cores: CPU seconds per wall second of the window" \
  "(interleaved: ok/s over the server's own windows, cpu s and cores over the whole span)" | tee -a "$summary"
printf '%-9s %-9s %7s %7s %7s %7s %7s %6s %7s %8s %8s %6s  %s\n' server phase "rate" "got/s" "ok/s" \
  created ok failed retrans "cpu s" "s/1k" cores verdict | tee -a "$summary"

t_start=$(date +%s)
if [ "$mode" = abba ]; then run_interleaved; else run_sequential; fi

# Comparison: Parley against Kamailio, as issue 5 asks.
echo | tee -a "$summary"
awk -F'\t' '
  $2 == "calls" || $2 == "calls-tcp" || $2 == "register" || $2 == "message" { ok[$1, $2] = $6; failed[$1, $2] = $7; per1k[$1, $2] = $9; got[$1, $2] = $4; late[$1, $2] = $10; win[$1, $2] = $15 }
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
      # interleaved: window i of one against window i of the other (own windows, no drain)
      if (win[p, ph] != "" && win[p, ph] != "-" && win[k, ph] != "" && win[k, ph] != "-") {
        m = split(win[p, ph], wp, ","); split(win[k, ph], wk, ","); line = ""
        for (j = 1; j <= m; j++) line = line sprintf(" %.2fx", (wk[j] > 0) ? wp[j] / wk[j] : 0)
        printf("%-9s   per window, inside each (no drain), parley/kamailio:%s\n", "", line)
      }
    }
    if ((k in pss) && (p in pss)) printf("memory    with every user registered: parley RSS %s MB / PSS %s MB, kamailio RSS %s MB / PSS %s MB (sum over its processes)\n", rss[p], pss[p], rss[k], pss[k])
  }' "$results" | tee -a "$summary"
say ""
say "# load average after: $(cut -d' ' -f1-3 /proc/loadavg); $(( $(date +%s) - t_start )) s"
say "# files: $out"
