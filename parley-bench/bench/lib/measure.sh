# Sourced by the benchmark scripts (proxy.sh through lib/proxy-common.sh, uas.sh, media.sh,
# memory.sh; not run alone): how they measure processes, ports, the machine and SIPp's counters,
# written once so that every script reads the same figures the same way.
# shellcheck shell=bash

# Percentage of all CPUs busy over the next 5 seconds, from /proc/stat.
cpu_busy() {
  local a b
  a=$(head -n 1 /proc/stat); sleep 5; b=$(head -n 1 /proc/stat)
  printf '%s\n%s\n' "$a" "$b" | awk '
    { idle[NR] = $5 + $6; total[NR] = 0; for (i = 2; i <= NF; i++) total[NR] += $i }
    END { t = total[2] - total[1]; printf "%d\n", (t > 0 ? 100 * (t - (idle[2] - idle[1])) / t : 0) }'
}

# Busy clock ticks of all CPUs together (/proc/stat: everything but idle and iowait).
machine_ticks() { awk 'NR == 1 { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6; exit }' /proc/stat; }

# Datagrams the kernel dropped because a UDP socket's receive buffer was full (whole machine).
udp_drops() { awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ { print $6; exit }' /proc/net/snmp; }

now() { date +%s.%N; }

# A process's processes: the main one and its direct children (Kamailio's workers). One `ps`
# (procps) when there is one: the loop over /proc forks an awk per process, seconds on a busy
# machine, and proxy.sh's interleaved mode reads both servers' processes between windows.
procps_ps=0
ps -o pid= --ppid 1 >/dev/null 2>&1 && procps_ps=1
server_pids() {
  local main=$1 f ppid
  echo "$main"
  if [ "$procps_ps" = 1 ]; then
    ps -o pid= --ppid "$main" 2>/dev/null | tr -d ' '
    return 0
  fi
  for f in /proc/[0-9]*/stat; do
    ppid=$(awk '{ sub(/^.*\) /, ""); print $2 }' "$f" 2>/dev/null) || continue
    [ "$ppid" = "$main" ] && basename "$(dirname "$f")"
  done
  return 0
}

# Clock ticks (utime + stime) used by the processes given (fields 14 and 15 of /proc/PID/stat).
ticks_of() {
  local t=0 p v
  for p in "$@"; do
    v=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || continue
    t=$((t + v))
  done
  echo "$t"
}
proc_ticks() { ticks_of "$1"; }

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

# Whether UDP PORT is bound on this machine, IPv4 or IPv6 (/proc/net/udp{,6}, hex port).
udp_bound() {
  local hex
  hex=$(printf '%04X' "$1")
  cat /proc/net/udp /proc/net/udp6 2>/dev/null \
    | awk -v h=":$hex" '$2 ~ /:/ && substr($2, length($2) - 4) == h { found = 1 } END { exit !found }'
}

# Whether TCP PORT is listening on this machine, IPv4 or IPv6 (/proc/net/tcp{,6}, state 0A).
tcp_listening() {
  local hex
  hex=$(printf '%04X' "$1")
  cat /proc/net/tcp /proc/net/tcp6 2>/dev/null \
    | awk -v h=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == h { found = 1 } END { exit !found }'
}

# The counters of SIPp's last stats row (-trace_stat), as shell assignments (s_TotalCallCreated,
# s_SuccessfulCallC, s_FailedCallC, ...; 0 for a counter the row lacks).
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
