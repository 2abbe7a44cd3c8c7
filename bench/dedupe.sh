#!/usr/bin/env bash
# Dedupe: `karta dedupe` clustering N ads (exact + MinHash/LSH + shared
# identifiers), and exact dedupe side by side with `mlr uniq -g text`
# (Miller) and `sort -u` on the same file. Prints times and peak memory.
# Targets (issue 8): 1,000,000 ads clustered in < 60 s wall on 2 cores with
# peak RSS < 1.5 GiB; exact dedupe at least as fast as Miller and sort -u.
# Input: the practice corpus (build/karta-practice --no-sites; set
# KARTA_PRACTICE to another binary), or bench/dedupe_gen.py without it.
# Usage: bench/dedupe.sh [--smoke] [ADS]   (default 1,000,000; --smoke 5,000)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ads=1000000
[ "${1:-}" = --smoke ] && { ads=5000; shift; }
[ -n "${1:-}" ] && ads=$1
karta=${KARTA:-$here/../build/karta}
practice=${KARTA_PRACTICE:-$here/../build/karta-practice}
work=$here/work
mkdir -p "$work"
in=$work/dedupe-$ads.csv
if [ ! -s "$in" ]; then
  if [ -x "$practice" ]; then
    "$practice" --seed 11 --ads "$ads" --no-sites --out "$work/dedupe-$ads" >/dev/null
    mv "$work/dedupe-$ads/corpus.csv" "$in"
    rm -rf "$work/dedupe-$ads"
  else
    python3 "$here/dedupe_gen.py" --ads "$ads" --seed 11 > "$in"
  fi
fi
echo "dedupe, $ads ads, $(du -m "$in" | cut -f1) MiB, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
measure "karta dedupe (near+exact)" "$work/dedupe.out" "$karta" dedupe "$in"
echo "  clusters: $("$karta" select cluster "$work/dedupe.out" | tail -n +2 | sort -u | wc -l)"
d_secs=$M_SECS d_kb=$M_KB
echo "exact dedupe on the text column, one record per distinct text:"
measure "karta dedupe --exact" "$work/exact.out" \
  "$karta" dedupe --exact --no-link --keep first --field text "$in"
k_secs=$M_SECS
measure "mlr --csv uniq -g text" "$work/mlr.out" mlr --csv uniq -g text "$in"
m_secs=$M_SECS
measure "sort -u" "$work/sort.out" sort -u "$in"
s_secs=$M_SECS
echo "  rows out: karta $(($("$karta" select ad_id "$work/exact.out" | wc -l) - 1)) (folded text)," \
     "mlr $(($(mlr --icsv --ojson count "$work/mlr.out" | grep -o '[0-9]*' | head -1)))"
k=$(echo "if ($k_secs < 0.01) 0.01 else $k_secs" | bc -l)
echo "  speed ratio Miller/karta: $(ratio "$m_secs" "$k")x, sort -u/karta: $(ratio "$s_secs" "$k")x  (target >= 1)"
echo "  clustering: $d_secs s (target < 60 s), $((d_kb / 1024)) MiB peak (target < 1536 MiB)"
rm -f "$work/dedupe.out" "$work/exact.out" "$work/mlr.out" "$work/sort.out"
