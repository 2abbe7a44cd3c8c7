#!/usr/bin/env python3
"""Why did `karta dedupe` merge ads of different advertisers? A diagnostic.

Reads dedupe's output, its --explain file (the links that joined clusters, a
spanning forest) and the practice truth; prints the false-positive pairs by
the reason of the link that crossed advertisers, and the largest impure
clusters with every such crossing link: the two ads, their advertisers, the
reason (shared phone/email/handle, same text, similarity) and, for a shared
identifier, the value they share.

Usage: dedupe_diagnose.py OUTPUT.csv EXPLAIN.csv TRUTH.csv [--top N]

Example (the dedupe accuracy corpus):
  build/karta-practice --seed 7 --ads 20000 --no-sites --out /tmp/c
  python3 tests/dedupe_with_truth_ids.py /tmp/c/corpus.csv /tmp/c/truth.csv --kind ad > /tmp/ads.csv
  build/karta dedupe --explain /tmp/why.csv /tmp/ads.csv > /tmp/out.csv
  python3 tests/dedupe_diagnose.py /tmp/out.csv /tmp/why.csv /tmp/c/truth.csv
"""
import argparse
import collections
import csv


def pairs(n):
    return n * (n - 1) // 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("output")
    ap.add_argument("explain")
    ap.add_argument("truth")
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args()
    csv.field_size_limit(1 << 30)
    with open(args.truth, newline="", encoding="utf-8") as f:
        truth = {r["ad_id"]: r for r in csv.DictReader(f)}
    rows = {}
    members = collections.defaultdict(list)
    with open(args.output, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows[r["ad_id"]] = r
            members[r["cluster"]].append(r["ad_id"])

    def adv(ad):
        return truth[ad]["advertiser_id"]

    def ids(ad):
        r = rows[ad]
        out = set()
        for col in ("phones", "emails", "handles"):
            out |= {v for v in r.get(col, "").split(";") if v}
        return out

    # False pairs per cluster, and the crossing links.
    false_pairs = {}
    for c, ads in members.items():
        per = collections.Counter(adv(a) for a in ads)
        false_pairs[c] = pairs(len(ads)) - sum(pairs(n) for n in per.values())
    crossing = collections.defaultdict(list)
    with open(args.explain, newline="", encoding="utf-8") as f:
        for l in csv.DictReader(f):
            a, b = l["record"], l["joined_to"]
            if a in truth and b in truth and adv(a) != adv(b):
                crossing[l["cluster"]].append(l)

    total_pred = sum(pairs(len(v)) for v in members.values())
    total_false = sum(false_pairs.values())
    print("clusters %d, predicted pairs %d, false pairs %d (precision %.4f)" %
          (len(members), total_pred, total_false, 1 - total_false / total_pred if total_pred else 1))
    # Blame each impure cluster's false pairs on the reasons of its crossing links.
    blame = collections.Counter()
    links_by_reason = collections.Counter()
    for c, ls in crossing.items():
        for l in ls:
            reason = l["reason"].split(" ")[0] if l["reason"].startswith("similarity") else l["reason"]
            links_by_reason[reason] += 1
            blame[reason] += false_pairs[c] / len(ls)
    print("crossing links by reason (false pairs blamed, shared equally within a cluster):")
    for reason, n in links_by_reason.most_common():
        print("  %-16s %5d links  %8.0f false pairs" % (reason, n, blame[reason]))
    worst = sorted((c for c in members if false_pairs[c]), key=lambda c: -false_pairs[c])[:args.top]
    for c in worst:
        ads = members[c]
        per = collections.Counter(adv(a) for a in ads)
        print("\ncluster %s: %d ads, %d advertisers %s, %d false pairs" %
              (c, len(ads), len(per), dict(per.most_common(6)), false_pairs[c]))
        for l in crossing.get(c, []):
            a, b = l["record"], l["joined_to"]
            shared = ids(a) & ids(b) if l["reason"].startswith("shared") else set()
            print("  ad %s (adv %s) ~ ad %s (adv %s): %s%s" %
                  (a, adv(a), b, adv(b), l["reason"], (" " + ";".join(sorted(shared))) if shared else ""))


if __name__ == "__main__":
    main()
