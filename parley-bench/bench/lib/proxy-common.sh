# Sourced by proxy.sh (not run alone): measuring processes, SIPp runs, the servers and their
# SIPp callees/sinks. Globals it uses are proxy.sh's (out, work, summary, results, bench, HOST,
# the knobs); the current server is `server`, `server_pid`, `server_port`, `uas_pid` (use_server
# and keep_server switch between the two when both are up, in interleaved mode).
# shellcheck shell=bash

# shellcheck source=measure.sh
. "$bench/lib/measure.sh"

# ---------------------------------------------------------------------------------------------
# Process measurements.

# Whether PORT is taken for the transport SIPp uses (sipp_transport: u1 or t1).
port_bound() {
  if [ "$sipp_transport" = t1 ]; then tcp_listening "$1"; else udp_bound "$1"; fi
}

# Moves SIPP_PORT past blocks whose SIP or first media port is bound already (UDP, or TCP
# listening): SIPP_PORT is in the kernel's ephemeral range, so any process on the machine may
# hold one for a while (seen on a shared machine: "Unable to bind main socket, errno = 98").
skip_taken_sipp_ports() {
  local i=0
  while { udp_bound "$SIPP_PORT" || udp_bound $((SIPP_PORT + 2)) || tcp_listening "$SIPP_PORT"; } && [ "$i" -lt 50 ]; do
    SIPP_PORT=$((SIPP_PORT + 10)); i=$((i + 1))
  done
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
# r_late1xx (calls SIPp failed only because a provisional came after the 200), r_t0 and r_t1 (the
# run's start and end, seconds since the epoch, without run_drain).
run_sipp() {
  local label=$1 rate=$2 count=$3 scenario=$4
  shift 4
  [ -n "${run_port:-}" ] || skip_taken_sipp_ports
  local port=${run_port:-$SIPP_PORT}
  [ -n "${run_port:-}" ] || SIPP_PORT=$((SIPP_PORT + 10))
  run_port=
  local ip=${run_ip:-$HOST}
  run_ip=
  local base=$out/$server-$label
  local timeout=$((count / rate + 30))
  local limit=$((rate * 3 > 1000 ? rate * 3 : 1000))
  local pids tk0 tk1 t0 t1
  pids=${pids_cache:-$(server_pids "$server_pid")}
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
  r_t0=$t0; r_t1=$t1
  r_cpu=$(awk -v a="$tk0" -v b="$tk1" -v hz="$clk_tck" 'BEGIN { printf "%.2f", (b - a) / hz }')
  r_late1xx=$(grep -cE "\(index [4-9]\), received 'SIP/2.0 1[0-9][0-9] " "$base.errors.log" 2>/dev/null || true)
  r_late1xx=${r_late1xx:-0}
  r_reasons=$(sipp_reasons "$base.errors.log")
}

# report PHASE RATE COUNT: prints and records the last run (or, in interleaved mode, a server's
# windows summed: r_span is then the CPU window's wall length, r_wall its own windows' length,
# r_mode, r_windows and r_per_window describe them).
report() {
  local phase=$1 rate=$2 count=$3
  local per1k cores okps verdict=clean
  per1k=$(awk -v c="$r_cpu" -v n="$s_SuccessfulCallC" 'BEGIN { printf "%.3f", (n > 0 ? 1000 * c / n : 0) }')
  cores=$(awk -v c="$r_cpu" -v w="$r_wall" -v d="$run_drain" -v s="${r_span:-}" \
    'BEGIN { printf "%.2f", c / (s != "" ? s : w + d) }')
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
  # columns 1-10 as before session 15 (scripts read them); 11-15 added: SIPp's retransmissions,
  # the mode (sequential or abba), its windows per server, the CPU window's wall seconds, and the
  # CPU s per 1,000 of each of the server's own windows (comma-separated; - when sequential)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$phase" "$rate" "$s_CallRateC" \
    "$s_TotalCallCreated" "$s_SuccessfulCallC" "$s_FailedCallC" "$r_cpu" "$per1k" "$r_late1xx" \
    "$s_RetransmissionsC" "${r_mode:-sequential}" "${r_windows:-1}" \
    "$(awk -v s="${r_span:-}" -v w="$r_wall" -v d="$run_drain" 'BEGIN { printf "%.2f", (s != "" ? s : w + d) }')" \
    "${r_per_window:--}" >>"$results"
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
  pids_cache=
}

# start_uas [SCENARIO TOTAL RATE]: the callee (uas-rr.xml, default) or the MESSAGE sink at
# uas_port, for TOTAL operations at RATE.
start_uas() {
  local scenario=${1:-uas-rr.xml} total=${2:-$((WARMUP_CALLS + CALLS))} rate=${3:-$CALL_RATE}
  local base=$out/$server-uas-${scenario%.xml}
  local cmd=(sipp "$HOST:$server_port" -sf "$bench/sipp/$scenario" -t "$sipp_transport" -i "$HOST"
    -p "$uas_port" -mp $((uas_port + 2)) -timeout $((total / rate + 120 + ${uas_slack:-0}))s -nostdin -buff_size 2097152
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
  [ -n "$uas_pid" ] || return 0
  kill "$uas_pid" 2>/dev/null || true
  wait "$uas_pid" 2>/dev/null || true
  uas_pid=
}

# Both servers can be up at once (interleaved mode): each one's pid, port, SIPp callee/sink and
# processes are kept here; use_server makes one the current server, keep_server stores it back.
declare -A srv_pid=() srv_port=() srv_uas=() srv_pids=()
use_server() {
  server=$1
  server_pid=${srv_pid[$1]:-}
  server_port=${srv_port[$1]:-}
  uas_pid=${srv_uas[$1]:-}
  pids_cache=${srv_pids[$1]:-}
}
keep_server() {
  srv_pid[$server]=$server_pid
  srv_port[$server]=${server_port:-}
  srv_uas[$server]=$uas_pid
  srv_pids[$server]=${pids_cache:-}
}
