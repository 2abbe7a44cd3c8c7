#!/usr/bin/env bash
# Bench: karta geotag vs GNU grep -o -w -F -f NAMES on the same text.
#
# Generates a CSV of synthetic ad texts (bench/work/geotag-N.csv; Swedish
# filler with place names, some ambiguous words, some no place), then times
#   karta geotag --field text FILE > /dev/null     (full gazetteer, one core)
#   grep -o -w -F -f NAMES FILE > /dev/null        (every gazetteer name)
# and prints the time, MB/s and peak RSS of each and the ratio.
# Targets (issue 7): karta >= 50 MB/s per core and <= 3x grep's time.
#
# Usage: bench/geotag.sh [--smoke] [--mb N]   (default 100 MB; --smoke 2 MB)
set -euo pipefail
cd "$(dirname "$0")/.."
mb=100
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) mb=2 ;;
    --mb) mb=$2; shift ;;
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
echo "input: $input ($((bytes / 1000000)) MB), $(wc -l < "$names") gazetteer names"
run() {  # label, command...  (output to a file: GNU grep stops early when it sees /dev/null)
  local label=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o bench/work/time.txt "$@" > bench/work/geotag-$label.out
  read -r wall user sys rss < bench/work/time.txt
  # CPU time (user + sys) is the time on one core; wall time is shown too, as
  # the machine may be shared.
  secs=$(python3 -c "print(max($user + $sys, 0.001))")
  echo "  ($label: wall $wall s, user $user s, sys $sys s, $(wc -l < bench/work/geotag-$label.out) output lines)"
  echo "$label $secs $rss" >> bench/work/geotag-results.txt
  python3 -c "import sys; s=max(float(sys.argv[2]),1e-3); print(f'{sys.argv[1]:6} {s:7.2f} s CPU  {int(sys.argv[3])/s/1e6:7.1f} MB/s  peak RSS {int(sys.argv[4])//1024} MB')" \
    "$label" "$secs" "$bytes" "$rss"
}
: > bench/work/geotag-results.txt
run karta "$karta" geotag --field text "$input"
run grep env LC_ALL=C.UTF-8 grep -o -w -F -f "$names" "$input"
python3 - "$bytes" <<'PY'
import sys
r = {l.split()[0]: float(l.split()[1]) for l in open("bench/work/geotag-results.txt")}
k, g = max(r["karta"], 1e-3), max(r["grep"], 1e-3)
mbs = int(sys.argv[1]) / k / 1e6
print(f"ratio karta/grep {k / g:.2f}x (target <= 3x); karta {mbs:.1f} MB/s per core (target >= 50)")
PY
