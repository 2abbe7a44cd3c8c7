#!/usr/bin/env bash
# `karta extract` against a baseline binary (issue 20: throughput within
# 10 % of before the young/contact phrase work).
#
#   bench/extract_base.sh BASE_KARTA [--smoke]
#
# BASE_KARTA is a karta built from an older commit, e.g. the main commit
# before the ads merge (e785f2d):
#   git worktree add --detach /tmp/extract-base e785f2d
#   (cd /tmp/extract-base && ln -sfn <main>/node_modules node_modules &&
#    scripts/build.sh normal)          # or: cmake --build build --target karta
#   bench/extract_base.sh /tmp/extract-base/build/karta
#
# Two inputs, each at least SIZE MB (10; --smoke 1; whole passes of its rows):
#   ads      the practice generator's ads (as bench/extract.sh), the bench input
#   phrases  the issue-20 evaluation phrasings (tests/data/extract/eval): ads
#            dense with ages, young signals, number words, contacts, handles
# For each: instructions executed (valgrind --tool=cachegrind, Ir), which do
# not depend on the load of a shared machine, and the median CPU time
# (user + sys, GNU time) of RUNS runs (5) of each binary, run alternately.
# Prints both and the ratios current/base. KARTA (build/karta) is the current
# binary. Needs valgrind for the Ir figures (skipped without it).
set -euo pipefail
cd "$(dirname "$0")/.."
KARTA=${KARTA:-build/karta}
. bench/lib.sh
base_args "bench/extract_base.sh BASE_KARTA [--smoke]" "$@"
PRACTICE=${PRACTICE:-build/karta-practice}
RUNS=${RUNS:-5}
SIZE=${SIZE:-10}
[ "$SMOKE" = 1 ] && SIZE=1 && RUNS=3
[ -x "$BASE" ] || { echo "extract_base.sh: $BASE is not an executable karta" >&2; exit 2; }
[ -x "$KARTA" ] || { echo "extract_base.sh: build $KARTA first (scripts/build.sh)" >&2; exit 2; }
work=bench/work/extract-base
mkdir -p "$work"

# ads: the practice corpus (or the committed small one), repeated to size.
ads="$work/ads-${SIZE}mb.csv"
phrases="$work/phrases-${SIZE}mb.csv"
if [ ! -s "$ads" ] || [ ! -s "$phrases" ]; then
  seed_csv=examples/practice-site/small/corpus.csv
  if [ -x "$PRACTICE" ]; then
    "$PRACTICE" --seed 11 --ads 20000 --no-sites --out "$work/gen" >/dev/null
    seed_csv="$work/gen/corpus.csv"
  fi
  python3 bench/repeat_csv.py "$seed_csv" "$ads" "$SIZE"
  # The evaluation phrasings as ads (one pass), then repeated to size.
  python3 - tests/data/extract/eval "$work/phrases-once.csv" <<'PY'
import csv, sys
evaldir, out = sys.argv[1:3]
# young.tsv (posted_at, fetched_at, text, ...) and contacts.tsv (text, ...);
# "\n" in a text is a line break.
body = []
def tsv(name):
    with open(f"{evaldir}/{name}", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                yield line.split("\t")
for c in tsv("young.tsv"):
    body.append([str(len(body) + 1), "eval.example", "", c[0], "", c[2].replace("\\n", "\n"), ""])
for c in tsv("contacts.tsv"):
    body.append([str(len(body) + 1), "eval.example", "", "2026-05-01T00:00:00Z", "",
                 c[0].replace("\\n", "\n"), ""])
with open(out, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["ad_id", "site", "url", "posted_at", "title", "text", "location_field"])
    w.writerows(body)
PY
  python3 bench/repeat_csv.py "$work/phrases-once.csv" "$phrases" "$SIZE"
fi

echo "current: $KARTA   base: $BASE   load: $(cut -d' ' -f1-3 /proc/loadavg)"
for input in "$ads" "$phrases"; do
  bytes=$(stat -c %s "$input")
  echo "input: $input ($((bytes / 1000)) kB)"
  if ! cmp -s <("$KARTA" extract "$input") <("$BASE" extract "$input"); then
    echo "  (outputs differ: expected on the phrases, which the base does not read)"
  fi
  if command -v valgrind >/dev/null; then
    ir_cur=$(instructions "$KARTA" extract "$input")
    ir_base=$(instructions "$BASE" extract "$input")
    awk -v c="$ir_cur" -v b="$ir_base" 'BEGIN {
      printf "  Ir   current %14d  base %14d  ratio %.3f (%+.1f %%)\n", c, b, c / b, (c / b - 1) * 100 }'
  else
    echo "  Ir   (valgrind not installed)"
  fi
  cur=() base=()
  for _ in $(seq "$RUNS"); do
    base+=("$(cpu_seconds "$BASE" extract "$input")")
    cur+=("$(cpu_seconds "$KARTA" extract "$input")")
  done
  mc=$(printf '%s\n' "${cur[@]}" | median_of)
  mb=$(printf '%s\n' "${base[@]}" | median_of)
  awk -v c="$mc" -v b="$mb" -v n="$RUNS" -v bytes="$bytes" 'BEGIN {
    printf "  CPU  current %6.3f s  base %6.3f s  (medians of %d)  ratio %.3f (%+.1f %%)  current %.1f MB/s per CPU second\n",
           c, b, n, c / b, (c / b - 1) * 100, bytes / 1e6 / (c > 0 ? c : 0.001) }'
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
