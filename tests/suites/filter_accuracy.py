#!/usr/bin/env python3
"""Precision and recall of the shipped rules (queries/rules/) on the practice
corpus, against its ground truth (truth.csv).

  ad          'ad and not clinic and not classified' vs truth kind == ad
  young_age   'young_age and not classified' vs truth age 18-20
  UNDER_18    must not hit: every stated age in the corpus is 18 or more
  stockholm   vs truth in_region == 1
  phone       vs truth phones not empty
  email       vs truth emails not empty
  handle      vs truth handles not empty

Prints a table (Markdown with --markdown) and fails if a figure is below its
floor. Usage: filter_accuracy.py --karta BIN [--corpus DIR]... [--markdown]
"""
import argparse
import csv
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULES = ["ads", "young", "contact", "stockholm"]

# (name, floor precision, floor recall)
FLOORS = {
    "ad": (0.90, 0.90),
    "young_age": (0.80, 0.80),
    "stockholm": (0.90, 0.85),
    "phone": (0.95, 0.90),
    "email": (0.95, 0.90),
    "handle": (0.80, 0.80),
}


def annotate(karta, corpus):
    cmd = [karta, "filter", "--annotate"]
    for r in RULES:
        cmd += ["--rules", os.path.join(ROOT, "queries", "rules", r + ".rules")]
    cmd.append(os.path.join(corpus, "corpus.csv"))
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if p.returncode != 0:
        sys.exit("karta filter failed: " + p.stderr.decode())
    rows = csv.DictReader(p.stdout.decode("utf-8").splitlines(keepends=True))
    return {r["ad_id"]: set(filter(None, r["matched"].split(";"))) for r in rows}


def score(pred, truth):
    tp = sum(1 for k in truth if truth[k] and pred[k])
    fp = sum(1 for k in truth if not truth[k] and pred[k])
    fn = sum(1 for k in truth if truth[k] and not pred[k])
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, tp, fp, fn


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--karta", required=True)
    ap.add_argument("--corpus", action="append")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--show", help="print the misses and false hits of this measure")
    args = ap.parse_args()
    corpora = args.corpus or [os.path.join(ROOT, "examples", "practice-site", "small")]
    hits, truth = {}, {}
    for c in corpora:
        if not os.path.exists(os.path.join(c, "truth.csv")):
            print(f"no practice corpus at {c}: skipped")
            return 0
        h = annotate(args.karta, c)
        with open(os.path.join(c, "truth.csv"), encoding="utf-8") as f:
            for row in csv.DictReader(f):
                key = c + "/" + row["ad_id"]
                truth[key] = row
                hits[key] = h.get(row["ad_id"], set())
    def age(row):
        try:
            return int(row["age"])
        except ValueError:
            return None
    measures = {
        "ad": (lambda m: "ad" in m and "clinic" not in m and "classified" not in m,
               lambda t: t["kind"] == "ad"),
        "young_age": (lambda m: "young_age" in m and "classified" not in m, lambda t: age(t) is not None and 18 <= age(t) <= 20),
        "UNDER_18": (lambda m: "UNDER_18" in m, lambda t: age(t) is not None and age(t) < 18),
        "stockholm": (lambda m: "stockholm" in m, lambda t: t["in_region"] == "1"),
        "phone": (lambda m: "phone" in m, lambda t: t["phones"] != ""),
        "email": (lambda m: "email" in m, lambda t: t["emails"] != ""),
        "handle": (lambda m: "handle" in m, lambda t: t["handles"] != ""),
    }
    failed = False
    rows = []
    for name, (pf, tf) in measures.items():
        pred = {k: pf(hits[k]) for k in truth}
        tru = {k: tf(truth[k]) for k in truth}
        p, r, tp, fp, fn = score(pred, tru)
        floor = FLOORS.get(name)
        ok = True
        if floor and (p < floor[0] or r < floor[1]):
            ok = False
        if name == "UNDER_18" and fp > 0:
            ok = False
        failed |= not ok
        rows.append((name, p, r, tp, fp, fn, floor, ok))
        if args.show == name:
            for k in sorted(truth):
                if pred[k] != tru[k]:
                    print(("MISS " if tru[k] else "FALSE ") + k, truth[k].get("kind"),
                          truth[k].get("age"), ";".join(sorted(hits[k])), file=sys.stderr)
    n = len(truth)
    if args.markdown:
        print(f"| rule | precision | recall | true hits | false hits | misses |")
        print("|---|---|---|---|---|---|")
        for name, p, r, tp, fp, fn, floor, ok in rows:
            print(f"| {name} | {p:.3f} | {r:.3f} | {tp} | {fp} | {fn} |")
        print(f"\n({n} ads)")
    else:
        print(f"{n} ads in {', '.join(corpora)}")
        print(f"{'measure':12} {'precision':>9} {'recall':>7} {'tp':>6} {'fp':>6} {'fn':>6}  floor")
        for name, p, r, tp, fp, fn, floor, ok in rows:
            fl = f"{floor[0]:.2f}/{floor[1]:.2f}" if floor else ("no hits" if name == "UNDER_18" else "-")
            print(f"{name:12} {p:9.3f} {r:7.3f} {tp:6} {fp:6} {fn:6}  {fl}{'' if ok else '  BELOW FLOOR'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
