#!/bin/sh
# bench/run.sh: karta run (stages in one process, records passed in memory)
# against the same stages as a shell pipeline (karta a | karta b | ...), on
# the same generated practice corpus. Prints wall time and peak RSS of each
# (GNU time: '%e %M'), and the ratio. The output of both is compared too.
#
#   bench/run.sh            full size: 100,000 ads
#   bench/run.sh --smoke    tiny (CI)
#
# The routine is five select stages (no tool but select needed) and, when
# filter and extract are built, filter | extract | select.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
KARTA=$BUILD/karta
ADS=${ADS:-100000}
[ "${1:-}" = "--smoke" ] && ADS=500
WORK=$ROOT/bench/work/run
mkdir -p "$WORK"
CORPUS=$WORK/corpus-$ADS.csv
if [ ! -s "$CORPUS" ]; then
  "$BUILD/karta-practice" --seed 3 --ads "$ADS" --no-sites --out "$WORK/gen-$ADS" >/dev/null
  cp "$WORK/gen-$ADS/corpus.csv" "$CORPUS"
fi
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time (/usr/bin/time) is needed" >&2; exit 1; }
echo "input: $(wc -l < "$CORPUS") lines, $(du -h "$CORPUS" | cut -f1) ($ADS ads)"

bench() {  # NAME ROUTINE PIPE
  name=$1 routine=$2 pipe=$3
  printf '%s\n' "$routine" > "$WORK/$name.karta"
  "$TIME" -f '%e %M' -o "$WORK/t-run" "$KARTA" run "$WORK/$name.karta" "$CORPUS" > "$WORK/out-run.csv"
  "$TIME" -f '%e %M' -o "$WORK/t-pipe" sh -c "$pipe" < "$CORPUS" > "$WORK/out-pipe.csv"
  read -r rt rm < "$WORK/t-run"
  read -r pt pm < "$WORK/t-pipe"
  same=different; cmp -s "$WORK/out-run.csv" "$WORK/out-pipe.csv" && same=identical
  echo "$name: karta run ${rt}s ${rm}KB | pipe ${pt}s (peak RSS of the sh process tree's largest: ${pm}KB) | run/pipe $(echo "$rt $pt" | awk '{ if ($2 > 0) printf "%.2f", $1/$2; else print "-" }') | output $same"
}

K="$KARTA"
bench select5 \
  "select '*' | select 'url,title,text,posted_at' | select 'text as body,url,posted_at,title' | select '!posted_at' | select 'url,body'" \
  "$K select '*' | $K select 'url,title,text,posted_at' | $K select 'text as body,url,posted_at,title' | $K select '!posted_at' | $K select 'url,body'"

if ! "$KARTA" --help | grep -q 'filter .*not built' && ! "$KARTA" --help | grep -q 'extract .*not built'; then
  bench filter-extract \
    "filter --rules $ROOT/queries/rules/ads.rules --where 'ad and not clinic' | extract | select url,phones,ages,young" \
    "$K filter --rules $ROOT/queries/rules/ads.rules --where 'ad and not clinic' | $K extract | $K select url,phones,ages,young"
fi
