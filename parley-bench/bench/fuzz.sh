#!/usr/bin/env bash
# Coverage-guided fuzzing (issue 15): fuzzes every Jazzer target (@FuzzTest) in turn, each for a
# given time, and prints each target's result.
#
#   parley-bench/bench/fuzz.sh [SECONDS_PER_TARGET] [FILTER]
#
# SECONDS_PER_TARGET  how long libFuzzer runs each target [60]
# FILTER              only targets whose "module Class#method" contains it (e.g. parley-sip)
#
# The targets are found in the sources: every method annotated @FuzzTest under
# parley-*/src/test/java. Jazzer fuzzes one target per JVM, so each is one Maven run
# (`JAZZER_FUZZ=1`, instrumented: -Djazzer.hooks=true, -max_total_time=SECONDS_PER_TARGET),
# bounded by `timeout` at SECONDS_PER_TARGET + 600 s. The normal build runs the same targets in
# regression mode over their inputs (src/test/resources/<package>/<Class>Inputs/<method>/).
#
# What a run leaves behind:
#   - a finding (an exception or failed assertion) is written by Jazzer into the target's inputs
#     directory as crash-<sha1>, where the normal build then runs it (and fails until it is fixed):
#     make it a named regression test, fix the code, keep the file;
#   - the corpus Jazzer grew is kept in <module>/.cifuzz-corpus/<Class>/<method>/ (not versioned)
#     and resumed by the next run;
#   - each target's full output in parley-bench/target/fuzz/<time>/<Class>.<method>.log.
# Exits 1 if any target found something or failed to run.
set -uo pipefail

SECONDS_PER_TARGET="${1:-60}"
FILTER="${2:-}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
OUT="$ROOT/parley-bench/target/fuzz/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

case "$SECONDS_PER_TARGET" in
  ''|*[!0-9]*) echo "SECONDS_PER_TARGET must be a whole number of seconds: $SECONDS_PER_TARGET" >&2; exit 2 ;;
esac

# module<TAB>fully.qualified.Class<TAB>method for each @FuzzTest method.
targets() {
  grep -rl --include='*.java' '@FuzzTest' parley-*/src/test/java | sort | while read -r file; do
    module="${file%%/*}"
    class="${file#*/src/test/java/}"
    class="${class%.java}"
    class="${class//\//.}"
    awk '/@FuzzTest/ { want = 1; next }
         want && /void [A-Za-z0-9_]+\(/ { match($0, /void [A-Za-z0-9_]+\(/);
           print substr($0, RSTART + 5, RLENGTH - 6); want = 0 }' "$file" |
      while read -r method; do
        printf '%s\t%s\t%s\n' "$module" "$class" "$method"
      done
  done
}

mapfile -t TARGETS < <(targets | grep -F -- "$FILTER")
if [ "${#TARGETS[@]}" -eq 0 ]; then
  echo "no @FuzzTest target matches '$FILTER'" >&2
  exit 2
fi
echo "fuzzing ${#TARGETS[@]} targets, ${SECONDS_PER_TARGET} s each; logs in $OUT"

failed=0
SUMMARY="$OUT/summary.txt"
for t in "${TARGETS[@]}"; do
  IFS=$'\t' read -r module class method <<<"$t"
  simple="${class##*.}"
  log="$OUT/$simple.$method.log"
  inputs="$module/src/test/resources/${class%.*}"
  inputs="${inputs//.//}/${simple}Inputs/$method"
  before=$(ls "$inputs" 2>/dev/null | grep -c '^crash-' || true)
  start=$(date +%s)
  JAZZER_FUZZ=1 timeout $((SECONDS_PER_TARGET + 600)) ./mvnw -B -ntp -o test \
    -pl "$module" -am -Dtest="$class#$method" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.hooks=true -Djazzer.internal.arg.0=fuzz \
    -Djazzer.internal.arg.1=-max_total_time="$SECONDS_PER_TARGET" >"$log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  after=$(ls "$inputs" 2>/dev/null | grep -c '^crash-' || true)
  done_line=$(grep -E '^Done [0-9]+ runs' "$log" | tail -1)
  cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' || true)
  if [ "$rc" -eq 0 ] && [ "$after" -eq "$before" ] && [ -n "$done_line" ]; then
    result="ok       $module $simple#$method: ${done_line#Done }; $cov (${took} s in all)"
  elif [ "$after" -gt "$before" ]; then
    finding=$(grep -m1 -A3 -E 'FuzzTestFindingException|== Java Exception' "$log" | tr -s '\n\t ' ' ' || true)
    result="FINDING  $module $simple#$method: $((after - before)) new crash input(s) in $inputs: $finding"
    failed=1
  else
    result="FAILED   $module $simple#$method: exit $rc, see $log"
    failed=1
  fi
  echo "$result" | tee -a "$SUMMARY"
done
echo "summary: $SUMMARY"
exit "$failed"
