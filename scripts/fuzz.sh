#!/usr/bin/env bash
# Runs karta's libFuzzer targets (fuzz/*_fuzz.cc) under ASan + UBSan.
#
#   scripts/fuzz.sh [--seconds N] [--build DIR] [NAME...]
#
# NAME is a target without "_fuzz" (csv, html, warc, robots, rules, routine,
# extract, gazetteer); none means all. Each runs N seconds (default 600)
# from its seed corpus fuzz/corpus/NAME/ plus a working corpus kept in
# DIR/corpus/NAME/ (so longer runs build on earlier ones; the repository's
# seeds are never written). Without --build, builds build-fuzz/ first
# (scripts/build.sh fuzz). A crash, leak, UBSan report, an input slower than
# 10 s or a single allocation over 600 MiB fails the run; the input is kept
# as DIR/artifacts/NAME-crash-* and is to become a regression test (see
# fuzz/README.md). Prints the CPU seconds and executions of each target.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=600
build=""
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
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
  set +e
  /usr/bin/time -f "%U %S" -o "$build/fuzz-$n.time" \
    "$bin" -max_total_time="$seconds" -timeout=10 -malloc_limit_mb=600 -rss_limit_mb=2560 \
      -max_len=16384 -print_final_stats=1 -artifact_prefix="$art/$n-" \
      "$work" "fuzz/corpus/$n" >"$log" 2>&1
  rc=$?
  set -e
  read -r user sys < "$build/fuzz-$n.time" || { user=0; sys=0; }
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
  if [ "$rc" -ne 0 ]; then
    echo "fuzz $n: FAILED (exit $rc) after $(( $(date +%s) - start )) s; log $log" >&2
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -8 >&2 || true
    status=1
  else
    echo "fuzz $n: ok, $execs runs in $cpu CPU seconds"
  fi
done
exit $status
