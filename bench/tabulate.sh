#!/usr/bin/env bash
# Bench for karta tabulate (issue 9): distinct clusters per location field on
# a generated table, karta against Miller side by side on the same file.
#
#   karta tabulate --by location_field --count-distinct cluster --sort input
#   mlr --icsv --ocsv count-distinct -f location_field,cluster \
#       then count-distinct -f location_field
#
# Prints wall time, CPU time (user + system) and peak RSS of each (GNU time), the speed-up and the
# memory ratio, checks the results are identical, and says whether the
# targets (>= 5x faster, <= 1/10 of Miller's peak memory) are met.
# Usage: bench/tabulate.sh [--smoke]   (--smoke: 20,000 rows, for CI;
# default 1,000,000 rows). KARTA=path overrides the binary (build/karta).
set -euo pipefail
cd "$(dirname "$0")"
rows=1000000
smoke=0
if [ "${1:-}" = "--smoke" ]; then rows=20000; smoke=1; fi
KARTA=${KARTA:-../build/karta}
command -v mlr >/dev/null || { echo "tabulate bench: mlr (Miller) not installed; skipped"; exit 0; }
[ -x "$KARTA" ] || { echo "tabulate bench: $KARTA not built" >&2; exit 1; }
mkdir -p work
in=work/tabulate-$rows.csv
if [ ! -s "$in" ]; then
  python3 gen_tabulate.py "$rows" 1 > "$in.tmp" && mv "$in.tmp" "$in"
fi

measure() {  # NAME OUT CMD...: runs CMD > OUT, sets secs and kb
  local out=$2
  shift 2
  /usr/bin/time -f '%e %M %U %S' -o work/tabulate.time "$@" > "$out"
  read -r secs kb usr sys < work/tabulate.time
  cpu=$(python3 -c "print(round($usr + $sys, 2))")
}

measure karta work/tabulate.karta.csv "$KARTA" tabulate --by location_field \
  --count-distinct cluster --sort input "$in"
k_secs=$secs k_kb=$kb k_cpu=$cpu
measure mlr work/tabulate.mlr.csv mlr --icsv --ocsv count-distinct -f location_field,cluster \
  then count-distinct -f location_field "$in"
m_secs=$secs m_kb=$kb m_cpu=$cpu

# karta: location_field,count,cluster_distinct; Miller: location_field,count (= distinct).
if cmp -s <(cut -d, -f1,3 work/tabulate.karta.csv | tail -n +2) <(tail -n +2 work/tabulate.mlr.csv); then
  same=identical
else
  same=DIFFERENT
fi
groups=$(($(wc -l < work/tabulate.karta.csv) - 1))

python3 - "$rows" "$groups" "$k_secs" "$k_kb" "$m_secs" "$m_kb" "$same" "$smoke" "$k_cpu" "$m_cpu" <<'PY'
import sys
rows, groups, ks, kkb, ms, mkb, same, smoke, kc, mc = sys.argv[1:]
ks, ms, kkb, mkb, kc, mc = float(ks), float(ms), int(kkb), int(mkb), float(kc), float(mc)
print(f"input: {int(rows):,} rows, {groups} groups; results {same}")
print(f"{'tool':<8}{'seconds':>10}{'CPU s':>10}{'peak RSS MB':>14}")
print(f"{'karta':<8}{ks:>10.2f}{kc:>10.2f}{kkb / 1024:>14.1f}")
print(f"{'mlr':<8}{ms:>10.2f}{mc:>10.2f}{mkb / 1024:>14.1f}")
speed = ms / max(ks, 0.01)
mem = kkb / max(mkb, 1)
print(f"CPU time: karta uses {kc / max(mc, 0.01):.3f} of Miller's (Miller runs on several cores)")
print(f"karta is {speed:.1f}x faster (wall clock) and uses {mem:.3f} of Miller's peak memory "
      f"(targets: >= 5x, <= 0.1)")
if smoke == "0":
    print("targets", "met" if speed >= 5 and mem <= 0.1 else "MISSED")
sys.exit(0 if same == "identical" else 1)
PY
