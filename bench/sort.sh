#!/usr/bin/env bash
# Bench for karta sort (issue 10): karta against GNU sort and Miller on the
# same generated CSV (id,place,price,posted_at,title; no quoted fields, so
# GNU sort -t, splits it like a CSV reader).
#
#   text:    karta sort -k place              (Swedish collation: A..Z Å Ä Ö)
#            karta sort -k place --bytes      (byte order, like for like)
#            LC_ALL=C sort -s -t, -k2,2       (bytes; the body only, no header)
#            mlr --csv sort -f place          (lexical)
#   numeric: karta sort -k price:n:desc,posted_at:desc
#            LC_ALL=C sort -s -t, -k3,3nr -k4,4r
#            mlr --csv sort -nr price -r posted_at
#   spill:   karta sort -k place -S 64M       (external merge, bounded memory)
#
# Prints wall time, CPU time and peak RSS (GNU time) of each and karta's
# ratios (CPU time is the fairer figure on a busy shared machine), and
# checks that the byte-order and numeric results equal GNU sort's.
# Usage: bench/sort.sh [--smoke]   (--smoke: 20,000 rows, for CI; default
# 1,000,000 rows). KARTA=path overrides the binary (build/karta).
set -euo pipefail
cd "$(dirname "$0")"
. ./lib.sh
rows=1000000
spill=64M
if [ "${1:-}" = "--smoke" ]; then rows=20000; spill=256K; fi
KARTA=${KARTA:-../build/karta}
[ -x "$KARTA" ] || { echo "sort bench: $KARTA not built" >&2; exit 1; }
have_mlr=1
command -v mlr >/dev/null || { have_mlr=0; echo "sort bench: mlr (Miller) not installed; its rows skipped"; }
mkdir -p work
in=work/sort-$rows.csv
if [ ! -s "$in" ]; then
  python3 gen_sort.py "$rows" > "$in.tmp" && mv "$in.tmp" "$in"
fi
body=work/sort-$rows.body.csv
tail -n +2 "$in" > "$body"
echo "input: $rows rows, $(du -h "$in" | cut -f1)"
status=0
check() {  # NAME A B: A and B (bodies) must be equal
  if cmp -s "$2" "$3"; then echo "  $1: identical"; else echo "  $1: DIFFERENT" >&2; status=1; fi
}

echo "text key (place):"
measure "karta sort (Swedish)" work/sort.k.csv "$KARTA" sort -k place "$in"
ks=$M_SECS kkb=$M_KB kc=$M_CPU
measure "karta sort --bytes" work/sort.kb.csv "$KARTA" sort -k place --bytes "$in"
kbs=$M_SECS kbkb=$M_KB kbc=$M_CPU
measure "GNU sort -t, -k2,2 (C)" work/sort.g.csv env LC_ALL=C sort -s -t, -k2,2 "$body"
gs=$M_SECS gkb=$M_KB gc=$M_CPU
if [ $have_mlr = 1 ]; then
  measure "mlr sort -f place" work/sort.m.csv mlr --csv sort -f place "$in"
  ms=$M_SECS mkb=$M_KB mc=$M_CPU
fi
check "karta --bytes vs GNU sort" <(tail -n +2 work/sort.kb.csv) work/sort.g.csv
[ $have_mlr = 1 ] && check "karta --bytes vs mlr sort -f" work/sort.kb.csv work/sort.m.csv
echo "  karta/GNU: wall Swedish $(ratio "$ks" "$gs"), bytes $(ratio "$kbs" "$gs");" \
  "CPU Swedish $(ratio "$kc" "$gc"), bytes $(ratio "$kbc" "$gc"); peak RSS $(ratio "$kkb" "$gkb")"
[ $have_mlr = 1 ] && echo "  karta/mlr: wall Swedish $(ratio "$ks" "$ms"), bytes $(ratio "$kbs" "$ms");" \
  "CPU Swedish $(ratio "$kc" "$mc"), bytes $(ratio "$kbc" "$mc"); peak RSS $(ratio "$kkb" "$mkb")"

echo "numeric key, then time (price:n:desc,posted_at:desc):"
measure "karta sort" work/sort.kn.csv "$KARTA" sort -k price:n:desc,posted_at:desc "$in"
kns=$M_SECS knkb=$M_KB knc=$M_CPU
measure "GNU sort -k3,3nr -k4,4r (C)" work/sort.gn.csv env LC_ALL=C sort -s -t, -k3,3nr -k4,4r "$body"
gns=$M_SECS gnkb=$M_KB gnc=$M_CPU
check "karta vs GNU sort" <(tail -n +2 work/sort.kn.csv) work/sort.gn.csv
if [ $have_mlr = 1 ]; then
  measure "mlr sort -nr price -r posted_at" work/sort.mn.csv mlr --csv sort -nr price -r posted_at "$in"
  mns=$M_SECS mnkb=$M_KB mnc=$M_CPU
  check "karta vs mlr" work/sort.kn.csv work/sort.mn.csv
  echo "  karta/mlr: wall $(ratio "$kns" "$mns"), CPU $(ratio "$knc" "$mnc"), peak RSS $(ratio "$knkb" "$mnkb")"
fi
echo "  karta/GNU: wall $(ratio "$kns" "$gns"), CPU $(ratio "$knc" "$gnc"), peak RSS $(ratio "$knkb" "$gnkb")"

echo "external merge (-S $spill):"
measure "karta sort -S $spill" work/sort.ks.csv "$KARTA" sort -k place -S "$spill" -T work "$in"
check "spilled vs in-memory" work/sort.ks.csv work/sort.k.csv
ls work | grep -q '^karta-sort-' && { echo "  temporary files left in bench/work" >&2; status=1; }
rm -f work/sort.*.csv work/sort.time "$body"
exit $status
