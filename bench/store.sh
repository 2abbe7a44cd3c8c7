#!/usr/bin/env bash
# The history store on SQLite and PostgreSQL, side by side:
#   1. record N sightings (default 1,000,000) in one run: time and peak memory;
#   2. a store of W weekly runs x A ads (default 52 x 100,000; each ad stays
#      up five weeks, three ads per person): time of `history trend` and
#      `outreach list` (the targets: under 2 s on both).
# PostgreSQL is a throwaway server (tests/pg/pgserver.py) on this machine.
# Usage: bench/store.sh [--smoke] [--sightings N] [--weeks W] [--ads A]
#        (--weeks 0: only the recording of N sightings)
# Figures and what they mean: docs/team-store.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
N=1000000 W=52 A=100000
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) N=10000 W=3 A=2000 ;;
    --sightings) N=$2; shift ;;
    --weeks) W=$2; shift ;;
    --ads) A=$2; shift ;;
    *) echo "store.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
KARTA=${KARTA:-$PWD/build/karta}
[ -x "$KARTA" ] || { echo "store.sh: build karta first (scripts/build.sh)" >&2; exit 1; }
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  echo "store.sh: postgresql-15 is not installed (scripts/install-deps.sh); skipped" >&2
  exit 0
fi
export KARTA N W A
exec python3 tests/pg/pgserver.py -- bash -c '
set -euo pipefail
. bench/lib.sh
tmp=$(mktemp -d); chmod 755 "$tmp"; trap "rm -rf $tmp" EXIT
# week w holds the ads w*A/5 .. w*A/5+A-1 (each ad up five weeks).
gen() {
  awk -v w="$1" -v a="$2" "BEGIN{print \"url,cluster,kommun,phones,young,under18\";
    s=int(w*a/5); for(i=s;i<s+a;i++) printf \"https://ads.example/%d,c%d,K%02d,+4680%07d,%d,%d\n\",
    i, int(i/3), i%26, int(i/3), (i%50==0), (i%20000==0)}"
}
gen 0 "$N" > "$tmp/big.csv"
echo "record $N sightings in one run:"
pg() { psql -X -q "$KARTA_TEST_PG_URL" -c "CREATE DATABASE $1" >/dev/null; echo "${KARTA_TEST_PG_URL%/*}/$1"; }
for b in sqlite postgresql; do
  if [ $b = sqlite ]; then S=$tmp/big.sqlite; else S=$(pg big); fi
  measure "$b record" /dev/null "$KARTA" history record --store "$S" --as-of 2026-11-23 "$tmp/big.csv"
done
[ "$W" -gt 0 ] || exit 0
echo "store of $W weekly runs x $A ads:"
for b in sqlite postgresql; do
  if [ $b = sqlite ]; then S=$tmp/weeks.sqlite; else S=$(pg weeks); fi
  start=$(date +%s)
  for ((w = 0; w < W; w++)); do
    gen $w "$A" | "$KARTA" history record --store "$S" --as-of "$(date -u -d "2025-12-01 +$((7 * w)) days" +%FT09:00:00Z)" >/dev/null 2>&1
  done
  echo "  $b: recorded in $(( $(date +%s) - start )) s"
  measure "$b history trend" "$tmp/trend.csv" "$KARTA" history trend --store "$S" --by kommun,week
  measure "$b outreach list" "$tmp/list.csv" "$KARTA" outreach list --store "$S" --format csv
  echo "  ($(($(wc -l < "$tmp/trend.csv") - 1)) trend rows, $(($(wc -l < "$tmp/list.csv") - 1)) people listed)"
done
'
