#!/usr/bin/env bash
# Runs karta's libFuzzer targets (fuzz/*_fuzz.cc) under ASan + UBSan.
#
#   scripts/fuzz.sh [--seconds N | --cpu-seconds N] [--timeout S] [--build DIR] [NAME...]
#
# NAME is a target without "_fuzz" (csv, dates, extract, gazetteer, html,
# robots, routine, rules, warc); none means all. Each runs N seconds (default 600)
# from its seed corpus fuzz/corpus/NAME/ plus a working corpus kept in
# DIR/corpus/NAME/ (so longer runs build on earlier ones; the repository's
# seeds are never written). Without --build, builds build-fuzz/ first
# (scripts/build.sh fuzz). A crash, leak, UBSan report, an input slower than
# 10 s or a single allocation over 600 MiB fails the run; the input is kept
# as DIR/artifacts/NAME-crash-* and is to become a regression test (see
# fuzz/README.md). Prints the CPU seconds and executions of each target.
# --cpu-seconds N runs each target until it has used N CPU seconds (in
# several libFuzzer runs on the same working corpus when the machine is
# shared and a run gets less than a whole core), for figures like "10
# CPU-minutes per target" (fuzz/RUNS.md). --timeout S (default 10) is
# libFuzzer's per-input limit, in wall-clock seconds: raise it for a niced
# run on a loaded machine, where a fast input can wait seconds for a core
# (then run any timeout artifact again alone: `build-fuzz/NAME_fuzz FILE`).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=600
cpu_goal=0
timeout=10
build=""
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --cpu-seconds) cpu_goal=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) names+=("$1"); shift ;;
  esac
done
if [ -z "$build" ]; then
  scripts/build.sh fuzz
  build=build-fuzz
fi
if [ ${#names[@]} -eq 0 ]; then
  for f in fuzz/*_fuzz.cc; do n=$(basename "$f" _fuzz.cc); names+=("$n"); done
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for n in "${names[@]}"; do
  bin="$build/${n}_fuzz"
  [ -x "$bin" ] || { echo "fuzz.sh: no target $bin (build it: scripts/build.sh fuzz)" >&2; exit 2; }
  work="$build/corpus/$n"
  art="$build/artifacts"
  mkdir -p "$work" "$art"
  log="$build/fuzz-$n.log"
  start=$(date +%s)
  cpu=0
  execs=0
  rc=0
  : >"$log"
  while :; do
    # One libFuzzer run; with --cpu-seconds, as many as it takes.
    wall=$seconds
    if [ "$cpu_goal" -gt 0 ]; then
      wall=$(awk -v g="$cpu_goal" -v c="$cpu" 'BEGIN { r = int(g - c + 0.999); print (r < 30 ? 30 : r) }')
    fi
    set +e
    /usr/bin/time -f "%U %S" -o "$build/fuzz-$n.time" \
      "$bin" -max_total_time="$wall" -timeout="$timeout" -malloc_limit_mb=600 -rss_limit_mb=2560 \
        -max_len=16384 -print_final_stats=1 -artifact_prefix="$art/$n-" \
        "$work" "fuzz/corpus/$n" >"$log.run" 2>&1
    rc=$?
    set -e
    cat "$log.run" >>"$log"
    read -r user sys < "$build/fuzz-$n.time" || { user=0; sys=0; }
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log.run" | grep -o '[0-9]*$' || echo 0)
    execs=$((execs + runs))
    cpu=$(awk -v c="$cpu" -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", c + u + s }')
    [ "$rc" -eq 0 ] || break
    [ "$cpu_goal" -gt 0 ] || break
    awk -v c="$cpu" -v g="$cpu_goal" 'BEGIN { exit !(c >= g) }' && break
  done
  rm -f "$log.run"
  if [ "$rc" -ne 0 ]; then
    echo "fuzz $n: FAILED (exit $rc) after $(( $(date +%s) - start )) s; log $log" >&2
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -8 >&2 || true
    status=1
  else
    echo "fuzz $n: ok, $execs runs in $cpu CPU seconds ($(( $(date +%s) - start )) s wall)"
  fi
done
exit $status
