#!/usr/bin/env bash
# Throughput of `karta extract` (all extractors on, one core) on ad text.
#
#   bench/extract.sh           full size: ~100 MB of ads (target >= 50 MB/s)
#   bench/extract.sh --smoke   ~2 MB, seconds (CI)
#
# Input: the practice generator's corpus.csv (build/karta-practice) when it is
# built, else the committed small corpus, else tests/data/extract/ads.csv,
# repeated to size with the ad ids changed. The peer is `grep -oE` with a
# plain phone-number regex over the same file: what a quick one-off search
# costs, and a floor for reading the bytes. Prints seconds, MB/s and peak RSS
# of each (GNU time), and the ratio. MB/s is given per wall-clock second and
# per CPU second (user+sys): on a shared, loaded machine only the second
# says what one core does.
set -euo pipefail
cd "$(dirname "$0")/.."
KARTA=${KARTA:-build/karta}
PRACTICE=${PRACTICE:-build/karta-practice}
MB=100
[ "${1:-}" = --smoke ] && MB=2
mkdir -p bench/work
work=bench/work/extract
mkdir -p "$work"
input="$work/ads-${MB}mb.csv"
if [ ! -s "$input" ]; then
  seed_csv=""
  if [ -x "$PRACTICE" ]; then
    "$PRACTICE" --seed 11 --ads 20000 --no-sites --out "$work/gen" >/dev/null
    seed_csv="$work/gen/corpus.csv"
  elif [ -s examples/practice-site/small/corpus.csv ]; then
    seed_csv=examples/practice-site/small/corpus.csv
  else
    seed_csv=tests/data/extract/ads.csv
  fi
  python3 bench/repeat_csv.py "$seed_csv" "$input" "$MB"
fi
bytes=$(stat -c %s "$input")
run() {  # name, command...
  local name=$1
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.$name" "$@" >/dev/null
  read -r secs user sys rss <"$work/time.$name"
  python3 -c "import sys; b=int(sys.argv[1]); s,u,y=float(sys.argv[2]),float(sys.argv[3]),float(sys.argv[4]); r=int(sys.argv[5]); \
print(f'{sys.argv[6]:8s} {s:6.2f} s wall {b/1e6/max(s,0.01):7.1f} MB/s   {u+y:6.2f} s cpu {b/1e6/max(u+y,0.01):7.1f} MB/s   peak RSS {r/1024:.0f} MB')" \
    "$bytes" "$secs" "$user" "$sys" "$rss" "$name"
}
echo "input: $input ($((bytes / 1000000)) MB)"
run karta taskset -c 0 "$KARTA" extract "$input"
# (through wc: GNU grep stops at the first match when its output is /dev/null)
run grep sh -c "grep -oE '(\\+46|0)[ -]?7[0-9]([ -]?[0-9]){7}' '$input' | wc -l"
python3 -c "import sys; a=open(sys.argv[1]).read().split(); b=open(sys.argv[2]).read().split(); \
cpu=max(float(a[1])+float(a[2]),0.01); mbs=int(sys.argv[3])/1e6/cpu; \
print(f'ratio karta/grep time: {float(a[0])/max(float(b[0]),0.01):.2f}'); \
print(f'karta {mbs:.1f} MB/s per CPU second = {mbs/50:.2f}x the target (>= 50 MB/s, issue 6)')" \
  "$work/time.karta" "$work/time.grep" "$bytes"
