#!/usr/bin/env python3
"""Precision and recall of karta geotag on place phrasings written for issue 20
(streets, squares, every kind of station, informal areas, near-miss spellings,
Malmö's districts) and on negatives: words that look like places but are not.

The set is a CSV with columns id,kind,expected,expected_place,text: kind is `pos` or
`neg`; `expected` is the kommunkod (or the 2-digit county code of a
county-level area such as Norrort) and `expected_place` the place karta
must name (empty: any place in that kommun).

A positive counts as a true positive when both the kommunkod and the place
are right; a wrong answer is a false positive and a false negative; no answer
is a false negative. Any place found in a negative is a false positive.

With --region the tagged rows are those karta keeps: a row it drops counts
as "no place", so a negative is then an ad outside the region.

Usage: accuracy_places.py KARTA DATA [--gazetteer FILE] [--region R] [--min 0.98]
Prints the figures and every miss; exit 1 if precision or recall is below
the minimum.
"""
import argparse
import csv
import io
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("karta")
ap.add_argument("data")
ap.add_argument("--gazetteer")
ap.add_argument("--region", help="karta geotag --region: rows it drops count as no place")
ap.add_argument("--min", type=float, default=0.98)
args = ap.parse_args()
cmd = [args.karta, "geotag", "--field", "text", args.data]
if args.gazetteer:
    cmd[2:2] = ["--gazetteer", args.gazetteer]
if args.region:
    cmd[2:2] = ["--region", args.region]
out = subprocess.run(cmd, capture_output=True, text=True)
if out.returncode != 0:
    sys.exit(f"karta geotag failed ({out.returncode}): {out.stderr}")
kept = {r["id"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
with open(args.data, encoding="utf-8", newline="") as f:
    rows = list(csv.DictReader(f))
for r in rows:
    got = kept.get(r["id"], {})
    r["kommunkod"], r["place_found"] = got.get("kommunkod", ""), got.get("place", "")
tp = fp = fn = 0
misses = []
for r in rows:
    got_code, got_place = r["kommunkod"], r["place_found"]
    if r["kind"] == "neg":
        if got_code:
            fp += 1
            misses.append(f"  {r['id']:>4} negative, got {got_place} ({got_code}): {r['text']}")
        continue
    right = got_code == r["expected"] and (not r["expected_place"] or got_place == r["expected_place"])
    if right:
        tp += 1
        continue
    fn += 1
    if got_code:
        fp += 1
    misses.append(f"  {r['id']:>4} expected {r['expected_place']} ({r['expected']}), got "
                  f"{got_place or '-'} ({got_code or '-'}): {r['text']}")
prec = tp / (tp + fp) if tp + fp else 0.0
rec = tp / (tp + fn) if tp + fn else 0.0
npos = sum(r["kind"] == "pos" for r in rows)
print(f"{args.data}: {len(rows)} phrasings ({npos} places, {len(rows) - npos} negatives)")
print(f"precision {prec:.3f} ({tp}/{tp + fp})  recall {rec:.3f} ({tp}/{tp + fn})  minimum {args.min}")
if misses:
    print("misses:")
    print("\n".join(misses))
if prec < args.min or rec < args.min:
    sys.exit(f"accuracy_places: below {args.min}")
