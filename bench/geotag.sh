#!/usr/bin/env bash
# Bench: karta geotag vs GNU grep -o -w -F -f NAMES on the same text.
#
# Generates a CSV of synthetic ad texts (bench/work/geotag-N.csv; Swedish
# filler with place names, some ambiguous words, some no place), then times
#   karta geotag --field text FILE > OUT     (full gazetteer, one core)
#   grep -o -w -F -f NAMES FILE > OUT        (every gazetteer name)
# each --runs times (default 3), alternating, and prints the wall and CPU
# time and peak RSS of every run, and the ratio of the median CPU times.
# Targets (issue 7): karta >= 50 MB/s per core and <= 3x grep's time.
#
# Usage: bench/geotag.sh [--smoke] [--mb N] [--runs N]
#        (default 100 MB, 3 runs; --smoke 2 MB, 1 run)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
mb=100
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) mb=2; runs=1 ;;
    --mb) mb=$2; shift ;;
    --runs) runs=$2; shift ;;
    *) echo "geotag.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
karta=${KARTA:-build/karta}
[ -x "$karta" ] || { echo "geotag.sh: $karta not built (ninja -C build)" >&2; exit 1; }
mkdir -p bench/work
input=bench/work/geotag-$mb.csv
names=bench/work/geotag-names.txt
python3 - "$input" "$mb" <<'PY'
import os, random, sys
path, mb = sys.argv[1], int(sys.argv[2])
if os.path.exists(path) and os.path.getsize(path) >= mb * 1_000_000:
    sys.exit(0)  # generated once, reused (delete bench/work/ to regenerate)
rnd = random.Random(7)
places = ["Södermalm", "Kista", "i Kista", "Solna", "nära Slussen", "på Söder", "Sundbyberg", "Tumba",
          "Malmö", "Göteborg", "T-Centralen", "Hägersten", "i Handen", "Bro", "söder om stan",
          "Farsta strand", "Täby centrum", "Huddinge", "Rinkeby-Kista", "Nacka Forum", "Uppsala"]
words = ("ny tjej i stan ring mig för tid diskret lägenhet trevlig och glad massage avkoppling "
         "välkommen hör av dig sms helst kvällar helger hotell besök kan resa seriösa endast "
         "fin utsikt nära parkering lugnt område hej jag heter bor har en gammal kista till salu "
         "new in town call me discreet apartment relaxing welcome evenings weekends").split()
with open(path + ".tmp", "w", encoding="utf-8") as f:
    f.write("id,text\n")
    size, i = 0, 0
    while size < mb * 1_000_000:
        i += 1
        t = [rnd.choice(words) for _ in range(rnd.randint(20, 60))]
        for _ in range(rnd.randint(0, 2)):
            t.insert(rnd.randrange(len(t)), rnd.choice(places))
        text = ' '.join(t)
        line = f"{i},{text[0].upper()}{text[1:]}.\n"
        f.write(line)
        size += len(line.encode())
os.replace(path + ".tmp", path)
PY
python3 -c "import csv,sys; print('\n'.join(sorted({r['name'] for r in csv.DictReader(open('data/gazetteer/gazetteer.csv', encoding='utf-8'))})))" > "$names"
bytes=$(stat -c %s "$input")
echo "input: $input ($((bytes / 1000000)) MB), $(wc -l < "$names") gazetteer names; $runs runs each, alternating"
# CPU time (user + system) is the time on one core; the machine may be
# shared, so each side runs $runs times, alternating, and the medians count.
# Output goes to files: GNU grep stops at the first match when it writes to
# /dev/null.
karta_cpu=() grep_cpu=()
for ((r = 1; r <= runs; r++)); do
  measure "karta geotag (run $r)" bench/work/geotag-karta.out "$karta" geotag --field text "$input"
  karta_cpu+=("$M_CPU")
  measure "grep -o -w -F -f NAMES (run $r)" bench/work/geotag-grep.out \
    env LC_ALL=C.UTF-8 grep -o -w -F -f "$names" "$input"
  grep_cpu+=("$M_CPU")
done
echo "  karta wrote $(wc -l < bench/work/geotag-karta.out) lines, grep found $(wc -l < bench/work/geotag-grep.out) names"
python3 - "$bytes" "${karta_cpu[*]}" "${grep_cpu[*]}" <<'PY'
import statistics, sys
size = int(sys.argv[1])
k = [max(float(x), 1e-3) for x in sys.argv[2].split()]
g = [max(float(x), 1e-3) for x in sys.argv[3].split()]
km, gm = statistics.median(k), statistics.median(g)
print("  per-run ratios: " + ", ".join(f"{a / b:.2f}" for a, b in zip(k, g)))
print(f"median CPU: karta {km:.2f} s, grep {gm:.2f} s")
if gm < 0.05:
    print("(input too small for a meaningful ratio: the full run is bench/geotag.sh without --smoke)")
print(f"ratio karta/grep {km / gm:.2f}x (target <= 3x); karta {size / km / 1e6:.1f} MB/s per core (target >= 50)")
PY
