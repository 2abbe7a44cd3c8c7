#!/usr/bin/env bash
# The CSV core and the record tools against a baseline binary (issue 17:
# "benches show no slowdown" after a refactor).
#
#   bench/base.sh BASE_KARTA [--smoke]
#
# BASE_KARTA is karta built from an older commit, e.g. main before a merge:
#   git worktree add --detach /tmp/base <commit>
#   (cd /tmp/base && ln -sfn <main>/node_modules node_modules &&
#    cmake -S . -B build -G Ninja && cmake --build build --target karta)
#   bench/base.sh /tmp/base/build/karta
# Without BASE, --smoke (bench/run-all.sh --smoke, in CI) compares the
# current binary with itself, to run the script end to end.
#
# Inputs are the benches' own (made by their generators if missing): wide
# rows with quoted multi-line text (select, bench/gen_csv.py), practice ads
# (filter with bench/filter.sh's rules, geotag) and narrow rows (tabulate).
# For each command: instructions executed (valgrind --tool=cachegrind, Ir),
# which do not depend on the load of a shared machine, and the median CPU
# time (user + sys) of RUNS runs (3) of each binary, run alternately. Prints
# the ratios current/base; within noise means Ir within 2 %.
# KARTA (build/karta) is the current binary.
set -euo pipefail
cd "$(dirname "$0")/.."
KARTA=${KARTA:-build/karta}
. bench/lib.sh
base_args "bench/base.sh BASE_KARTA [--smoke]" "$@"
RUNS=${RUNS:-3}
rows=100000
[ "$SMOKE" = 1 ] && rows=20000 && RUNS=1
[ -x "$BASE" ] || { echo "base.sh: $BASE is not an executable karta" >&2; exit 2; }
[ -x "$KARTA" ] || { echo "base.sh: build $KARTA first (scripts/build.sh)" >&2; exit 2; }
work=bench/work
mkdir -p "$work"
csv=$work/csv-$rows.csv
[ -s "$csv" ] || python3 bench/gen_csv.py "$rows" "$csv"
tab=$work/tabulate-$rows.csv
[ -s "$tab" ] || python3 bench/gen_tabulate.py "$rows" 1 > "$tab"
[ -s "$work/filter/bench.rules" ] && [ -s "$work/geotag-2.csv" ] ||
  { bench/filter.sh --smoke >/dev/null; bench/geotag.sh --smoke >/dev/null; }
ads=$(ls -S "$work"/filter/corpus-practice-*.csv | head -1)
cmds=(
  "select|select * $csv"
  "filter|filter --rules $work/filter/bench.rules --count $ads"
  "geotag|geotag --field text $work/geotag-2.csv"
  "tabulate|tabulate --by location_field --count-distinct cluster --sort input $tab"
)
have_vg=1
command -v valgrind >/dev/null || { have_vg=0; echo "(valgrind not installed: no Ir figures)"; }
printf '%-9s %15s %15s %8s %9s %9s %8s\n' tool "Ir base" "Ir now" ratio "CPU base" "CPU now" ratio
for c in "${cmds[@]}"; do
  name=${c%%|*}
  read -r -a args <<< "${c#*|}"
  ib=- in=- ri=-
  if [ $have_vg = 1 ]; then
    ib=$(instructions "$BASE" "${args[@]}") in=$(instructions "$KARTA" "${args[@]}")
    ri=$(awk -v a="$in" -v b="$ib" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}')
  fi
  tb=() tn=()
  for ((r = 0; r < RUNS; r++)); do tb+=("$(cpu_seconds "$BASE" "${args[@]}")"); tn+=("$(cpu_seconds "$KARTA" "${args[@]}")"); done
  mb=$(printf "%s\n" "${tb[@]}" | median_of) mn=$(printf "%s\n" "${tn[@]}" | median_of)
  rc=$(awk -v a="$mn" -v b="$mb" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}')
  printf '%-9s %15s %15s %8s %9s %9s %8s\n' "$name" "$ib" "$in" "$ri" "$mb" "$mn" "$rc"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
