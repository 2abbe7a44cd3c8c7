#!/usr/bin/env bash
# bench/rules.sh: rule libraries at scale (issue #23.9): load and match time
# of `karta filter` with rule files of N entries.
#
# Three libraries of N entries each (synthetic; no real numbers or people):
#   numbers.rules  one rule listing N phone-like numbers (a list of known numbers)
#   places.rules   N/10 rules of 10 place-like words each (a list of place names)
#   mixed.rules    N/2 words and stems in one rule, N/2 two-word phrases in another,
#                  plus a few regexes (which stay in RE2::Set)
# Load time: filter over an input with only a header (parse + compile).
# Match time: filter --count over R records (--text), minus the load time.
# Both in wall and CPU seconds (CPU is steadier on a busy shared machine).
# Fails if stderr is not empty (RE2 internals must never flood stderr) or if
# the count is not the one expected.
#
# Usage: bench/rules.sh [--smoke] [--entries N] [--records R]
#        (default N = 100000, R = 200000; --smoke: N = 2000, R = 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
entries=100000
records=200000
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) entries=2000; records=2000 ;;
    --entries) entries=$2; shift ;;
    --records) records=$2; shift ;;
    *) echo "usage: bench/rules.sh [--smoke] [--entries N] [--records R]" >&2; exit 2 ;;
  esac
  shift
done
KARTA=${KARTA:-$ROOT/build/karta}
[ -x "$KARTA" ] || { echo "bench/rules.sh: build karta first ($KARTA missing)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/rules.sh: GNU time (/usr/bin/time) is needed" >&2; exit 2; }
. bench/lib.sh
export LC_ALL=C.UTF-8
work=$ROOT/bench/work/rules-$entries-$records
mkdir -p "$work"

python3 - "$entries" "$records" "$work" <<'PY'
import os, random, sys
n, r, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rnd = random.Random(23)
syll = ["ka", "lo", "mi", "ne", "su", "tä", "rö", "vå", "ber", "dal", "holm", "by", "sta", "vik"]
def word(i):
    # a distinct word per i: syllables spelled from the digits of i, base 14
    s, k = "", i + 14
    while k:
        s += syll[k % 14]; k //= 14
    return s
numbers = ["07%08d" % (i * 7919 % 100000000) for i in range(n)]
with open(f"{work}/numbers.rules", "w") as f:
    f.write("rule known\n  words: " + ",\n    ".join(numbers) + "\n")
with open(f"{work}/places.rules", "w") as f:
    for k in range(max(1, n // 10)):
        f.write(f"rule p{k}\n  words: " + ", ".join(word(k * 10 + j).capitalize() for j in range(10)) + "\n")
with open(f"{work}/mixed.rules", "w") as f:
    half = n // 2
    f.write("rule w\n  words: " + ",\n    ".join(word(i) + ("*" if i % 5 == 0 else "") for i in range(half)) + "\n")
    f.write("rule ph\n  words: " + ",\n    ".join(word(i) + " " + word(i + 1) for i in range(half, n)) + "\n")
    f.write("rule re\n  regex: \\d{2}\\s*år\n  regex: pris\\s*\\d+\n")
# Records: ordinary text; every 10th names one entry of each library.
hits = 0
with open(f"{work}/text.txt", "w") as f:
    for i in range(r):
        t = " ".join(rnd.choice(["hej", "träffas", "centrum", "ring", "mig", "idag", "kväll", "nära", "bor"]) for _ in range(20))
        if i % 10 == 0:
            j = rnd.randrange(n)
            t += f" ring {numbers[j]} i {word(rnd.randrange(max(1, n // 10) * 10)).capitalize()}, {word(j // 2)}"
            hits += 1
        f.write(t + "\n")
open(f"{work}/expected", "w").write(str(hits))
PY

printf 'text\n' > "$work/empty.csv"
expected=$(cat "$work/expected")
echo "rules at scale: $entries entries per library, $records records ($(du -h "$work/text.txt" | cut -f1))"
status=0
for lib in numbers places mixed; do
  measure "$lib: load" "$work/load.out" "$KARTA" filter --rules "$work/$lib.rules" --count "$work/empty.csv" \
    2> "$work/load.err" || { cat "$work/load.err" >&2; status=1; continue; }
  load=$M_SECS
  load_cpu=$M_CPU
  load_mib=$(echo "$M_KB / 1024" | bc)
  measure "$lib: load + match" "$work/match.out" "$KARTA" filter --rules "$work/$lib.rules" --count --text \
    "$work/text.txt" 2> "$work/match.err" || { cat "$work/match.err" >&2; status=1; continue; }
  match=$(echo "$M_SECS - $load" | bc -l)
  match_cpu=$(echo "$M_CPU - $load_cpu" | bc -l)
  mib=$(echo "$M_KB / 1024" | bc)
  if [ -s "$work/load.err" ] || [ -s "$work/match.err" ]; then
    echo "bench/rules.sh: $lib: stderr is not empty:" >&2
    head -c 600 "$work/load.err" "$work/match.err" >&2
    status=1
  fi
  printf '  %-8s load %.2f s wall, %.2f s CPU (%s MiB)  match %.2f s wall, %.2f s CPU for %s records (%s MiB)\n' \
    "$lib" "$load" "$load_cpu" "$load_mib" "$match" "$match_cpu" "$records" "$mib"
  # every 10th record names an entry of each library
  got=$(awk -F, 'NR > 1 && $1 !~ /^\(/ { s += $NF } END { print s + 0 }' "$work/match.out")
  if [ "$lib" != mixed ] && [ "$got" -lt "$expected" ]; then
    echo "bench/rules.sh: $lib: $got matches, expected at least $expected" >&2
    cat "$work/match.out" >&2
    status=1
  fi
done
exit $status
