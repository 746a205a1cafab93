# Sourced by proxy.sh (not run alone): the phases (calls, calls-tcp, register, message), each as
# a setup (the callee's or sink's binding and its SIPp), SIPp runs, and a teardown; and the two
# orders: sequential (one server after the other, every phase of the first before the second) and
# interleaved (both servers up, each phase measured in alternating windows, ABBA).
# shellcheck shell=bash

phase_rate() {
  case $1 in calls|calls-tcp) echo "$CALL_RATE" ;; register) echo "$REG_RATE" ;; message) echo "$MSG_RATE" ;; esac
}
phase_count() {
  case $1 in calls|calls-tcp) echo "$CALLS" ;; register) echo "$USERS" ;; message) echo "$MESSAGES" ;; esac
}
phase_warmup() {
  case $1 in calls|calls-tcp) echo "$WARMUP_CALLS" ;; register) echo "$WARMUP_USERS" ;; message) echo "$WARMUP_MESSAGES" ;; esac
}
# the warm-up's row in the table (as before session 15)
phase_warm_row() {
  case $1 in calls) echo warmup ;; calls-tcp) echo warmup-t ;; register) echo warmup-r ;; message) echo warmup-m ;; esac
}

# csv_range SRC FIRST COUNT DST: an injection file with SRC's users FIRST..FIRST+COUNT-1.
csv_range() {
  awk -v a="$2" -v n="$3" 'NR == 1 { print; next } NR - 2 >= a && NR - 2 < a + n' "$1" >"$4"
}

# phase_setup PHASE: the current server's callee (calls), sink (message) or nothing (register).
phase_setup() {
  case $1 in
    calls|calls-tcp)
      # the callee's binding: service -> the SIPp uas, registered from the uas's own port (as a UA
      # registers itself) just before the uas starts there (CPU not measured: no drain). Both
      # servers would reach the uas at its Contact from any other port too (Parley: a UDP binding
      # goes to its Contact unless that shows a NAT). Over TCP (sipp_transport t1) SIPp binds its
      # client socket to -p, so the binding's source is the uas's listener
      skip_taken_sipp_ports
      uas_port=$SIPP_PORT
      SIPP_PORT=$((SIPP_PORT + 10))
      run_drain=0
      run_port=$uas_port
      run_sipp "bind-service${1#calls}" 10 1 register-uac.xml -inf "$work/reg-service.csv" -set contact "$HOST:$uas_port"
      start_uas
      if [ "$s_SuccessfulCallC" != 1 ]; then
        say "          $server: registering the callee${1#calls} failed: $r_reasons"
      fi ;;
    message)
      # the sink's binding, registered from its own port just before it starts there (as for the
      # callee), then the sender's MESSAGEs from MSG_SOURCE, challenged by the proxy
      skip_taken_sipp_ports
      uas_port=$SIPP_PORT
      SIPP_PORT=$((SIPP_PORT + 10))
      run_drain=0
      run_port=$uas_port
      run_sipp bind-sink 10 1 register-uac.xml -inf "$work/reg-sink.csv" -set contact "$HOST:$uas_port"
      start_uas message-uas.xml $((WARMUP_MESSAGES + MESSAGES)) "$MSG_RATE"
      if [ "$s_SuccessfulCallC" != 1 ]; then
        say "          $server: registering the sink failed: $r_reasons"
      fi
      printf 'SEQUENTIAL\nsender;[authentication username=sender password=pw-sender]\n' >"$work/msg-sender.csv" ;;
  esac
}

# phase_run PHASE LABEL COUNT [USERS_CSV]: one SIPp run of PHASE against the current server
# (run_drain as the caller set it); register takes the injection file of the users to register.
phase_run() {
  local phase=$1 label=$2 count=$3 csv=${4:-}
  case $phase in
    calls|calls-tcp)
      run_sipp "$label" "$CALL_RATE" "$count" uac-rr.xml -s service -d "$CALL_HOLD_MS" ;;
    register)
      skip_taken_sipp_ports
      reg_port=$SIPP_PORT
      run_sipp "$label" "$REG_RATE" "$count" register-uac.xml -inf "$csv" -set contact "$HOST:$reg_port" ;;
    message)
      # the digest uri must be the Request-URI (SIPp's default, its remote host:port, fails the
      # check of RFC 3261 22.4 at Parley): -auth_uri
      run_ip=$MSG_SOURCE
      run_sipp "$label" "$MSG_RATE" "$count" message-uac.xml -s sink -inf "$work/msg-sender.csv" \
        -auth_uri "sink@$HOST:$server_port" ;;
  esac
}

phase_teardown() {
  case $1 in calls|calls-tcp|message) stop_uas ;; esac
}

# memory_report: the current server's memory with every user registered, then its row.
declare -A mem0=()
memory_start() {
  local pids rss pss
  pids=$(server_pids "$server_pid")
  # shellcheck disable=SC2086
  read -r rss pss <<<"$(memory_of $pids)"
  mem0[$server]="$rss $pss"
  say "          $server started: $(echo "$pids" | wc -l) processes, RSS ${rss} MB, PSS ${pss} MB"
}
memory_report() {
  local pids rss0 pss0 rss1 pss1 live
  read -r rss0 pss0 <<<"${mem0[$server]}"
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
}

# ---------------------------------------------------------------------------------------------
# Sequential: every phase of the current server, warm-up then the measured run, each measured
# run's CPU window from its start to DRAIN_SECONDS after its end.
sequential_phases() {
  local phase first=1
  for phase in calls calls-tcp register message; do
    has_phase "$phase" || continue
    [ "$first" = 1 ] || sleep "$PAUSE"
    first=0
    [ "$phase" = calls-tcp ] && sipp_transport=t1
    phase_setup "$phase"
    run_drain=0
    phase_run "$phase" "warmup-$phase" "$(phase_warmup "$phase")" "$work/reg-warm.csv"
    report "$(phase_warm_row "$phase")" "$(phase_rate "$phase")" "$(phase_warmup "$phase")"
    sleep "$PAUSE"
    run_drain=$DRAIN_SECONDS
    phase_run "$phase" "$phase" "$(phase_count "$phase")" "$work/reg-users.csv"
    report "$phase" "$(phase_rate "$phase")" "$(phase_count "$phase")"
    phase_teardown "$phase"
    sipp_transport=u1
  done
}

run_sequential() {
  local first=1
  for server in $SERVERS; do
    [ "$first" = 1 ] || sleep "$PAUSE"
    first=0
    if ! start_server; then
      printf '%s\tnostart\n' "$server" >>"$results"
      continue
    fi
    memory_start
    sequential_phases
    memory_report
    stop_server
    tail -n 2 "$out/$server.log" | sed 's/^/          log: /' | tee -a "$summary"
  done
}

# ---------------------------------------------------------------------------------------------
# Interleaved: both servers up; per phase each one's callee/sink, the warm-up (calls, message:
# in WINDOWS parts from the windows' own SIPp ports, in the windows' order; calls-tcp, register:
# in two halves in the order A B B A), then 2 x WINDOWS measured windows of COUNT/WINDOWS operations in the order
# A B B A A B B A ... (a drift linear in time costs both the same), then DRAIN_SECONDS. Each
# server's CPU is counted over the whole span, from the first window's start to DRAIN_SECONDS
# after the last one's end (the other server's windows included), divided by its own successful
# operations: its idle cost and its deferred work (timers, clean-up) land in the other server's
# windows too, and a sum over its own windows would leave them unpaid.
interleave_phase() {
  local phase=$1 a=$2 b=$3
  local rate warm count n k s o j h c span t0 t1 label
  rate=$(phase_rate "$phase"); warm=$(phase_warmup "$phase"); count=$(phase_count "$phase")
  n=$((count / WINDOWS))
  [ "$n" -gt 0 ] || die "$phase: $count operations do not make $WINDOWS windows"
  [ "$phase" = calls-tcp ] && sipp_transport=t1
  # the callee/sink also waits through the other server's runs
  uas_slack=$(( (warm + count) / rate + 4 * WINDOWS + 2 * PAUSE + 60 ))
  for s in "$a" "$b"; do use_server "$s"; phase_setup "$phase"; keep_server; done
  if [ "$phase" = register ]; then
    csv_range "$work/reg-warm.csv" 0 $((warm / 2)) "$work/reg-warm-1.csv"
    csv_range "$work/reg-warm.csv" $((warm / 2)) $((warm - warm / 2)) "$work/reg-warm-2.csv"
    for ((j = 1; j <= WINDOWS; j++)); do
      csv_range "$work/reg-users.csv" $(((j - 1) * n)) "$n" "$work/reg-users-w$j.csv"
    done
  fi
  # Each measured window's SIPp source port, chosen now (calls and message over UDP) so that the
  # warm-up runs from the same ports: which of a server's sockets (event loops, SO_REUSEPORT) a
  # caller's datagrams reach follows from its port, and a path the windows take that the warm-up
  # never took would be compiled inside a measured window (session 18).
  local -A wport=()
  local same_ports=0
  if [ "$phase" = calls ] || [ "$phase" = message ]; then
    same_ports=1
    for s in "$a" "$b"; do
      for ((j = 1; j <= WINDOWS; j++)); do
        skip_taken_sipp_ports; wport[$s,$j]=$SIPP_PORT; SIPP_PORT=$((SIPP_PORT + 10))
      done
    done
  fi
  if [ "$same_ports" = 1 ]; then
    # warm-up in WINDOWS parts per server, from the windows' ports, in the windows' order
    local -A part=([$a]=0 [$b]=0)
    for ((k = 0; k < 2 * WINDOWS; k++)); do
      case $((k % 4)) in 0|3) s=$a ;; *) s=$b ;; esac
      part[$s]=$((part[$s] + 1)); h=${part[$s]}
      c=$((warm / WINDOWS)); [ "$h" != "$WINDOWS" ] || c=$((warm - (WINDOWS - 1) * (warm / WINDOWS)))
      [ "$c" -gt 0 ] || continue
      use_server "$s"
      run_drain=0; run_port=${wport[$s,$h]}
      phase_run "$phase" "warmup-$phase-$h" "$c"
      report "$(phase_warm_row "$phase")" "$rate" "$c"
      keep_server
    done
  else
    # warm-up halves, A B B A
    local -A half=([$a]=0 [$b]=0)
    for s in "$a" "$b" "$b" "$a"; do
      half[$s]=$((half[$s] + 1)); h=${half[$s]}
      if [ "$h" = 1 ]; then c=$((warm / 2)); else c=$((warm - warm / 2)); fi
      [ "$c" -gt 0 ] || continue
      use_server "$s"
      run_drain=0
      phase_run "$phase" "warmup-$phase-$h" "$c" "$work/reg-warm-$h.csv"
      report "$(phase_warm_row "$phase")" "$rate" "$c"
      keep_server
    done
  fi
  sleep "$PAUSE"
  # measured windows
  local -A tk0=() tk1=() created=() ok=() failed=() retr=() late=() wall=() rates=() per=() idx=() other=()
  for s in "$a" "$b"; do
    use_server "$s"; pids_cache=$(server_pids "$server_pid"); keep_server
    created[$s]=0; ok[$s]=0; failed[$s]=0; retr[$s]=0; late[$s]=0; wall[$s]=0; rates[$s]=0; per[$s]=; idx[$s]=0; other[$s]=0
    : >"$out/$s-$phase.errors.log"
  done
  # shellcheck disable=SC2086
  for s in "$a" "$b"; do tk0[$s]=$(ticks_of ${srv_pids[$s]}); done
  t0=$(now)
  for ((k = 0; k < 2 * WINDOWS; k++)); do
    case $((k % 4)) in 0|3) s=$a; o=$b ;; *) s=$b; o=$a ;; esac
    idx[$s]=$((idx[$s] + 1)); j=${idx[$s]}
    label=$phase-w$j
    local otk0 otk1 ocpu wper
    # shellcheck disable=SC2086
    otk0=$(ticks_of ${srv_pids[$o]})
    use_server "$s"
    run_drain=0
    [ "$same_ports" = 0 ] || run_port=${wport[$s,$j]}
    phase_run "$phase" "$label" "$n" "$work/reg-users-w$j.csv"
    keep_server
    # shellcheck disable=SC2086
    otk1=$(ticks_of ${srv_pids[$o]})
    ocpu=$(awk -v a="$otk0" -v b="$otk1" -v hz="$clk_tck" 'BEGIN { printf "%.2f", (b - a) / hz }')
    wper=$(awk -v c="$r_cpu" -v n="$s_SuccessfulCallC" 'BEGIN { printf "%.3f", (n > 0 ? 1000 * c / n : 0) }')
    created[$s]=$((created[$s] + s_TotalCallCreated)); ok[$s]=$((ok[$s] + s_SuccessfulCallC))
    failed[$s]=$((failed[$s] + s_FailedCallC)); retr[$s]=$((retr[$s] + s_RetransmissionsC))
    late[$s]=$((late[$s] + r_late1xx))
    wall[$s]=$(awk -v a="${wall[$s]}" -v b="$r_wall" 'BEGIN { printf "%.2f", a + b }')
    rates[$s]=$(awk -v a="${rates[$s]}" -v b="$s_CallRateC" 'BEGIN { print a + b }')
    other[$o]=$(awk -v a="${other[$o]}" -v b="$ocpu" 'BEGIN { printf "%.2f", a + b }')
    per[$s]=${per[$s]:+${per[$s]},}$wper
    [ ! -f "$out/$s-$label.errors.log" ] || cat "$out/$s-$label.errors.log" >>"$out/$s-$phase.errors.log"
    printf '%s\t%d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$phase" $((k + 1)) "$s" "$j" "$s_TotalCallCreated" \
      "$s_SuccessfulCallC" "$s_FailedCallC" "$s_RetransmissionsC" "$r_wall" "$r_cpu" "$wper" "$ocpu" "$r_t0" "$r_t1" >>"$out/windows.tsv"
  done
  t1=$(now)
  sleep "$DRAIN_SECONDS"
  # shellcheck disable=SC2086
  for s in "$a" "$b"; do tk1[$s]=$(ticks_of ${srv_pids[$s]}); done
  span=$(awk -v a="$t0" -v b="$t1" -v d="$DRAIN_SECONDS" 'BEGIN { printf "%.2f", b - a + d }')
  for s in "$a" "$b"; do
    use_server "$s"
    s_TotalCallCreated=${created[$s]}; s_SuccessfulCallC=${ok[$s]}; s_FailedCallC=${failed[$s]}
    s_RetransmissionsC=${retr[$s]}; r_late1xx=${late[$s]}
    s_CallRateC=$(awk -v a="${rates[$s]}" -v w="$WINDOWS" 'BEGIN { printf "%.1f", a / w }')
    r_cpu=$(awk -v a="${tk0[$s]}" -v b="${tk1[$s]}" -v hz="$clk_tck" 'BEGIN { printf "%.2f", (b - a) / hz }')
    r_wall=${wall[$s]}; r_span=$span; run_drain=$DRAIN_SECONDS
    r_mode=abba; r_windows=$WINDOWS; r_per_window=${per[$s]}
    r_reasons=$(sipp_reasons "$out/$s-$phase.errors.log")
    report "$phase" "$rate" $((n * WINDOWS))
    say "          $s's $WINDOWS windows (CPU s per 1,000 inside each, no drain): ${per[$s]//,/ }$(awk -v l="${per[$s]}" 'BEGIN {
        m = split(l, v, ","); lo = hi = v[1]; for (i = 2; i <= m; i++) { if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i] }
        if (lo > 0) printf "; max/min %.2fx", hi / lo }'); its CPU during the other's windows ${other[$s]} s"
    r_span=; r_mode=; r_windows=; r_per_window=
  done
  for s in "$a" "$b"; do use_server "$s"; phase_teardown "$phase"; keep_server; done
  sipp_transport=u1
  uas_slack=0
}

run_interleaved() {
  local s a b up=() phase first=1
  for s in $SERVERS; do
    server=$s
    if start_server; then
      keep_server
      memory_start
      up+=("$s")
    else
      printf '%s\tnostart\n' "$s" >>"$results"
    fi
  done
  if [ "${#up[@]}" = 2 ]; then
    a=${up[0]}; b=${up[1]}
    for phase in calls calls-tcp register message; do
      has_phase "$phase" || continue
      [ "$first" = 1 ] || sleep "$PAUSE"
      first=0
      interleave_phase "$phase" "$a" "$b"
    done
  elif [ "${#up[@]}" = 1 ]; then
    say "          only ${up[0]} started: its phases run alone (sequential)"
    use_server "${up[0]}"
    sequential_phases
    keep_server
  fi
  for s in "${up[@]}"; do
    use_server "$s"
    memory_report
    stop_server
    keep_server
    tail -n 2 "$out/$s.log" | sed 's/^/          log: /' | tee -a "$summary"
  done
}
