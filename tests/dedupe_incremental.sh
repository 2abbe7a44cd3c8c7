#!/usr/bin/env bash
# Incremental dedupe: weeks 1-4, then week 5 with the same --state. Every ad
# seen in both runs must keep its cluster id; prints how many week-5 ads of
# advertisers seen before joined an old cluster.
#
# Usage: dedupe_incremental.sh KARTA KARTA_PRACTICE WORKDIR
set -euo pipefail
karta=$1 practice=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
# 5 weeks ending Sunday 2026-11-22: week 4 ends 2026-11-15.
"$practice" --seed 5 --ads 4000 --weeks 5 --as-of 2026-11-15 --no-sites --out "$work/w4" >/dev/null
"$practice" --seed 5 --ads 4000 --weeks 5 --no-sites --out "$work/w5" >/dev/null
python3 "$here/dedupe_with_truth_ids.py" "$work/w4/corpus.csv" "$work/w4/truth.csv" > "$work/w4.csv"
python3 "$here/dedupe_with_truth_ids.py" "$work/w5/corpus.csv" "$work/w5/truth.csv" > "$work/w5all.csv"
# Week 5 alone: the ads posted after the end of week 4.
python3 - "$work/w5all.csv" "$work/w5.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f, open(sys.argv[2], "w", newline="", encoding="utf-8") as g:
    r = csv.DictReader(f)
    w = csv.DictWriter(g, r.fieldnames, lineterminator="\n")
    w.writeheader()
    for row in r:
        if row["posted_at"] >= "2026-11-16":
            w.writerow(row)
PY
"$karta" dedupe --state "$work/state.db" --time-field posted_at "$work/w4.csv" > "$work/out4.csv"
"$karta" dedupe --state "$work/state.db" --time-field posted_at "$work/w5.csv" > "$work/out5.csv"
# Again with everything still online in week 5 (old ads given again).
cp "$work/state.db" "$work/state2.db"
"$karta" dedupe --state "$work/state2.db" --time-field posted_at "$work/w5all.csv" > "$work/out5all.csv"
python3 - "$work" <<'PY'
import csv, sys
work = sys.argv[1]
def load(name):
    with open(f"{work}/{name}", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
out4 = {r["ad_id"]: r for r in load("out4.csv")}
old_ids = {r["cluster"] for r in out4.values()}
adv_old = {}
for r in load("w4/truth.csv"):
    if r["ad_id"] in out4:
        adv_old.setdefault(r["advertiser_id"], set()).add(out4[r["ad_id"]]["cluster"])
truth5 = {r["ad_id"]: r for r in load("w5/truth.csv")}
ok = True
changed = [r for r in load("out5all.csv") if r["ad_id"] in out4 and r["cluster"] != out4[r["ad_id"]]["cluster"]]
both = sum(1 for r in load("out5all.csv") if r["ad_id"] in out4)
print(f"weeks 1-4: {len(out4)} ads, {len(old_ids)} clusters")
print(f"week 5 with all online ads: {both} ads seen before, {len(changed)} changed cluster id")
if changed or both == 0:
    ok = False
new = load("out5.csv")
returning = [r for r in new if truth5[r["ad_id"]]["advertiser_id"] in adv_old]
joined = [r for r in returning if r["cluster"] in adv_old[truth5[r["ad_id"]]["advertiser_id"]]]
fresh_old = [r for r in new if r["cluster"] in old_ids and r["first_seen"] == "1"]
print(f"week 5 alone: {len(new)} new ads; {len(returning)} by advertisers seen in weeks 1-4, "
      f"{len(joined)} of them joined their old cluster id")
if fresh_old:
    print(f"FAIL: {len(fresh_old)} week-5 ads claim to be first of an old cluster")
    ok = False
if not new or len(joined) < 0.9 * len(returning):
    print("FAIL: fewer than 90% of returning advertisers' ads joined their old cluster")
    ok = False
print("ok" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
