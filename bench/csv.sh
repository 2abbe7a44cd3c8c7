#!/usr/bin/env bash
# CSV pass-through: `karta select '*'` vs `mlr --icsv --ocsv cat` (Miller) on
# the same file of ROWS rows with quoted multi-line fields. Prints times, the
# speed ratio and peak memory of each, and checks the outputs are identical.
# Target (issue 2): karta >= 5x faster than Miller, peak memory < 50 MiB.
# Usage: bench/csv.sh [--smoke] [ROWS]   (default 1,000,000; --smoke 20,000)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
rows=1000000
[ "${1:-}" = --smoke ] && { rows=20000; shift; }
[ -n "${1:-}" ] && rows=$1
karta=${KARTA:-$here/../build/karta}
work=$here/work
mkdir -p "$work"
in=$work/csv-$rows.csv
[ -s "$in" ] || python3 "$here/gen_csv.py" "$rows" "$in"
echo "csv pass-through, $rows rows, $(du -m "$in" | cut -f1) MiB"
measure "karta select '*'" "$work/karta.out" "$karta" select '*' "$in"
k_secs=$M_SECS k_kb=$M_KB
measure "mlr --icsv --ocsv cat" "$work/mlr.out" mlr --icsv --ocsv cat "$in"
m_secs=$M_SECS
cmp -s "$work/karta.out" "$work/mlr.out" && echo "  outputs identical" || echo "  outputs differ (quoting style)"
k=$(echo "if ($k_secs < 0.01) 0.01 else $k_secs" | bc -l)
echo "  speed ratio (Miller time / karta time): $(ratio "$m_secs" "$k")x  (target >= 5x)"
echo "  karta peak memory: $((k_kb / 1024)) MiB  (target < 50 MiB)"
rm -f "$work/karta.out" "$work/mlr.out"
