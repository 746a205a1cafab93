#!/usr/bin/env bash
# Soak (issue 15 item 6): `parley server` under a steady mix of calls, REGISTERs and MESSAGEs for
# a given time, sampled every minute; fails if anything grows without bound.
#
#   parley-bench/bench/soak.sh [DURATION]        # default 1h; 10m, 180s, 2h, ...
#
# Load (SIPp on loopback, three streams at once, each bounded: rate x duration operations):
#   calls:     sipp/uac-rr.xml -> server -> sipp/uas-rr.xml (INVITE, 180, 200, ACK, CALL_HOLD_MS,
#              BYE; the server record-routes, so the whole dialog crosses it) at CALL_RATE/s;
#   register:  sipp/register-uac.xml, digest MD5, cycling over USERS distinct users at REG_RATE/s
#              (each user re-registers every USERS / REG_RATE seconds: bindings stay at USERS);
#   message:   sipp/message-uac.xml, pager MESSAGEs challenged by the proxy (407, then with
#              credentials) and relayed to a registered SIPp sink (sipp/message-uas.xml) at MSG_RATE/s.
# The callee's and the sink's bindings are refreshed every REFRESH seconds (from another port,
# Contact unchanged), so that they outlive a run longer than their Expires (3600 s).
#
# Rates: the defaults (50 calls/s, 50 REGISTERs/s, 50 MESSAGEs/s) are a fixed modest load, far
# below half of the measured capacity (docs/performance.md: 500 calls/s, 1,000 REGISTERs/s and
# 500 MESSAGEs/s clean on 2 event loops), because the development machine is shared by other
# builds; set CALL_RATE/REG_RATE/MSG_RATE=250/500/250 for half capacity on a quiet machine.
#
# Samples (every SAMPLE seconds, default 60, DURATION / 12 in runs under 12 minutes, so that
# `soak.sh 3m` can run in CI; the first after one interval): the server's heap
# in use after a full GC (`jcmd PID GC.run`, then the old generation's use from `jstat -gc`:
# G1's full GC compacts every live object there), its threads (/proc/PID/status),
# open file descriptors (/proc/PID/fd), resident memory, and from the status JSON (`GET /status`)
# bindings, dialogs (calls up), live transactions and pending offline messages.
#
# Verdict (the rule): for each of heap, threads, fds, bindings and dialogs, over the samples of
# the SECOND half of the run (at least 3), the least-squares slope per hour; the quantity GROWS
# when that slope is above its threshold AND the mean of the second half is above the highest
# sample of the first half (still rising past everything seen before, not noise around a
# plateau) AND the slope's rise over the second half's span is above the noise floor (in a
# short run a small wobble is a steep slope per hour). Thresholds per hour: heap 16 MB (a leak
# of 100 bytes per operation at the default 150 operations/s is 54 MB/h), threads 2, fds 4,
# bindings 2% of USERS + 2, dialogs 10% of the calls up at once (CALL_RATE x hold) + 5. Noise
# floors: heap 4 MB, threads 1, fds 2, bindings 1% of USERS + 1, dialogs 5% of the calls up + 2.
# RSS, transactions and offline messages are printed, not judged (the JVM keeps heap it touched;
# transactions follow the load second by second). Also FAIL: the server died, or a SIPp stream
# failed more than 5% of its operations (a sanity check, not a performance one: a cold JVM on a
# loaded machine fails some calls in its first minute; a broken server fails far more).
# Exit status: 0 PASS, 1 FAIL, 2 the run could not be made.
#
# Everything lands in parley-bench/target/soak/<time>/ (summary.txt with the table and verdict,
# samples.tsv, SIPp stats and errors, the server's log and config).
#
# Environment (defaults in brackets):
#   CALL_RATE, CALL_HOLD_MS   calls/s and the pause between ACK and BYE [50, 2000]
#   REG_RATE, USERS           REGISTERs/s and distinct users registering [50, 2000]
#   MSG_RATE                  MESSAGEs/s [50]
#   SAMPLE, REFRESH           seconds between samples (under 12 min: DURATION / 12), between the
#                             callee/sink refreshes [60, 600]
#   THREADS                   the server's event loops [2]
#   JVM_OPTS                  the server's JVM flags ["-Xms512m -Xmx512m -XX:+UseG1GC"]
#   PORT, SIPP_PORT           the server's UDP port, SIPp's first port [37090, 38500]
#   PARLEY_CONF_EXTRA         more lines for the server's config file (say
#                             "location.write_through = true")
#   SKIP_BUILD=1              reuse parley-cli/target/parley.jar
set -euo pipefail
# the whole script is one compound command, read before it runs: editing the file during a run
# (an hour) changes nothing in that run
{

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bench=$root/parley-bench/bench

DURATION=${1:-1h}
CALL_RATE=${CALL_RATE:-50}
CALL_HOLD_MS=${CALL_HOLD_MS:-2000}
REG_RATE=${REG_RATE:-50}
USERS=${USERS:-2000}
MSG_RATE=${MSG_RATE:-50}
SAMPLE=${SAMPLE:-}
REFRESH=${REFRESH:-600}
THREADS=${THREADS:-2}
JVM_OPTS=${JVM_OPTS:-"-Xms512m -Xmx512m -XX:+UseG1GC"}
PORT=${PORT:-37090}
SIPP_PORT=${SIPP_PORT:-38500}
HOST=127.0.0.1
MSG_SOURCE=127.0.0.2
DOMAIN=127.0.0.1

die() { echo "soak.sh: $*" >&2; exit 2; }

case $DURATION in
  *h) secs=$(( ${DURATION%h} * 3600 )) ;;
  *m) secs=$(( ${DURATION%m} * 60 )) ;;
  *s) secs=${DURATION%s} ;;
  *[!0-9]*|'') die "DURATION must be like 1h, 10m or 600s: '$DURATION'" ;;
  *) secs=$DURATION ;;
esac
[[ $secs =~ ^[0-9]+$ ]] && [ "$secs" -ge 60 ] && [ "$secs" -le 172800 ] \
  || die "DURATION must be between 60 s and 48 h: '$DURATION'"
# a minute between samples; a run shorter than 12 minutes takes 12 samples (soak.sh 3m: every 15 s)
[ -n "$SAMPLE" ] || SAMPLE=$((secs >= 720 ? 60 : (secs / 12 > 5 ? secs / 12 : 5)))
for v in CALL_RATE CALL_HOLD_MS REG_RATE USERS MSG_RATE SAMPLE REFRESH THREADS PORT SIPP_PORT; do
  [[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -gt 0 ] || die "$v must be a positive integer: '${!v}'"
done
[ "$SAMPLE" -le $((secs / 2)) ] || die "SAMPLE ($SAMPLE s) must be at most half of DURATION ($secs s)"
command -v sipp >/dev/null 2>&1 || die "sipp not found on PATH (Debian: apt-get install sip-tester)"
for c in java jcmd jstat curl; do command -v "$c" >/dev/null 2>&1 || die "$c not found on PATH"; done
for f in uac-rr.xml uas-rr.xml register-uac.xml message-uac.xml message-uas.xml; do
  [ -f "$bench/sipp/$f" ] || die "$bench/sipp/$f missing"
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$root/parley-bench/target/soak/$stamp
mkdir -p "$out"
summary=$out/summary.txt
samples=$out/samples.tsv
work=$(mktemp -d "${TMPDIR:-/tmp}/parley-soak.XXXXXX")
server_pid=
loader_pids=()
cleanup() {
  local p
  for p in "${loader_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "$*" | tee -a "$summary"; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building parley-cli..."
  ./mvnw -B -ntp -q -pl parley-cli -am package -DskipTests
fi
[ -f parley-cli/target/parley.jar ] || die "parley-cli/target/parley.jar missing (build failed?)"
cp parley-cli/target/parley.jar "$work/"   # a private copy: a build during the run swaps nothing

# Users: service (the callee), sink (the MESSAGE sink), sender, user0.. (REGISTER load).
awk -v n="$USERS" -v dir="$work" 'BEGIN {
  csv = dir "/users.csv"; users = dir "/reg-users.csv"
  print "SEQUENTIAL" > users
  print "SEQUENTIAL" > (dir "/reg-service.csv")
  print "service;[authentication username=service password=pw-service]" > (dir "/reg-service.csv")
  print "SEQUENTIAL" > (dir "/reg-sink.csv")
  print "sink;[authentication username=sink password=pw-sink]" > (dir "/reg-sink.csv")
  print "SEQUENTIAL" > (dir "/msg-sender.csv")
  print "sender;[authentication username=sender password=pw-sender]" > (dir "/msg-sender.csv")
  print "service,pw-service" > csv; print "sink,pw-sink" > csv; print "sender,pw-sender" > csv
  for (i = 0; i < n; i++) {
    u = "user" i; print u ",pw-" u > csv
    print u ";[authentication username=" u " password=pw-" u "]" > users
  }
}'

data=$work/data
# shellcheck disable=SC2086 # JVM_OPTS is a list of flags on purpose
java $JVM_OPTS -jar "$work/parley.jar" user import "$work/users.csv" --data "$data" \
  --domain "$DOMAIN" >"$out/parley-import.log" 2>&1 \
  || die "parley user import failed: $(tail -n 3 "$out/parley-import.log")"
{
  echo "# the SIPp uac and REGISTER load come from 127.0.0.1: trusted, never rate-limited;"
  echo "# the MESSAGE sender ($MSG_SOURCE) is challenged, and its rate must not meet the limits"
  echo "trusted = $HOST"
  echo "limits.requests_per_second = 0"
  echo "limits.auth_failures_per_minute = 0"
  [ -z "${PARLEY_CONF_EXTRA:-}" ] || printf '%s\n' "$PARLEY_CONF_EXTRA"
} >"$out/parley.conf"
server_cmd=(java $JVM_OPTS -jar "$work/parley.jar" server --config "$out/parley.conf" --data "$data"
  --listen "udp:$HOST:$PORT" --domain "$DOMAIN" --threads "$THREADS" --status "$HOST:0" --focus off)
echo "${server_cmd[*]}" >"$out/parley.cmd"
"${server_cmd[@]}" >"$out/parley.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 1200); do
  grep -q 'parley server: ready' "$out/parley.log" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { server_pid=; die "parley server exited: $(tail -n 5 "$out/parley.log")"; }
  sleep 0.1
done
grep -q 'parley server: ready' "$out/parley.log" || die "parley server not ready after 120 s"
status_url=$(cat "$data/status.url")
status_url=${status_url%/}
status_url=${status_url%/status}/status

# sipp_run LABEL IP PORT SCENARIO RATE COUNT TIMEOUT [ARGS...]: one SIPp process in the background.
sipp_run() {
  local label=$1 ip=$2 port=$3 scenario=$4 rate=$5 count=$6 timeout=$7
  shift 7
  local base=$out/sipp-$label
  local cmd=(sipp "$HOST:$PORT" -sf "$bench/sipp/$scenario" "$@" -i "$ip" -p "$port" -mp $((port + 2))
    -timeout "${timeout}s" -nostdin -buff_size 2097152 -trace_stat -stf "$base.csv" -fd 10
    -trace_err -error_file "$base.errors.log")
  [ "$rate" = 0 ] || cmd+=(-r "$rate" -rp 1000 -m "$count" -l $((rate * 10 > 1000 ? rate * 10 : 1000)))
  echo "${cmd[*]}" >>"$out/sipp.cmd"
  "${cmd[@]}" >"$base.screen.log" 2>&1 &
  last_pid=$!
}

# bind USER UAS_PORT: registers USER's Contact at the SIPp uas on UAS_PORT, from another port.
refresh_port=$((SIPP_PORT + 80))
bind() {
  local port=$refresh_port
  refresh_port=$((refresh_port == SIPP_PORT + 80 ? SIPP_PORT + 90 : SIPP_PORT + 80))
  sipp "$HOST:$PORT" -sf "$bench/sipp/register-uac.xml" -inf "$work/reg-$1.csv" -set contact "$HOST:$2" \
    -i "$HOST" -p "$port" -m 1 -timeout 30s -nostdin >>"$out/bind.log" 2>&1
}

calls_uas=$SIPP_PORT
sink_port=$((SIPP_PORT + 10))
bind service "$calls_uas" || die "registering the callee failed (see $out/bind.log)"
bind sink "$sink_port" || die "registering the sink failed (see $out/bind.log)"
long=$((secs + 600))
sipp_run uas "$HOST" "$calls_uas" uas-rr.xml 0 0 "$long"; loader_pids+=("$last_pid")
sipp_run sink "$HOST" "$sink_port" message-uas.xml 0 0 "$long"; loader_pids+=("$last_pid")
sleep 1
sipp_run calls "$HOST" $((SIPP_PORT + 20)) uac-rr.xml "$CALL_RATE" $((CALL_RATE * secs)) "$long" \
  -s service -d "$CALL_HOLD_MS"
calls_pid=$last_pid; loader_pids+=("$last_pid")
sipp_run register "$HOST" $((SIPP_PORT + 30)) register-uac.xml "$REG_RATE" $((REG_RATE * secs)) "$long" \
  -inf "$work/reg-users.csv" -set contact "$HOST:$((SIPP_PORT + 30))"
reg_pid=$last_pid; loader_pids+=("$last_pid")
sipp_run message "$MSG_SOURCE" $((SIPP_PORT + 40)) message-uac.xml "$MSG_RATE" $((MSG_RATE * secs)) "$long" \
  -s sink -inf "$work/msg-sender.csv" -auth_uri "sink@$HOST:$PORT"
msg_pid=$last_pid; loader_pids+=("$last_pid")

{
  echo "# soak, $(date -u '+%Y-%m-%d %H:%M UTC'), $DURATION ($secs s), $(uname -srm), nproc=$(nproc)"
  sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1 | sed 's/^/# cpu: /'
  java -version 2>&1 | sed -n '2p' | sed 's/^/# /'
  echo "# load: calls $CALL_RATE/s (hold $CALL_HOLD_MS ms), REGISTER $REG_RATE/s over $USERS users," \
    "MESSAGE $MSG_RATE/s; server: --threads $THREADS, $JVM_OPTS; sample every $SAMPLE s"
  [ -z "${PARLEY_CONF_EXTRA:-}" ] || echo "# server config, more: $(printf '%s' "$PARLEY_CONF_EXTRA" | tr '\n' ';')"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$summary"
printf 'min\theap_mb\tthreads\tfds\trss_mb\tbindings\tdialogs\ttransactions\toffline\tload1\n' >"$samples"
printf '%5s %8s %7s %5s %7s %8s %7s %12s %7s %6s\n' min heap_MB threads fds rss_MB bindings dialogs \
  transactions offline load1 | tee -a "$summary"

# The server's numbers now, as one tab-separated row (n/a when a source did not answer).
sample() {
  local heap threads fds rss json bindings dialogs tx offline
  jcmd "$server_pid" GC.run >/dev/null 2>&1 || true
  # G1's full GC leaves every live object in old regions and the young ones empty: the old
  # generation's use just after it is the live set, whatever the load allocates in eden meanwhile
  # (GC.heap_info's total would count that too: ~10 MB of noise at the default rates)
  heap=$(jstat -gc "$server_pid" 2>/dev/null | awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    NR == 2 && ("OU" in c) { printf "%.1f", $c["OU"] / 1024 }')
  threads=$(awk '/^Threads:/ { print $2 }' "/proc/$server_pid/status" 2>/dev/null)
  fds=$(find "/proc/$server_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
  rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$server_pid/status" 2>/dev/null)
  json=$(curl -s --max-time 10 "$status_url" 2>/dev/null || true)
  if [ -n "$json" ] && command -v jq >/dev/null 2>&1; then
    read -r bindings dialogs tx offline < <(echo "$json" | jq -r \
      '"\(.registrations.bindings) \(.proxy.dialogs) \(.transactions.client + .transactions.server) \(.offlineMessages.pending)"' 2>/dev/null || echo "n/a n/a n/a n/a")
  else
    bindings=$(echo "$json" | grep -o '"bindings":[0-9]*' | head -n 1 | cut -d: -f2)
    dialogs=$(echo "$json" | grep -o '"dialogs":[0-9]*' | head -n 1 | cut -d: -f2)
    tx=n/a; offline=n/a
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${heap:-n/a}" "${threads:-n/a}" "${fds:-n/a}" "${rss:-n/a}" \
    "${bindings:-n/a}" "${dialogs:-n/a}" "${tx:-n/a}" "${offline:-n/a}" "$(cut -d' ' -f1 /proc/loadavg)"
}

start=$(date +%s)
next_sample=$((start + SAMPLE))
next_refresh=$((start + REFRESH))
died=
while :; do
  now=$(date +%s)
  [ "$now" -ge $((start + secs)) ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then died=1; break; fi
  if [ "$now" -ge "$next_refresh" ]; then
    bind service "$calls_uas" || echo "warning: refreshing the callee's binding failed" >&2
    bind sink "$sink_port" || echo "warning: refreshing the sink's binding failed" >&2
    next_refresh=$((next_refresh + REFRESH))
  fi
  if [ "$now" -ge "$next_sample" ]; then
    row=$(sample)
    min=$(awk -v t=$((now - start)) 'BEGIN { printf "%.1f", t / 60 }')
    printf '%s\t%s\n' "$min" "$row" >>"$samples"
    # the live classes (after the GC sample() ran), first and last, to see what grew if anything
    jcmd "$server_pid" GC.class_histogram 2>/dev/null | head -n 40 >"$out/histogram-last.txt" || true
    [ -f "$out/histogram-first.txt" ] || cp "$out/histogram-last.txt" "$out/histogram-first.txt"
    echo "$row" | awk -F'\t' -v m="$min" '{ printf "%5s %8s %7s %5s %7s %8s %7s %12s %7s %6s\n", m, $1, $2, $3, $4, $5, $6, $7, $8, $9 }' \
      | tee -a "$summary"
    next_sample=$((next_sample + SAMPLE))
  fi
  sleep 1
done

# The load generators stop on their own (count reached); give them a little while, then stop them.
for p in "$calls_pid" "$reg_pid" "$msg_pid"; do
  for _ in $(seq 1 60); do kill -0 "$p" 2>/dev/null || break; sleep 1; done
  kill "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
done
alive=yes
kill -0 "$server_pid" 2>/dev/null || alive=no
[ -z "$died" ] || alive=no

# SIPp's counters of a stream: "created ok failed retransmissions".
sipp_counts() {
  [ -f "$1" ] || { echo "0 0 0 0"; return 0; }
  awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } { last = $0 }
    END { split(last, v, ";"); printf "%d %d %d %d\n", v[col["TotalCallCreated"]],
      v[col["SuccessfulCall(C)"]], v[col["FailedCall(C)"]], v[col["Retransmissions(C)"]] }' "$1"
}

say ""
say "# streams: created, successful, failed, retransmissions (SIPp)"
failed_streams=
for s in calls register message; do
  read -r c ok f rt <<<"$(sipp_counts "$out/sipp-$s.csv")"
  say "$(printf '%-9s %9s %9s %7s %8s' "$s" "$c" "$ok" "$f" "$rt")"
  if [ "$c" = 0 ] || awk -v f="$f" -v c="$c" 'BEGIN { exit !(f > 0.05 * c) }'; then
    failed_streams="$failed_streams $s"
  fi
done

# The rule (see the header): slope over the second half, per hour, and new highs.
say ""
say "# growth over the second half: least-squares slope per hour (threshold), first-half max, second-half mean"
hold_calls=$(awk -v r="$CALL_RATE" -v h="$CALL_HOLD_MS" 'BEGIN { printf "%.0f", r * h / 1000 }')
verdicts=$(awk -F'\t' -v users="$USERS" -v calls="$hold_calls" '
  NR == 1 { next }
  { n++; t[n] = $1 / 60; for (c = 2; c <= 7; c++) v[c, n] = $c }
  END {
    split("heap_MB threads fds rss_MB bindings dialogs", name, " ")
    thr[2] = 16; thr[3] = 2; thr[4] = 4; thr[6] = 0.02 * users + 2; thr[7] = 0.1 * calls + 5
    flo[2] = 4; flo[3] = 1; flo[4] = 2; flo[6] = 0.01 * users + 1; flo[7] = 0.05 * calls + 2
    if (n < 6) { print "few\t" n; exit }
    h = int(n / 2)
    for (c = 2; c <= 7; c++) {
      if (c == 5) continue
      sx = sy = sxx = sxy = m = 0; max1 = -1e18; bad = 0
      for (i = 1; i <= h; i++) { if (v[c, i] == "n/a") bad = 1; else if (v[c, i] + 0 > max1) max1 = v[c, i] + 0 }
      for (i = h + 1; i <= n; i++) {
        if (v[c, i] == "n/a") { bad = 1; continue }
        x = t[i]; y = v[c, i] + 0; m++; sx += x; sy += y; sxx += x * x; sxy += x * y
      }
      if (bad || m < 3) { printf "%s\tn/a\t%s\t\t\t\t\tno data\n", name[c - 1], thr[c]; continue }
      d = m * sxx - sx * sx; slope = (d > 0 ? (m * sxy - sx * sy) / d : 0); mean = sy / m
      rise = slope * (t[n] - t[h + 1])
      grows = (slope > thr[c] && mean > max1 && rise > flo[c]) ? "GROWS" : "bounded"
      printf "%s\t%.2f\t%.2f\t%.1f\t%.1f\t%.2f\t%.2f\t%s\n", name[c - 1], slope, thr[c], max1, mean, rise, flo[c], grows
    }
  }' "$samples")
if [ "$(echo "$verdicts" | cut -f1 | head -n 1)" = few ]; then
  say "only $(echo "$verdicts" | cut -f2) samples: at least 6 are needed for a verdict"
  verdicts=""
  grow=few
else
  grow=
  while IFS=$'\t' read -r name slope thr max1 mean rise floor g; do
    say "$(printf '%-9s slope %9s/h (threshold %s/h), first-half max %s, second-half mean %s, rise %s (floor %s): %s' \
      "$name" "$slope" "$thr" "$max1" "$mean" "$rise" "$floor" "$g")"
    [ "$g" != GROWS ] || grow="$grow $name"
  done <<<"$verdicts"
fi

say ""
say "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg); server alive: $alive"
if [ "$alive" = no ]; then
  say "VERDICT: FAIL (the server died: $(tail -n 3 "$out/parley.log" | tr '\n' ' '))"; exit 1
elif [ -n "$grow" ]; then
  if [ "$grow" = few ]; then say "VERDICT: FAIL (too few samples for a verdict)"; exit 1; fi
  say "VERDICT: FAIL (grows without bound:$grow)"; exit 1
elif [ -n "$failed_streams" ]; then
  say "VERDICT: FAIL (more than 5% failed or nothing created:$failed_streams)"; exit 1
fi
say "VERDICT: PASS (nothing grows without bound; every stream under 5% failed; the server alive)"
say "(log and samples: $out)"
exit 0
}
