#!/usr/bin/env bash
# CSV pass-through: `karta select '*'` vs `mlr --icsv --ocsv cat` (Miller) on
# the same file of ROWS rows with quoted multi-line fields. Prints times, the
# speed ratio and peak memory of each, and checks the outputs are identical.
# Each side runs 3 times, alternating; the ratio is of the median times.
# Target (issue 2): karta >= 5x faster than Miller, peak memory < 50 MiB.
# Usage: bench/csv.sh [--smoke] [ROWS]   (default 1,000,000; --smoke 20,000, 1 run)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
rows=1000000
runs=3
[ "${1:-}" = --smoke ] && { rows=20000; runs=1; shift; }
[ -n "${1:-}" ] && rows=$1
karta=${KARTA:-$here/../build/karta}
work=$here/work
mkdir -p "$work"
in=$work/csv-$rows.csv
[ -s "$in" ] || python3 "$here/gen_csv.py" "$rows" "$in"
echo "csv pass-through, $rows rows, $(du -m "$in" | cut -f1) MiB; $runs runs each, alternating"
# The machine may be shared: each side runs $runs times, alternating, and
# the ratio is of the median wall times.
k_all=() m_all=() k_kb=0
for ((r = 1; r <= runs; r++)); do
  measure "karta select '*' (run $r)" "$work/karta.out" "$karta" select '*' "$in"
  k_all+=("$M_SECS")
  [ "$M_KB" -gt "$k_kb" ] && k_kb=$M_KB
  measure "mlr --icsv --ocsv cat (run $r)" "$work/mlr.out" mlr --icsv --ocsv cat "$in"
  m_all+=("$M_SECS")
done
cmp -s "$work/karta.out" "$work/mlr.out" && echo "  outputs identical" || echo "  outputs differ (quoting style)"
k_secs=$(printf '%s\n' "${k_all[@]}" | median_of) m_secs=$(printf '%s\n' "${m_all[@]}" | median_of)
k=$(echo "if ($k_secs < 0.01) 0.01 else $k_secs" | bc -l)
echo "  median wall: karta $k_secs s, Miller $m_secs s"
echo "  speed ratio (Miller time / karta time): $(ratio "$m_secs" "$k")x  (target >= 5x)"
echo "  karta peak memory: $((k_kb / 1024)) MiB  (target < 50 MiB)"
rm -f "$work/karta.out" "$work/mlr.out"
