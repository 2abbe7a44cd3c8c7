#!/usr/bin/env python3
"""Pairwise precision and recall of `karta dedupe` clusters against truth.

A pair of records is predicted together when they share a cluster id, and
truly together when they share an advertiser id. Precision = correct pairs /
predicted pairs; recall = correct pairs / true pairs.

Usage: dedupe_score.py OUTPUT.csv TRUTH.csv [--key ad_id] [--truth-col advertiser_id]
       [--min-precision P] [--min-recall R] [--label TEXT]
Prints one line; exits 1 if a minimum is given and missed.
"""
import argparse
import collections
import csv
import sys


def pairs(n):
    return n * (n - 1) // 2


def score(output, truth, key="ad_id", truth_col="advertiser_id"):
    csv.field_size_limit(1 << 30)
    with open(truth, newline="", encoding="utf-8") as f:
        adv = {row[key]: row[truth_col] for row in csv.DictReader(f)}
    pred = collections.Counter()
    true = collections.Counter()
    both = collections.Counter()
    n = 0
    with open(output, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            a = adv.get(row[key])
            if a is None or a == "":
                continue
            n += 1
            pred[row["cluster"]] += 1
            true[a] += 1
            both[(row["cluster"], a)] += 1
    tp = sum(pairs(c) for c in both.values())
    pp = sum(pairs(c) for c in pred.values())
    tt = sum(pairs(c) for c in true.values())
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    return {"records": n, "clusters": len(pred), "advertisers": len(true),
            "precision": precision, "recall": recall}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("output")
    ap.add_argument("truth")
    ap.add_argument("--key", default="ad_id")
    ap.add_argument("--truth-col", default="advertiser_id")
    ap.add_argument("--min-precision", type=float)
    ap.add_argument("--min-recall", type=float)
    ap.add_argument("--label", default="dedupe")
    args = ap.parse_args()
    s = score(args.output, args.truth, args.key, args.truth_col)
    print("%s: records %d, clusters %d (true advertisers %d), pairwise precision %.4f, "
          "recall %.4f" % (args.label, s["records"], s["clusters"], s["advertisers"],
                           s["precision"], s["recall"]))
    ok = True
    if args.min_precision is not None and s["precision"] < args.min_precision:
        print("FAIL: precision below %.2f" % args.min_precision)
        ok = False
    if args.min_recall is not None and s["recall"] < args.min_recall:
        print("FAIL: recall below %.2f" % args.min_recall)
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
