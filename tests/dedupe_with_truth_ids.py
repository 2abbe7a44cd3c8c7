#!/usr/bin/env python3
"""Adds the ground-truth phones, emails and handles columns to a practice corpus.

Stands in for `karta extract` in the dedupe accuracy test: it lets the test
measure clustering by shared identifiers on its own, apart from extraction
errors. With --kind K, keeps only ads of that kind (as `karta filter --where 'ad and
not clinic'` would in the real pipeline); with --no-ids, adds no columns.

Usage: dedupe_with_truth_ids.py CORPUS.csv TRUTH.csv [--kind ad] [--no-ids] > OUT.csv
"""
import csv
import sys

csv.field_size_limit(1 << 30)
kind = sys.argv[sys.argv.index("--kind") + 1] if "--kind" in sys.argv else None
ids = "--no-ids" not in sys.argv
with open(sys.argv[2], newline="", encoding="utf-8") as f:
    truth = {r["ad_id"]: r for r in csv.DictReader(f)}
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    r = csv.reader(f)
    w = csv.writer(sys.stdout, lineterminator="\n")
    header = next(r)
    key = header.index("ad_id")
    w.writerow(header + (["phones", "emails", "handles"] if ids else []))
    for row in r:
        t = truth.get(row[key], {})
        if kind and t.get("kind") != kind:
            continue
        extra = [t.get("phones", ""), t.get("emails", ""), t.get("handles", "")] if ids else []
        w.writerow(row + extra)
