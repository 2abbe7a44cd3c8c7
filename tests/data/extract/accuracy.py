#!/usr/bin/env python3
"""Scores `karta extract` against a practice corpus's ground truth.

usage: accuracy.py --karta KARTA CORPUS_DIR [CORPUS_DIR...]
       [--generate KARTA_PRACTICE --seed S --ads N --work DIR]

For each corpus directory (corpus.csv + truth.csv) it runs
`karta extract --only phones,ages,emails,handles`, joins on ad_id and prints
precision and recall of phones (pairs ad, E.164) and ages (pairs ad, age),
plus emails and handles for information. Exits 1 if phones fall below 0.99
recall or precision, or ages below 0.97 recall or 0.98 precision.
With --generate it first makes a larger corpus with the practice generator.
"""
import argparse
import csv
import io
import os
import subprocess
import sys

TARGETS = {"phones": (0.99, 0.99), "ages": (0.97, 0.98)}  # (recall, precision)


def split(cell):
    return [x for x in (cell or "").split(";") if x]


def score(karta, corpus_dir, show):
    corpus = os.path.join(corpus_dir, "corpus.csv")
    truth_path = os.path.join(corpus_dir, "truth.csv")
    out = subprocess.run([karta, "extract", "--only", "phones,emails,ages,handles", corpus],
                         check=True, capture_output=True).stdout.decode("utf-8")
    got = {r["ad_id"]: r for r in csv.DictReader(io.StringIO(out))}
    with open(truth_path, encoding="utf-8", newline="") as f:
        truth = {r["ad_id"]: r for r in csv.DictReader(f)}
    res = {}
    misses = {k: [] for k in ("phones", "ages", "emails", "handles")}
    for kind, tcol in (("phones", "phones"), ("ages", "age"), ("emails", "emails"),
                       ("handles", "handles")):
        tp = fp = fn = 0
        for ad, t in truth.items():
            want = set(split(t.get(tcol, "")))
            have = set(split(got.get(ad, {}).get(kind, "")))
            tp += len(want & have)
            fp += len(have - want)
            fn += len(want - have)
            if want != have:
                misses[kind].append((ad, sorted(want), sorted(have)))
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        res[kind] = (r, p, tp, fp, fn)
    print(f"{corpus_dir}: {len(truth)} ads")
    for kind, (r, p, tp, fp, fn) in res.items():
        target = TARGETS.get(kind)
        note = f"   (target recall >= {target[0]}, precision >= {target[1]})" if target else ""
        print(f"  {kind:8s} recall {r:.4f}  precision {p:.4f}  (tp {tp}, fp {fp}, fn {fn}){note}")
    if show:
        texts = {}
        with open(corpus, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                texts[row["ad_id"]] = (row.get("title", "") + " | " + row.get("text", ""))
        for kind, ms in misses.items():
            for ad, want, have in ms[:show]:
                print(f"  MISS {kind} {ad}: want {want} got {have}\n      {texts.get(ad, '')[:400]}")
    ok = True
    for kind, (rt, pt) in TARGETS.items():
        r, p = res[kind][0], res[kind][1]
        if r < rt or p < pt:
            print(f"  FAIL: {kind} below target")
            ok = False
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--karta", required=True)
    ap.add_argument("--generate")
    ap.add_argument("--seed", default="7")
    ap.add_argument("--ads", default="3000")
    ap.add_argument("--work")
    ap.add_argument("--show", type=int, default=0, help="print N misses per kind")
    ap.add_argument("dirs", nargs="*")
    a = ap.parse_args()
    dirs = list(a.dirs)
    if a.generate:
        if not os.path.exists(a.generate):
            print(f"skipping the generated corpus: no {a.generate}")
        else:
            work = a.work or "."
            subprocess.run([a.generate, "--seed", a.seed, "--ads", a.ads, "--out", work],
                           check=True, stdout=subprocess.DEVNULL)
            dirs.append(work)
    ok = True
    for d in dirs:
        if not os.path.exists(os.path.join(d, "truth.csv")):
            print(f"skipping {d}: no truth.csv")
            continue
        ok = score(a.karta, d, a.show) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
